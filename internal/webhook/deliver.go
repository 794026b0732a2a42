package webhook

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/domain"
)

// Status is where a delivery stands.
type Status string

const (
	// StatusPending: not attempted yet (or replayed).
	StatusPending Status = "PENDING"
	// StatusRetrying: attempted, failed, to be attempted again at
	// nextAttemptAt.
	StatusRetrying Status = "RETRYING"
	// StatusDelivered: the endpoint answered 2xx.
	StatusDelivered Status = "DELIVERED"
	// StatusFailed: no 2xx within RetryFor (or MaxAttempts), or the
	// subscription was deleted.
	StatusFailed Status = "FAILED"
)

var statuses = []Status{StatusPending, StatusRetrying, StatusDelivered, StatusFailed}

// maxAttemptsKept bounds the attempts a delivery document keeps (the last
// ones).
const maxAttemptsKept = 100

// Attempt is one try at sending a delivery.
type Attempt struct {
	At time.Time `bson:"at" json:"at"`
	// StatusCode is the HTTP status answered, 0 if there was no answer.
	StatusCode int `bson:"statusCode,omitempty" json:"statusCode,omitempty"`
	// Error says why the attempt failed; empty if it succeeded.
	Error      string `bson:"error,omitempty" json:"error,omitempty"`
	DurationMs int64  `bson:"durationMs" json:"durationMs"`
}

// Delivery is one event for one subscription: the exact body sent and
// every attempt to send it.
type Delivery struct {
	// ID is the delivery id: HeaderID and the body's "id", the same on
	// every attempt and replay.
	ID             string `bson:"_id" json:"id"`
	SubscriptionID string `bson:"subscriptionId" json:"subscriptionId"`
	EventSeq       int64  `bson:"eventSeq" json:"eventSeq"`
	EntityKind     string `bson:"entityKind" json:"entityKind"`
	EntityID       string `bson:"entityId" json:"entityId"`
	Operation      string `bson:"operation" json:"operation"`
	// Payload is the JSON body, byte for byte as sent.
	Payload  []byte    `bson:"payload" json:"payload"`
	Status   Status    `bson:"status" json:"status"`
	Attempts []Attempt `bson:"attempts" json:"attempts"`
	// Tries counts the attempts since the delivery was created or last
	// replayed (backoff and MaxAttempts count these).
	Tries         int       `bson:"tries" json:"tries"`
	NextAttemptAt time.Time `bson:"nextAttemptAt,omitempty" json:"nextAttemptAt,omitzero"`
	CreatedAt     time.Time `bson:"createdAt" json:"createdAt"`
	// RetryFrom starts the RetryFor window: CreatedAt, or the last replay.
	RetryFrom   time.Time  `bson:"retryFrom" json:"retryFrom"`
	DeliveredAt *time.Time `bson:"deliveredAt,omitempty" json:"deliveredAt,omitempty"`
	// LastError is the last failed attempt's error (or why it FAILED).
	LastError string `bson:"lastError,omitempty" json:"lastError,omitempty"`
}

// DeliveryFilter narrows the delivery log; empty fields match everything.
type DeliveryFilter struct {
	SubscriptionID string
	Status         Status
}

// Limits on Deliveries' limit.
const (
	DefaultDeliveriesLimit = 50
	MaxDeliveriesLimit     = 500
)

// Deliveries returns the delivery log, newest first.
func (s *Service) Deliveries(ctx context.Context, f DeliveryFilter, limit int) ([]Delivery, error) {
	if f.Status != "" && !slices.Contains(statuses, f.Status) {
		return nil, domain.Invalid("filter", []domain.FieldError{{Field: "status", Reason: domain.ReasonUnknownValue,
			Message: fmt.Sprintf("%q is not a delivery status; use PENDING, RETRYING, DELIVERED or FAILED", f.Status)}})
	}
	if limit <= 0 {
		limit = DefaultDeliveriesLimit
	}
	limit = min(limit, MaxDeliveriesLimit)
	filter := bson.D{}
	if f.SubscriptionID != "" {
		filter = append(filter, bson.E{Key: "subscriptionId", Value: f.SubscriptionID})
	}
	if f.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: f.Status})
	}
	cur, err := s.deliveries.Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "eventSeq", Value: -1}, {Key: "_id", Value: 1}}).
		SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("webhook: read deliveries: %w", err)
	}
	out := []Delivery{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("webhook: read deliveries: %w", err)
	}
	return out, nil
}

