package graph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sanfang/internal/limits"
)

// The media types of GraphQL over HTTP.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// Codes of the errors the transport answers itself, before any operation
// is looked at (the executor's errors keep the presenter's codes).
const (
	codeBadRequest           = "BAD_REQUEST"
	codeMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	codeNotAcceptable        = "NOT_ACCEPTABLE"
	codeUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	codeRequestTooLarge      = "REQUEST_TOO_LARGE"
)

// httpTransport is the endpoint's GraphQL over HTTP (the GraphQL-over-HTTP
// specification, checked by graphql-http's audit): POST with an
// application/json body, and GET for queries only. It replaces gqlgen's GET
// and POST transports, and no request that a browser sends cross-site
// without a CORS preflight runs an operation: POST bodies of any other type
// (text/plain, forms, multipart) are refused with 415, and GET runs no
// mutation (405).
//
// The response is application/graphql-response+json when the client
// accepts it at least as much as application/json, otherwise
// application/json (also for a missing Accept or */*), always UTF-8; 406 if
// it accepts neither. Status codes:
//
//   - a request that is not a well-formed GraphQL-over-HTTP request
//     (unparsable JSON, no query, a parameter of the wrong type): 400;
//   - a document that does not parse or validate, variables that do not
//     coerce, an operation that is refused before it runs: under
//     application/json 200 (the legacy rule, so clients know the body is
//     a GraphQL response); under application/graphql-response+json 4xx
//     (400; 403 for a document the server does not run, 404 for an unknown
//     persisted query hash, 401 without a needed credential) and no "data";
//   - a response with data: 200.
//
// Server-Sent Events (POST accepting text/event-stream) and WebSocket
// requests are left to their own transports.
type httpTransport struct{}

var _ graphql.Transport = httpTransport{}

// Supports claims every request but the streaming ones: WebSocket upgrades
// and what gqlgen's SSE transport takes.
func (httpTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	return !(transport.SSE{}).Supports(r)
}

// requestError is a request the transport refuses before the executor sees
// it.
type requestError struct {
	status  int
	code    string
	message string
}

func (e *requestError) Error() string { return e.message }

func badRequest(format string, args ...any) *requestError {
	return &requestError{http.StatusBadRequest, codeBadRequest, fmt.Sprintf(format, args...)}
}

func (httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media, ok := negotiate(r.Header.Get("Accept"))
	if !ok {
		writeRequestError(w, &requestError{http.StatusNotAcceptable, codeNotAcceptable,
			"this endpoint answers application/graphql-response+json or application/json; the Accept header allows neither"})
		return
	}
	start := graphql.Now()
	var params *graphql.RawParams
	var rerr *requestError
	switch r.Method {
	case http.MethodGet:
		params, rerr = readGET(r)
	case http.MethodPost:
		params, rerr = readPOST(r)
	default:
		w.Header().Set("Allow", "GET, POST")
		rerr = &requestError{http.StatusMethodNotAllowed, codeMethodNotAllowed,
			fmt.Sprintf("method %s is not allowed: send GraphQL requests with POST (or GET, for queries)", r.Method)}
	}
	if rerr != nil {
		writeRequestError(w, rerr)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	ctx := r.Context()
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		resp.Data = nil // the operation did not run: no "data" entry
		writeResponse(w, media, statusFor(media, resp), resp)
		return
	}
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		// The GraphQL-over-HTTP spec: 405, and nothing runs.
		w.Header().Set("Allow", "POST")
		err := gqlerror.Errorf("a %s cannot be sent with GET: send it with POST", opCtx.Operation.Operation)
		err.Extensions = map[string]any{"code": codeMethodNotAllowed}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), gqlerror.List{err})
		resp.Data = nil
		writeResponse(w, media, http.StatusMethodNotAllowed, resp)
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		resp = &graphql.Response{Errors: gqlerror.List{{Message: "the operation gave no response", Extensions: map[string]any{"code": "INTERNAL"}}}}
	}
	writeResponse(w, media, statusFor(media, resp), resp)
}

// negotiate picks the response media type for an Accept header: the more
// acceptable of application/graphql-response+json and application/json,
// the former when they are equally so and it is named explicitly (a
// wildcard, */* or application/*, or no Accept at all means
// application/json: the spec's rule for legacy clients). ok is false when
// the client accepts neither.
func negotiate(accept string) (media string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON, true
	}
	// For each of the two types, the quality of the most specific range
	// that matches it (RFC 9110 §12.5.1).
	type match struct {
		q           float64
		specificity int // 0 none, 1 */*, 2 application/*, 3 exact
	}
	var gr, js match
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		spec := 0
		switch mt {
		case "*/*":
			spec = 1
		case "application/*":
			spec = 2
		case mediaGraphQLResponse, mediaJSON:
			spec = 3
		default:
			continue
		}
		if (spec < 3 || mt == mediaGraphQLResponse) && spec > gr.specificity {
			gr = match{q, spec}
		}
		if (spec < 3 || mt == mediaJSON) && spec > js.specificity {
			js = match{q, spec}
		}
	}
	switch {
	case gr.specificity == 3 && gr.q > 0 && gr.q >= js.q:
		return mediaGraphQLResponse, true
	case js.q > 0:
		return mediaJSON, true
	case gr.q > 0:
		return mediaGraphQLResponse, true
	}
	return "", false
}

