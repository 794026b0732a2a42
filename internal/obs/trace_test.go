package obs_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"sanfang/graph"
	"sanfang/internal/auth"
	"sanfang/internal/events"
	"sanfang/internal/obs"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/storetest"
	"sanfang/internal/webhook"
	"sanfang/internal/write"
)

var db *storetest.Server

func TestMain(m *testing.M) { storetest.Main(m, &db) }

// endpoint serves the real GraphQL handler over a seeded store, observed by
// o as the server observes it.
func endpoint(t *testing.T, o *obs.Obs) string {
	t.Helper()
	st := db.Open(t, o.CommandMonitor())
	ds, err := seed.JointMeeting()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(t.Context(), ds); err != nil {
		t.Fatal(err)
	}
	authn := &auth.Authenticator{Keys: auth.NewKeyStore(st.Database(store.Joint)), AnonymousReads: true}
	bus := events.NewBus(st)
	h := graph.NewHandler(graph.Options{
		Store: st, Write: write.New(st, authn.Policy(), nil), Auth: authn, Events: bus,
		Webhooks: webhook.New(st.Database(store.Joint), bus, webhook.Options{AllowInsecure: true}),
		Logger:   slog.New(slog.DiscardHandler), Extensions: []graphql.HandlerExtension{o.Extension()},
		Tracer: o.TracerIfOn(),
	})
	srv := httptest.NewServer(o.Middleware(h))
	t.Cleanup(srv.Close)
	return srv.URL + "/graphql"
}

func post(t *testing.T, url, query string) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	res, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out["errors"] != nil {
		t.Fatalf("errors: %v", out["errors"])
	}
	return out
}

// A traced query makes a server span for the operation, a span for each
// root field under it, a span for each loader batch under the field that
// asked first, and a client span for each database command under those,
// on the database the command went to.
func TestQueryTrace(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	o := obs.New(obs.Options{TracerProvider: tp})
	url := endpoint(t, o)
	exp.Reset() // the seed load is not traced, but make sure

	post(t, url, `query Ents { enterprises(first: 3) { nodes { name union { name } } } bodies { code } }`)

	spans := exp.GetSpans()
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, s := range spans {
		byID[s.SpanContext.SpanID()] = s
	}
	var op tracetest.SpanStub
	for _, s := range spans {
		if s.Name == "query Ents" {
			op = s
		}
	}
	if !op.SpanContext.IsValid() || op.SpanKind != trace.SpanKindServer {
		t.Fatalf("no server span for the operation among %v", names(spans))
	}
	// under returns the chain of span names from s up to the operation.
	under := func(s tracetest.SpanStub) []string {
		var chain []string
		for p := s; ; {
			chain = append(chain, p.Name)
			if p.SpanContext.SpanID() == op.SpanContext.SpanID() {
				return chain
			}
			parent, ok := byID[p.Parent.SpanID()]
			if !ok {
				return nil
			}
			p = parent
		}
	}
	for _, field := range []string{"Query.enterprises", "Query.bodies"} {
		found := false
		for _, s := range spans {
			if s.Name == field {
				found = true
				if c := under(s); len(c) != 2 {
					t.Errorf("%s is not a child of the operation: %v", field, c)
				}
			}
		}
		if !found {
			t.Errorf("no span for %s among %v", field, names(spans))
		}
	}
	dbSpans := map[string][]string{}
	for _, s := range spans {
		if s.SpanKind != trace.SpanKindClient {
			continue
		}
		chain := under(s)
		if chain == nil {
			t.Errorf("database span %s is not under the operation", s.Name)
			continue
		}
		dbSpans[s.Name] = chain
		attrs := map[string]string{}
		for _, a := range s.Attributes {
			attrs[string(a.Key)] = a.Value.Emit()
		}
		if attrs["db.system"] != "mongodb" || attrs["db.operation.name"] != "find" || attrs["db.namespace"] == "" || attrs["db.collection.name"] == "" {
			t.Errorf("database span %s has attributes %v", s.Name, attrs)
		}
	}
	// The page of enterprises (POSTAL), their unions in one batch (UNION),
	// the bodies (joint).
	want := map[string]string{"enterprises": "Query.enterprises", "unions": "Query.enterprises", "bodies": "Query.bodies"}
	for coll, field := range want {
		found := false
		for name, chain := range dbSpans {
			if strings.HasPrefix(name, "find ") && strings.HasSuffix(name, "."+coll) {
				found = true
				if !contains(chain, field) {
					t.Errorf("%s is under %v, want under %s", name, chain, field)
				}
			}
		}
		if !found {
			t.Errorf("no find on %s among the database spans %v", coll, dbSpans)
		}
	}
	if len(dbSpans) != 3 {
		t.Errorf("database spans %v, want the three finds", dbSpans)
	}
	// The unions came in one batch, traced with the number of keys, and
	// the find is its child.
	for name, chain := range dbSpans {
		if strings.HasSuffix(name, ".unions") && (len(chain) < 2 || chain[1] != "load union of enterprise") {
			t.Errorf("%s is under %v, want directly under the loader batch", name, chain)
		}
	}
	batches := 0
	for _, s := range spans {
		if s.Name != "load union of enterprise" {
			continue
		}
		batches++
		keys := int64(-1)
		for _, a := range s.Attributes {
			if a.Key == "sanfang.loader.keys" {
				keys = a.Value.AsInt64()
			}
		}
		if keys != 3 {
			t.Errorf("the union batch says %d keys (-1: none), want 3", keys)
		}
		if c := under(s); !contains(c, "Query.enterprises") {
			t.Errorf("the union batch is under %v, want under Query.enterprises", c)
		}
	}
	if batches != 1 {
		t.Errorf("%d union batches traced, want 1", batches)
	}
}

// Without a tracer provider nothing is traced, and the metrics still count.
func TestNoTracingStillCounts(t *testing.T) {
	o := obs.New(obs.Options{})
	if o.Tracing() {
		t.Fatal("tracing on without a provider")
	}
	url := endpoint(t, o)
	before := gather(t, o)
	post(t, url, `query Ents { enterprises(first: 3) { nodes { name } } }`)
	got := gather(t, o)
	if v := got["sanfang_graphql_requests_total operation=Ents outcome=ok"]; v != 1 {
		t.Errorf("requests{Ents, ok} = %v, want 1", v)
	}
	finds := "sanfang_db_commands_total command=find database=" + postalDB(t, got)
	if v := got[finds] - before[finds]; v != 1 {
		t.Errorf("finds on the POSTAL database: %v more, want 1", v)
	}
}

// gather reads every counter and gauge, keyed by name and labels.
func gather(t *testing.T, o *obs.Obs) map[string]float64 {
	t.Helper()
	families, err := o.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += " " + l.GetName() + "=" + l.GetValue()
			}
			got[key] = m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return got
}

// postalDB finds the test's POSTAL database name (t<n>_postal) among the
// counted commands.
func postalDB(t *testing.T, got map[string]float64) string {
	t.Helper()
	for k := range got {
		if i := strings.Index(k, "database="); i >= 0 && strings.HasPrefix(k, "sanfang_db_commands_total ") && strings.HasSuffix(k, "_postal") {
			return k[i+len("database="):]
		}
	}
	t.Fatalf("no commands on a POSTAL database in %v", got)
	return ""
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