// Replay sends a delivery again, with the same id and body: it becomes
// PENDING now, keeps its attempts and gets a new RetryFor window. The
// subscription must exist and be active.
func (s *Service) Replay(ctx context.Context, deliveryID string) (Delivery, error) {
	var d Delivery
	err := s.deliveries.FindOne(ctx, bson.D{{Key: "_id", Value: deliveryID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Delivery{}, domain.Errorf(domain.CodeNotFound, "there is no webhook delivery %q", deliveryID)
	}
	if err != nil {
		return Delivery{}, fmt.Errorf("webhook: read delivery: %w", err)
	}
	sub, err := s.Get(ctx, d.SubscriptionID)
	if domain.CodeOf(err) == domain.CodeNotFound {
		return Delivery{}, domain.Errorf(domain.CodeConflict, "delivery %q cannot be replayed: its subscription was deleted", deliveryID)
	}
	if err != nil {
		return Delivery{}, err
	}
	if !sub.Active {
		return Delivery{}, domain.Errorf(domain.CodeConflict, "delivery %q cannot be replayed: subscription %q is inactive; activate it first", deliveryID, sub.ID)
	}
	now := s.now()
	d = Delivery{} // decoding fills only the fields present
	err = s.deliveries.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: deliveryID}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: StatusPending}, {Key: "nextAttemptAt", Value: now},
				{Key: "retryFrom", Value: now}, {Key: "tries", Value: 0}}},
			{Key: "$unset", Value: bson.D{{Key: "deliveredAt", Value: ""}, {Key: "lastError", Value: ""}}},
		},
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if err != nil {
		return Delivery{}, fmt.Errorf("webhook: replay delivery: %w", err)
	}
	s.wake(d.SubscriptionID)
	return d, nil
}

// Cursor returns the Seq of the last change event enqueued (0 if none).
func (s *Service) Cursor(ctx context.Context) (int64, error) {
	var doc struct {
		Seq int64 `bson:"seq"`
	}
	err := s.state.FindOne(ctx, bson.D{{Key: "_id", Value: "cursor"}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("webhook: read the cursor: %w", err)
	}
	return doc.Seq, nil
}

func (s *Service) saveCursor(ctx context.Context, seq int64) error {
	_, err := s.state.UpdateOne(ctx, bson.D{{Key: "_id", Value: "cursor"}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "seq", Value: seq}}}},
		options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("webhook: save the cursor: %w", err)
	}
	return nil
}

