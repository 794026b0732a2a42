// Package webhook sends sanfang's change events to partner systems over
// HTTPS: outbound webhooks.
//
// An administrator registers a subscription (a URL and optional filters on
// the entity kind, enterprise, body and plan); every accepted write after
// that whose change event matches is POSTed to the URL as JSON, signed with
// the subscription's secret (see [Sign] and [Verify], and verify.js for the
// same check in Node). The data lives in the joint database:
//
//	webhooks           the subscriptions, secret included
//	webhookDeliveries  one document per (subscription, event): the exact
//	                   body sent, the status and every attempt
//	webhookState       {_id: "cursor", seq}: the last change event enqueued
//
// # Delivery
//
// [Service.Run] follows the change events ([events.Source]) from the stored
// cursor. For each event it inserts a delivery for every active subscription
// the event matches, then advances the cursor. A unique index on
// (subscriptionId, eventSeq) makes the insert idempotent, so replaying the
// event stream after a crash between the insert and the cursor update adds
// nothing. Each active subscription has its own worker goroutine that POSTs
// its due deliveries one at a time, so a slow or dead endpoint delays only
// its own deliveries; writes never wait for webhooks at all (the events
// source is read independently of writes).
//
// Within a subscription, due deliveries are sent in event order. A failed
// attempt does not hold up later events: the failed delivery is rescheduled
// with exponential backoff and full jitter (a random wait in
// [0, min(MaxBackoff, BaseBackoff·2^(n-1)))), and the worker ends its pass
// and starts the next one after a short pause (PollInterval), which then
// sends the later deliveries that are due. A healthy endpoint therefore
// receives events in order; a flaky one may receive a retried event after
// later ones. Receivers should order by event.seq (global) or event.version
// (per record) and drop duplicates by the delivery id.
//
// Delivery is at least once: a delivery is marked DELIVERED only after a
// 2xx answer is recorded, so if the process dies between the receiver's
// answer and that record, the same delivery (same id, same body, a new
// timestamp and signature) is sent again. Redirects are not followed: a 3xx
// answer is a failed attempt. A delivery that has not succeeded when
// RetryFor has passed since it was created (or replayed) — or after
// MaxAttempts attempts, if set — is FAILED; [Service.Replay] sends it again.
//
// # Secrets
//
// A subscription's signing secret ("whsec_" and 64 hex digits) is returned
// once, by [Service.Create], and never shown again: only its holder and this
// service know it. The service must sign with it, so it cannot be hashed:
// with Options.Secrets (SANFANG_SECRET_KEY) it is stored sealed with
// AES-256-GCM, bound to the subscription's id (package seal), and a copy of
// the joint database does not reveal it. Secrets stored plain (before a key
// was configured) or under a previous key are sealed again under the
// current key when the subscriptions are next read. A secret that does not
// open (its key is not configured) leaves its subscription without
// deliveries, logged, until the key is given back.
//
// # Internal networks
//
// Unless Options.AllowInsecure is set (development), subscription URLs must
// be https:// and may not name, or resolve to, loopback, private, link-local,
// unspecified, multicast, CGNAT or other special-purpose addresses. The same
// check runs again on every connection the default HTTP client dials (a
// net.Dialer Control function sees the address actually dialled), so a DNS
// answer that changes after the subscription was created cannot reach an
// internal network. The client uses no proxy.
package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/events"
	"sanfang/internal/seal"
)

// Collection names in the joint database.
const (
	SubscriptionsCollection = "webhooks"
	DeliveriesCollection    = "webhookDeliveries"
	StateCollection         = "webhookState"
)

// SecretPrefix begins every signing secret.
const SecretPrefix = "whsec_"