// readPOST reads a POST request's JSON body.
func readPOST(r *http.Request) (*graphql.RawParams, *requestError) {
	if rerr := checkContentType(r.Header.Get("Content-Type")); rerr != nil {
		return nil, rerr
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return nil, &requestError{http.StatusRequestEntityTooLarge, codeRequestTooLarge,
				fmt.Sprintf("the request body is larger than the %d bytes allowed", mbe.Limit)}
		}
		return nil, badRequest("the request body could not be read: %v", err)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, badRequest(`the request body is empty: send a JSON object such as {"query": "{ __typename }"}`)
	}
	if body[0] == '[' {
		return nil, badRequest("batched requests (a JSON array of operations) are not supported: send one operation per request")
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, badRequest(`the request body is not a JSON object: send {"query": "...", "variables": {...}} with Content-Type: application/json`)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest("the request body has more after its JSON object")
	}
	p := &graphql.RawParams{}
	var rerr *requestError
	if p.Query, rerr = stringParam(fields, "query"); rerr != nil {
		return nil, rerr
	}
	if p.OperationName, rerr = stringParam(fields, "operationName"); rerr != nil {
		return nil, rerr
	}
	if p.Variables, rerr = mapParam(fields["variables"], "variables"); rerr != nil {
		return nil, rerr
	}
	if p.Extensions, rerr = mapParam(fields["extensions"], "extensions"); rerr != nil {
		return nil, rerr
	}
	return p, needQuery(p)
}

// checkContentType refuses every POST body but JSON in UTF-8: in
// particular the types a browser sends cross-site without a preflight.
func checkContentType(ct string) *requestError {
	if strings.TrimSpace(ct) == "" {
		return &requestError{http.StatusUnsupportedMediaType, codeUnsupportedMediaType,
			"the request has no Content-Type: send the GraphQL request as JSON with Content-Type: application/json"}
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return &requestError{http.StatusUnsupportedMediaType, codeUnsupportedMediaType,
			fmt.Sprintf("Content-Type %q does not parse: send the GraphQL request as JSON with Content-Type: application/json", ct)}
	}
	switch mt {
	case mediaJSON:
		if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
			return &requestError{http.StatusUnsupportedMediaType, codeUnsupportedMediaType,
				fmt.Sprintf("charset %q is not supported: send the JSON in UTF-8", cs)}
		}
		return nil
	case "text/plain", "application/x-www-form-urlencoded", "multipart/form-data":
		return &requestError{http.StatusUnsupportedMediaType, codeUnsupportedMediaType,
			fmt.Sprintf("Content-Type %s is refused (a browser may send it from another site without asking): send the GraphQL request as JSON with Content-Type: application/json", mt)}
	case mediaGraphQLResponse:
		return &requestError{http.StatusUnsupportedMediaType, codeUnsupportedMediaType,
			"application/graphql-response+json is the media type of responses (ask for it with Accept): send the request body with Content-Type: application/json"}
	}
	return &requestError{http.StatusUnsupportedMediaType, codeUnsupportedMediaType,
		fmt.Sprintf("Content-Type %s is not supported: send the GraphQL request as JSON with Content-Type: application/json", mt)}
}

// readGET reads a GET request's URL parameters.
func readGET(r *http.Request) (*graphql.RawParams, *requestError) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest("the URL's query string does not parse: %v", err)
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	var rerr *requestError
	if v := q.Get("variables"); v != "" {
		if p.Variables, rerr = mapParam(json.RawMessage(v), "variables"); rerr != nil {
			return nil, rerr
		}
	}
	if v := q.Get("extensions"); v != "" {
		if p.Extensions, rerr = mapParam(json.RawMessage(v), "extensions"); rerr != nil {
			return nil, rerr
		}
	}
	return p, needQuery(p)
}

// needQuery refuses a request without a query, unless it names a persisted
// query by hash.
func needQuery(p *graphql.RawParams) *requestError {
	if p.Query != "" || p.Extensions["persistedQuery"] != nil {
		return nil
	}
	return badRequest(`the request has no query: send the GraphQL document as the "query" parameter (or a persisted query's hash in extensions.persistedQuery)`)
}

// stringParam is a string parameter; absent or null is "".
func stringParam(fields map[string]json.RawMessage, name string) (string, *requestError) {
	raw := bytes.TrimSpace(fields[name])
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", badRequest("%q must be a string", name)
	}
	return s, nil
}

// mapParam is a JSON object parameter (numbers kept exact); absent or null
// is nil.
func mapParam(raw json.RawMessage, name string) (map[string]any, *requestError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, badRequest("%q must be a JSON object (a map of names to values)", name)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, badRequest("%q is not valid JSON: %v", name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest("%q has more after its JSON object", name)
	}
	return m, nil
}

