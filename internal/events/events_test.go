package events_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/events"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/storetest"
	"sanfang/internal/write"
)

var db *storetest.Server

func TestMain(m *testing.M) { storetest.Main(m, &db) }

// guard bounds every wait for an event: a failure guard only, far above
// any delivery time, so that a lost event fails the test rather than
// hanging it.
const guard = 10 * time.Second

func record(id string, outcome domain.Outcome, version int) *domain.AuditRecord {
	return &domain.AuditRecord{ID: id, At: time.Now().UTC(), Operation: "updateTask", Outcome: outcome,
		EntityKind: "Task", EntityID: "task-x", Version: version}
}

func appendAll(t *testing.T, st *store.Store, recs ...*domain.AuditRecord) {
	t.Helper()
	for _, r := range recs {
		if err := st.AppendAudit(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

// next receives one event or fails after the guard.
func next(t *testing.T, ch <-chan domain.AuditRecord) domain.AuditRecord {
	t.Helper()
	select {
	case rec, ok := <-ch:
		if !ok {
			t.Fatal("the subscription closed")
		}
		return rec
	case <-time.After(guard):
		t.Fatalf("no event within %v", guard)
	}
	panic("unreachable")
}

// mixedLog appends accepted changes interleaved with a refused write, a
// refused write that names a version, and an audited read; it returns the
// accepted changes in the order appended.
func mixedLog(t *testing.T, st *store.Store, n int) []*domain.AuditRecord {
	t.Helper()
	var changes []*domain.AuditRecord
	for i := range n {
		change := record(fmt.Sprintf("change-%02d", i), domain.OutcomeAccepted, i+1)
		appendAll(t, st,
			record(fmt.Sprintf("forbidden-%02d", i), domain.OutcomeForbidden, 0),
			change,
			record(fmt.Sprintf("conflict-%02d", i), domain.OutcomeConflict, i+2),
			record(fmt.Sprintf("read-%02d", i), domain.OutcomeAccepted, 0))
		changes = append(changes, change)
	}
	return changes
}

func TestSubscribeFromTheStartDeliversOnlyChangesInOrder(t *testing.T) {
	st := db.Open(t, nil)
	bus := events.NewBus(st)
	changes := mixedLog(t, st, 6)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := bus.Subscribe(ctx, 0)
	for i, want := range changes {
		got := next(t, ch)
		if got.ID != want.ID || got.Seq != want.Seq || got.Version != want.Version {
			t.Fatalf("event %d = %s (seq %d), want %s (seq %d)", i, got.ID, got.Seq, want.ID, want.Seq)
		}
	}
	// Nothing else is waiting: the next event is the next change, not one
	// of the refusals or reads appended before it.
	sentinel := record("sentinel", domain.OutcomeAccepted, 99)
	appendAll(t, st, record("late-forbidden", domain.OutcomeForbidden, 0), record("late-read", domain.OutcomeAccepted, 0), sentinel)
	if got := next(t, ch); got.ID != "sentinel" || got.Seq != sentinel.Seq {
		t.Fatalf("after the catch-up got %s (seq %d), want the sentinel (seq %d)", got.ID, got.Seq, sentinel.Seq)
	}
}

func TestSubscribeResumesAfterASeq(t *testing.T) {
	st := db.Open(t, nil)
	bus := events.NewBus(st)
	changes := mixedLog(t, st, 6)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := bus.Subscribe(ctx, changes[2].Seq)
	for _, want := range changes[3:] {
		if got := next(t, ch); got.ID != want.ID {
			t.Fatalf("resumed after %s: got %s, want %s", changes[2].ID, got.ID, want.ID)
		}
	}
	// Resuming at the very end delivers only what comes next.
	last, err := st.LastAuditSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tail := bus.Subscribe(ctx, last)
	appendAll(t, st, record("after-the-end", domain.OutcomeAccepted, 1))
	if got := next(t, tail); got.ID != "after-the-end" {
		t.Fatalf("subscribed at the end: got %s, want after-the-end", got.ID)
	}
}

func TestLiveDeliveryOfWrites(t *testing.T) {
	st := db.Open(t, nil)
	ds, err := seed.JointMeeting()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	bus := events.NewBus(st)
	svc := write.New(st, auth.Policy{}, nil)
	wctx := auth.WithPrincipal(context.Background(), &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "key-union", Name: "union editor", Role: auth.RoleEditor, Body: domain.BodyUnion})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := bus.Subscribe(ctx, 0)

	began := time.Now()
	task, err := write.Create(wctx, svc, write.Tasks, &domain.Task{PlanID: "plan-2026", Number: 11, Title: "实时事件测试", Theme: domain.ThemeOther,
		LeadBodyID: "UNION", Status: domain.TaskNotStarted})
	if err != nil {
		t.Fatal(err)
	}
	got := next(t, ch)
	t.Logf("create delivered %v after the write began", time.Since(began))
	if got.Operation != "createTask" || got.EntityID != task.ID || got.Version != 1 {
		t.Fatalf("first event = %s %s v%d, want createTask %s v1", got.Operation, got.EntityID, got.Version, task.ID)
	}
	lastSeq := got.Seq
	// A refused write between the updates is no event.
	if _, err := write.Update(wctx, svc, write.Tasks, task.ID, 99, func(t *domain.Task) error { return nil }); domain.CodeOf(err) != domain.CodeConflict {
		t.Fatalf("stale update: %v, want CONFLICT", err)
	}
	var worst time.Duration
	for v := 1; v <= 5; v++ {
		began := time.Now()
		_, err := write.Update(wctx, svc, write.Tasks, task.ID, v, func(t *domain.Task) error {
			t.Progress, t.Status = v*10, domain.TaskInProgress
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got := next(t, ch)
		latency := time.Since(began)
		worst = max(worst, latency)
		t.Logf("update to version %d delivered %v after the write began", v+1, latency)
		if got.Operation != "updateTask" || got.EntityID != task.ID || got.Version != v+1 || got.Seq <= lastSeq {
			t.Fatalf("event = %s %s v%d seq %d, want updateTask %s v%d after seq %d", got.Operation, got.EntityID, got.Version, got.Seq, task.ID, v+1, lastSeq)
		}
		lastSeq = got.Seq
	}
	t.Logf("slowest delivery %v (write included)", worst)
}

func TestSlowSubscriberMissesNothing(t *testing.T) {
	st := db.Open(t, nil)
	bus := events.NewBus(st)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := bus.Subscribe(ctx, 0)
	// Read one event so that the subscription is past its catch-up and
	// listening live.
	appendAll(t, st, record("first", domain.OutcomeAccepted, 1))
	if got := next(t, ch); got.ID != "first" {
		t.Fatalf("got %s, want first", got.ID)
	}
	const n = 300 // more than the live buffer holds
	var want []*domain.AuditRecord
	for i := range n {
		rec := record(fmt.Sprintf("burst-%03d", i), domain.OutcomeAccepted, i+2)
		appendAll(t, st, rec)
		want = append(want, rec)
		if i%50 == 0 {
			appendAll(t, st, record(fmt.Sprintf("refused-%03d", i), domain.OutcomeForbidden, 0))
		}
	}
	for i, w := range want {
		got := next(t, ch)
		if got.ID != w.ID || got.Seq != w.Seq {
			t.Fatalf("event %d = %s (seq %d), want %s (seq %d)", i, got.ID, got.Seq, w.ID, w.Seq)
		}
	}
	appendAll(t, st, record("after-the-burst", domain.OutcomeAccepted, 1))
	if got := next(t, ch); got.ID != "after-the-burst" {
		t.Fatalf("after the burst got %s, want after-the-burst", got.ID)
	}
}

func TestCancelClosesTheChannel(t *testing.T) {
	st := db.Open(t, nil)
	bus := events.NewBus(st)

	t.Run("idle", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		ch := bus.Subscribe(ctx, 0)
		cancel()
		waitClosed(t, ch)
	})
	t.Run("with events waiting", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		ch := bus.Subscribe(ctx, 0)
		for i := range 5 {
			appendAll(t, st, record(fmt.Sprintf("waiting-%d", i), domain.OutcomeAccepted, i+1))
		}
		cancel()
		waitClosed(t, ch)
	})
	t.Run("live, after reading", func(t *testing.T) {
		last, _ := st.LastAuditSeq(context.Background())
		ctx, cancel := context.WithCancel(context.Background())
		ch := bus.Subscribe(ctx, last)
		appendAll(t, st, record("one", domain.OutcomeAccepted, 1))
		if got := next(t, ch); got.ID != "one" {
			t.Fatalf("got %s, want one", got.ID)
		}
		cancel()
		waitClosed(t, ch)
		// Appending after the subscriber left neither blocks nor fails.
		appendAll(t, st, record("after-cancel", domain.OutcomeAccepted, 2))
	})
}

// waitClosed drains ch until it is closed (events already on their way may
// still arrive), failing after the guard.
func waitClosed(t *testing.T, ch <-chan domain.AuditRecord) {
	t.Helper()
	timeout := time.After(guard)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatalf("the channel is still open %v after cancel", guard)
		}
	}
}
