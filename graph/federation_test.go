package graph_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sanfang/internal/seed"
	"sanfang/internal/synth"
)

// federationDir holds the real Apollo packages (test/federation).
func federationDir(t *testing.T) string {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("..", "test", "federation"))
	_, nodeErr := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "@apollo", "gateway"))
	if nodeErr != nil || modErr != nil {
		if os.Getenv("SANFANG_REQUIRE_CLIENTS") != "" {
			t.Fatalf("the Apollo packages are required but missing: node %v, modules %v; run npm ci --prefix test/federation", nodeErr, modErr)
		}
		t.Skip("node or test/federation/node_modules missing: run npm ci --prefix test/federation")
	}
	return dir
}

// sanfang composes with a partner subgraph that extends Enterprise by
// creditCode, and the real gateway resolves this server's enterprises for
// the credit codes the partner supplies.
func TestFederationThroughTheApolloGateway(t *testing.T) {
	dir := federationDir(t)
	ds := synthetic(t, synth.Tiny)
	t.Run("development", func(t *testing.T) {
		composeAndQuery(t, dir, ds, newServer(t, ds).URL, "")
	})
	// In production mode the router's credential (a gateway credential)
	// runs its unregistered _service and _entities operations.
	t.Run("production", func(t *testing.T) {
		s, key := serveWithGateway(t, ds)
		composeAndQuery(t, dir, ds, s.URL, key)
	})
}

// composeAndQuery runs test/federation's script against the server at url,
// sending key as a bearer token if set, and checks that the gateway
// returns this server's names for the partner's credit codes.
func composeAndQuery(t *testing.T, dir string, ds *seed.Dataset, url, key string) {
	t.Helper()
	want := map[string]string{}
	var codes []string
	for _, e := range ds.Enterprises[:3] {
		codes = append(codes, *e.CreditCode)
		want[*e.CreditCode] = e.Name
	}
	cmd := exec.Command("node", "compose-and-query.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SANFANG_URL="+url, "SANFANG_KEY="+key, "CREDIT_CODES="+strings.Join(codes, ","))
	out, err := cmd.Output()
	var got struct {
		OK    bool
		Error string
		Data  struct {
			PartnerEnterprises []struct {
				CreditCode  string
				HrHeadcount int
				Name        string
			}
		}
	}
	if jerr := json.Unmarshal(out, &got); jerr != nil || err != nil || !got.OK {
		t.Fatalf("gateway: %v %v %s", err, jerr, out)
	}
	if len(got.Data.PartnerEnterprises) != len(codes) {
		t.Fatalf("got %+v", got.Data)
	}
	for _, e := range got.Data.PartnerEnterprises {
		if e.Name != want[e.CreditCode] || e.HrHeadcount < 100 {
			t.Errorf("enterprise %s: name %q (want %q), headcount %d", e.CreditCode, e.Name, want[e.CreditCode], e.HrHeadcount)
		}
	}
}

// Entity look-ups are batched: one query per entity type per request,
// however many representations.
func TestEntitiesAreBatched(t *testing.T) {
	ds := synthetic(t, synth.Tiny)
	s := newServer(t, ds)
	var reps []map[string]any
	for _, e := range ds.Enterprises[:20] {
		reps = append(reps, map[string]any{"__typename": "Enterprise", "creditCode": *e.CreditCode})
	}
	for _, u := range ds.Unions[:20] {
		reps = append(reps, map[string]any{"__typename": "Union", "id": gid("Union", u.ID)})
	}
	reps = append(reps, map[string]any{"__typename": "Union", "id": gid("Union", "no-such-union")})
	s.Commands.Start()
	var data struct {
		Entities []*struct{ Name string } `json:"_entities"`
	}
	s.query(t, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { name } ... on Union { name } } }`, map[string]any{"r": reps}, &data)
	got := s.Commands.Stop()
	if got["find"] != 2 {
		t.Errorf("commands %v, want one find per entity type (2)", got)
	}
	if len(data.Entities) != 41 || data.Entities[0].Name != ds.Enterprises[0].Name || data.Entities[20].Name != ds.Unions[0].Name || data.Entities[40] != nil {
		t.Errorf("entities out of order or wrong: first %+v, 21st %+v, last %+v", data.Entities[0], data.Entities[20], data.Entities[40])
	}
}