// Run delivers until ctx is done: it follows the change events from the
// stored cursor, queues a delivery for each matching active subscription,
// and runs one worker per active subscription. Database errors are logged
// and retried. It returns nil when ctx is done (an error only if Run is
// already running). Run one at a time, in one process per database.
func (s *Service) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("webhook: Run is already running")
	}
	defer s.running.Store(false)
	// Nothing is queued before the unique index exists: it is what makes
	// queueing idempotent.
	for wait := s.opts.PollInterval; ; wait = min(2*wait, time.Minute) {
		err := s.EnsureIndexes(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		s.log.Error("webhook indexes", "err", err)
		if !pause(ctx, wait) {
			return nil
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { s.follow(ctx) })
	s.supervise(ctx)
	wg.Wait()
	return nil
}

// pause waits for d or ctx; it reports whether ctx is still live.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// follow queues deliveries for the change events after the cursor, and
// subscribes again if the source closes its channel.
func (s *Service) follow(ctx context.Context) {
	backoff := s.opts.PollInterval
	var last int64
	for {
		var err error
		if last, err = s.Cursor(ctx); err == nil {
			break
		}
		s.log.Error("read the webhook cursor", "err", err)
		if !pause(ctx, backoff) {
			return
		}
	}
	for ctx.Err() == nil {
		for rec := range s.src.Subscribe(ctx, last) {
			if rec.Seq <= last {
				continue
			}
			retry := s.opts.PollInterval
			for {
				err := s.enqueue(ctx, &rec)
				if err == nil {
					err = s.saveCursor(ctx, rec.Seq)
				}
				if err == nil {
					break
				}
				if ctx.Err() != nil {
					return
				}
				s.log.Error("queue webhook deliveries", "seq", rec.Seq, "err", err)
				if !pause(ctx, retry) {
					return
				}
				retry = min(2*retry, time.Minute)
			}
			last = rec.Seq
		}
		// The source closed while ctx is live: subscribe again after last.
		if !pause(ctx, backoff) {
			return
		}
	}
}

// activeSubscriptions is the enqueuer's view, read again when changed.
func (s *Service) activeSubscriptions(ctx context.Context) ([]stored, error) {
	s.mu.Lock()
	dirty, subs := s.dirty || time.Since(s.loadedAt) > 30*s.opts.PollInterval, s.active
	s.dirty = false
	s.mu.Unlock()
	if !dirty {
		return subs, nil
	}
	subs, err := s.loadActive(ctx)
	if err != nil {
		s.mu.Lock()
		s.dirty = true
		s.mu.Unlock()
		return nil, err
	}
	s.mu.Lock()
	s.active, s.loadedAt = subs, time.Now()
	s.mu.Unlock()
	return subs, nil
}

// enqueue inserts the deliveries of rec, idempotently.
func (s *Service) enqueue(ctx context.Context, rec *domain.AuditRecord) error {
	subs, err := s.activeSubscriptions(ctx)
	if err != nil {
		return err
	}
	var docs []any
	var woken []string
	now := s.now()
	for i := range subs {
		if !subs[i].matches(rec) {
			continue
		}
		id := newID()
		body, err := payload(id, rec)
		if err != nil {
			return fmt.Errorf("webhook: encode event %d: %w", rec.Seq, err)
		}
		docs = append(docs, Delivery{
			ID: id, SubscriptionID: subs[i].ID, EventSeq: rec.Seq,
			EntityKind: rec.EntityKind, EntityID: rec.EntityID, Operation: rec.Operation,
			Payload: body, Status: StatusPending, Attempts: []Attempt{},
			NextAttemptAt: now, CreatedAt: now, RetryFrom: now,
		})
		woken = append(woken, subs[i].ID)
	}
	if len(docs) == 0 {
		return nil
	}
	_, err = s.deliveries.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil && !onlyDuplicates(err) {
		return fmt.Errorf("webhook: insert deliveries of event %d: %w", rec.Seq, err)
	}
	for _, id := range woken {
		s.wake(id)
	}
	return nil
}

// onlyDuplicates reports whether every error of a bulk insert is a
// duplicate key: those deliveries were queued before.
func onlyDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return false
		}
	}
	return true
}

