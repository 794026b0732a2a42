package limits

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"sanfang/internal/auth"
)

// CloseTooManyConnections is the WebSocket close code of a connection
// refused because its credential or IP holds too many already.
const CloseTooManyConnections = 4429

// Middleware wraps the endpoint's handler chain. authenticate is the
// authentication middleware (it puts the principal in the context);
// Middleware puts itself around and inside it:
//
//   - before authentication: the per-IP rate limit, and a Content-Length
//     over the body limit (413), so neither costs a credential look-up;
//   - after: the per-credential rate limit (429 with Retry-After), the body
//     read up to its limit (413 beyond it), a JSON array body refused as a
//     batch (400, before gqlgen could try it), and for a WebSocket upgrade
//     the connection caps (close code 4429), held until the connection
//     ends.
//
// Every refusal is a GraphQL-shaped body naming the limit.
func (l *Limiter) Middleware(authenticate func(http.Handler) http.Handler, next http.Handler) http.Handler {
	inner := authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.serveAuthenticated(w, r, next)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := l.clientIP(r)
		ctx := context.WithValue(r.Context(), ipKey{}, ip)
		r = r.WithContext(ctx)
		if ok, wait := l.ipRate.take(ip, l.now()); !ok {
			l.refuseHTTP(w, r, l.rateError(NameIPRateLimit, l.cfg.IPRateLimit, "this address ("+ip+")", wait))
			return
		}
		if r.ContentLength > l.cfg.MaxBodyBytes {
			l.refuseHTTP(w, r, l.bodyError(r.ContentLength))
			return
		}
		inner.ServeHTTP(w, r)
	})
}

func (l *Limiter) serveAuthenticated(w http.ResponseWriter, r *http.Request, next http.Handler) {
	p := auth.FromContext(r.Context())
	if !p.IsAnonymous() {
		if ok, wait := l.credRate.take("cred:"+p.ID, l.now()); !ok {
			l.refuseHTTP(w, r, l.rateError(NameRateLimit, l.cfg.RateLimit, "this credential", wait))
			return
		}
	}
	if r.Header.Get("Upgrade") != "" {
		l.serveWebSocket(w, r, p, next)
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		body, err := io.ReadAll(io.LimitReader(r.Body, l.cfg.MaxBodyBytes+1))
		if err != nil {
			l.refuseHTTP(w, r, &Error{Code: CodeLimitExceeded, Status: http.StatusBadRequest, Message: "the request body could not be read: " + err.Error()})
			return
		}
		if int64(len(body)) > l.cfg.MaxBodyBytes {
			l.refuseHTTP(w, r, l.bodyError(-1))
			return
		}
		if strings.Contains(r.Header.Get("Content-Type"), "json") {
			if n, ok := batch(body); ok {
				l.refuseHTTP(w, r, &Error{Code: CodeBatchingNotSupported, Status: http.StatusBadRequest,
					Message: fmt.Sprintf("batched requests (a JSON array of %d operations) are not supported: send one operation per request, as a JSON object {\"query\": …, \"variables\": …}", n)})
				return
			}
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	st := &reqState{header: w.Header()}
	next.ServeHTTP(&stateWriter{ResponseWriter: w, st: st}, r.WithContext(context.WithValue(r.Context(), reqStateKey{}, st)))
}

// batch reports whether a JSON body is an array, and of how many items.
func batch(body []byte) (int, bool) {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return 0, false
	}
	var items []json.RawMessage
	if json.Unmarshal(trimmed, &items) != nil {
		return 0, true
	}
	return len(items), true
}

func (l *Limiter) bodyError(size int64) *Error {
	e := exceeded(NameMaxBodyBytes, l.cfg.MaxBodyBytes, nil,
		"the request body is larger than %d bytes (limit %s): send large data in several requests", l.cfg.MaxBodyBytes, NameMaxBodyBytes)
	if size >= 0 {
		e.Actual = size
		e.Message = fmt.Sprintf("the request body is %d bytes; at most %d are allowed (limit %s): send large data in several requests", size, l.cfg.MaxBodyBytes, NameMaxBodyBytes)
	}
	e.Status = http.StatusRequestEntityTooLarge
	return e
}

func (l *Limiter) rateError(name string, r Rate, who string, wait time.Duration) *Error {
	return &Error{
		Code: CodeRateLimited, Status: http.StatusTooManyRequests, RetryAfter: wait,
		Limit: name, Value: r.String(), Extensions: map[string]any{"burst": r.Burst},
		Message: fmt.Sprintf("too many requests from %s: at most %s on average, %d at once (limit %s); retry after %ds",
			who, r, r.Burst, name, retryAfterSeconds(wait)),
	}
}

func (l *Limiter) refuseHTTP(w http.ResponseWriter, r *http.Request, e *Error) {
	l.refused(r.Context(), e)
	if r.Body != nil {
		// Let the client finish sending what is small; a large remainder
		// makes the server close the connection after this answer.
		_, _ = io.CopyN(io.Discard, r.Body, 64<<10)
	}
	e.writeHTTP(w, r)
}

// serveWebSocket holds a connection slot of the IP and, if the upgrade
// request carries a credential, of the credential, for as long as the
// connection lasts; a credential sent later in connection_init takes its
// slot at the connection's first operation (see connState).
func (l *Limiter) serveWebSocket(w http.ResponseWriter, r *http.Request, p *auth.Principal, next http.Handler) {
	ip := ipFrom(r.Context())
	ok, release := l.wsIP.acquire(ip)
	if !ok {
		l.refuseWebSocket(w, r, exceeded(NameMaxWSConnectionsIP, l.cfg.MaxWSConnectionsPerIP, nil,
			"too many WebSocket connections from this address: at most %d (limit %s)", l.cfg.MaxWSConnectionsPerIP, NameMaxWSConnectionsIP))
		return
	}
	defer release()
	cs := &connState{}
	defer cs.release()
	if !p.IsAnonymous() {
		if e := cs.bind(l, p.ID); e != nil {
			l.refuseWebSocket(w, r, e)
			return
		}
	}
	next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), connStateKey{}, cs)))
}

