package obs

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/propagation"
)

// RequestIDHeader carries the request id: a well-formed one sent by the
// client (or a proxy in front) is kept, otherwise one is made; either way
// the response carries it back.
const RequestIDHeader = "X-Request-Id"

// Request is what the log line and the metrics of one HTTP request need to
// know, filled in as the request is served: the middleware makes it, the
// GraphQL extension notes the operations, credential and error codes.
type Request struct {
	// ID is the request id.
	ID string

	websocket bool

	mu         sync.Mutex
	operations []string // names, distinct, at most a few
	opType     string
	credential string
	codes      []string // distinct, in the order seen
	graphql    bool     // GraphQL produced a response
}

type requestKey struct{}

// RequestFrom returns the request ctx belongs to, or nil.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestKey{}).(*Request)
	return r
}

// WithRequest returns ctx carrying r (the middleware does this; tests and
// background work may too).
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	if r := RequestFrom(ctx); r != nil {
		return r.ID
	}
	return ""
}

func (r *Request) noteOperation(name, opType, credential string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name != "" && !slices.Contains(r.operations, name) && len(r.operations) < 10 {
		r.operations = append(r.operations, name)
	}
	if r.opType == "" {
		r.opType = opType
	}
	if credential != "" {
		r.credential = credential
	}
}

func (r *Request) noteResponse(codes []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.graphql = true
	for _, c := range codes {
		if !slices.Contains(r.codes, c) {
			r.codes = append(r.codes, c)
		}
	}
}

// snapshot returns what was noted, safe to read after the handler returned.
func (r *Request) snapshot() (ops []string, opType, credential string, codes []string, graphql bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.operations), r.opType, r.credential, slices.Clone(r.codes), r.graphql
}

var wellFormedID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Middleware gives every request an id (in its context, for every log line,
// and in the response's X-Request-Id header), continues an incoming W3C
// trace context when tracing is on, and when the request is done writes
// its log line and, for the GraphQL path, counts and times it.
func (o *Obs) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !wellFormedID.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		req := &Request{ID: id, websocket: strings.EqualFold(r.Header.Get("Upgrade"), "websocket")}
		ctx := WithRequest(r.Context(), req)
		if o.tracing {
			ctx = propagation.TraceContext{}.Extract(ctx, propagation.HeaderCarrier(r.Header))
		}
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(ctx))
		o.finish(ctx, r, req, rec, time.Since(start))
	})
}

// finish writes the request's log line and records its metrics.
func (o *Obs) finish(ctx context.Context, r *http.Request, req *Request, rec *recorder, took time.Duration) {
	ops, opType, credential, codes, graphql := req.snapshot()
	status := rec.status
	if status == 0 {
		status = http.StatusOK // nothing written: net/http answers 200
	}
	if len(codes) == 0 && !graphql && status >= 400 {
		// Refused before GraphQL saw it (credential, limits, body): the
		// code of the error body if it has one, else the status.
		if c := sniffCode(rec.sniff); c != "" {
			codes = []string{c}
		} else {
			codes = []string{"http_" + strconv.Itoa(status)}
		}
	}
	out := outcome(codes)
	name := ""
	if len(ops) > 0 {
		name = ops[0]
	}
	isGraphQL := r.URL.Path == o.graphqlPath
	if isGraphQL && !req.websocket && (graphql || status >= 400) {
		// Operations over a WebSocket are counted one by one as they end
		// (Extension); the connection itself is not a request.
		label := o.operationLabel(name)
		o.requests.WithLabelValues(label, out).Inc()
		if opType != "subscription" {
			o.duration.WithLabelValues(label).Observe(took.Seconds())
		}
	}

	level := slog.LevelInfo
	switch {
	case r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics":
		level = slog.LevelDebug
	case status >= 500 || slices.Contains(codes, "INTERNAL"):
		level = slog.LevelWarn
	}
	if !o.logger.Enabled(ctx, level) {
		return
	}
	if credential == "" {
		credential = "anonymous"
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(took.Microseconds())/1000),
		slog.Int64("bytes", rec.bytes),
		slog.String("remote", remoteHost(r.RemoteAddr)),
	}
	if isGraphQL || graphql {
		attrs = append(attrs,
			slog.String("operation", name),
			slog.String("operation_type", opType),
			slog.String("credential", credential),
			slog.String("outcome", out),
		)
		if len(ops) > 1 {
			attrs = append(attrs, slog.Any("operations", ops))
		}
		if len(codes) > 1 {
			attrs = append(attrs, slog.Any("codes", codes))
		}
	}
	o.logger.LogAttrs(ctx, level, "request", attrs...)
}

func remoteHost(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

var codeInBody = regexp.MustCompile(`"code"\s*:\s*"([A-Z][A-Z0-9_]{0,39})"`)

// sniffCode finds the first error code in the start of an error body.
func sniffCode(body []byte) string {
	if m := codeInBody.FindSubmatch(body); m != nil {
		return string(m[1])
	}
	return ""
}

// recorder notes a response's status and size (and the start of an error
// body, for its code); it flushes and hijacks like the writer it wraps, so
// Server-Sent Events and WebSockets pass through.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	sniff  []byte
}

const sniffBytes = 1024

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 || w.status < 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= 400 && len(w.sniff) < sniffBytes {
		w.sniff = append(w.sniff, b[:min(len(b), sniffBytes-len(w.sniff))]...)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *recorder) Flush() {
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the writer underneath.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
