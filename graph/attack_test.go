package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"sanfang/internal/limits"
	"sanfang/internal/seed"
)

// limitOverrides holds the limits of the servers tests make with
// newLimitedServer, by test.
var limitOverrides sync.Map

// testLimits are the limits of a test server: the production defaults,
// except that the rate limits and the cost budget are off (tests send many
// requests quickly from one address and key) and the cost limit is higher,
// unless the test asked for its own with newLimitedServer.
func testLimits(t testing.TB) limits.Config {
	if c, ok := limitOverrides.Load(t); ok {
		return c.(limits.Config)
	}
	c := limits.Defaults()
	c.RateLimit = limits.Rate{PerSecond: limits.Off}
	c.IPRateLimit = limits.Rate{PerSecond: limits.Off}
	c.CostBudget = limits.Off
	// Some tests page through a whole data set at once (100 unions with
	// 100 membership figures each: cost 81,301), which production refuses.
	c.MaxCost = 200000
	return c
}

// newLimitedServer is newServer with the given limits.
func newLimitedServer(t *testing.T, c limits.Config, sets ...*seed.Dataset) *testServer {
	t.Helper()
	limitOverrides.Store(t, c)
	t.Cleanup(func() { limitOverrides.Delete(t) })
	return newServer(t, sets...)
}

// guard is how long a refusal may take at most. It is a guard against a
// refusal that does the work it should spare (the stock server spends 25 s
// validating 20,000 __typename fields), not a measure: the durations are
// logged.
const guard = 5 * time.Second

// answer is an HTTP answer, decoded.
type answer struct {
	status int
	header http.Header
	resp   response
	took   time.Duration
}

// send posts a body (with Content-Type: application/json and Accept:
// application/graphql-response+json unless headers say otherwise) and
// decodes the answer.
func (s *testServer) send(t testing.TB, body io.Reader, headers map[string]string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("POST: %v", err)
		return answer{}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, header: res.Header, took: time.Since(start)}
	if err := json.Unmarshal(raw, &a.resp); err != nil {
		t.Errorf("decode the answer (HTTP %d): %v\n%.300s", res.StatusCode, err, raw)
	}
	return a
}

// sendQuery posts a query (and variables) as key ("" for none).
func (s *testServer) sendQuery(t testing.TB, key, query string, vars map[string]any) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	h := map[string]string{}
	if key != "" {
		h["Authorization"] = "Bearer " + key
	}
	return s.send(t, bytes.NewReader(body), h)
}

// refusal is what a refused request must look like.
type refusal struct {
	status int
	code   string
	limit  string // extensions.limit.name, if any
}

// check reports how a answer differs from the refusal.
func (a answer) check(want refusal) error {
	if a.status != want.status {
		return fmt.Errorf("HTTP %d, want %d (%+v)", a.status, want.status, a.resp.Errors)
	}
	if len(a.resp.Errors) == 0 {
		return fmt.Errorf("no errors; data %s", a.resp.Data)
	}
	e := a.resp.Errors[0]
	if e.Extensions["code"] != want.code {
		return fmt.Errorf("code %v, want %s: %s", e.Extensions["code"], want.code, e.Message)
	}
	if want.limit != "" {
		l, _ := e.Extensions["limit"].(map[string]any)
		if l == nil || l["name"] != want.limit || l["value"] == nil {
			return fmt.Errorf("extensions.limit %v, want name %s and its value: %s", e.Extensions["limit"], want.limit, e.Message)
		}
		if !strings.Contains(e.Message, want.limit) {
			return fmt.Errorf("message %q does not name %s", e.Message, want.limit)
		}
	}
	if want.status != http.StatusOK && len(a.resp.Data) > 0 && string(a.resp.Data) != "null" {
		return fmt.Errorf("a refused request has data %s", a.resp.Data)
	}
	return nil
}

// repeat joins n pieces made by f.
func repeat(n int, sep string, f func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = f(i)
	}
	return strings.Join(parts, sep)
}

// cyclic is enterprises → union → enterprise → union … depth fields deep.
func cyclic(depth int) string {
	var open, close strings.Builder
	open.WriteString("{ enterprises(first: 1) { nodes { ")
	close.WriteString(" } } }")
	for d := 3; d < depth; d++ {
		if d%2 == 1 {
			open.WriteString("union { ")
		} else {
			open.WriteString("enterprise { ")
		}
		close.WriteString(" }")
	}
	return open.String() + "name" + close.String()
}

