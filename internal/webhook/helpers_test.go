package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/domain"
	"sanfang/internal/storetest"
)

var (
	server *storetest.Server
	client *mongo.Client
	dbSeq  atomic.Int64
)

func TestMain(m *testing.M) {
	var err error
	if server, err = storetest.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if client, err = mongo.Connect(options.Client().ApplyURI(server.URI())); err != nil {
		fmt.Fprintln(os.Stderr, err)
		server.Stop()
		os.Exit(1)
	}
	code := m.Run()
	_ = client.Disconnect(context.Background())
	server.Stop()
	os.Exit(code)
}

// freshDB returns an empty database of its own.
func freshDB(t *testing.T) *mongo.Database {
	t.Helper()
	return client.Database(fmt.Sprintf("webhook_t%d", dbSeq.Add(1)))
}

// guard bounds every wait: a failure guard, far above any delivery time,
// so that a lost delivery fails the test rather than hanging it.
const guard = 15 * time.Second

// waitFor polls cond until it holds, or fails the test after the guard.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting (%v) for %s", guard, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testOptions are development-mode options with small backoffs.
func testOptions() Options {
	return Options{AllowInsecure: true, BaseBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		PollInterval: 20 * time.Millisecond, AttemptTimeout: 2 * time.Second, Logger: quiet}
}

// fakeSource is an events.Source over an in-memory log.
type fakeSource struct {
	mu      sync.Mutex
	recs    []domain.AuditRecord
	changed chan struct{}
	afters  []int64
}

func newSource() *fakeSource { return &fakeSource{changed: make(chan struct{})} }

// add appends records, numbering them from the log's end; it returns their
// seqs.
func (f *fakeSource) add(recs ...domain.AuditRecord) []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var seqs []int64
	for _, r := range recs {
		r.Seq = int64(len(f.recs) + 1)
		if r.At.IsZero() {
			r.At = time.Now().UTC()
		}
		f.recs = append(f.recs, r)
		seqs = append(seqs, r.Seq)
	}
	close(f.changed)
	f.changed = make(chan struct{})
	return seqs
}

// lastAfter is the after of the latest Subscribe.
func (f *fakeSource) lastAfter() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.afters) == 0 {
		return -1
	}
	return f.afters[len(f.afters)-1]
}

func (f *fakeSource) Subscribe(ctx context.Context, after int64) <-chan domain.AuditRecord {
	f.mu.Lock()
	f.afters = append(f.afters, after)
	f.mu.Unlock()
	out := make(chan domain.AuditRecord)
	go func() {
		defer close(out)
		last := after
		for {
			f.mu.Lock()
			var todo []domain.AuditRecord
			for _, r := range f.recs {
				if r.Seq > last {
					todo = append(todo, r)
				}
			}
			changed := f.changed
			f.mu.Unlock()
			for _, r := range todo {
				select {
				case out <- r:
					last = r.Seq
				case <-ctx.Done():
					return
				}
			}
			if len(todo) == 0 {
				select {
				case <-changed:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

// change is an accepted change event of a record.
func change(kind, id string, mods ...func(*domain.AuditRecord)) domain.AuditRecord {
	r := domain.AuditRecord{
		ID: "audit-" + kind + "-" + id, Actor: domain.Actor{CredentialID: "key-1", Kind: "APIKey", Name: "tester", Role: "ADMIN"},
		Operation: "update" + kind, Outcome: domain.OutcomeAccepted, EntityKind: kind, EntityID: id, Version: 2,
		Changes: []domain.FieldChange{{Field: "name", Before: "a", After: "b"}},
	}
	for _, m := range mods {
		m(&r)
	}
	return r
}

// request is what a receiver saw.
type request struct {
	id, timestamp, signature string
	body                     []byte
	status                   int
	verifyErr                error
	payload                  Payload
}

// receiver is a test endpoint. respond decides each answer from the
// 1-based number of the request; it may block.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	requests []request
	respond  func(n int, r *http.Request) int
}

func newReceiver(t *testing.T, respond func(n int, r *http.Request) int) *receiver {
	rc := &receiver{respond: respond}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		n := len(rc.requests) + 1
		req := request{id: r.Header.Get(HeaderID), timestamp: r.Header.Get(HeaderTimestamp),
			signature: r.Header.Get(HeaderSignature), body: body}
		if r.Header.Get("Content-Type") != "application/json" {
			req.verifyErr = fmt.Errorf("content type %q", r.Header.Get("Content-Type"))
		} else if rc.secret != "" {
			req.verifyErr = Verify(rc.secret, req.timestamp, body, req.signature, time.Now(), time.Minute)
		}
		if err := json.Unmarshal(body, &req.payload); err != nil && req.verifyErr == nil {
			req.verifyErr = err
		}
		rc.requests = append(rc.requests, req)
		rc.mu.Unlock()
		status := http.StatusOK
		if respond != nil {
			status = respond(n, r)
		}
		rc.mu.Lock()
		rc.requests[n-1].status = status
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) setSecret(s string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.secret = s
}

func (rc *receiver) all() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]request(nil), rc.requests...)
}

// acked returns the 2xx-acknowledged requests' count by delivery id.
func (rc *receiver) acked() map[string]int {
	out := map[string]int{}
	for _, r := range rc.all() {
		if r.status >= 200 && r.status < 300 {
			out[r.id]++
		}
	}
	return out
}

// run runs svc until the test ends or stop is called.
func run(t *testing.T, svc *Service) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// create registers a subscription or fails the test.
func create(t *testing.T, svc *Service, spec Spec) (Subscription, string) {
	t.Helper()
	if spec.Name == "" {
		spec.Name = "test endpoint"
	}
	sub, secret, err := svc.Create(context.Background(), spec)
	if err != nil {
		t.Fatalf("create %+v: %v", spec, err)
	}
	return sub, secret
}

// deliveries reads a subscription's whole delivery log.
func deliveries(t *testing.T, svc *Service, subID string, status Status) []Delivery {
	t.Helper()
	ds, err := svc.Deliveries(context.Background(), DeliveryFilter{SubscriptionID: subID, Status: status}, MaxDeliveriesLimit)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func cursor(t *testing.T, svc *Service) int64 {
	t.Helper()
	c, err := svc.Cursor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}
