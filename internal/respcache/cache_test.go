package respcache_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sanfang/internal/respcache"
)

// clock is a fake clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// present lists which of keys the cache answers (a Get, so it touches the
// LRU order and the hit counters).
func present(c *respcache.Cache, keys ...string) []string {
	var out []string
	for _, k := range keys {
		if _, ok := c.Get(k); ok {
			out = append(out, k)
		}
	}
	return out
}

func TestLRU(t *testing.T) {
	// Each step is "put k" or "get k"; after the steps the cache holds
	// want (asked in the order of all) and has evicted evictions entries.
	tests := []struct {
		name      string
		max       int
		steps     []string
		want      []string
		evictions int64
	}{
		{"within bound", 3, []string{"put a", "put b", "put c"}, []string{"a", "b", "c"}, 0},
		{"oldest goes", 3, []string{"put a", "put b", "put c", "put d"}, []string{"b", "c", "d"}, 1},
		{"a get refreshes", 3, []string{"put a", "put b", "put c", "get a", "put d"}, []string{"a", "c", "d"}, 1},
		{"a put refreshes", 3, []string{"put a", "put b", "put c", "put a", "put d"}, []string{"a", "c", "d"}, 1},
		{"a miss does not", 2, []string{"put a", "put b", "get x", "put c"}, []string{"b", "c"}, 1},
		{"many out", 2, []string{"put a", "put b", "put c", "put d", "put e"}, []string{"d", "e"}, 3},
		{"bound of one", 1, []string{"put a", "get a", "put b"}, []string{"b"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := respcache.New(respcache.Options{MaxEntries: tt.max, MaxBytes: -1, TTL: -1})
			for _, s := range tt.steps {
				op, k, _ := strings.Cut(s, " ")
				if op == "put" {
					c.Put(k, []byte("answer "+k), []string{"Enterprise"})
				} else {
					c.Get(k)
				}
			}
			st := c.Stats()
			if st.Evictions != tt.evictions || st.Entries != int64(len(tt.want)) {
				t.Errorf("evictions %d entries %d, want %d and %d", st.Evictions, st.Entries, tt.evictions, len(tt.want))
			}
			if got := present(c, "a", "b", "c", "d", "e"); !slices.Equal(got, tt.want) {
				t.Errorf("holds %v, want %v", got, tt.want)
			}
		})
	}
}

func TestByteBudget(t *testing.T) {
	c := respcache.New(respcache.Options{MaxEntries: -1, MaxBytes: 10, TTL: -1})
	c.Put("a", []byte("aaaa"), nil)
	c.Put("b", []byte("bbbb"), nil)
	if st := c.Stats(); st.Bytes != 8 || st.Entries != 2 || st.Evictions != 0 {
		t.Fatalf("after two of 4 bytes: %+v", st)
	}
	c.Get("a") // b is now the least recently used
	c.Put("c", []byte("cccc"), nil)
	if st := c.Stats(); st.Bytes != 8 || st.Entries != 2 || st.Evictions != 1 {
		t.Errorf("after a third: %+v, want 8 bytes, 2 entries, 1 eviction", st)
	}
	if got := present(c, "a", "b", "c"); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("holds %v, want [a c]", got)
	}
	// A big answer pushes out as many as it must.
	c.Put("d", []byte("dddddddddd"), nil)
	if st := c.Stats(); st.Bytes != 10 || st.Entries != 1 || st.Evictions != 3 {
		t.Errorf("after one of 10 bytes: %+v, want 10 bytes, 1 entry, 3 evictions", st)
	}
	// One larger than the budget is not kept, and pushes nothing out…
	c.Put("e", []byte("eeeeeeeeeee"), nil)
	if st := c.Stats(); st.Entries != 1 || st.Evictions != 3 || st.Bytes != 10 {
		t.Errorf("after one of 11 bytes: %+v", st)
	}
	if _, ok := c.Get("e"); ok {
		t.Error("an answer over the budget was kept")
	}
	// …but it replaces (drops) what its key held: that answer is older.
	c.Put("d", []byte("ddddddddddd"), nil)
	if st := c.Stats(); st.Entries != 0 || st.Bytes != 0 {
		t.Errorf("after replacing d with an oversized answer: %+v", st)
	}
	// Replacing an entry accounts for the size difference.
	c.Put("f", []byte("ff"), nil)
	c.Put("f", []byte("ffffff"), nil)
	if st := c.Stats(); st.Entries != 1 || st.Bytes != 6 {
		t.Errorf("after replacing f: %+v, want 1 entry of 6 bytes", st)
	}
}

