// Package events carries change events: the audit records of accepted
// writes, in the order of the audit log. Consumers (live updates, cache
// invalidation, webhooks) subscribe through the Source interface and may
// resume after the last event they saw.
package events

import (
	"context"
	"sync"
	"sync/atomic"

	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// Source delivers change events.
type Source interface {
	// Subscribe delivers every accepted change with Seq greater than after,
	// in Seq order, until ctx is done; then the channel is closed. Pass 0 for
	// the whole log, or the Seq of the last event seen to resume.
	Subscribe(ctx context.Context, after int64) <-chan domain.AuditRecord
}

// Bus is the in-process Source: it hears each record as the store appends
// it, and reads the log back from the database to catch up.
type Bus struct {
	st   *store.Store
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

// catchUpBatch is how many records a subscriber reads from the log at once.
const catchUpBatch = 500

// liveBuffer is how many live events wait for a slow subscriber before it
// falls back to reading the log.
const liveBuffer = 256

type subscriber struct {
	live    chan domain.AuditRecord
	lagging atomic.Bool
}

// NewBus makes a bus fed by st's audit log.
func NewBus(st *store.Store) *Bus {
	b := &Bus{st: st, subs: map[*subscriber]struct{}{}}
	st.OnAudit(b.publish)
	return b
}

// isChange tells the record of an accepted write (a change event) from a
// refused write or an audited read.
func isChange(rec domain.AuditRecord) bool {
	return rec.Outcome == domain.OutcomeAccepted && rec.Version > 0
}

func (b *Bus) publish(rec domain.AuditRecord) {
	if !isChange(rec) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		select {
		case s.live <- rec:
		default:
			s.lagging.Store(true)
		}
	}
}

// Subscribe implements Source.
func (b *Bus) Subscribe(ctx context.Context, after int64) <-chan domain.AuditRecord {
	s := &subscriber{live: make(chan domain.AuditRecord, liveBuffer)}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	out := make(chan domain.AuditRecord)
	go func() {
		defer close(out)
		defer func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.mu.Unlock()
		}()
		last := after
		send := func(rec domain.AuditRecord) bool {
			if rec.Seq <= last {
				return true
			}
			select {
			case out <- rec:
				last = rec.Seq
				return true
			case <-ctx.Done():
				return false
			}
		}
		// catchUp reads the log after last until it is read to its end.
		catchUp := func() bool {
			for {
				recs, err := b.st.AuditAfter(ctx, last, catchUpBatch)
				if err != nil {
					return ctx.Err() == nil // a failed read is retried on the next event
				}
				for _, r := range recs {
					if !isChange(r) {
						last = max(last, r.Seq)
						continue
					}
					if !send(r) {
						return false
					}
				}
				if len(recs) < catchUpBatch {
					return true
				}
			}
		}
		if !catchUp() {
			return
		}
		for {
			select {
			case <-ctx.Done():
				return
			case rec := <-s.live:
				if s.lagging.Swap(false) {
					// Events were dropped while this subscriber was slow: the
					// log has them all, in order.
					if !catchUp() {
						return
					}
				}
				if !send(rec) {
					return
				}
			}
		}
	}()
	return out
}