// statusByCode is the status of a response without data under
// application/graphql-response+json, by its first error's code that has
// one; any other such response is 400 (a request error).
var statusByCode = map[string]int{
	"UNAUTHENTICATED":               http.StatusUnauthorized,
	"FORBIDDEN":                     http.StatusForbidden,
	codePersistedQueryNotAllowed:    http.StatusForbidden,
	codeIntrospectionDisabled:       http.StatusForbidden,
	"PERSISTED_QUERY_NOT_FOUND":     http.StatusNotFound,
	"PERSISTED_QUERY_NOT_SUPPORTED": http.StatusBadRequest,
	"UNAVAILABLE":                   http.StatusServiceUnavailable,
	"INTERNAL":                      http.StatusInternalServerError,
}

// statusFor is the HTTP status of a GraphQL response: 200 when it has
// data; without data (the operation did not run), 200 under
// application/json and a 4xx or 5xx under application/graphql-response+json.
func statusFor(media string, resp *graphql.Response) int {
	if resp.Data != nil || media == mediaJSON {
		return http.StatusOK
	}
	for _, e := range resp.Errors {
		if code, ok := e.Extensions["code"].(string); ok {
			if s, ok := statusByCode[code]; ok {
				return s
			}
		}
	}
	return http.StatusBadRequest
}

// writeResponse writes a GraphQL response; without data, it has no "data"
// entry.
func writeResponse(w http.ResponseWriter, media string, status int, resp *graphql.Response) {
	var body []byte
	var err error
	if resp.Data == nil {
		body, err = json.Marshal(struct {
			Errors     gqlerror.List  `json:"errors,omitempty"`
			Extensions map[string]any `json:"extensions,omitempty"`
		}{resp.Errors, resp.Extensions})
	} else {
		body, err = json.Marshal(resp)
	}
	if err != nil {
		panic(fmt.Errorf("encode a GraphQL response: %w", err))
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeRequestError answers a request the transport refuses (as
// application/json: the client may accept nothing else).
func writeRequestError(w http.ResponseWriter, e *requestError) {
	writeResponse(w, mediaJSON, e.status, &graphql.Response{Errors: gqlerror.List{{
		Message:    e.message,
		Extensions: map[string]any{"code": e.code},
	}}})
}

// CORSOptions configure the CORS middleware.
type CORSOptions struct {
	// Origins are the origins (scheme://host[:port], as browsers send
	// them) whose pages may call the endpoint; none means no cross-origin
	// access.
	Origins []string
	// ExposeHeaders are response headers those pages may read besides the
	// safelisted ones and corsExposeHeaders.
	ExposeHeaders []string
}

// corsExposeHeaders are the response headers a listed origin's page may
// always read: when to retry after a 429, and the cost budget left.
var corsExposeHeaders = []string{"Retry-After", limits.BudgetHeader}

// corsAllowHeaders are the request headers a listed origin's page may send:
// the credentials, the JSON body, and the client names of GraphQL clients
// (Apollo's and others') and trace context.
var corsAllowHeaders = []string{
	"Content-Type", "Authorization", "X-API-Key",
	"apollographql-client-name", "apollographql-client-version",
	"graphql-client-name", "graphql-client-version",
	"apollo-require-preflight", "X-Apollo-Operation-Name",
	"traceparent", "tracestate",
}

// CORS returns middleware that lets the pages of the listed origins (the
// dashboards) call the endpoint from a browser: it answers their
// preflights (OPTIONS) with the methods and headers allowed, and marks
// their responses readable. A preflight from any other origin is refused
// (403) and the browser sends nothing; simple requests from other origins
// pass without CORS headers, so their pages cannot read the answer (and
// such requests run no mutation: the transport refuses non-JSON bodies and
// mutations over GET). Credentials travel in headers, not cookies, so no
// Access-Control-Allow-Credentials is sent.
func CORS(o CORSOptions) func(http.Handler) http.Handler {
	allowed := make(map[string]bool, len(o.Origins))
	for _, origin := range o.Origins {
		allowed[strings.ToLower(strings.TrimSuffix(origin, "/"))] = true
	}
	allowHeaders := strings.Join(corsAllowHeaders, ", ")
	expose := strings.Join(append(slices.Clone(corsExposeHeaders), o.ExposeHeaders...), ", ")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			ok := origin != "" && allowed[strings.ToLower(origin)]
			if len(allowed) > 0 {
				w.Header().Add("Vary", "Origin")
			}
			if r.Method == http.MethodOptions {
				if r.Header.Get("Access-Control-Request-Method") == "" || origin == "" {
					// Not a preflight: say what the endpoint takes.
					w.Header().Set("Allow", "GET, POST, OPTIONS")
					w.WriteHeader(http.StatusNoContent)
					return
				}
				w.Header().Add("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
				if !ok {
					http.Error(w, "origin "+origin+" may not call this endpoint from a browser (it is not in SANFANG_CORS_ORIGINS)", http.StatusForbidden)
					return
				}
				h := w.Header()
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Methods", "GET, POST")
				h.Set("Access-Control-Allow-Headers", allowHeaders)
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
			if ok {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				w.Header().Set("Access-Control-Expose-Headers", expose)
			}
			next.ServeHTTP(w, r)
		})
	}
}
