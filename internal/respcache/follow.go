package respcache

import (
	"context"
	"time"

	"sanfang/internal/domain"
	"sanfang/internal/events"
)

// Pauses before Follow subscribes again to a source that closed its
// channel while Follow's context was still live.
const (
	resubscribeMin = 100 * time.Millisecond
	resubscribeMax = 5 * time.Second
)

// Follow consumes the change events of src after the event with Seq after,
// and for each drops the answers that depend on the written record's kind
// (Invalidate(rec.EntityKind)). It returns when ctx is done. Run it in its
// own goroutine, started before the cache serves (pass 0, or the log's
// last Seq when the cache starts empty, to skip the history). When src
// carries other instances' writes too, their changes reach this cache the
// same way.
//
// Invalidating by the written kind alone is exact: no derived kinds are
// needed. A write to a Union does change what Enterprise.union shows, but
// an answer that shows Enterprise.union reached the Union type, so [Kinds]
// already lists Union among its dependencies. Every relation between two
// kinds is stored on one of them (a union's enterpriseId, a task's
// enterpriseIds, a meeting's participants) and the walk reaches the type
// of both ends whenever the answer shows the relation, so a change to the
// stored side is a change to a kind the answer depends on. Kinds that
// cannot be mapped make an answer depend on every kind.
//
// A record with no EntityKind drops every answer; a refused write (an
// outcome other than ACCEPTED) changed nothing and is skipped. If src
// closes its channel while ctx is live, Follow subscribes again after the
// last Seq it saw, after a short pause, so no change is lost (the source
// replays from there).
func (c *Cache) Follow(ctx context.Context, src events.Source, after int64) {
	last := after
	pause := resubscribeMin
	for ctx.Err() == nil {
		got := false
		for rec := range src.Subscribe(ctx, last) {
			got = true
			last = max(last, rec.Seq)
			c.apply(rec)
		}
		if ctx.Err() != nil {
			return
		}
		if got {
			pause = resubscribeMin
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		pause = min(2*pause, resubscribeMax)
	}
}

func (c *Cache) apply(rec domain.AuditRecord) {
	switch {
	case rec.Outcome != "" && rec.Outcome != domain.OutcomeAccepted:
	case rec.EntityKind == "":
		c.Purge()
	default:
		c.Invalidate(rec.EntityKind)
	}
}