// refuseWebSocket accepts the upgrade only to close it at once with 4429
// and the reason (a browser cannot read an HTTP status of a refused
// handshake).
func (l *Limiter) refuseWebSocket(w http.ResponseWriter, r *http.Request, e *Error) {
	l.refused(r.Context(), e)
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"graphql-transport-ws", "graphql-ws"}})
	if err != nil {
		return // Accept has answered the request
	}
	reason := fmt.Sprintf("too many connections (%s=%v)", e.Limit, e.Value)
	_ = c.Close(CloseTooManyConnections, reason)
}

type connStateKey struct{}

// connState is one WebSocket connection's hold on its credential's
// connection slots.
type connState struct {
	mu       sync.Mutex
	bound    string // the credential holding a slot
	refusal  *Error // set when the credential had no slot left
	releases []func()
}

// bind takes a connection slot of the credential id, once per connection.
// A connection whose credential has no slot left is refused (nil error
// otherwise), now and at every later operation.
func (cs *connState) bind(l *Limiter, id string) *Error {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.refusal != nil {
		return cs.refusal
	}
	if cs.bound != "" {
		return nil
	}
	ok, release := l.wsCred.acquire(id)
	if !ok {
		cs.refusal = exceeded(NameMaxWSConnections, l.cfg.MaxWSConnections, nil,
			"too many WebSocket connections for this credential: at most %d may be open at once (limit %s); close one first", l.cfg.MaxWSConnections, NameMaxWSConnections)
		return cs.refusal
	}
	cs.bound = id
	cs.releases = append(cs.releases, release)
	return nil
}

func (cs *connState) release() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, r := range cs.releases {
		r()
	}
	cs.releases = nil
}

type reqStateKey struct{}

// reqState lets the gqlgen extension shape the HTTP answer of a request:
// headers (X-Cost-Budget-Remaining, Retry-After) and the status of a
// refusal (429), as long as nothing has been written yet.
type reqState struct {
	mu     sync.Mutex
	header http.Header
	status int
	wrote  bool
}

func reqStateFrom(ctx context.Context) *reqState {
	st, _ := ctx.Value(reqStateKey{}).(*reqState)
	return st
}

func (s *reqState) setHeader(k, v string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.wrote {
		s.header.Set(k, v)
	}
}

func (s *reqState) refuse(status int, retryAfter time.Duration) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wrote {
		return
	}
	s.status = status
	if retryAfter > 0 {
		s.header.Set("Retry-After", strconv.Itoa(retryAfterSeconds(retryAfter)))
	}
}

// stateWriter applies a reqState's status when the answer is written.
type stateWriter struct {
	http.ResponseWriter
	st *reqState
}

func (w *stateWriter) WriteHeader(code int) {
	w.st.mu.Lock()
	if !w.st.wrote {
		w.st.wrote = true
		if w.st.status != 0 {
			code = w.st.status
		}
	}
	w.st.mu.Unlock()
	w.ResponseWriter.WriteHeader(code)
}

func (w *stateWriter) Write(b []byte) (int, error) {
	w.st.mu.Lock()
	wrote := w.st.wrote
	w.st.mu.Unlock()
	if !wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Flush implements http.Flusher (Server-Sent Events need it).
func (w *stateWriter) Flush() {
	w.st.mu.Lock()
	wrote := w.st.wrote
	w.st.mu.Unlock()
	if !wrote {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *stateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
