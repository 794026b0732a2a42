package respcache

import (
	"container/list"
	"slices"
	"sync"
	"time"
)

// Defaults for zero [Options] fields.
const (
	DefaultMaxEntries       = 1000
	DefaultMaxBytes   int64 = 32 << 20
	DefaultTTL              = time.Minute
)

// Options configure a [Cache].
type Options struct {
	// MaxEntries bounds how many answers are kept: 0 means
	// DefaultMaxEntries, a negative value no bound.
	MaxEntries int
	// MaxBytes bounds the total size of the stored answers (their bytes;
	// keys and bookkeeping are not counted): 0 means DefaultMaxBytes, a
	// negative value no bound. An answer larger than MaxBytes is not kept.
	MaxBytes int64
	// TTL is how long an answer may be served after it was stored, however
	// quiet the change events are: it bounds staleness when an event is late
	// or never comes. 0 means DefaultTTL, a negative value no expiry (change
	// events alone then decide).
	TTL time.Duration
	// Now is the clock (time.Now when nil); tests pass a fake one.
	Now func() time.Time
}

// Stats are a cache's counters. Entries and Bytes are what it holds now;
// the others count since it was made.
type Stats struct {
	Hits, Misses, Entries int64
	// Bytes is the total size of the stored answers.
	Bytes int64
	// Evictions are entries dropped to stay within MaxEntries or MaxBytes;
	// Invalidations entries dropped by Invalidate or Purge; Expirations
	// entries dropped because their TTL had passed.
	Evictions, Invalidations, Expirations int64
}

// Cache is an in-memory LRU of answers, each tagged with the entity kinds
// it depends on. It is safe for concurrent use.
type Cache struct {
	maxEntries int
	maxBytes   int64
	ttl        time.Duration
	now        func() time.Time

	mu     sync.Mutex
	lru    *list.List // of *entry; the front is the most recently used
	items  map[string]*list.Element
	byKind map[string]map[*list.Element]struct{}
	bytes  int64
	stats  Stats
	// gen counts invalidations; kindGen is the generation at which each
	// kind was last invalidated, purgeGen the last Purge's. They let
	// PutIfUnchanged refuse an answer computed before an invalidation that
	// overtook it.
	gen      uint64
	kindGen  map[string]uint64
	purgeGen uint64
}

type entry struct {
	key     string
	value   []byte
	kinds   []string
	expires time.Time // zero: never
}

// New makes a cache.
func New(o Options) *Cache {
	c := &Cache{
		maxEntries: o.MaxEntries,
		maxBytes:   o.MaxBytes,
		ttl:        o.TTL,
		now:        o.Now,
		lru:        list.New(),
		items:      map[string]*list.Element{},
		byKind:     map[string]map[*list.Element]struct{}{},
		kindGen:    map[string]uint64{},
	}
	if c.maxEntries == 0 {
		c.maxEntries = DefaultMaxEntries
	}
	if c.maxBytes == 0 {
		c.maxBytes = DefaultMaxBytes
	}
	if c.ttl == 0 {
		c.ttl = DefaultTTL
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Get returns the answer stored under key. An expired answer is a miss and
// is dropped. The returned bytes are shared: do not modify them.
func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		c.stats.Misses++
		return nil, false
	}
	if c.expired(el.Value.(*entry), c.now()) {
		c.remove(el)
		c.stats.Expirations++
		c.stats.Misses++
		return nil, false
	}
	c.lru.MoveToFront(el)
	c.stats.Hits++
	return el.Value.(*entry).value, true
}

// Put stores response under key, dropped when any of kinds is invalidated
// (an answer with no kinds is dropped only by TTL, LRU or Purge). It
// replaces what key held, then evicts the least recently used entries
// until the cache is within its bounds. The cache keeps its own copy of
// response and kinds.
func (c *Cache) Put(key string, response []byte, kinds []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(key, response, kinds)
}