// Subscription is a registered webhook endpoint. It never holds the secret.
type Subscription struct {
	ID   string `bson:"_id" json:"id"`
	Name string `bson:"name" json:"name"`
	URL  string `bson:"url" json:"url"`
	// Kinds are the entity kinds sent (auth.Kinds); empty means all.
	Kinds []string `bson:"kinds,omitempty" json:"kinds,omitempty"`
	// EnterpriseID, if set, sends only events whose record concerns this
	// enterprise (the event's enterpriseId, or the enterprise itself).
	EnterpriseID string `bson:"enterpriseId,omitempty" json:"enterpriseId,omitempty"`
	// BodyCode, if set, sends only events whose record this body owns or
	// takes part in (the event's body or bodies).
	BodyCode string `bson:"bodyCode,omitempty" json:"bodyCode,omitempty"`
	// PlanID, if set, sends only events of this plan and what belongs to it
	// (its tasks and their progress updates).
	PlanID string `bson:"planId,omitempty" json:"planId,omitempty"`
	// Active subscriptions receive events; a deactivated one receives none
	// and its pending deliveries wait until it is activated again.
	Active    bool      `bson:"active" json:"active"`
	CreatedAt time.Time `bson:"createdAt" json:"createdAt"`
	CreatedBy string    `bson:"createdBy" json:"createdBy"`
}

// stored is a subscription as the database holds it.
type stored struct {
	Subscription `bson:",inline"`
	Secret       string `bson:"secret"`
}

// Spec is what Create needs to register a subscription.
type Spec struct {
	Name         string
	URL          string
	Kinds        []string
	EnterpriseID string
	BodyCode     string
	PlanID       string
	// CreatedBy names who registered it; empty means the principal in the
	// context (auth.FromContext).
	CreatedBy string
}

// Options tune a Service. Zero values take the defaults.
type Options struct {
	// AllowInsecure is development mode: http:// URLs and loopback or
	// private targets are allowed.
	AllowInsecure bool
	// HTTPClient sends the deliveries (its Timeout, TLS settings, ...).
	// Its CheckRedirect is replaced: no redirect is followed. Unless
	// AllowInsecure, its *http.Transport (or the default one) is cloned to
	// dial through the address guard, with no proxy; a custom RoundTripper
	// of another type is used as it is and must guard itself.
	HTTPClient *http.Client
	// MaxAttempts, if positive, fails a delivery after that many attempts
	// even before RetryFor has passed.
	MaxAttempts int
	// RetryFor bounds how long a delivery is retried after it was created
	// (or replayed); default 24h.
	RetryFor time.Duration
	// BaseBackoff (default 1s) and MaxBackoff (default 10m) shape the
	// backoff between attempts.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// AttemptTimeout bounds one attempt, from dialling to the answer's
	// status line; default 10s.
	AttemptTimeout time.Duration
	// PollInterval is how often the service looks for new or changed
	// subscriptions, and how long a worker pauses after a failed attempt
	// before its next pass; default 1s. An idle worker looks for work every
	// 30 PollIntervals, besides being woken when work arrives.
	PollInterval time.Duration
	// Retention is how long DELIVERED and FAILED deliveries stay in the log
	// (purged hourly; there are no TTL indexes); default 30 days.
	Retention time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives the service's own problems; default slog.Default().
	Logger *slog.Logger
	// Secrets seals the signing secrets at rest; nil stores them plain
	// (development without SANFANG_SECRET_KEY).
	Secrets *seal.Keyring
}

// Defaults.
const (
	DefaultRetryFor       = 24 * time.Hour
	DefaultBaseBackoff    = time.Second
	DefaultMaxBackoff     = 10 * time.Minute
	DefaultAttemptTimeout = 10 * time.Second
	DefaultPollInterval   = time.Second
	DefaultRetention      = 30 * 24 * time.Hour
)

// Service registers subscriptions and delivers change events to them.
type Service struct {
	subs       *mongo.Collection
	deliveries *mongo.Collection
	state      *mongo.Collection
	src        events.Source
	opts       Options
	client     *http.Client
	log        *slog.Logger

	// lookup resolves host names for Create's check.
	lookup func(ctx context.Context, host string) ([]net.IPAddr, error)
	// permitDial, if set, lets the dial guard allow an address it would
	// refuse (tests only).
	permitDial func(address string) bool

	running atomic.Bool
	// changed wakes the supervisor when a subscription changes here.
	changed chan struct{}

	mu sync.Mutex
	// active is the enqueuer's view of the active subscriptions; dirty
	// says it must be read again before the next event (it is also read
	// again every 30 PollIntervals).
	active   []stored
	loadedAt time.Time
	dirty    bool
	workers  map[string]*worker
}