// worker delivers one subscription's deliveries.
type worker struct {
	sub    stored
	wake   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// wake tells a subscription's worker that work may be due.
func (s *Service) wake(subID string) {
	s.mu.Lock()
	w := s.workers[subID]
	s.mu.Unlock()
	if w == nil {
		return
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// purgeEvery is how often old DELIVERED and FAILED deliveries are removed.
const purgeEvery = time.Hour

// supervise keeps one worker per active subscription until ctx is done,
// and purges old deliveries.
func (s *Service) supervise(ctx context.Context) {
	tick := time.NewTicker(s.opts.PollInterval)
	defer tick.Stop()
	var lastPurge time.Time
	for {
		s.syncWorkers(ctx)
		if time.Since(lastPurge) >= purgeEvery {
			lastPurge = time.Now()
			s.purge(ctx)
		}
		select {
		case <-ctx.Done():
			s.mu.Lock()
			ws := s.workers
			s.workers = map[string]*worker{}
			s.mu.Unlock()
			for _, w := range ws {
				w.cancel()
			}
			for _, w := range ws {
				<-w.done
			}
			return
		case <-tick.C:
		case <-s.changed:
		}
	}
}

// syncWorkers starts a worker for each active subscription without one and
// stops those whose subscription is gone or inactive.
func (s *Service) syncWorkers(ctx context.Context) {
	subs, err := s.loadActive(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("read webhook subscriptions", "err", err)
		}
		return
	}
	want := map[string]stored{}
	for _, sub := range subs {
		want[sub.ID] = sub
	}
	var stopped []*worker
	s.mu.Lock()
	for id, w := range s.workers {
		if sub, ok := want[id]; !ok || sub.URL != w.sub.URL || sub.Secret != w.sub.Secret {
			w.cancel()
			stopped = append(stopped, w)
			delete(s.workers, id)
		}
	}
	for id, sub := range want {
		if _, ok := s.workers[id]; ok {
			continue
		}
		wctx, cancel := context.WithCancel(ctx)
		w := &worker{sub: sub, wake: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
		s.workers[id] = w
		go func() {
			defer close(w.done)
			s.work(wctx, w)
		}()
	}
	s.mu.Unlock()
	for _, w := range stopped {
		<-w.done
	}
}

// purge removes settled deliveries older than Retention.
func (s *Service) purge(ctx context.Context) {
	_, err := s.deliveries.DeleteMany(ctx, bson.D{
		{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{StatusDelivered, StatusFailed}}}},
		{Key: "createdAt", Value: bson.D{{Key: "$lt", Value: s.now().Add(-s.opts.Retention)}}},
	})
	if err != nil && ctx.Err() == nil {
		s.log.Error("purge old webhook deliveries", "err", err)
	}
}

// passBatch is how many waiting deliveries a worker reads at once.
const passBatch = 100

// work is a subscription's worker: passes over its due deliveries, then
// waits until the next is due, work arrives, or the idle poll.
func (s *Service) work(ctx context.Context, w *worker) {
	idle := 30 * s.opts.PollInterval
	for {
		wait, err := s.pass(ctx, w)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.log.Error("webhook deliveries", "subscription", w.sub.ID, "err", err)
			wait = s.opts.PollInterval
		}
		wait = min(max(wait, 0), idle)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// pass sends the subscription's due deliveries in event order. It stops at
// the first failed attempt (the rest wait for the next pass, after
// PollInterval) so a dead endpoint is not hammered. It returns how long to
// wait before the next pass.
func (s *Service) pass(ctx context.Context, w *worker) (time.Duration, error) {
	cur, err := s.deliveries.Find(ctx, bson.D{
		{Key: "subscriptionId", Value: w.sub.ID},
		{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{StatusPending, StatusRetrying}}}},
	}, options.Find().SetSort(bson.D{{Key: "nextAttemptAt", Value: 1}, {Key: "eventSeq", Value: 1}}).SetLimit(passBatch))
	if err != nil {
		return 0, fmt.Errorf("read due deliveries: %w", err)
	}
	var waiting []Delivery
	if err := cur.All(ctx, &waiting); err != nil {
		return 0, fmt.Errorf("read due deliveries: %w", err)
	}
	now := s.now()
	var due []Delivery
	next := time.Duration(-1)
	for _, d := range waiting {
		if !d.NextAttemptAt.After(now) {
			due = append(due, d)
		} else if wait := d.NextAttemptAt.Sub(now); next < 0 || wait < next {
			next = wait
		}
	}
	slices.SortFunc(due, func(a, b Delivery) int { return cmp.Compare(a.EventSeq, b.EventSeq) })
	for i := range due {
		if !s.attempt(ctx, w.sub, &due[i]) {
			return s.opts.PollInterval, nil
		}
	}
	switch {
	case len(waiting) == passBatch && len(due) > 0:
		return 0, nil // there may be more due now
	case next >= 0:
		return next, nil
	}
	return 30 * s.opts.PollInterval, nil
}