func TestTTL(t *testing.T) {
	clk := newClock()
	c := respcache.New(respcache.Options{TTL: time.Minute, Now: clk.Now})
	c.Put("a", []byte("A"), []string{"Union"})
	clk.Advance(30 * time.Second)
	c.Put("b", []byte("B"), []string{"Union"})
	if _, ok := c.Get("a"); !ok {
		t.Fatal("a miss before the TTL")
	}
	// A hit does not extend the TTL: staleness is bounded from the Put.
	clk.Advance(30 * time.Second)
	if _, ok := c.Get("a"); ok {
		t.Error("a hit at exactly its TTL")
	}
	if _, ok := c.Get("b"); !ok {
		t.Error("b, 30s old, missed")
	}
	st := c.Stats()
	if st.Expirations != 1 || st.Entries != 1 || st.Hits != 2 || st.Misses != 1 {
		t.Errorf("stats %+v, want 1 expiration, 1 entry, 2 hits, 1 miss", st)
	}
	// An expired entry is dropped from the kind index too.
	if n := c.Invalidate("Union"); n != 1 {
		t.Errorf("Invalidate(Union) dropped %d, want only b", n)
	}

	// Sweep drops expired entries nobody asks for.
	c.Put("c", []byte("C"), nil)
	c.Put("d", []byte("D"), nil)
	clk.Advance(45 * time.Second)
	c.Put("e", []byte("E"), nil)
	clk.Advance(15 * time.Second)
	if n := c.Sweep(); n != 2 {
		t.Errorf("Sweep dropped %d, want c and d", n)
	}
	if st := c.Stats(); st.Entries != 1 || st.Expirations != 3 {
		t.Errorf("after Sweep: %+v", st)
	}

	// A negative TTL never expires.
	forever := respcache.New(respcache.Options{TTL: -1, Now: clk.Now})
	forever.Put("a", []byte("A"), nil)
	clk.Advance(1000 * time.Hour)
	if _, ok := forever.Get("a"); !ok {
		t.Error("an entry with no TTL expired")
	}
}