// New makes a service over the joint database db, fed by src. Call Run to
// deliver.
func New(db *mongo.Database, src events.Source, opts Options) *Service {
	if opts.RetryFor <= 0 {
		opts.RetryFor = DefaultRetryFor
	}
	if opts.BaseBackoff <= 0 {
		opts.BaseBackoff = DefaultBaseBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxBackoff < opts.BaseBackoff {
		opts.MaxBackoff = opts.BaseBackoff
	}
	if opts.AttemptTimeout <= 0 {
		opts.AttemptTimeout = DefaultAttemptTimeout
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Service{
		subs:       db.Collection(SubscriptionsCollection),
		deliveries: db.Collection(DeliveriesCollection),
		state:      db.Collection(StateCollection),
		src:        src,
		opts:       opts,
		log:        opts.Logger.With("component", "webhook"),
		lookup:     net.DefaultResolver.LookupIPAddr,
		changed:    make(chan struct{}, 1),
		dirty:      true,
		workers:    map[string]*worker{},
	}
	s.client = s.httpClient(opts.HTTPClient)
	return s
}

func (s *Service) now() time.Time { return s.opts.Now().UTC() }

// EnsureIndexes creates the indexes the service relies on; Run calls it.
// The unique (subscriptionId, eventSeq) index is what makes enqueueing
// idempotent.
func (s *Service) EnsureIndexes(ctx context.Context) error {
	// One index per command: FerretDB 1.24 drops the connection when a
	// createIndexes command names several indexes that already exist.
	for _, m := range []mongo.IndexModel{
		{Keys: bson.D{{Key: "subscriptionId", Value: 1}, {Key: "eventSeq", Value: 1}},
			Options: options.Index().SetUnique(true).SetName("subscription_event_unique")},
		{Keys: bson.D{{Key: "subscriptionId", Value: 1}, {Key: "status", Value: 1}, {Key: "nextAttemptAt", Value: 1}},
			Options: options.Index().SetName("subscription_due")},
		{Keys: bson.D{{Key: "createdAt", Value: -1}}, Options: options.Index().SetName("created_desc")},
	} {
		if _, err := s.deliveries.Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("webhook: create delivery index %v: %w", m.Keys, err)
		}
	}
	return nil
}

// newID returns a random id: 16 bytes, hex.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newSecret returns a signing secret: 32 random bytes, hex, prefixed.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return SecretPrefix + hex.EncodeToString(b[:])
}