// Generation returns a mark to pass to [Cache.PutIfUnchanged]: take it
// before computing an answer.
func (c *Cache) Generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// PutIfUnchanged is Put, unless one of kinds was invalidated (or the cache
// purged) after since, a mark from [Cache.Generation] taken before the
// answer was computed: the answer may then predate a change whose event
// has already been handled, and storing it would keep it stale until its
// TTL. It reports whether it stored the answer.
func (c *Cache) PutIfUnchanged(key string, response []byte, kinds []string, since uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.purgeGen > since {
		return false
	}
	for _, k := range kinds {
		if c.kindGen[k] > since {
			return false
		}
	}
	return c.put(key, response, kinds)
}

func (c *Cache) put(key string, response []byte, kinds []string) bool {
	if old, ok := c.items[key]; ok {
		c.remove(old)
	}
	size := int64(len(response))
	if c.maxBytes > 0 && size > c.maxBytes {
		return false
	}
	ks := slices.Clone(kinds)
	slices.Sort(ks)
	e := &entry{key: key, value: slices.Clone(response), kinds: slices.Compact(ks)}
	if c.ttl > 0 {
		e.expires = c.now().Add(c.ttl)
	}
	el := c.lru.PushFront(e)
	c.items[key] = el
	for _, k := range e.kinds {
		set := c.byKind[k]
		if set == nil {
			set = map[*list.Element]struct{}{}
			c.byKind[k] = set
		}
		set[el] = struct{}{}
	}
	c.bytes += size
	now := c.now()
	for c.lru.Len() > 0 && (c.maxEntries > 0 && c.lru.Len() > c.maxEntries || c.maxBytes > 0 && c.bytes > c.maxBytes) {
		last := c.lru.Back()
		if c.expired(last.Value.(*entry), now) {
			c.stats.Expirations++
		} else {
			c.stats.Evictions++
		}
		c.remove(last)
	}
	return true
}

// Invalidate drops every answer that depends on any of kinds and returns
// how many it dropped.
func (c *Cache) Invalidate(kinds ...string) int {
	if len(kinds) == 0 {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	n := 0
	for _, k := range kinds {
		c.kindGen[k] = c.gen
		for el := range c.byKind[k] {
			c.remove(el)
			n++
		}
	}
	c.stats.Invalidations += int64(n)
	return n
}

// Purge drops every answer and returns how many it dropped.
func (c *Cache) Purge() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.purgeGen = c.gen
	n := c.lru.Len()
	c.lru.Init()
	c.items = map[string]*list.Element{}
	c.byKind = map[string]map[*list.Element]struct{}{}
	c.bytes = 0
	c.stats.Invalidations += int64(n)
	return n
}

// Sweep drops every expired answer and returns how many it dropped.
// Expired answers are dropped when they are asked for or reach the end of
// the LRU anyway; Sweep returns their memory sooner (call it from a ticker
// if the cache is large and the TTL short).
func (c *Cache) Sweep() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	n := 0
	for el := c.lru.Front(); el != nil; {
		next := el.Next()
		if c.expired(el.Value.(*entry), now) {
			c.remove(el)
			n++
		}
		el = next
	}
	c.stats.Expirations += int64(n)
	return n
}

// Stats returns the cache's counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries = int64(c.lru.Len())
	s.Bytes = c.bytes
	return s
}

func (c *Cache) expired(e *entry, now time.Time) bool {
	return !e.expires.IsZero() && !now.Before(e.expires)
}

// remove drops el from the list and every index.
func (c *Cache) remove(el *list.Element) {
	e := el.Value.(*entry)
	c.lru.Remove(el)
	delete(c.items, e.key)
	for _, k := range e.kinds {
		if set := c.byKind[k]; set != nil {
			delete(set, el)
			if len(set) == 0 {
				delete(c.byKind, k)
			}
		}
	}
	c.bytes -= int64(len(e.value))
}
