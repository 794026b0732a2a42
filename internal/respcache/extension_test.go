package respcache_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"sanfang/graph"
	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/respcache"
)

// miniSchema is a small schema the test server executes by hand.
const miniSchema = `
directive @defer(if: Boolean = true, label: String) on FRAGMENT_SPREAD | INLINE_FRAGMENT

type Query {
  enterprises(first: Int): [Enterprise!]!
  unions: [Union!]!
  person: Person
  auditLog: [AuditRecord!]!
  fail: String
}
type Mutation { touch: Int! }
type Enterprise { name: String! union: Union }
type Union { name: String! }
type Person { name: String! phone: String }
type AuditRecord { seq: Int! }
`

// miniServer executes every operation by counting: its answer is the number
// of executions so far and the caller's scope, so a cached answer shows an
// old count.
type miniServer struct {
	executions atomic.Int64
	// during, if set, runs while a query executes (before it answers).
	during func()
}

func (m *miniServer) schema() graphql.ExecutableSchema {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: miniSchema})
	return &graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return schema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 0, false
		},
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			opCtx := graphql.GetOperationContext(ctx)
			deferred := strings.Contains(opCtx.RawQuery, "@defer")
			calls := 0
			return func(ctx context.Context) *graphql.Response {
				calls++
				if calls > 1 && !(deferred && calls == 2) {
					return nil
				}
				if calls == 2 { // the deferred part
					f := false
					return &graphql.Response{Data: []byte(`{"late":true}`), HasNext: &f, Path: ast.Path{ast.PathName("enterprises")}}
				}
				n := m.executions.Add(1)
				if m.during != nil {
					m.during()
				}
				if strings.Contains(opCtx.RawQuery, "fail") {
					graphql.AddError(ctx, errors.New("boom"))
					return &graphql.Response{Data: []byte(`{"fail":null}`)}
				}
				data, _ := json.Marshal(map[string]any{"n": n, "scope": respcache.Scope(auth.FromContext(ctx))})
				resp := &graphql.Response{Data: data}
				if deferred {
					t := true
					resp.HasNext = &t
				}
				return resp
			}
		},
	}
}

// newMiniHandler serves m's schema with the cache extension; the principal
// comes from test headers (X-Role, X-Body, X-Enterprise, X-Id), as the auth
// middleware would put it in the context.
func newMiniHandler(m *miniServer, ext *respcache.Extension) http.Handler {
	srv := handler.New(m.schema())
	srv.AddTransport(transport.POST{})
	srv.Use(ext)
	return withPrincipal(srv)
}

func withPrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.Anonymous()
		if role := r.Header.Get("X-Role"); role != "" {
			p = &auth.Principal{Kind: auth.PrincipalAPIKey, ID: r.Header.Get("X-Id"), Role: auth.Role(role),
				Body: domain.BodyCode(r.Header.Get("X-Body")), EnterpriseID: r.Header.Get("X-Enterprise")}
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

type answer struct {
	Data       json.RawMessage `json:"data"`
	Errors     []any           `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
}

// cacheSays is the answer's "cache" extension, or "" when there is none.
func (a answer) cacheSays() string {
	s, _ := a.Extensions["cache"].(string)
	return s
}

// ask posts a query as the principal the headers name ("" for anonymous;
// else "role[,body[,enterprise[,id]]]").
func ask(t *testing.T, h http.Handler, who, query string, vars map[string]any) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if who != "" {
		parts := append(strings.Split(who, ","), "", "", "")
		req.Header.Set("X-Role", parts[0])
		req.Header.Set("X-Body", parts[1])
		req.Header.Set("X-Enterprise", parts[2])
		req.Header.Set("X-Id", parts[3])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var a answer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatalf("%s: %v: %s", query, err, rec.Body)
	}
	return a
}

func TestExtension(t *testing.T) {
	const enterprises = `query E($first: Int) { enterprises(first: $first) { name } }`
	first10 := map[string]any{"first": 10}

	// steps run in order against one server; each says who asks what, and
	// what the answer must say ("HIT", "MISS" or "" for no cache
	// extension) and whether it must have executed.
	type step struct {
		name     string
		who      string
		query    string
		vars     map[string]any
		before   func(c *respcache.Cache)
		cache    string
		executed bool
	}
	steps := []step{
		{name: "first ask", who: "viewer,,,k1", query: enterprises, vars: first10, cache: "MISS", executed: true},
		{name: "same ask", who: "viewer,,,k1", query: enterprises, vars: first10, cache: "HIT"},
		{name: "another viewer key shares the answer", who: "viewer,,,k2", query: enterprises, vars: first10, cache: "HIT"},
		{name: "other variables", who: "viewer", query: enterprises, vars: map[string]any{"first": 5}, cache: "MISS", executed: true},
		{name: "another scope misses", who: "editor,POSTAL", query: enterprises, vars: first10, cache: "MISS", executed: true},
		{name: "another body misses", who: "editor,UNION", query: enterprises, vars: first10, cache: "MISS", executed: true},
		{name: "a partner misses", who: "partner,,ent-sf", query: enterprises, vars: first10, cache: "MISS", executed: true},
		{name: "another partner misses", who: "partner,,ent-yt", query: enterprises, vars: first10, cache: "MISS", executed: true},
		{name: "anonymous misses", query: enterprises, vars: first10, cache: "MISS", executed: true},
		{name: "each scope then hits", who: "editor,POSTAL", query: enterprises, vars: first10, cache: "HIT"},
		{name: "a change of another kind keeps it", who: "viewer", query: enterprises, vars: first10,
			before: func(c *respcache.Cache) { c.Invalidate("Union", "Task") }, cache: "HIT"},
		{name: "a change of its kind drops it", who: "viewer", query: enterprises, vars: first10,
			before: func(c *respcache.Cache) { c.Invalidate("Enterprise") }, cache: "MISS", executed: true},
		{name: "and it is cached again", who: "viewer", query: enterprises, vars: first10, cache: "HIT"},
		{name: "nested kinds", who: "viewer", query: `{ enterprises { union { name } } }`, cache: "MISS", executed: true},
		{name: "dropped by a change to the nested kind", who: "viewer", query: `{ enterprises { union { name } } }`,
			before: func(c *respcache.Cache) { c.Invalidate("Union") }, cache: "MISS", executed: true},
		{name: "a mutation is never cached", who: "admin", query: `mutation { touch }`, executed: true},
		{name: "nor the second time", who: "admin", query: `mutation { touch }`, executed: true},
		{name: "an answer with errors is not stored", who: "viewer", query: `{ fail }`, cache: "MISS", executed: true},
		{name: "so it misses again", who: "viewer", query: `{ fail }`, cache: "MISS", executed: true},
		{name: "an invalid request is not looked up", who: "viewer", query: `{ nonsense }`},
		{name: "a request that does not parse is not looked up", who: "viewer", query: `{ enterprises {`},
		{name: "the audit log is never cached", who: "admin", query: `{ auditLog { seq } }`, executed: true},
		{name: "nor the second time", who: "admin", query: `{ auditLog { seq } }`, executed: true},
		{name: "masked personal data is cached", who: "viewer", query: `{ person { phone } }`, cache: "MISS", executed: true},
		{name: "for its scope", who: "viewer", query: `{ person { phone } }`, cache: "HIT"},
		{name: "unmasked personal data is audited, so never cached", who: "admin", query: `{ person { phone } }`, executed: true},
		{name: "not for an editor either", who: "editor,UNION", query: `{ person { phone } }`, executed: true},
		{name: "nor the second time", who: "editor,UNION", query: `{ person { phone } }`, executed: true},
		{name: "a person without personal data is cached for an admin", who: "admin", query: `{ person { name } }`, cache: "MISS", executed: true},
		{name: "and hits", who: "admin", query: `{ person { name } }`, cache: "HIT"},
		{name: "a deferred answer is not stored", who: "viewer", query: `{ ... @defer { unions { name } } }`, cache: "MISS", executed: true},
		{name: "so it misses again", who: "viewer", query: `{ ... @defer { unions { name } } }`, cache: "MISS", executed: true},
		{name: "Skip bypasses the cache", who: "viewer", query: `query Live { unions { name } }`, executed: true},
		{name: "each time", who: "viewer", query: `query Live { unions { name } }`, executed: true},
	}

	m := &miniServer{}
	c := respcache.New(respcache.Options{})
	skip := func(_ context.Context, op *ast.OperationDefinition) bool { return op.Name == "Live" }
	h := newMiniHandler(m, &respcache.Extension{Cache: c, Skip: skip})
	answers := map[string]json.RawMessage{}
	for _, s := range steps {
		if s.before != nil {
			s.before(c)
		}
		n := m.executions.Load()
		a := ask(t, h, s.who, s.query, s.vars)
		if got := a.cacheSays(); got != s.cache {
			t.Errorf("%s: cache extension %q, want %q (answer %s %v)", s.name, got, s.cache, a.Data, a.Errors)
		}
		if executed := m.executions.Load() > n; executed != s.executed {
			t.Errorf("%s: executed %v, want %v", s.name, executed, s.executed)
		}
		// A hit answers what the last miss answered for that scope (role,
		// body, enterprise: not the key id).
		scope := strings.Join(append(strings.Split(s.who, ","), "", "")[:3], ",")
		id := scope + "|" + s.query + "|" + string(must(json.Marshal(s.vars)))
		if s.cache == "HIT" && string(answers[id]) != string(a.Data) {
			t.Errorf("%s: hit answered %s, the miss %s", s.name, a.Data, answers[id])
		}
		if s.cache == "MISS" {
			answers[id] = a.Data
		}
	}
	if st := c.Stats(); st.Hits != 7 {
		t.Errorf("stats %+v, want 7 hits", st)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestExtensionRace: an answer whose kind is invalidated while it is being
// computed (its change event overtook it) is not stored.
func TestExtensionRace(t *testing.T) {
	m := &miniServer{}
	c := respcache.New(respcache.Options{})
	h := newMiniHandler(m, &respcache.Extension{Cache: c})
	const q = `{ enterprises { name } }`
	m.during = func() { c.Invalidate("Enterprise") }
	if a := ask(t, h, "viewer", q, nil); a.cacheSays() != "MISS" {
		t.Fatalf("first: %q", a.cacheSays())
	}
	m.during = nil
	if a := ask(t, h, "viewer", q, nil); a.cacheSays() != "MISS" {
		t.Errorf("an answer computed across an invalidation of its kind was stored: %q", a.cacheSays())
	}
	if a := ask(t, h, "viewer", q, nil); a.cacheSays() != "HIT" {
		t.Errorf("third: %q", a.cacheSays())
	}
	// Invalidating another kind during the computation does not matter.
	const u = `{ unions { name } }`
	m.during = func() { c.Invalidate("Enterprise") }
	ask(t, h, "viewer", u, nil)
	m.during = nil
	if a := ask(t, h, "viewer", u, nil); a.cacheSays() != "HIT" {
		t.Errorf("unions after an Enterprise change during their computation: %q", a.cacheSays())
	}
}

// TestExtensionStream: streaming transports ask the response handler until
// it returns nil; a hit answers once, then ends the stream, without
// executing.
func TestExtensionStream(t *testing.T) {
	m := &miniServer{}
	c := respcache.New(respcache.Options{})
	exec := executor.New(m.schema())
	exec.Use(&respcache.Extension{Cache: c})
	run := func() []*graphql.Response {
		ctx := auth.WithPrincipal(context.Background(), &auth.Principal{Kind: auth.PrincipalAPIKey, Role: auth.RoleViewer})
		ctx = graphql.StartOperationTrace(ctx)
		opCtx, errs := exec.CreateOperationContext(ctx, &graphql.RawParams{Query: `{ unions { name } }`})
		if errs != nil {
			t.Fatal(errs)
		}
		responses, ctx := exec.DispatchOperation(ctx, opCtx)
		var out []*graphql.Response
		for range 5 {
			r := responses(ctx)
			if r == nil {
				return out
			}
			out = append(out, r)
		}
		t.Fatal("the response stream did not end")
		return nil
	}
	miss := run()
	hit := run()
	if len(miss) != 1 || len(hit) != 1 {
		t.Fatalf("%d responses on a miss, %d on a hit; want one each", len(miss), len(hit))
	}
	if miss[0].Extensions["cache"] != "MISS" || hit[0].Extensions["cache"] != "HIT" {
		t.Errorf("extensions %v then %v", miss[0].Extensions, hit[0].Extensions)
	}
	if string(miss[0].Data) != string(hit[0].Data) || m.executions.Load() != 1 {
		t.Errorf("miss %s, hit %s, %d executions", miss[0].Data, hit[0].Data, m.executions.Load())
	}
}

func TestExtensionNeedsACache(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Use accepted an Extension without a Cache")
		}
	}()
	handler.New((&miniServer{}).schema()).Use(&respcache.Extension{})
}

// TestExtensionOnTheRealSchema runs the generated executor of the project's
// schema (regions need no store) with the cache.
func TestExtensionOnTheRealSchema(t *testing.T) {
	c := respcache.New(respcache.Options{})
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}))
	srv.AddTransport(transport.POST{})
	srv.Use(&respcache.Extension{Cache: c})
	h := withPrincipal(srv)
	const q = `{ regions { code name } }`
	want := []struct {
		before func()
		cache  string
	}{
		{nil, "MISS"},
		{nil, "HIT"},
		{func() { c.Invalidate("Enterprise", "Union") }, "HIT"},
		{func() { c.Invalidate("Region") }, "MISS"},
		{nil, "HIT"},
	}
	var first json.RawMessage
	for i, w := range want {
		if w.before != nil {
			w.before()
		}
		a := ask(t, h, "viewer", q, nil)
		if a.cacheSays() != w.cache || len(a.Errors) > 0 {
			t.Errorf("ask %d: cache %q errors %v, want %q", i, a.cacheSays(), a.Errors, w.cache)
		}
		if !strings.Contains(string(a.Data), `"code":"140100"`) {
			t.Errorf("ask %d: answer %s", i, a.Data)
		}
		if first == nil {
			first = a.Data
		} else if string(first) != string(a.Data) {
			t.Errorf("ask %d: answer %s differs from %s", i, a.Data, first)
		}
	}
}