// Create validates spec (reporting every problem at once), registers an
// active subscription and returns it with its signing secret. The secret is
// shown this once: keep it.
//
// A subscription receives the events of changes made at or after its
// creation (event.at >= createdAt), never the history before it.
func (s *Service) Create(ctx context.Context, spec Spec) (Subscription, string, error) {
	spec.Name = strings.TrimSpace(spec.Name)
	spec.URL = strings.TrimSpace(spec.URL)
	spec.EnterpriseID = strings.TrimSpace(spec.EnterpriseID)
	spec.BodyCode = strings.TrimSpace(spec.BodyCode)
	spec.PlanID = strings.TrimSpace(spec.PlanID)
	var kinds []string
	for _, k := range spec.Kinds {
		k = strings.TrimSpace(k)
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	spec.Kinds = kinds
	if err := domain.Invalid("input", s.validate(ctx, spec)); err != nil {
		return Subscription{}, "", err
	}
	createdBy := spec.CreatedBy
	if createdBy == "" {
		createdBy = auth.FromContext(ctx).Name
	}
	doc := stored{
		Subscription: Subscription{
			ID: newID(), Name: spec.Name, URL: spec.URL, Kinds: spec.Kinds,
			EnterpriseID: spec.EnterpriseID, BodyCode: spec.BodyCode, PlanID: spec.PlanID,
			Active: true, CreatedAt: s.now().Truncate(time.Millisecond), CreatedBy: createdBy,
		},
	}
	secret := newSecret()
	sealed, err := s.opts.Secrets.Seal(secret, doc.ID)
	if err != nil {
		return Subscription{}, "", fmt.Errorf("webhook: seal the signing secret: %w", err)
	}
	doc.Secret = sealed
	if _, err := s.subs.InsertOne(ctx, doc); err != nil {
		return Subscription{}, "", fmt.Errorf("webhook: store the subscription: %w", err)
	}
	s.subscriptionsChanged()
	return doc.Subscription, secret, nil
}

// validate lists every problem with spec.
func (s *Service) validate(ctx context.Context, spec Spec) []domain.FieldError {
	var ps []domain.FieldError
	add := func(field string, reason domain.FieldProblemReason, format string, args ...any) {
		ps = append(ps, domain.FieldError{Field: field, Reason: reason, Message: fmt.Sprintf(format, args...)})
	}
	switch n := utf8.RuneCountInString(spec.Name); {
	case n == 0:
		add("name", domain.ReasonRequired, "name is required: say whose endpoint this is")
	case n > domain.MaxNameLength:
		add("name", domain.ReasonTooLong, "name has %d characters; at most %d are allowed", n, domain.MaxNameLength)
	}
	if msg := s.checkURL(ctx, spec.URL); msg != "" {
		add("url", domain.ReasonInvalidFormat, "%s", msg)
	}
	if len(spec.Kinds) > len(auth.Kinds) {
		add("kinds", domain.ReasonTooMany, "kinds lists %d kinds; there are only %d", len(spec.Kinds), len(auth.Kinds))
	} else {
		for i, k := range spec.Kinds {
			if !slices.Contains(auth.Kinds, k) {
				add(fmt.Sprintf("kinds[%d]", i), domain.ReasonUnknownValue, "%q is not a kind of record; use one of %s (or none for all)", k, strings.Join(auth.Kinds, ", "))
			}
		}
	}
	if spec.BodyCode != "" && !domain.BodyCode(spec.BodyCode).Valid() {
		codes := make([]string, len(domain.BodyCodes))
		for i, c := range domain.BodyCodes {
			codes[i] = string(c)
		}
		add("bodyCode", domain.ReasonUnknownValue, "%q is not a body code; use one of %s", spec.BodyCode, strings.Join(codes, ", "))
	}
	for _, f := range []struct{ field, v string }{{"enterpriseId", spec.EnterpriseID}, {"planId", spec.PlanID}} {
		if n := utf8.RuneCountInString(f.v); n > domain.MaxIDLength {
			add(f.field, domain.ReasonTooLong, "%s has %d characters; at most %d are allowed", f.field, n, domain.MaxIDLength)
		}
	}
	return ps
}

// subscriptionsChanged makes the enqueuer read the subscriptions again
// before the next event and wakes the supervisor.
func (s *Service) subscriptionsChanged() {
	s.mu.Lock()
	s.dirty = true
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// List returns every subscription, oldest first.
func (s *Service) List(ctx context.Context) ([]Subscription, error) {
	cur, err := s.subs.Find(ctx, bson.D{}, options.Find().
		SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).
		SetProjection(bson.D{{Key: "secret", Value: 0}}))
	if err != nil {
		return nil, fmt.Errorf("webhook: list subscriptions: %w", err)
	}
	out := []Subscription{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("webhook: list subscriptions: %w", err)
	}
	return out, nil
}

// Get returns one subscription, or a NOT_FOUND error.
func (s *Service) Get(ctx context.Context, id string) (Subscription, error) {
	var sub Subscription
	err := s.subs.FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		options.FindOne().SetProjection(bson.D{{Key: "secret", Value: 0}})).Decode(&sub)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Subscription{}, notFound(id)
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("webhook: get subscription: %w", err)
	}
	return sub, nil
}

func notFound(id string) error {
	return domain.Errorf(domain.CodeNotFound, "there is no webhook subscription %q", id)
}

// Deactivate stops a subscription: no new events are queued for it and its
// worker stops (an attempt in flight is abandoned and repeated later).
// Pending deliveries wait, and are sent if it is activated again (those
// past RetryFor are attempted once more, then FAILED).
func (s *Service) Deactivate(ctx context.Context, id string) (Subscription, error) {
	return s.setActive(ctx, id, false)
}

