package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"sanfang/graph"
)

// httpCase is one request sent as it is, and what must come back.
type httpCase struct {
	name        string
	method      string // POST if empty
	contentType string // application/json if empty; "-" for none
	accept      string // none if empty
	body        string // for POST
	query       url.Values
	key         string // Authorization: Bearer key, if set

	status   int
	wantType string // the response's media type (before ;)
	data     string // "present", "absent" or "" (not checked)
	code     string // some error's extensions.code, if set
	message  string // some error's message contains it, if set
	allow    string // the Allow header, if set
}

// result is a response as the wire carried it.
type result struct {
	status  int
	header  http.Header
	raw     map[string]json.RawMessage
	errors  []gqlError
	rawBody string
}

func send(t *testing.T, base string, c httpCase) result {
	t.Helper()
	method := c.method
	if method == "" {
		method = http.MethodPost
	}
	u := base
	if c.query != nil {
		u += "?" + c.query.Encode()
	}
	var body io.Reader
	if method == http.MethodPost || c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	switch c.contentType {
	case "":
		if method == http.MethodPost {
			req.Header.Set("Content-Type", "application/json")
		}
	case "-":
	default:
		req.Header.Set("Content-Type", c.contentType)
	}
	if c.accept != "" {
		req.Header.Set("Accept", c.accept)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := result{status: res.StatusCode, header: res.Header, rawBody: string(b)}
	if json.Unmarshal(b, &r.raw) == nil {
		if e, ok := r.raw["errors"]; ok {
			_ = json.Unmarshal(e, &r.errors)
		}
	}
	return r
}

func (r result) hasCode(code string) bool {
	for _, e := range r.errors {
		if e.Extensions["code"] == code {
			return true
		}
	}
	return false
}

func (r result) hasMessage(s string) bool {
	for _, e := range r.errors {
		if strings.Contains(e.Message, s) {
			return true
		}
	}
	return false
}

// check compares a result with what its case wants.
func (c httpCase) check(t *testing.T, r result) {
	t.Helper()
	if r.status != c.status {
		t.Errorf("%s: HTTP %d, want %d: %s", c.name, r.status, c.status, r.rawBody)
	}
	if c.wantType != "" {
		ct := r.header.Get("Content-Type")
		if want := c.wantType + "; charset=utf-8"; ct != want {
			t.Errorf("%s: Content-Type %q, want %q", c.name, ct, want)
		}
	}
	if r.raw == nil && c.wantType != "" {
		t.Errorf("%s: the body is not a JSON object: %s", c.name, r.rawBody)
	}
	_, hasData := r.raw["data"]
	switch c.data {
	case "present":
		if !hasData {
			t.Errorf("%s: no data entry: %s", c.name, r.rawBody)
		}
	case "absent":
		if hasData {
			t.Errorf("%s: a data entry where the operation did not run: %s", c.name, r.rawBody)
		}
	}
	if c.code != "" && !r.hasCode(c.code) {
		t.Errorf("%s: no error with code %s: %s", c.name, c.code, r.rawBody)
	}
	if c.message != "" && !r.hasMessage(c.message) {
		t.Errorf("%s: no error saying %q: %s", c.name, c.message, r.rawBody)
	}
	if c.allow != "" && r.header.Get("Allow") != c.allow {
		t.Errorf("%s: Allow %q, want %q", c.name, r.header.Get("Allow"), c.allow)
	}
	for _, e := range r.errors {
		if e.Extensions["code"] == nil {
			t.Errorf("%s: an error without extensions.code: %+v", c.name, e)
		}
	}
}

const (
	jsonType = "application/json"
	grType   = "application/graphql-response+json"
)

func body(v map[string]any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Status codes, media types and the data entry for each case the
// GraphQL-over-HTTP spec names, under both response media types.
func TestHTTPStatusCodesAndMediaTypes(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	typename := body(map[string]any{"query": "{ __typename }"})
	parseErr := body(map[string]any{"query": "{"})
	invalid := body(map[string]any{"query": "{ noSuchField }"})
	coercion := body(map[string]any{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": map[string]any{"id": nil}})
	fieldErr := body(map[string]any{"query": `{ node(id: "not-an-id") { id } }`})
	cases := []httpCase{
		// Negotiation.
		{name: "no Accept", body: typename, status: 200, wantType: jsonType, data: "present"},
		{name: "Accept */*", accept: "*/*", body: typename, status: 200, wantType: jsonType, data: "present"},
		{name: "Accept application/*", accept: "application/*", body: typename, status: 200, wantType: jsonType, data: "present"},
		{name: "Accept application/json", accept: jsonType, body: typename, status: 200, wantType: jsonType, data: "present"},
		{name: "Accept graphql-response+json", accept: grType, body: typename, status: 200, wantType: grType, data: "present"},
		{name: "Accept both, graphql-response+json first", accept: grType + ", application/json;q=0.9", body: typename, status: 200, wantType: grType},
		{name: "Accept both, equal", accept: "application/json, " + grType, body: typename, status: 200, wantType: grType},
		{name: "Accept both, json preferred", accept: "application/json, " + grType + ";q=0.5", body: typename, status: 200, wantType: jsonType},
		{name: "Accept */* and graphql-response+json", accept: "*/*;q=0.8, " + grType, body: typename, status: 200, wantType: grType},
		{name: "Accept json refused, wildcard", accept: "*/*, application/json;q=0", body: typename, status: 200, wantType: grType},
		{name: "Accept text/html", accept: "text/html", body: typename, status: 406, wantType: jsonType, code: "NOT_ACCEPTABLE"},
		{name: "Accept application/xml", accept: "application/xml", body: typename, status: 406, code: "NOT_ACCEPTABLE"},
		{name: "Accept json with q=0", accept: "application/json;q=0", body: typename, status: 406, code: "NOT_ACCEPTABLE"},
		{name: "request charset utf-8", contentType: "application/json; charset=utf-8", body: typename, status: 200, wantType: jsonType, data: "present"},

		// Requests that are not well-formed: 400 under either media type.
		{name: "unparsable JSON", accept: jsonType, body: `{ "not a JSON`, status: 400, wantType: jsonType, data: "absent", code: "BAD_REQUEST"},
		{name: "unparsable JSON, graphql-response+json", accept: grType, body: `{ "not a JSON`, status: 400, data: "absent", code: "BAD_REQUEST"},
		{name: "no body", body: "", status: 400, data: "absent", code: "BAD_REQUEST"},
		{name: "missing query", accept: grType, body: `{"notquery": "{ __typename }"}`, status: 400, data: "absent", code: "BAD_REQUEST", message: "no query"},
		{name: "null query", body: `{"query": null}`, status: 400, code: "BAD_REQUEST"},
		{name: "query a number", body: `{"query": 0}`, status: 400, code: "BAD_REQUEST"},
		{name: "query an object", body: `{"query": {"obj": "ect"}}`, status: 400, code: "BAD_REQUEST"},
		{name: "operationName an array", body: `{"query": "{ __typename }", "operationName": ["array"]}`, status: 400, code: "BAD_REQUEST"},
		{name: "variables a string", body: `{"query": "{ __typename }", "variables": "string"}`, status: 400, code: "BAD_REQUEST"},
		{name: "extensions false", body: `{"query": "{ __typename }", "extensions": false}`, status: 400, code: "BAD_REQUEST"},
		{name: "a batch", body: `[{"query": "{ __typename }"}, {"query": "{ __typename }"}]`, status: 400, message: "batched"},
		{name: "a JSON string", body: `"{ __typename }"`, status: 400, code: "BAD_REQUEST"},
		{name: "trailing data", body: typename + `{}`, status: 400, code: "BAD_REQUEST"},
		{name: "null parameters", body: `{"query": "{ __typename }", "variables": null, "operationName": null, "extensions": null}`, accept: grType, status: 200, data: "present"},

		// Document errors: 200 under application/json (legacy), 400 and no
		// data under application/graphql-response+json.
		{name: "parse error, json", accept: jsonType, body: parseErr, status: 200, wantType: jsonType, data: "absent", code: "GRAPHQL_PARSE_FAILED"},
		{name: "parse error, graphql-response+json", accept: grType, body: parseErr, status: 400, wantType: grType, data: "absent", code: "GRAPHQL_PARSE_FAILED"},
		{name: "validation error, json", accept: jsonType, body: invalid, status: 200, wantType: jsonType, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "validation error, graphql-response+json", accept: grType, body: invalid, status: 400, wantType: grType, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variable coercion, json", accept: jsonType, body: coercion, status: 200, data: "absent", code: "BAD_USER_INPUT"},
		{name: "variable coercion, graphql-response+json", accept: grType, body: coercion, status: 400, data: "absent", code: "BAD_USER_INPUT"},
		{name: "unknown operationName, graphql-response+json", accept: grType, body: body(map[string]any{"query": "query A { __typename }", "operationName": "B"}), status: 400, data: "absent", code: "GRAPHQL_VALIDATION_FAILED"},
		{name: "field error with data, graphql-response+json", accept: grType, body: fieldErr, status: 200, wantType: grType, data: "present", code: "BAD_USER_INPUT"},

		// GET: queries only.
		{name: "GET query", method: "GET", query: url.Values{"query": {"{ __typename }"}}, status: 200, wantType: jsonType, data: "present"},
		{name: "GET query with variables", method: "GET", accept: grType, query: url.Values{"query": {"query($n: String!) { __type(name: $n) { name } }"}, "variables": {`{"n": "Enterprise"}`}}, status: 200, wantType: grType, data: "present"},
		{name: "GET mutation", method: "GET", accept: grType, query: url.Values{"query": {"mutation { __typename }"}}, status: 405, allow: "POST", data: "absent", code: "METHOD_NOT_ALLOWED"},
		{name: "GET mutation, json", method: "GET", query: url.Values{"query": {"mutation M { __typename }"}, "operationName": {"M"}}, status: 405, allow: "POST", code: "METHOD_NOT_ALLOWED"},
		{name: "GET subscription", method: "GET", query: url.Values{"query": {"subscription { changes { __typename } }"}}, status: 405, allow: "POST"},
		{name: "GET without query", method: "GET", accept: jsonType, query: url.Values{"operationName": {"A"}}, status: 400, code: "BAD_REQUEST"},
		{name: "GET variables not an object", method: "GET", query: url.Values{"query": {"{ __typename }"}, "variables": {"[1]"}}, status: 400, code: "BAD_REQUEST"},
		{name: "GET parse error, graphql-response+json", method: "GET", accept: grType, query: url.Values{"query": {"{"}}, status: 400, data: "absent", code: "GRAPHQL_PARSE_FAILED"},

		// Other methods and body types.
		{name: "PUT", method: "PUT", body: typename, status: 405, allow: "GET, POST", code: "METHOD_NOT_ALLOWED"},
		{name: "DELETE", method: "DELETE", status: 405, allow: "GET, POST"},
		{name: "no Content-Type", contentType: "-", body: typename, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "charset latin1", contentType: "application/json; charset=iso-8859-1", body: typename, status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "UTF-8"},
		{name: "graphql-response+json body", contentType: grType, body: typename, status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "application/graphql body", contentType: "application/graphql", body: "{ __typename }", status: 415, code: "UNSUPPORTED_MEDIA_TYPE"},
	}
	for _, c := range cases {
		c.check(t, send(t, s.URL, c))
	}
}

// Server-Sent Events (POST accepting text/event-stream) stay with the SSE
// transport.
func TestSSEStillServedBySSETransport(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	req, _ := http.NewRequest(http.MethodPost, s.URL, strings.NewReader(typenameBody))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") || !strings.Contains(string(b), "event: next") {
		t.Fatalf("SSE request answered %d %q: %s", res.StatusCode, ct, b)
	}
}

var typenameBody = `{"query": "{ __typename }"}`

// enterpriseCount is the number of enterprises stored.
func enterpriseCount(t *testing.T, s *testServer) int {
	t.Helper()
	var got struct{ Enterprises struct{ TotalCount int } }
	s.query(t, `{ enterprises { totalCount } }`, nil, &got)
	return got.Enterprises.TotalCount
}

// A request a browser may send from another site without a preflight runs
// nothing: a mutation in a text/plain, form or multipart body is refused
// with 415 and writes nothing, and a mutation over GET gets 405 and writes
// nothing. The same mutation as JSON does write (so the count would show).
func TestCrossSiteRequestsRunNoMutation(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	admin := s.key(t, roles["admin"])
	mutation := `mutation { createEnterprise(input: {name: "跨站快递", brand: "跨站"}) { id } }`
	before := enterpriseCount(t, s)

	form := url.Values{"query": {mutation}}.Encode()
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	_ = mw.WriteField("operations", body(map[string]any{"query": mutation}))
	_ = mw.WriteField("map", "{}")
	mw.Close()
	for _, c := range []httpCase{
		{name: "text/plain", contentType: "text/plain", body: body(map[string]any{"query": mutation})},
		{name: "text/plain;charset=UTF-8 (fetch's default)", contentType: "text/plain;charset=UTF-8", body: body(map[string]any{"query": mutation})},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: form},
		{name: "multipart", contentType: mw.FormDataContentType(), body: mp.String()},
	} {
		c.key, c.status, c.code, c.message = admin, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "application/json"
		c.check(t, send(t, s.URL, c))
	}
	get := httpCase{name: "GET mutation", method: "GET", key: admin, query: url.Values{"query": {mutation}}, status: 405, allow: "POST", code: "METHOD_NOT_ALLOWED"}
	get.check(t, send(t, s.URL, get))
	if after := enterpriseCount(t, s); after != before {
		t.Fatalf("enterprises %d before, %d after the refused requests", before, after)
	}

	r := s.doAs(t, admin, mutation, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("the mutation as JSON: %+v", r.Errors)
	}
	if after := enterpriseCount(t, s); after != before+1 {
		t.Fatalf("enterprises %d before, %d after the mutation as JSON", before, after)
	}
}

// corsServer is the test server behind the CORS middleware.
func corsServer(t *testing.T, origins ...string) string {
	t.Helper()
	s := newServer(t, jointMeeting(t))
	target, _ := url.Parse(s.URL)
	front := httptest.NewServer(graph.CORS(graph.CORSOptions{Origins: origins, ExposeHeaders: []string{"X-Foo"}})(httputil.NewSingleHostReverseProxy(target)))
	t.Cleanup(front.Close)
	return front.URL
}

func preflight(t *testing.T, u, origin, method, headers string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodOptions, u, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", method)
	if headers != "" {
		req.Header.Set("Access-Control-Request-Headers", headers)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// A dashboard on a listed origin gets its preflight answered with the
// methods and headers it needs and may read the answers; any other origin's
// preflight is refused and its answers carry no CORS headers.
func TestCORSAllowList(t *testing.T) {
	u := corsServer(t, "https://dashboard.example.cn", "http://localhost:5173")
	const dashboard = "https://dashboard.example.cn"

	res := preflight(t, u, dashboard, "POST", "content-type,authorization,x-api-key")
	h := res.Header
	if res.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != dashboard {
		t.Fatalf("preflight from %s: %d, Allow-Origin %q", dashboard, res.StatusCode, h.Get("Access-Control-Allow-Origin"))
	}
	allowHeaders := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
	for _, want := range []string{"content-type", "authorization", "x-api-key", "apollographql-client-name", "graphql-client-name"} {
		if !strings.Contains(allowHeaders, want) {
			t.Errorf("Access-Control-Allow-Headers %q lacks %s", allowHeaders, want)
		}
	}
	if m := h.Get("Access-Control-Allow-Methods"); !strings.Contains(m, "POST") || !strings.Contains(m, "GET") {
		t.Errorf("Access-Control-Allow-Methods %q", m)
	}
	if h.Get("Access-Control-Allow-Credentials") != "" {
		t.Error("credentials are headers, not cookies: no Access-Control-Allow-Credentials")
	}
	if res := preflight(t, u, "http://localhost:5173", "POST", "content-type"); res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Errorf("preflight from the second listed origin: %d %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
	}

	for _, other := range []string{"https://evil.example.com", "https://dashboard.example.cn.evil.com", "http://dashboard.example.cn", "null"} {
		res := preflight(t, u, other, "POST", "content-type")
		if res.StatusCode != http.StatusForbidden || res.Header.Get("Access-Control-Allow-Origin") != "" || res.Header.Get("Access-Control-Allow-Headers") != "" {
			t.Errorf("preflight from %s: %d, Allow-Origin %q; want 403 and no CORS headers", other, res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}
	}

	post := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(typenameBody))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := post(dashboard); res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != dashboard || !strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "Retry-After") || !strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "X-Foo") {
		t.Errorf("POST from %s: %d, Allow-Origin %q, Expose %q", dashboard, res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"), res.Header.Get("Access-Control-Expose-Headers"))
	}
	if res := post("https://evil.example.com"); res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("POST from an unlisted origin got Allow-Origin %q", res.Header.Get("Access-Control-Allow-Origin"))
	}

	// With no origins listed, nobody's preflight passes.
	none := corsServer(t)
	if res := preflight(t, none, dashboard, "POST", "content-type"); res.StatusCode != http.StatusForbidden || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight with no origins listed: %d %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
	}
}