// attempt sends d once and records the outcome; it reports success. If ctx
// ends during the attempt, nothing is recorded: the delivery stays due and
// is sent again, with the same id.
func (s *Service) attempt(ctx context.Context, sub stored, d *Delivery) bool {
	start := time.Now()
	code, sendErr := s.send(ctx, sub, d)
	if sendErr != nil && ctx.Err() != nil {
		return false // stopped, not failed: not recorded, sent again later
	}
	now := s.now()
	att := Attempt{At: now, StatusCode: code, DurationMs: time.Since(start).Milliseconds()}
	set := bson.D{}
	unset := bson.D{}
	if sendErr == nil {
		set = append(set, bson.E{Key: "status", Value: StatusDelivered}, bson.E{Key: "deliveredAt", Value: now})
		unset = append(unset, bson.E{Key: "nextAttemptAt", Value: ""}, bson.E{Key: "lastError", Value: ""})
	} else {
		att.Error = sendErr.Error()
		tries := d.Tries + 1
		deadline := d.RetryFrom.Add(s.opts.RetryFor)
		set = append(set, bson.E{Key: "lastError", Value: att.Error})
		if !now.Before(deadline) || (s.opts.MaxAttempts > 0 && tries >= s.opts.MaxAttempts) {
			set = append(set, bson.E{Key: "status", Value: StatusFailed})
			unset = append(unset, bson.E{Key: "nextAttemptAt", Value: ""})
		} else {
			next := now.Add(s.backoff(tries))
			if next.After(deadline) {
				next = deadline // one last attempt when the window closes
			}
			set = append(set, bson.E{Key: "status", Value: StatusRetrying}, bson.E{Key: "nextAttemptAt", Value: next})
		}
	}
	update := bson.D{
		{Key: "$set", Value: set},
		{Key: "$inc", Value: bson.D{{Key: "tries", Value: 1}}},
		{Key: "$push", Value: bson.D{{Key: "attempts", Value: bson.D{
			{Key: "$each", Value: bson.A{att}}, {Key: "$slice", Value: -maxAttemptsKept}}}}},
	}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	// Recorded even if the worker is being stopped, so that a 2xx is not
	// sent again needlessly.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := s.deliveries.UpdateOne(rctx, bson.D{{Key: "_id", Value: d.ID}}, update); err != nil {
		s.log.Error("record a webhook attempt", "delivery", d.ID, "err", err)
		return false
	}
	if sendErr != nil {
		s.log.Debug("webhook attempt failed", "subscription", sub.ID, "delivery", d.ID, "err", sendErr)
	}
	return sendErr == nil
}

// backoff is the wait after the n-th failed try: full jitter over
// min(MaxBackoff, BaseBackoff·2^(n-1)).
func (s *Service) backoff(n int) time.Duration {
	ceiling := s.opts.MaxBackoff
	if shift := n - 1; shift < 62 {
		if b := s.opts.BaseBackoff << shift; b > 0 && b < ceiling && b>>shift == s.opts.BaseBackoff {
			ceiling = b
		}
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// send POSTs d to sub once. It returns the status code answered (0 if
// none) and an error unless the answer was 2xx.
func (s *Service) send(ctx context.Context, sub stored, d *Delivery) (int, error) {
	actx, cancel := context.WithTimeout(ctx, s.opts.AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, sub.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return 0, fmt.Errorf("bad url: %w", err)
	}
	ts := s.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sanfang-webhooks/1")
	req.Header.Set(HeaderID, d.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(sub.Secret, ts, d.Payload))
	resp, err := s.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return 0, fmt.Errorf("timeout: no answer within %s", s.opts.AttemptTimeout)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			return 0, ue.Err // without the "Post <url>:" prefix
		}
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return code, nil
	case code >= 300 && code < 400:
		return code, fmt.Errorf("HTTP %d: redirects are not followed (Location %q)", code, resp.Header.Get("Location"))
	default:
		return code, fmt.Errorf("HTTP %d %s", code, http.StatusText(code))
	}
}
