package respcache

import (
	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// InvalidateOnWrite drops the cached answers a write changes as the write is
// recorded, before it returns to its client: in this instance a reader never
// gets an answer older than a write it has seen acknowledged. (Writes made
// by other instances arrive through Follow, once events travel between
// instances: see docs/architecture.md.)
func InvalidateOnWrite(st *store.Store, c *Cache) {
	st.OnAudit(func(rec domain.AuditRecord) {
		if rec.Outcome == domain.OutcomeAccepted && rec.Version > 0 {
			c.Invalidate(rec.EntityKind)
		}
	})
}