func TestInvalidate(t *testing.T) {
	entries := map[string][]string{
		"enterprises":        {"Enterprise"},
		"unions":             {"Union"},
		"enterprises+unions": {"Enterprise", "MembershipFigures", "Union"},
		"tasks":              {"Plan", "Task"},
		"introspection":      nil,
	}
	all := []string{"enterprises", "enterprises+unions", "introspection", "tasks", "unions"}
	tests := []struct {
		kinds   []string
		dropped int
		left    []string
	}{
		{[]string{"Union"}, 2, []string{"enterprises", "introspection", "tasks"}},
		{[]string{"Enterprise"}, 2, []string{"introspection", "tasks", "unions"}},
		{[]string{"MembershipFigures"}, 1, []string{"enterprises", "introspection", "tasks", "unions"}},
		{[]string{"Enterprise", "Union"}, 3, []string{"introspection", "tasks"}},
		{[]string{"Meeting"}, 0, all},
		{nil, 0, all},
		{[]string{"Activity", "Body", "Enterprise", "Meeting", "MembershipFigures", "Person", "Plan", "ProgressUpdate", "Region", "Task", "Union"}, 4, []string{"introspection"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.kinds, "+"), func(t *testing.T) {
			c := respcache.New(respcache.Options{})
			for k, kinds := range entries {
				c.Put(k, []byte(k), kinds)
			}
			if n := c.Invalidate(tt.kinds...); n != tt.dropped {
				t.Errorf("Invalidate dropped %d, want %d", n, tt.dropped)
			}
			if got := present(c, all...); !slices.Equal(got, tt.left) {
				t.Errorf("left %v, want %v", got, tt.left)
			}
			if st := c.Stats(); st.Invalidations != int64(tt.dropped) || st.Entries != int64(len(tt.left)) {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestReplaceReindexesKinds(t *testing.T) {
	c := respcache.New(respcache.Options{})
	c.Put("q", []byte("old"), []string{"Union"})
	c.Put("q", []byte("new"), []string{"Task"})
	if n := c.Invalidate("Union"); n != 0 {
		t.Errorf("the replaced answer's old kind still dropped %d", n)
	}
	if got, ok := c.Get("q"); !ok || string(got) != "new" {
		t.Errorf("Get = %q %v, want the new answer", got, ok)
	}
	if n := c.Invalidate("Task"); n != 1 {
		t.Errorf("the new kind dropped %d, want 1", n)
	}
}

func TestPutKeepsACopy(t *testing.T) {
	c := respcache.New(respcache.Options{})
	buf := []byte("answer")
	kinds := []string{"Union"}
	c.Put("q", buf, kinds)
	copy(buf, "XXXXXX")
	kinds[0] = "Task"
	if got, _ := c.Get("q"); string(got) != "answer" {
		t.Errorf("stored answer changed with the caller's buffer: %q", got)
	}
	if c.Invalidate("Union") != 1 {
		t.Error("stored kinds changed with the caller's slice")
	}
}

// TestPutIfUnchanged: an answer computed before an invalidation of one of
// its kinds (whose event overtook it) is not stored.
func TestPutIfUnchanged(t *testing.T) {
	c := respcache.New(respcache.Options{})
	g := c.Generation()
	c.Invalidate("Union")
	if c.PutIfUnchanged("u", []byte("stale"), []string{"Enterprise", "Union"}, g) {
		t.Error("stored an answer that predates an invalidation of its kind")
	}
	if !c.PutIfUnchanged("e", []byte("fresh"), []string{"Enterprise"}, g) {
		t.Error("refused an answer whose kinds were not invalidated")
	}
	if !c.PutIfUnchanged("u", []byte("fresh"), []string{"Union"}, c.Generation()) {
		t.Error("refused an answer computed after the invalidation")
	}
	g = c.Generation()
	c.Purge()
	if c.PutIfUnchanged("i", []byte("x"), nil, g) {
		t.Error("stored an answer that predates a purge")
	}
	if _, ok := c.Get("u"); ok {
		t.Error("Purge left an entry")
	}
}

func TestDefaults(t *testing.T) {
	c := respcache.New(respcache.Options{})
	for i := range respcache.DefaultMaxEntries + 5 {
		c.Put(fmt.Sprint(i), []byte("x"), nil)
	}
	if st := c.Stats(); st.Entries != respcache.DefaultMaxEntries || st.Evictions != 5 {
		t.Errorf("with default options: %+v", st)
	}
}

// TestConcurrent is for the race detector.
func TestConcurrent(t *testing.T) {
	c := respcache.New(respcache.Options{MaxEntries: 50, MaxBytes: 2000})
	kinds := []string{"Enterprise", "Union", "Task"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				k := fmt.Sprint((g*7 + i) % 80)
				switch i % 5 {
				case 0:
					c.Invalidate(kinds[i%3])
				case 1:
					c.PutIfUnchanged(k, []byte(k), kinds[:1+i%3], c.Generation())
				case 2:
					c.Put(k, []byte(k+k), kinds[i%3:])
				default:
					if v, ok := c.Get(k); ok && !strings.HasPrefix(string(v), k) {
						t.Errorf("key %s holds %q", k, v)
					}
				}
			}
		})
	}
	wg.Wait()
	st := c.Stats()
	if st.Entries > 50 || st.Bytes > 2000 || st.Entries < 0 || st.Bytes < 0 {
		t.Errorf("out of bounds after concurrent use: %+v", st)
	}
}
