package respcache_test

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"testing"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/respcache"
)

// decode reads variables as a transport does (numbers kept as json.Number).
func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

const q = `query Q($first: Int, $filter: EnterpriseFilter) { enterprises(first: $first, filter: $filter) { nodes { name } } }`

func TestKeyIgnoresVariableOrder(t *testing.T) {
	a := decode(t, `{"first": 10, "filter": {"regionCodes": ["140100", "140200"], "nameContains": "顺丰", "nested": {"x": 1, "y": {"p": true, "q": null}}}}`)
	b := decode(t, `{"filter": {"nested": {"y": {"q": null, "p": true}, "x": 1}, "nameContains": "顺丰", "regionCodes": ["140100", "140200"]}, "first": 10}`)
	ka, kb := respcache.Key(q, "Q", a, "anonymous"), respcache.Key(q, "Q", b, "anonymous")
	if ka != kb {
		t.Errorf("the same variables in another order give another key: %s %s", ka, kb)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(ka) {
		t.Errorf("key %q is not a hex SHA-256", ka)
	}
	if ka != respcache.Key(q, "Q", a, "anonymous") {
		t.Error("Key is not stable")
	}
	if respcache.Key(q, "Q", nil, "s") != respcache.Key(q, "Q", map[string]any{}, "s") {
		t.Error("no variables and empty variables differ")
	}
}

func TestKeyDiffers(t *testing.T) {
	vars := map[string]any{"first": 10}
	base := respcache.Key(q, "Q", vars, "anonymous")
	tests := []struct {
		name string
		key  string
	}{
		{"another variable value", respcache.Key(q, "Q", map[string]any{"first": 11}, "anonymous")},
		{"another variable", respcache.Key(q, "Q", map[string]any{"first": 10, "filter": map[string]any{}}, "anonymous")},
		{"a string, not a number", respcache.Key(q, "Q", map[string]any{"first": "10"}, "anonymous")},
		{"no variables", respcache.Key(q, "Q", nil, "anonymous")},
		{"another scope", respcache.Key(q, "Q", vars, respcache.Scope(&auth.Principal{Kind: auth.PrincipalAPIKey, Role: auth.RoleViewer}))},
		{"another operation name", respcache.Key(q, "", vars, "anonymous")},
		{"another operation", respcache.Key(q+" ", "Q", vars, "anonymous")},
	}
	seen := map[string]string{base: "base"}
	for _, tt := range tests {
		if prev, ok := seen[tt.key]; ok {
			t.Errorf("%s: same key as %s", tt.name, prev)
		}
		seen[tt.key] = tt.name
	}
	// The parts are delimited: moving text from one to the next changes the key.
	if respcache.Key("ab", "c", nil, "d") == respcache.Key("a", "bc", nil, "d") ||
		respcache.Key("a", "b", nil, "cd") == respcache.Key("a", "bc", nil, "d") {
		t.Error("parts are not delimited")
	}
}

func TestKeyOfUnencodableVariables(t *testing.T) {
	if k := respcache.Key(q, "Q", map[string]any{"x": math.NaN()}, "anonymous"); k != "" {
		t.Errorf("Key with a NaN variable = %q, want \"\" (not cacheable)", k)
	}
}

func TestScope(t *testing.T) {
	viewer := &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "k1", Name: "screen 1", Role: auth.RoleViewer}
	principals := []struct {
		name string
		p    *auth.Principal
	}{
		{"anonymous", auth.Anonymous()},
		{"viewer", viewer},
		{"viewer of POSTAL", &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "k2", Role: auth.RoleViewer, Body: domain.BodyPostal}},
		{"editor of POSTAL", &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "k3", Role: auth.RoleEditor, Body: domain.BodyPostal}},
		{"editor of UNION", &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "k4", Role: auth.RoleEditor, Body: domain.BodyUnion}},
		{"admin", &auth.Principal{Kind: auth.PrincipalJWT, ID: "jwt:root", Role: auth.RoleAdmin}},
		{"partner of ent-sf", &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "k5", Role: auth.RolePartner, EnterpriseID: "ent-sf"}},
		{"partner of ent-yt", &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "k6", Role: auth.RolePartner, EnterpriseID: "ent-yt"}},
		{"partner of ent-sf from UNION", &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "k7", Role: auth.RolePartner, EnterpriseID: "ent-sf", Body: domain.BodyUnion}},
		{"a credential with no role", &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "k8"}},
	}
	seen := map[string]string{}
	for _, pr := range principals {
		s := respcache.Scope(pr.p)
		if prev, ok := seen[s]; ok {
			t.Errorf("%s and %s share the scope %q", pr.name, prev, s)
		}
		seen[s] = pr.name
	}

	// What does not change what a caller sees does not change the scope.
	same := []*auth.Principal{
		{Kind: auth.PrincipalAPIKey, ID: "k9", Name: "screen 2", Role: auth.RoleViewer},
		{Kind: auth.PrincipalJWT, ID: "jwt:alice", Name: "Alice", Role: auth.RoleViewer},
	}
	for _, p := range same {
		if respcache.Scope(p) != respcache.Scope(viewer) {
			t.Errorf("%v and %v should share a scope: %q vs %q", p, viewer, respcache.Scope(p), respcache.Scope(viewer))
		}
	}
	if respcache.Scope(nil) != respcache.Scope(auth.Anonymous()) {
		t.Error("a nil principal is not anonymous")
	}
	// So two viewers' keys for one question are equal; an editor's is not.
	v1 := respcache.Key(q, "Q", nil, respcache.Scope(viewer))
	v2 := respcache.Key(q, "Q", nil, respcache.Scope(same[1]))
	ed := respcache.Key(q, "Q", nil, respcache.Scope(principals[3].p))
	if v1 != v2 || v1 == ed {
		t.Errorf("viewer keys %s %s, editor key %s", v1, v2, ed)
	}
}
