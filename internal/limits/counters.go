package limits

import (
	"sync"
	"time"
)

// sweepAbove is how many keys a table holds before it forgets the idle
// ones (at most once a second), so that a flood of distinct IPs or keys
// cannot grow it without bound.
const sweepAbove = 10000

// buckets are token buckets, one per key.
type buckets struct {
	rate Rate

	mu        sync.Mutex
	m         map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newBuckets(r Rate) *buckets {
	if !r.on() {
		return nil
	}
	return &buckets{rate: r, m: map[string]*bucket{}}
}

// take takes a token from key's bucket. If there is none it returns false
// and how long until there is one. A nil *buckets allows everything.
func (b *buckets) take(key string, now time.Time) (bool, time.Duration) {
	if b == nil {
		return true, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	burst := float64(b.rate.Burst)
	bk := b.m[key]
	if bk == nil {
		b.sweep(now)
		bk = &bucket{tokens: burst, at: now}
		b.m[key] = bk
	}
	if el := now.Sub(bk.at).Seconds(); el > 0 {
		bk.tokens = min(burst, bk.tokens+el*b.rate.PerSecond)
	}
	bk.at = now
	if bk.tokens >= 1 {
		bk.tokens--
		return true, 0
	}
	wait := time.Duration((1 - bk.tokens) / b.rate.PerSecond * float64(time.Second))
	return false, wait
}

// sweep forgets buckets that have refilled (they would be made afresh).
func (b *buckets) sweep(now time.Time) {
	if len(b.m) < sweepAbove || now.Sub(b.lastSweep) < time.Second {
		return
	}
	b.lastSweep = now
	full := time.Duration(float64(b.rate.Burst) / b.rate.PerSecond * float64(time.Second))
	for k, bk := range b.m {
		if now.Sub(bk.at) >= full {
			delete(b.m, k)
		}
	}
}

// budgets are cost budgets: each key may spend limit in a fixed window
// that starts with its first spending.
type budgets struct {
	limit  int
	window time.Duration

	mu        sync.Mutex
	m         map[string]*spending
	lastSweep time.Time
}

type spending struct {
	start time.Time
	used  int
}

// BudgetState is a key's budget after a charge, as a response reports it
// (extensions.costBudget).
type BudgetState struct {
	Limit          int `json:"limit"`
	Remaining      int `json:"remaining"`
	ResetInSeconds int `json:"resetInSeconds"`
	// Cost is what this operation cost (charged, or refused).
	Cost int `json:"cost"`

	reset time.Duration
}

func newBudgets(limit int, window time.Duration) *budgets {
	if limit <= 0 || window <= 0 {
		return nil
	}
	return &budgets{limit: limit, window: window, m: map[string]*spending{}}
}

// charge spends cost from key's budget if it has that much left; either
// way it returns the state after.
func (b *budgets) charge(key string, cost int, now time.Time) (bool, BudgetState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.m[key]
	if s == nil || now.Sub(s.start) >= b.window {
		if s == nil {
			b.sweep(now)
		}
		s = &spending{start: now}
		b.m[key] = s
	}
	ok := s.used+cost <= b.limit
	if ok {
		s.used += cost
	}
	reset := s.start.Add(b.window).Sub(now)
	return ok, BudgetState{Limit: b.limit, Remaining: max(0, b.limit-s.used), ResetInSeconds: retryAfterSeconds(reset), Cost: cost, reset: reset}
}

func (b *budgets) sweep(now time.Time) {
	if len(b.m) < sweepAbove || now.Sub(b.lastSweep) < time.Second {
		return
	}
	b.lastSweep = now
	for k, s := range b.m {
		if now.Sub(s.start) >= b.window {
			delete(b.m, k)
		}
	}
}

// slots count what a key holds open (connections, subscriptions), up to
// max each.
type slots struct {
	max int

	mu sync.Mutex
	m  map[string]int
}

func newSlots(n int) *slots {
	if n <= 0 {
		return nil
	}
	return &slots{max: n, m: map[string]int{}}
}

// acquire takes a slot for key; release gives it back (call it once).
// A nil *slots allows everything.
func (s *slots) acquire(key string) (ok bool, release func()) {
	if s == nil {
		return true, func() {}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[key] >= s.max {
		return false, nil
	}
	s.m[key]++
	var once sync.Once
	return true, func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.m[key]--; s.m[key] <= 0 {
				delete(s.m, key)
			}
		})
	}
}

// held is how many slots key holds.
func (s *slots) held(key string) int {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[key]
}
