package limits

import (
	"fmt"
	"testing"
	"time"
)

func TestBucketsRefillAndSayHowLongToWait(t *testing.T) {
	b := newBuckets(Rate{PerSecond: 2, Burst: 3})
	now := time.Unix(1000, 0)
	for i := range 3 {
		if ok, _ := b.take("k", now); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := b.take("k", now)
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("4th at once: %v, wait %s; want refused, 500ms", ok, wait)
	}
	if ok, _ := b.take("other", now); !ok {
		t.Error("another key was refused")
	}
	if ok, _ := b.take("k", now.Add(500*time.Millisecond)); !ok {
		t.Error("refused after the refill")
	}
	if newBuckets(Rate{PerSecond: Off}) != nil {
		t.Error("an off rate makes buckets")
	}
	var off *buckets
	if ok, _ := off.take("k", now); !ok {
		t.Error("off buckets refuse")
	}
}

func TestBucketsForgetIdleKeys(t *testing.T) {
	b := newBuckets(Rate{PerSecond: 1, Burst: 1})
	now := time.Unix(1000, 0)
	for i := range sweepAbove + 10 {
		b.take(fmt.Sprint(i), now)
	}
	b.take("late", now.Add(time.Hour))
	if n := len(b.m); n > 10 {
		t.Errorf("%d buckets kept after they all refilled", n)
	}
}

func TestBudgetsChargeWithinAWindow(t *testing.T) {
	b := newBudgets(100, time.Minute)
	now := time.Unix(1000, 0)
	ok, st := b.charge("k", 60, now)
	if !ok || st.Remaining != 40 || st.ResetInSeconds != 60 || st.Limit != 100 || st.Cost != 60 {
		t.Fatalf("first charge: %v %+v", ok, st)
	}
	ok, st = b.charge("k", 50, now.Add(10*time.Second))
	if ok || st.Remaining != 40 || st.ResetInSeconds != 50 {
		t.Fatalf("over the budget: %v %+v; want refused, 40 left, reset in 50s", ok, st)
	}
	if ok, st = b.charge("k", 40, now.Add(20*time.Second)); !ok || st.Remaining != 0 {
		t.Fatalf("the rest: %v %+v", ok, st)
	}
	if ok, st = b.charge("k", 50, now.Add(time.Minute)); !ok || st.Remaining != 50 || st.ResetInSeconds != 60 {
		t.Fatalf("next window: %v %+v", ok, st)
	}
	if ok, _ := b.charge("other", 100, now); !ok {
		t.Error("another key was refused")
	}
}

func TestSlots(t *testing.T) {
	s := newSlots(2)
	ok1, r1 := s.acquire("k")
	ok2, _ := s.acquire("k")
	ok3, _ := s.acquire("k")
	if !ok1 || !ok2 || ok3 {
		t.Fatalf("acquired %v %v %v, want the third refused", ok1, ok2, ok3)
	}
	r1()
	r1() // a second release is harmless
	if s.held("k") != 1 {
		t.Fatalf("held %d after one release, want 1", s.held("k"))
	}
	if ok, _ := s.acquire("k"); !ok {
		t.Error("refused after a release")
	}
	if ok, _ := s.acquire("other"); !ok {
		t.Error("another key was refused")
	}
}

func TestParseSettings(t *testing.T) {
	rates := map[string]float64{"20": 20, "20/s": 20, "600/m": 10, "3600/h": 1, "0.5": 0.5, "0": Off}
	for in, want := range rates {
		if got, err := ParseRate(in); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "x", "-1", "5/d", "/s"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
	sizes := map[string]int64{"65536": 65536, "64KiB": 64 << 10, "1MiB": 1 << 20, "500KB": 500000, "2MB": 2000000, "10B": 10, "0": 0}
	for in, want := range sizes {
		if got, err := ParseBytes(in); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "KiB", "1.5MiB", "-1", "1GiB"} {
		if _, err := ParseBytes(bad); err == nil {
			t.Errorf("ParseBytes(%q) accepted", bad)
		}
	}
}

func TestDefaultsFillZerosAndKeepOff(t *testing.T) {
	c := Config{MaxDepth: Off, RateLimit: Rate{PerSecond: 5}}.withDefaults()
	if c.MaxDepth != Off || c.MaxCost != 5000 || c.RateLimit.Burst != 10 || c.IPRateLimit != (Rate{PerSecond: 50, Burst: 100}) || c.Timeout != 10*time.Second {
		t.Errorf("withDefaults: %+v", c)
	}
}
