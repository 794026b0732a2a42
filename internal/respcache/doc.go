// Package respcache answers hot read-only GraphQL operations (dashboards
// polling the same questions) from an in-memory cache, for issue 4.
//
// An answer is stored under [Key]: a SHA-256 of the operation text, its
// operation name, its (coerced) variables and the caller's [Scope], which is
// everything that changes what the caller may see. Each entry remembers the
// entity kinds its answer depends on ([Kinds], found by walking the
// operation's selection set against the schema), so that a change event for
// a kind drops exactly the answers that may have changed ([Cache.Invalidate],
// fed by [Cache.Follow] from a [sanfang/internal/events.Source]). A TTL bounds staleness when
// events are late or missing (e.g. writes made by another instance before
// events cross instances); an LRU bounds memory by entries and by bytes.
//
// [Extension] plugs the cache into a gqlgen server:
//
//	cache := respcache.New(respcache.Options{MaxEntries: 2000, MaxBytes: 64 << 20, TTL: time.Minute})
//	go cache.Follow(ctx, bus, 0)
//	srv.Use(&respcache.Extension{Cache: cache})
//
// What is never cached: mutations and subscriptions; requests or responses
// with errors; deferred (incremental) responses; the audit log (it records
// refused writes and reads of personal data too, which are not change
// events); and operations that select a person's phone or email when the
// caller may see them unmasked, because every such reading must be audited.
package respcache
