package respcache_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"sanfang/internal/domain"
	"sanfang/internal/events"
	"sanfang/internal/respcache"
)

// guard bounds every wait: far above any real delay, so that a lost event
// fails the test instead of hanging it.
const guard = 10 * time.Second

// fakeSource is an events.Source the test feeds by hand.
type fakeSource struct {
	subs chan subscription
}

type subscription struct {
	after int64
	feed  chan<- domain.AuditRecord // close it to end the subscription as a failing source would
}

var _ events.Source = (*fakeSource)(nil)

func newFakeSource() *fakeSource { return &fakeSource{subs: make(chan subscription, 4)} }

func (s *fakeSource) Subscribe(ctx context.Context, after int64) <-chan domain.AuditRecord {
	feed := make(chan domain.AuditRecord)
	out := make(chan domain.AuditRecord)
	s.subs <- subscription{after: after, feed: feed}
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case rec, ok := <-feed:
				if !ok {
					return
				}
				select {
				case out <- rec:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

func (s *fakeSource) next(t *testing.T) subscription {
	t.Helper()
	select {
	case sub := <-s.subs:
		return sub
	case <-time.After(guard):
		t.Fatal("Follow did not subscribe")
		return subscription{}
	}
}

func change(seq int64, kind string) domain.AuditRecord {
	return domain.AuditRecord{Seq: seq, EntityKind: kind, EntityID: "x", Operation: "update" + kind,
		Outcome: domain.OutcomeAccepted, Version: 2}
}

// send hands rec to the source: when it returns, the source has taken it
// (and handed Follow the record before it).
func send(t *testing.T, sub subscription, rec domain.AuditRecord) {
	t.Helper()
	select {
	case sub.feed <- rec:
	case <-time.After(guard):
		t.Fatal("Follow did not take the event")
	}
}

func TestFollow(t *testing.T) {
	c := respcache.New(respcache.Options{})
	fill := func() {
		c.Put("enterprises", []byte("1"), []string{"Enterprise"})
		c.Put("unions", []byte("2"), []string{"Union"})
		c.Put("coverage", []byte("3"), []string{"Enterprise", "MembershipFigures", "Union"})
		c.Put("tasks", []byte("4"), []string{"Task"})
		c.Put("schema", []byte("5"), nil)
	}
	keys := []string{"coverage", "enterprises", "schema", "tasks", "unions"}
	fill()

	src := newFakeSource()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		c.Follow(ctx, src, 7)
		close(done)
	}()
	sub := src.next(t)
	if sub.after != 7 {
		t.Errorf("subscribed after %d, want 7", sub.after)
	}
	// sync returns once Follow has applied every record sent so far: the
	// source holds at most one record, and Follow takes a record only after
	// applying the one before, so once the second of two refused records
	// (which change nothing) is taken, everything before the first is
	// applied.
	sync := func() {
		for range 2 {
			send(t, sub, domain.AuditRecord{Outcome: domain.OutcomeForbidden})
		}
	}

	send(t, sub, change(8, "Union"))
	sync()
	if got := present(c, keys...); !slices.Equal(got, []string{"enterprises", "schema", "tasks"}) {
		t.Errorf("after a Union change: %v", got)
	}
	// A refused write changed nothing.
	send(t, sub, domain.AuditRecord{Seq: 9, EntityKind: "Task", Outcome: domain.OutcomeForbidden})
	sync()
	if got := present(c, keys...); !slices.Equal(got, []string{"enterprises", "schema", "tasks"}) {
		t.Errorf("after a refused Task write: %v", got)
	}
	send(t, sub, change(10, "Task"))
	sync()
	if got := present(c, keys...); !slices.Equal(got, []string{"enterprises", "schema"}) {
		t.Errorf("after a Task change: %v", got)
	}

	// A record of no kind drops everything.
	fill()
	send(t, sub, change(11, ""))
	sync()
	if got := present(c, keys...); len(got) != 0 {
		t.Errorf("after a change of no kind: %v", got)
	}

	// A source that ends its channel early is subscribed to again after
	// the last event seen.
	fill()
	close(sub.feed)
	sub = src.next(t)
	if sub.after != 11 {
		t.Errorf("subscribed again after %d, want 11", sub.after)
	}
	send(t, sub, change(12, "Enterprise"))
	sync()
	if got := present(c, keys...); !slices.Equal(got, []string{"schema", "tasks", "unions"}) {
		t.Errorf("after an Enterprise change on the new subscription: %v", got)
	}

	cancel()
	select {
	case <-done:
	case <-time.After(guard):
		t.Fatal("Follow did not return when its context was done")
	}
}