// Activate starts a deactivated subscription again. Events of the time it
// was inactive are not sent.
func (s *Service) Activate(ctx context.Context, id string) (Subscription, error) {
	return s.setActive(ctx, id, true)
}

func (s *Service) setActive(ctx context.Context, id string, active bool) (Subscription, error) {
	var sub Subscription
	err := s.subs.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "active", Value: active}}}},
		// (FerretDB takes no projection here; Subscription has no secret
		// field to decode it into anyway.)
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&sub)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Subscription{}, notFound(id)
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("webhook: update subscription: %w", err)
	}
	s.subscriptionsChanged()
	return sub, nil
}

// Delete removes a subscription and its secret. Its delivery log stays
// (until Retention); deliveries still pending become FAILED.
func (s *Service) Delete(ctx context.Context, id string) error {
	res, err := s.subs.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return fmt.Errorf("webhook: delete subscription: %w", err)
	}
	if res.DeletedCount == 0 {
		return notFound(id)
	}
	s.subscriptionsChanged()
	_, err = s.deliveries.UpdateMany(ctx,
		bson.D{{Key: "subscriptionId", Value: id}, {Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{StatusPending, StatusRetrying}}}}},
		bson.D{
			{Key: "$set", Value: bson.D{{Key: "status", Value: StatusFailed}, {Key: "lastError", Value: "subscription deleted"}}},
			{Key: "$unset", Value: bson.D{{Key: "nextAttemptAt", Value: ""}}},
		})
	if err != nil {
		return fmt.Errorf("webhook: fail the deleted subscription's pending deliveries: %w", err)
	}
	return nil
}

// loadActive reads the active subscriptions, secrets included.
func (s *Service) loadActive(ctx context.Context) ([]stored, error) {
	cur, err := s.subs.Find(ctx, bson.D{{Key: "active", Value: true}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("webhook: read subscriptions: %w", err)
	}
	var all []stored
	if err := cur.All(ctx, &all); err != nil {
		return nil, fmt.Errorf("webhook: read subscriptions: %w", err)
	}
	out := all[:0]
	for _, doc := range all {
		plain, stale, err := s.opts.Secrets.Open(doc.Secret, doc.ID)
		if err != nil {
			s.log.ErrorContext(ctx, "a webhook signing secret does not open; the subscription gets no deliveries until its key is configured (SANFANG_OLD_SECRET_KEYS)",
				"subscription", doc.ID, "err", err)
			continue
		}
		if stale {
			s.sealAgain(ctx, doc.ID, doc.Secret, plain)
		}
		doc.Secret = plain
		out = append(out, doc)
	}
	return out, nil
}

// sealAgain stores plain sealed under the current key in place of old (a
// plain value or one sealed under a previous key), unless the stored value
// changed meanwhile. A failure is logged: the old value still opens.
func (s *Service) sealAgain(ctx context.Context, id, old, plain string) {
	sealed, err := s.opts.Secrets.Seal(plain, id)
	if err == nil {
		_, err = s.subs.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "secret", Value: old}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "secret", Value: sealed}}}})
	}
	if err != nil {
		s.log.WarnContext(ctx, "could not seal a webhook signing secret under the current key", "subscription", id, "err", err)
	}
}

// matches tells whether sub wants rec.
func (sub *Subscription) matches(rec *domain.AuditRecord) bool {
	if !sub.Active || rec.At.Before(sub.CreatedAt) {
		return false
	}
	if len(sub.Kinds) > 0 && !slices.Contains(sub.Kinds, rec.EntityKind) {
		return false
	}
	if sub.EnterpriseID != "" && rec.EnterpriseID != sub.EnterpriseID &&
		(rec.EntityKind != auth.KindEnterprise || rec.EntityID != sub.EnterpriseID) {
		return false
	}
	if sub.BodyCode != "" && string(rec.Body) != sub.BodyCode && !slices.Contains(rec.Bodies, domain.BodyCode(sub.BodyCode)) {
		return false
	}
	if sub.PlanID != "" && rec.PlanID != sub.PlanID &&
		(rec.EntityKind != auth.KindPlan || rec.EntityID != sub.PlanID) {
		return false
	}
	return true
}