func jsonBody(v any) func() io.Reader {
	return func() io.Reader {
		b, _ := json.Marshal(v)
		return bytes.NewReader(b)
	}
}

// Each classic attack, with the production defaults, is refused before it
// runs, with the code and status it should have and naming the limit, far
// within the guard; and while it is being refused the server answers a
// normal query.
func TestAttacksAreRefusedFastAndOthersAreStillServed(t *testing.T) {
	s := newLimitedServer(t, limits.Defaults(), jointMeeting(t))
	query := func(q string) func() io.Reader { return jsonBody(map[string]any{"query": q}) }
	bigVars := map[string]any{"blob": strings.Repeat("x", 5<<20)}
	midVars := map[string]any{"blob": strings.Repeat("x", 300<<10)}
	request := refusal{status: http.StatusBadRequest, code: limits.CodeLimitExceeded}
	with := func(r refusal, limit string) refusal { r.limit = limit; return r }
	attacks := []struct {
		name    string
		body    func() io.Reader
		headers map[string]string
		want    refusal
	}{
		{"deep cyclic nesting (depth 50)", query(cyclic(50)), nil, with(request, limits.NameMaxDepth)},
		{"depth 13", query(cyclic(13)), nil, with(request, limits.NameMaxDepth)},
		{"alias overload (5,000 aliases: larger than a document may be)", query("{ " + repeat(5000, " ", func(i int) string { return fmt.Sprintf("a%d: __typename", i) }) + " }"), nil, with(request, limits.NameMaxQueryBytes)},
		{"alias overload (1,000 aliases)", query("{ " + repeat(1000, " ", func(i int) string { return fmt.Sprintf("a%d: __typename", i) }) + " }"), nil, with(request, limits.NameMaxAliases)},
		{"field duplication (20,000 × __typename)", query("{ " + strings.Repeat("__typename ", 20000) + "}"), nil, with(request, limits.NameMaxQueryBytes)},
		{"field duplication (5,100 × __typename: too many tokens)", query("{ " + strings.Repeat("__typename ", 5100) + "}"), nil, with(request, limits.NameMaxTokens)},
		{"field duplication (4,000 × __typename)", query("{ " + strings.Repeat("__typename ", 4000) + "}"), nil, with(request, limits.NameMaxFields)},
		{"directive overload (1,000 @include)", query("{ __typename " + strings.Repeat("@include(if: true) ", 1000) + "}"), nil, with(request, limits.NameMaxTokens)},
		{"directive overload (100 @include)", query("{ __typename " + strings.Repeat("@include(if: true) ", 100) + "}"), nil, with(request, limits.NameMaxDirectives)},
		{"circular fragments", query(`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`), nil, refusal{status: http.StatusBadRequest, code: limits.CodeValidationFailed}},
		{"fragment bomb", query("{ ...F0 } " + repeat(20, " ", func(i int) string { return fmt.Sprintf("fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1) }) + " fragment F20 on Query { __typename }"), nil, with(request, limits.NameMaxFields)},
		{"too many root fields", query("{ " + repeat(11, " ", func(i int) string { return fmt.Sprintf("r%d: bodies { code }", i) }) + " }"), nil, with(request, limits.NameMaxRootFields)},
		{"nested pages (cost 20,201)", query(`{ enterprises(first: 100) { nodes { meetings(first: 100) { nodes { title } } } } }`), nil, with(request, limits.NameMaxCost)},
		{"a 10 MB body", func() io.Reader { return bytes.NewReader(bytes.Repeat([]byte(" "), 10<<20)) }, nil, refusal{http.StatusRequestEntityTooLarge, limits.CodeLimitExceeded, limits.NameMaxBodyBytes}},
		{"a 10 MB body without Content-Length", func() io.Reader { return io.MultiReader(bytes.NewReader(bytes.Repeat([]byte(" "), 10<<20))) }, nil, refusal{http.StatusRequestEntityTooLarge, limits.CodeLimitExceeded, limits.NameMaxBodyBytes}},
		{"a 5 MB variables object (larger than a body may be)", jsonBody(map[string]any{"query": `query($blob: String) { __typename }`, "variables": bigVars}), nil, refusal{http.StatusRequestEntityTooLarge, limits.CodeLimitExceeded, limits.NameMaxBodyBytes}},
		{"a 300 KB variables object", jsonBody(map[string]any{"query": `query($blob: String) { __typename }`, "variables": midVars}), nil, with(request, limits.NameMaxVariablesBytes)},
		{"a batch of 100 operations", jsonBody(func() []any {
			ops := make([]any, 100)
			for i := range ops {
				ops[i] = map[string]any{"query": "{ bodies { code } }"}
			}
			return ops
		}()), nil, refusal{status: http.StatusBadRequest, code: limits.CodeBatchingNotSupported}},
		{"first: 99999999 (the page cap, SANFANG_MAX_PAGE_SIZE)", query(`{ enterprises(first: 99999999) { nodes { name } } }`), nil, refusal{status: http.StatusOK, code: "BAD_USER_INPUT"}},
		{"depth 50, as application/json (200, the legacy rule)", query(cyclic(50)), map[string]string{"Accept": "application/json"}, refusal{http.StatusOK, limits.CodeLimitExceeded, limits.NameMaxDepth}},
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			var wg sync.WaitGroup
			var got answer
			wg.Go(func() { got = s.send(t, a.body(), a.headers) })
			// A normal query, sent while the attack is being refused.
			var normal answer
			wg.Go(func() { normal = s.sendQuery(t, "", `{ bodies { code } meetings(first: 1) { nodes { title } } }`, nil) })
			wg.Wait()
			t.Logf("refused in %s: %.160s", got.took, firstMessage(got.resp))
			if err := got.check(a.want); err != nil {
				t.Error(err)
			}
			if got.took > guard {
				t.Errorf("the refusal took %s (guard %s)", got.took, guard)
			}
			if normal.status != http.StatusOK || len(normal.resp.Errors) > 0 || !strings.Contains(string(normal.resp.Data), "POSTAL") {
				t.Errorf("the normal query beside it: HTTP %d %s %+v", normal.status, normal.resp.Data, normal.resp.Errors)
			}
		})
	}
}

func firstMessage(r response) string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Message
}

// The document checks run before gqlgen validates: with the size and token
// limits off, 20,000 repeated __typename fields (25 s of validation on a
// stock server) are refused by the field count at once.
func TestFieldDuplicationIsRefusedBeforeValidation(t *testing.T) {
	c := limits.Defaults()
	c.MaxQueryBytes, c.MaxTokens = limits.Off, limits.Off
	s := newLimitedServer(t, c, jointMeeting(t))
	a := s.sendQuery(t, "", "{ "+strings.Repeat("__typename ", 20000)+"}", nil)
	t.Logf("refused in %s", a.took)
	if err := a.check(refusal{http.StatusBadRequest, limits.CodeLimitExceeded, limits.NameMaxFields}); err != nil {
		t.Error(err)
	}
	if a.took > guard {
		t.Errorf("the refusal took %s (guard %s)", a.took, guard)
	}
	// GraphiQL's introspection query still passes every limit.
	if a := s.sendQuery(t, "", introspectionQuery, nil); a.status != http.StatusOK || len(a.resp.Errors) > 0 {
		t.Errorf("introspection: HTTP %d %+v", a.status, a.resp.Errors)
	}
}

// introspectionQuery is GraphiQL's (graphiql 3), with every option on.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    description
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description specifiedByURL isOneOf
  fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue isDeprecated deprecationReason }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}`

// A credential's requests beyond its rate limit get 429 with Retry-After
// and a GraphQL-shaped body naming the limit; another credential, and
// anonymous callers, are not affected.
func TestRateLimitPerCredential(t *testing.T) {
	c := limits.Defaults()
	c.RateLimit = limits.Rate{PerSecond: 0.01, Burst: 3}
	c.IPRateLimit = limits.Rate{PerSecond: limits.Off}
	s := newLimitedServer(t, c, jointMeeting(t))
	first, second := s.key(t, roles["partner-sf"]), s.key(t, roles["partner-zto"])
	for i := range 3 {
		if a := s.sendQuery(t, first, `{ bodies { code } }`, nil); a.status != http.StatusOK {
			t.Fatalf("request %d within the limit: HTTP %d %+v", i+1, a.status, a.resp.Errors)
		}
	}
	a := s.sendQuery(t, first, `{ bodies { code } }`, nil)
	if err := a.check(refusal{http.StatusTooManyRequests, limits.CodeRateLimited, limits.NameRateLimit}); err != nil {
		t.Fatal(err)
	}
	if ra, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || ra < 1 || ra > 100 {
		t.Errorf("Retry-After %q, want the seconds until a request is allowed (1..100)", a.header.Get("Retry-After"))
	}
	if n, _ := a.resp.Errors[0].Extensions["retryAfterSeconds"].(float64); n < 1 {
		t.Errorf("extensions.retryAfterSeconds %v", a.resp.Errors[0].Extensions["retryAfterSeconds"])
	}
	if a := s.sendQuery(t, second, `{ bodies { code } }`, nil); a.status != http.StatusOK {
		t.Errorf("another credential: HTTP %d %+v", a.status, a.resp.Errors)
	}
	for range 5 {
		if a := s.sendQuery(t, "", `{ bodies { code } }`, nil); a.status != http.StatusOK {
			t.Errorf("anonymous: HTTP %d %+v", a.status, a.resp.Errors)
		}
	}
}

// An address's requests beyond the per-IP limit get 429, whatever their
// credential.
func TestRateLimitPerIP(t *testing.T) {
	c := limits.Defaults()
	c.IPRateLimit = limits.Rate{PerSecond: 0.01, Burst: 2}
	s := newLimitedServer(t, c, jointMeeting(t))
	key := s.key(t, roles["viewer"])
	s.sendQuery(t, "", `{ bodies { code } }`, nil)
	s.sendQuery(t, key, `{ bodies { code } }`, nil)
	a := s.sendQuery(t, key, `{ bodies { code } }`, nil)
	if err := a.check(refusal{http.StatusTooManyRequests, limits.CodeRateLimited, limits.NameIPRateLimit}); err != nil {
		t.Fatal(err)
	}
	if a.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}

// Each answer says what is left of the credential's cost budget, in a
// header and in extensions.costBudget; an operation the rest cannot pay for
// is refused with 429 and Retry-After; another credential has its own.
func TestCostBudget(t *testing.T) {
	c := limits.Defaults()
	c.CostBudget, c.CostBudgetWindow = 100, time.Minute
	c.RateLimit = limits.Rate{PerSecond: limits.Off}
	s := newLimitedServer(t, c, jointMeeting(t))
	first, second := s.key(t, roles["partner-sf"]), s.key(t, roles["partner-zto"])
	const q = `{ enterprises(first: 10) { nodes { name } } }` // costs 1 + 10 × 2 = 21
	for _, want := range []int{79, 58, 37, 16} {
		a := s.sendQuery(t, first, q, nil)
		if a.status != http.StatusOK || len(a.resp.Errors) > 0 {
			t.Fatalf("within the budget: HTTP %d %+v", a.status, a.resp.Errors)
		}
		if got := a.header.Get(limits.BudgetHeader); got != strconv.Itoa(want) {
			t.Errorf("%s: %q, want %d", limits.BudgetHeader, got, want)
		}
		b, _ := a.resp.Extensions[limits.BudgetExtensionKey].(map[string]any)
		if b == nil || b["limit"] != 100.0 || b["remaining"] != float64(want) || b["cost"] != 21.0 || b["resetInSeconds"].(float64) < 1 || b["resetInSeconds"].(float64) > 60 {
			t.Errorf("extensions.costBudget %v, want limit 100, remaining %d, cost 21, reset within the minute", a.resp.Extensions[limits.BudgetExtensionKey], want)
		}
	}
	a := s.sendQuery(t, first, q, nil)
	if err := a.check(refusal{http.StatusTooManyRequests, limits.CodeRateLimited, limits.NameCostBudget}); err != nil {
		t.Fatal(err)
	}
	if ra, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
		t.Errorf("Retry-After %q, want the seconds until the window resets", a.header.Get("Retry-After"))
	}
	if b, _ := a.resp.Errors[0].Extensions[limits.BudgetExtensionKey].(map[string]any); b == nil || b["remaining"] != 16.0 {
		t.Errorf("the refusal's costBudget: %v", a.resp.Errors[0].Extensions)
	}
	if a.header.Get(limits.BudgetHeader) != "16" {
		t.Errorf("the refusal's %s: %q", limits.BudgetHeader, a.header.Get(limits.BudgetHeader))
	}
	// A cheaper operation still fits.
	if a := s.sendQuery(t, first, `{ enterprises(first: 5) { nodes { name } } }`, nil); a.status != http.StatusOK || a.header.Get(limits.BudgetHeader) != "5" {
		t.Errorf("an operation of cost 11 with 16 left: HTTP %d, %s %q", a.status, limits.BudgetHeader, a.header.Get(limits.BudgetHeader))
	}
	if a := s.sendQuery(t, second, q, nil); a.status != http.StatusOK || a.header.Get(limits.BudgetHeader) != "79" {
		t.Errorf("another credential: HTTP %d, %s %q", a.status, limits.BudgetHeader, a.header.Get(limits.BudgetHeader))
	}
}

// A request that runs past the request timeout is stopped, database work
// included, and answered TIMEOUT naming the limit; it does not hang.
func TestRequestTimeout(t *testing.T) {
	c := testLimits(t)
	c.Timeout = time.Nanosecond
	s := newLimitedServer(t, c, jointMeeting(t))
	a := s.sendQuery(t, "", `{ enterprises(first: 5) { nodes { name union { name } } } }`, nil)
	t.Logf("answered in %s: %.200s", a.took, firstMessage(a.resp))
	if a.took > guard {
		t.Errorf("took %s (guard %s)", a.took, guard)
	}
	if len(a.resp.Errors) == 0 {
		t.Fatalf("no error: %s", a.resp.Data)
	}
	e := a.resp.Errors[0]
	l, _ := e.Extensions["limit"].(map[string]any)
	if e.Extensions["code"] != limits.CodeTimeout || l == nil || l["name"] != limits.NameRequestTimeout || !strings.Contains(e.Message, limits.NameRequestTimeout) {
		t.Errorf("error %+v, want %s naming %s", e, limits.CodeTimeout, limits.NameRequestTimeout)
	}
	// Operations that touch no database are unaffected.
	if a := s.sendQuery(t, "", `{ __typename }`, nil); a.status != http.StatusOK || len(a.resp.Errors) > 0 {
		t.Errorf("__typename: HTTP %d %+v", a.status, a.resp.Errors)
	}
}

// pump reads a WebSocket connection until it ends, answering the server's
// pings at once (the test server pings every 200 ms and drops a client
// that does not answer), and passes every other message on.
func pump(conn *websocket.Conn) <-chan wsMessage {
	ch := make(chan wsMessage, 16)
	go func() {
		defer close(ch)
		for {
			var m wsMessage
			if err := wsjson.Read(context.Background(), conn, &m); err != nil {
				return
			}
			switch m.Type {
			case "ping":
				_ = wsjson.Write(context.Background(), conn, wsMessage{Type: "pong"})
			case "pong":
			default:
				ch <- m
			}
		}
	}()
	return ch
}

// receive is the next message pumped, skipping completions of the ids in
// skip.
func receive(t *testing.T, ch <-chan wsMessage, skip ...string) wsMessage {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case m, ok := <-ch:
			if !ok {
				t.Fatal("the connection ended")
			}
			if m.Type == "complete" && slices.Contains(skip, m.ID) {
				continue
			}
			return m
		case <-timeout:
			t.Fatal("no message within 5s")
		}
	}
}

// dialHeader opens a graphql-transport-ws connection with the credential
// in the upgrade request's header and keeps it answering pings. It returns
// the close status if the server closes it instead of acknowledging
// connection_init (-1 if it acknowledged).
func dialHeader(t *testing.T, s *testServer, key string) (*websocket.Conn, websocket.StatusCode) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := http.Header{}
	if key != "" {
		h.Set("Authorization", "Bearer "+key)
	}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init"}); err != nil {
		return conn, websocket.CloseStatus(err)
	}
	var m wsMessage
	if err := wsjson.Read(ctx, conn, &m); err != nil {
		return conn, websocket.CloseStatus(err)
	}
	if m.Type != "connection_ack" {
		t.Fatalf("after connection_init: %+v", m)
	}
	pump(conn)
	return conn, -1
}

// dialInit opens a graphql-transport-ws connection with the credential in
// connection_init (as browsers must); the client answers pings itself.
func dialInit(t *testing.T, s *testServer, key string) (*wsClient, <-chan wsMessage) {
	t.Helper()
	c := dialWS(t, s, key)
	return c, c.msgs
}

// errorOf is the first error of a subscription's "next" or "error" message.
func errorOf(t *testing.T, m wsMessage) gqlError {
	t.Helper()
	var errs []gqlError
	switch m.Type {
	case "error":
		_ = json.Unmarshal(m.Payload, &errs)
	case "next":
		var r response
		_ = json.Unmarshal(m.Payload, &r)
		errs = r.Errors
	}
	if len(errs) == 0 {
		t.Fatalf("message %+v carries no error", m)
	}
	return errs[0]
}

// WebSocket connections and subscriptions are capped per credential: a
// connection beyond the cap is closed with 4429 (credential in the upgrade
// request) or its operations refused (credential in connection_init); a
// subscription beyond the cap is refused; closing one frees its place.
func TestWebSocketCaps(t *testing.T) {
	c := testLimits(t)
	c.MaxWSConnections, c.MaxSubscriptions = 2, 2
	s := newLimitedServer(t, c, jointMeeting(t))
	byHeader, byInit, subscriber, union := s.key(t, roles["viewer"]), s.key(t, roles["partner-sf"]), s.key(t, roles["partner-zto"]), s.key(t, roles["union"])
	const sub = `subscription { taskChanged { task { number progress } } }`

	t.Run("connections, credential in the header", func(t *testing.T) {
		one, st1 := dialHeader(t, s, byHeader)
		_, st2 := dialHeader(t, s, byHeader)
		_, st3 := dialHeader(t, s, byHeader)
		if st1 != -1 || st2 != -1 || st3 != limits.CloseTooManyConnections {
			t.Fatalf("close statuses %d %d %d, want -1 -1 %d", st1, st2, st3, limits.CloseTooManyConnections)
		}
		one.Close(websocket.StatusNormalClosure, "")
		var st websocket.StatusCode
		for range 50 { // the server notices the close shortly
			if _, st = dialHeader(t, s, byHeader); st == -1 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if st != -1 {
			t.Errorf("after closing one, a new connection: close status %d", st)
		}
	})

	t.Run("connections, credential in connection_init", func(t *testing.T) {
		first, _ := dialInit(t, s, byInit)
		first.subscribe("a", sub)
		second, _ := dialInit(t, s, byInit)
		second.subscribe("b", sub)
		time.Sleep(200 * time.Millisecond) // the first operation takes the connection's place
		third, msgs := dialInit(t, s, byInit)
		third.subscribe("c", sub)
		e := errorOf(t, receive(t, msgs))
		if l, _ := e.Extensions["limit"].(map[string]any); e.Extensions["code"] != limits.CodeLimitExceeded || l["name"] != limits.NameMaxWSConnections {
			t.Errorf("third connection's subscription: %+v", e)
		}
	})

	t.Run("subscriptions", func(t *testing.T) {
		ws, msgs := dialInit(t, s, subscriber)
		ws.subscribe("s1", sub)
		ws.subscribe("s2", sub)
		time.Sleep(200 * time.Millisecond) // subscriptions start concurrently
		ws.subscribe("s3", sub)
		m := receive(t, msgs)
		if m.ID != "s3" {
			t.Fatalf("first message %+v, want the refusal of s3", m)
		}
		e := errorOf(t, m)
		if l, _ := e.Extensions["limit"].(map[string]any); e.Extensions["code"] != limits.CodeLimitExceeded || l["name"] != limits.NameMaxSubscriptions || !strings.Contains(e.Message, limits.NameMaxSubscriptions) {
			t.Errorf("s3: %+v", e)
		}
		ws.send(wsMessage{ID: "s1", Type: "complete"})
		time.Sleep(200 * time.Millisecond)
		ws.subscribe("s4", sub)
		time.Sleep(200 * time.Millisecond)
		if r := s.doAs(t, union, `mutation($t: ID!) { reportProgress(input: {taskId: $t, progress: 40, status: IN_PROGRESS, text: "进展"}) { task { progress } } }`, map[string]any{"t": gid("Task", "task-2026-03")}); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		got := map[string]bool{}
		for len(got) < 2 {
			m := receive(t, msgs, "s1", "s3")
			if m.Type != "next" || !strings.Contains(string(m.Payload), `"progress":40`) {
				t.Fatalf("event %+v", m)
			}
			got[m.ID] = true
		}
		if !got["s2"] || !got["s4"] {
			t.Errorf("events for %v, want s2 and s4", got)
		}
	})
}

// Anonymous WebSocket connections are capped per address.
func TestWebSocketConnectionsPerIP(t *testing.T) {
	c := testLimits(t)
	c.MaxWSConnectionsPerIP = 2
	s := newLimitedServer(t, c, jointMeeting(t))
	_, st1 := dialHeader(t, s, "")
	_, st2 := dialHeader(t, s, "")
	_, st3 := dialHeader(t, s, "")
	if st1 != -1 || st2 != -1 || st3 != limits.CloseTooManyConnections {
		t.Errorf("close statuses %d %d %d, want -1 -1 %d", st1, st2, st3, limits.CloseTooManyConnections)
	}
}
