package graph_test

import (
	"strings"
	"testing"
)

// A cached answer is served again to the same scope of caller, never to
// another (the masked contact details show it), and the next write that
// changes what it read refreshes it.
func TestResponseCacheNeverCrossesRolesAndFollowsWrites(t *testing.T) {
	s, cache := newCachedServer(t, jointMeeting(t))
	admin := s.key(t, roles["admin"])
	viewerA, viewerB := s.key(t, roles["viewer"]), s.key(t, roles["viewer"])
	partner, postal := s.key(t, roles["partner-sf"]), s.key(t, roles["postal"])
	dong := gid("Person", "person-dong-gang")
	if r := s.doAs(t, admin, `mutation($id: ID!) { updatePerson(id: $id, version: 1, patch: {phone: "13812345678"}) { version } }`, map[string]any{"id": dong}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	const q = `{ people(first: 10) { nodes { name phone } } }`
	vars := map[string]any{"id": dong}
	ask := func(key string) (string, string) {
		r := s.doAs(t, key, q, nil)
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		status, _ := r.Extensions["cache"].(string)
		return string(r.Data), status
	}

	steps := []struct {
		who, key, wantPhone, wantCache string
	}{
		{"viewer A", viewerA, "138****5678", "MISS"},
		{"viewer A again", viewerA, "138****5678", "HIT"},
		{"viewer B (same scope)", viewerB, "138****5678", "HIT"},
		{"partner (another scope)", partner, "138****5678", "MISS"},
		{"postal editor (entitled: never cached, every read audited)", postal, "13812345678", ""},
		{"postal editor again", postal, "13812345678", ""},
		{"viewer A after the editor", viewerA, "138****5678", "HIT"},
	}
	for _, st := range steps {
		data, status := ask(st.key)
		if !strings.Contains(data, `"phone":"`+st.wantPhone+`"`) || status != st.wantCache {
			t.Errorf("%s: %s (cache %q), want phone %s (cache %q)", st.who, data, status, st.wantPhone, st.wantCache)
		}
	}

	// A write to a person refreshes the cached answers that read people.
	if r := s.doAs(t, admin, `mutation($id: ID!) { updatePerson(id: $id, version: 2, patch: {phone: "13900001111"}) { version } }`, vars); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if data, status := ask(viewerA); status != "MISS" || !strings.Contains(data, `"phone":"139****1111"`) {
		t.Errorf("after the write: %s (cache %q), want the new phone, freshly computed", data, status)
	}
	// A write to another kind leaves it cached.
	if r := s.doAs(t, admin, `mutation($id: ID!) { updateEnterprise(id: $id, version: 1, patch: {outlets: 3}) { version } }`, map[string]any{"id": gid("Enterprise", "ent-sf")}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if _, status := ask(viewerA); status != "HIT" {
		t.Errorf("a write to an enterprise dropped a cached answer about a person (cache %q)", status)
	}
	stats := cache.Stats()
	if stats.Hits < 4 || stats.Misses < 3 || stats.Invalidations < 1 {
		t.Errorf("stats %+v", stats)
	}
}
