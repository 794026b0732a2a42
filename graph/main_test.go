package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"sanfang/graph"
	"sanfang/internal/auth"
	"sanfang/internal/events"
	"sanfang/internal/respcache"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/storetest"
	"sanfang/internal/synth"
	"sanfang/internal/webhook"
	"sanfang/internal/write"
)

// db is the one embedded database this package's tests share; each test
// server gets its own database names on it.
var db *storetest.Server

func TestMain(m *testing.M) { storetest.Main(m, &db) }

// testServer is the GraphQL endpoint over HTTP on a store of its own.
type testServer struct {
	URL      string
	Store    *store.Store
	Commands *storetest.Commands
}

// newServer loads the data sets into a fresh store and serves it. The
// loaders wait longer than in production so that the batches a test counts
// do not depend on how busy the machine is.
func newServer(t testing.TB, sets ...*seed.Dataset) *testServer {
	t.Helper()
	return newServerWaiting(t, 20*time.Millisecond, sets...)
}

// newServerWaiting is newServer with the given loader wait (0: the
// production default).
func newServerWaiting(t testing.TB, loaderWait time.Duration, sets ...*seed.Dataset) *testServer {
	t.Helper()
	return serve(t, loaderWait, nil, sets...)
}

// newCachedServer is newServer with a response cache, invalidated by writes
// as in production.
func newCachedServer(t testing.TB, sets ...*seed.Dataset) (*testServer, *respcache.Cache) {
	t.Helper()
	c := respcache.New(respcache.Options{TTL: time.Hour})
	return serve(t, 0, c, sets...), c
}

func serve(t testing.TB, loaderWait time.Duration, cache *respcache.Cache, sets ...*seed.Dataset) *testServer {
	t.Helper()
	cmds := &storetest.Commands{}
	st := db.Open(t, cmds.Monitor())
	for _, ds := range sets {
		if _, err := st.Load(context.Background(), ds); err != nil {
			t.Fatalf("load data set: %v", err)
		}
	}
	authn := &auth.Authenticator{Keys: auth.NewKeyStore(st.Database(store.Joint)), AnonymousReads: true}
	if cache != nil {
		respcache.InvalidateOnWrite(st, cache)
	}
	bus := events.NewBus(st)
	hooks := webhook.New(st.Database(store.Joint), bus, webhook.Options{AllowInsecure: true})
	h := graph.NewHandler(graph.Options{Store: st, Write: write.New(st, authn.Policy(), nil), Auth: authn, Events: bus, Webhooks: hooks, Cache: cache, KeepAlive: 200 * time.Millisecond, WebSocketInitTimeout: 2 * time.Second, WebSocketOrigins: []string{"https://dashboard.example.cn"}, Introspection: true, LoaderWait: loaderWait, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil)), Limits: testLimits(t)})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &testServer{URL: srv.URL, Store: st, Commands: cmds}
}

func jointMeeting(t testing.TB) *seed.Dataset {
	t.Helper()
	ds, err := seed.JointMeeting()
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func synthetic(t testing.TB, scale synth.Scale) *seed.Dataset {
	t.Helper()
	ds, err := synth.Generate(1, scale)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// gqlError is one error of a response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

type response struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
}

// do posts a query and decodes the response.
func (s *testServer) do(t testing.TB, query string, vars map[string]any) response {
	t.Helper()
	return s.doAs(t, "", query, vars)
}

// doAs posts a query with an API key (none if key is empty).
func (s *testServer) doAs(t testing.TB, key, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer res.Body.Close()
	var r response
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatalf("decode response (HTTP %d): %v", res.StatusCode, err)
	}
	return r
}

// key makes an API key on the server's store and returns it.
func (s *testServer) key(t testing.TB, spec auth.KeySpec) string {
	t.Helper()
	plain, _, err := auth.NewKeyStore(s.Store.Database(store.Joint)).Create(context.Background(), spec)
	if err != nil {
		t.Fatalf("create key %+v: %v", spec, err)
	}
	return plain
}

// query posts a query that must succeed and decodes its data into out.
func (s *testServer) query(t testing.TB, query string, vars map[string]any, out any) {
	t.Helper()
	r := s.do(t, query, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("query failed: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatalf("decode data: %v\n%s", err, r.Data)
	}
}

// testLog sends the server's log to the test's log, shown when a test fails.
type testLog struct{ t testing.TB }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(string(bytes.TrimSpace(p)))
	return len(p), nil
}
