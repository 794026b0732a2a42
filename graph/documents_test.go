package graph_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"sanfang/graph"
	"sanfang/internal/auth"
	"sanfang/internal/documents"
	"sanfang/internal/events"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/webhook"
	"sanfang/internal/write"
)

// serveMode is the test server (on the seed data) in production mode (only
// registered documents run, no introspection, no suggestions) or in
// development mode, with the given registered documents.
func serveMode(t *testing.T, production bool, docs ...documents.Document) *testServer {
	t.Helper()
	return serveModeWithGateways(t, production, jointMeeting(t), nil, docs...)
}

// serveModeWithGateways is serveMode on the data set ds whose gateway
// credentials are those gateways makes on the store.
func serveModeWithGateways(t *testing.T, production bool, ds *seed.Dataset, gateways func(*store.Store) []string, docs ...documents.Document) *testServer {
	t.Helper()
	st := db.Open(t, nil)
	if _, err := st.Load(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	var gatewayIDs []string
	if gateways != nil {
		gatewayIDs = gateways(st)
	}
	authn := &auth.Authenticator{Keys: auth.NewKeyStore(st.Database(store.Joint)), AnonymousReads: true}
	bus := events.NewBus(st)
	hooks := webhook.New(st.Database(store.Joint), bus, webhook.Options{AllowInsecure: true})
	h := graph.NewHandler(graph.Options{Store: st, Write: write.New(st, authn.Policy(), nil), Auth: authn, Events: bus, Webhooks: hooks,
		KeepAlive: 200 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil)),
		Introspection: !production, Documents: documents.NewRegistry(docs...), TrustedDocumentsOnly: production, DisableSuggestions: production,
		GatewayCredentials: gatewayIDs})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &testServer{URL: srv.URL, Store: st}
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func persisted(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

// apq is a POST of a persisted query: the hash, with the query if not empty.
func apq(name, accept, query, hash string) httpCase {
	b := map[string]any{"extensions": persisted(hash)}
	if query != "" {
		b["query"] = query
	}
	return httpCase{name: name, accept: accept, body: body(b)}
}

func mustDoc(t *testing.T, text, source string) documents.Document {
	t.Helper()
	d, err := documents.New(text, source)
	if err != nil {
		t.Fatalf("document %q: %v", text, err)
	}
	return d
}

// dataOf decodes a result's data, which must be there without errors.
func dataOf(t *testing.T, name string, r result, out any) {
	t.Helper()
	if r.status != 200 || len(r.errors) > 0 {
		t.Fatalf("%s: HTTP %d: %s", name, r.status, r.rawBody)
	}
	if err := json.Unmarshal(r.raw["data"], out); err != nil {
		t.Fatalf("%s: %v: %s", name, err, r.rawBody)
	}
}

// Automatic persisted queries: the hash alone is not found at first; the
// query with its hash runs and is remembered; then the hash alone runs it,
// by POST and by GET.
func TestAutomaticPersistedQueries(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	q := `{ bodies { code } }`
	h := sha(q)

	c := apq("hash alone, first", "", "", h)
	c.status, c.data, c.code, c.message = 200, "absent", "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound"
	c.check(t, send(t, s.URL, c))
	c = apq("hash alone, first, graphql-response+json", grType, "", h)
	c.status, c.data, c.code = 404, "absent", "PERSISTED_QUERY_NOT_FOUND"
	c.check(t, send(t, s.URL, c))

	type bodies struct{ Bodies []struct{ Code string } }
	var full, byHash, byGET bodies
	dataOf(t, "query with hash", send(t, s.URL, apq("query with hash", "", q, h)), &full)
	dataOf(t, "hash alone", send(t, s.URL, apq("hash alone", grType, "", h)), &byHash)
	ext, _ := json.Marshal(persisted(h))
	dataOf(t, "hash alone by GET", send(t, s.URL, httpCase{method: "GET", query: url.Values{"extensions": {string(ext)}}}), &byGET)
	if len(full.Bodies) != 4 || len(byHash.Bodies) != 4 || len(byGET.Bodies) != 4 || byHash.Bodies[0] != full.Bodies[0] {
		t.Fatalf("bodies by query %+v, by hash %+v, by GET %+v", full, byHash, byGET)
	}

	c = apq("wrong hash", "", q, sha("something else"))
	c.status, c.data, c.code, c.message = 200, "absent", "BAD_REQUEST", "does not match"
	c.check(t, send(t, s.URL, c))
	c = httpCase{name: "APQ version 2", body: body(map[string]any{"query": q, "extensions": map[string]any{"persistedQuery": map[string]any{"version": 2, "sha256Hash": h}}}),
		status: 200, data: "absent", code: "BAD_REQUEST"}
	c.check(t, send(t, s.URL, c))
}

// In production only registered documents run: as registered, written
// differently, or by hash alone. Anything else is refused before it runs
// (an unregistered mutation writes nothing), and an unknown hash stays
// unknown after its unregistered text is sent.
func TestProductionRunsOnlyRegisteredDocuments(t *testing.T) {
	bodiesText := "query Bodies {\n  bodies { code shortName }\n}\n"
	bodiesDoc := mustDoc(t, bodiesText, "bodies.graphql")
	countDoc := mustDoc(t, `query Count { enterprises { totalCount } }`, "count.graphql")
	s := serveMode(t, true, bodiesDoc, countDoc)
	admin := s.key(t, roles["admin"])

	type bodies struct {
		Bodies []struct{ Code, ShortName string }
	}
	var asSent, rewritten, byHash, byGET bodies
	dataOf(t, "registered, as written", send(t, s.URL, httpCase{body: body(map[string]any{"query": bodiesText})}), &asSent)
	dataOf(t, "registered, as normalised", send(t, s.URL, httpCase{accept: grType, body: body(map[string]any{"query": bodiesDoc.Text})}), &rewritten)
	dataOf(t, "registered, rewritten", send(t, s.URL, httpCase{body: body(map[string]any{"query": "# the bodies\nquery Bodies{bodies{code,shortName}}"})}), &rewritten)
	dataOf(t, "registered, by hash", send(t, s.URL, apq("by hash", grType, "", bodiesDoc.Hash)), &byHash)
	ext, _ := json.Marshal(persisted(bodiesDoc.Hash))
	dataOf(t, "registered, by hash over GET", send(t, s.URL, httpCase{method: "GET", query: url.Values{"extensions": {string(ext)}}}), &byGET)
	if len(asSent.Bodies) != 4 || len(byHash.Bodies) != 4 || len(byGET.Bodies) != 4 || len(rewritten.Bodies) != 4 {
		t.Fatalf("registered document's answers: %+v %+v %+v %+v", asSent, rewritten, byHash, byGET)
	}

	unregistered := `{ bodies { code name } }`
	for _, c := range []httpCase{
		{name: "unregistered, json", body: body(map[string]any{"query": unregistered}), status: 200},
		{name: "unregistered, graphql-response+json", accept: grType, body: body(map[string]any{"query": unregistered}), status: 403},
		{name: "unregistered, GET", method: "GET", accept: grType, query: url.Values{"query": {unregistered}}, status: 403},
		{name: "unregistered with its hash", accept: grType, body: body(map[string]any{"query": unregistered, "extensions": persisted(sha(unregistered))}), status: 403},
		{name: "registered operation plus another field", body: body(map[string]any{"query": "query Bodies { bodies { code shortName } people { totalCount } }"}), status: 200},
	} {
		c.data, c.code, c.message = "absent", "PERSISTED_QUERY_NOT_ALLOWED", "registered"
		c.check(t, send(t, s.URL, c))
	}
	// Sending the unregistered text did not teach the server its hash.
	c := apq("unregistered hash alone", grType, "", sha(unregistered))
	c.status, c.data, c.code = 404, "absent", "PERSISTED_QUERY_NOT_FOUND"
	c.check(t, send(t, s.URL, c))

	count := func() int {
		var got struct{ Enterprises struct{ TotalCount int } }
		dataOf(t, "count", send(t, s.URL, apq("count", "", "", countDoc.Hash)), &got)
		return got.Enterprises.TotalCount
	}
	before := count()
	m := httpCase{name: "unregistered mutation", key: admin, body: body(map[string]any{"query": `mutation { createEnterprise(input: {name: "未登记快递", brand: "未登记"}) { id } }`}),
		status: 200, data: "absent", code: "PERSISTED_QUERY_NOT_ALLOWED"}
	m.check(t, send(t, s.URL, m))
	if after := count(); after != before {
		t.Fatalf("enterprises %d before, %d after an unregistered mutation", before, after)
	}
}

// Introspection and "did you mean" hints are off in production and on in
// development. In production, Apollo Federation's _service runs for a
// registered document only (the gateway's), which gets introspection for
// that request.
func TestIntrospectionAndSuggestionsByMode(t *testing.T) {
	schemaQ := `query Schema { __schema { queryType { name } } }`
	typeQ := `query Type { __type(name: "Enterprise") { name } }`
	typoQ := `query Typo { bodies { shortNam } }` // registered before a schema change, say
	serviceQ := `query __ApolloGetServiceDefinition__ { _service { sdl } }`
	bothQ := `query Both { _service { sdl } ...Schema } fragment Schema on Query { __schema { queryType { name } } }`
	var docs []documents.Document
	for _, q := range []string{schemaQ, typeQ, typoQ, serviceQ, bothQ} {
		docs = append(docs, mustDoc(t, q, ""))
	}
	prod := serveMode(t, true, docs...)
	dev := serveMode(t, false)

	for _, q := range []string{schemaQ, typeQ} {
		c := httpCase{name: "production " + q, accept: grType, body: body(map[string]any{"query": q}), status: 403, data: "absent", code: "INTROSPECTION_DISABLED"}
		c.check(t, send(t, prod.URL, c))
		var got map[string]any
		dataOf(t, "development "+q, send(t, dev.URL, httpCase{body: body(map[string]any{"query": q})}), &got)
	}

	prodTypo := send(t, prod.URL, httpCase{body: body(map[string]any{"query": typoQ})})
	devTypo := send(t, dev.URL, httpCase{body: body(map[string]any{"query": typoQ})})
	if !prodTypo.hasCode("GRAPHQL_VALIDATION_FAILED") || !prodTypo.hasMessage("shortNam") || strings.Contains(prodTypo.rawBody, "Did you mean") {
		t.Errorf("production, a typo'd field: %s; want a validation error without suggestions", prodTypo.rawBody)
	}
	if !devTypo.hasMessage(`Did you mean "shortName"`) {
		t.Errorf("development, a typo'd field: %s; want a suggestion", devTypo.rawBody)
	}

	var svc struct {
		Service struct{ SDL string } `json:"_service"`
	}
	dataOf(t, "production, registered _service", send(t, prod.URL, httpCase{body: body(map[string]any{"query": serviceQ})}), &svc)
	if !strings.Contains(svc.Service.SDL, "type Enterprise") {
		t.Fatalf("production _service SDL: %.200q", svc.Service.SDL)
	}
	c := httpCase{name: "production, unregistered _service", accept: grType, body: body(map[string]any{"query": `{ _service { sdl } }`}), status: 403, code: "PERSISTED_QUERY_NOT_ALLOWED"}
	c.check(t, send(t, prod.URL, c))
	c = httpCase{name: "production, registered _service with __schema", accept: grType, body: body(map[string]any{"query": bothQ}), status: 403, code: "INTROSPECTION_DISABLED"}
	c.check(t, send(t, prod.URL, c))
}

// In development every document runs, and a registered one may also be
// sent by its hash alone.
func TestDevelopmentRunsEverythingAndRegisteredByHash(t *testing.T) {
	d := mustDoc(t, `query Bodies { bodies { code } }`, "")
	s := serveMode(t, false, d)
	var got struct{ Bodies []struct{ Code string } }
	dataOf(t, "registered by hash", send(t, s.URL, apq("by hash", "", "", d.Hash)), &got)
	dataOf(t, "unregistered", send(t, s.URL, httpCase{body: body(map[string]any{"query": `{ bodies { code name } }`})}), &got)
	if len(got.Bodies) != 4 {
		t.Fatalf("%+v", got)
	}
}

// A supergraph router makes up its _entities operations per client query,
// so they cannot be registered ahead: in production its credential (and
// only its) may run unregistered operations on _service and _entities
// alone, with introspection for _service; anything else unregistered is
// refused to it as to everyone.
func TestProductionLetsTheGatewayRunFederationOperations(t *testing.T) {
	s, gatewayKey := serveWithGateway(t, jointMeeting(t))
	viewer := s.key(t, roles["viewer"])

	entities := `query($r: [_Any!]!) { _entities(representations: $r) { ... on Body { __typename shortName } } }`
	reps := map[string]any{"r": []any{map[string]any{"__typename": "Body", "id": gid("Body", "POSTAL")}}}
	service := `query { _service { sdl } }`

	var got struct {
		Entities []struct{ Typename, ShortName string } `json:"_entities"`
	}
	dataOf(t, "gateway _entities", send(t, s.URL, httpCase{key: gatewayKey, body: body(map[string]any{"query": entities, "variables": reps})}), &got)
	if len(got.Entities) != 1 || got.Entities[0].ShortName == "" {
		t.Errorf("gateway _entities = %+v", got)
	}
	var svc struct {
		Service struct{ SDL string } `json:"_service"`
	}
	dataOf(t, "gateway _service", send(t, s.URL, httpCase{key: gatewayKey, body: body(map[string]any{"query": service})}), &svc)
	if !strings.Contains(svc.Service.SDL, "type Enterprise") {
		t.Errorf("gateway _service SDL: %.200q", svc.Service.SDL)
	}

	for _, c := range []httpCase{
		{name: "another key's _entities", key: viewer, body: body(map[string]any{"query": entities, "variables": reps}), message: "registered"},
		{name: "anonymous _service", body: body(map[string]any{"query": service}), message: "registered"},
		{name: "gateway, another root field", key: gatewayKey, body: body(map[string]any{"query": `{ _service { sdl } bodies { code } }`}), message: "selects bodies"},
		{name: "gateway, another field by fragment", key: gatewayKey, body: body(map[string]any{"query": `{ ...F } fragment F on Query { enterprises { totalCount } }`}), message: "selects enterprises"},
		{name: "gateway, a mutation", key: gatewayKey, body: body(map[string]any{"query": `mutation { deleteWebhook(id: "x") { id } }`}), message: "selects deleteWebhook"},
	} {
		c.accept, c.status, c.data, c.code = grType, 403, "absent", "PERSISTED_QUERY_NOT_ALLOWED"
		c.check(t, send(t, s.URL, c))
	}
	// The gateway's text in the APQ cache does not let others send its hash.
	c := apq("another key, the gateway's hash", grType, "", sha(service))
	c.key = viewer
	c.status, c.data, c.code = 403, "absent", "PERSISTED_QUERY_NOT_ALLOWED"
	send(t, s.URL, httpCase{key: gatewayKey, body: body(map[string]any{"query": service, "extensions": persisted(sha(service))})})
	c.check(t, send(t, s.URL, c))
}

// serveWithGateway serves ds in production mode with one gateway
// credential, a viewer's API key, which it returns.
func serveWithGateway(t *testing.T, ds *seed.Dataset) (*testServer, string) {
	t.Helper()
	var gatewayKey string
	s := serveModeWithGateways(t, true, ds, func(st *store.Store) []string {
		plain, k, err := auth.NewKeyStore(st.Database(store.Joint)).Create(context.Background(), auth.KeySpec{Name: "supergraph-router", Role: auth.RoleViewer})
		if err != nil {
			t.Fatal(err)
		}
		gatewayKey = plain
		return []string{k.ID}
	})
	return s, gatewayKey
}
