package obs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// value is a counter's or a gauge's value, and the number of series of
// the family name in o's registry.
func value(t *testing.T, o *Obs, name string, labels map[string]string) (v float64, series int) {
	t.Helper()
	families, err := o.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		series = len(f.GetMetric())
		for _, m := range f.GetMetric() {
			if matches(m, labels) {
				v = m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return v, series
}

func matches(m *dto.Metric, labels map[string]string) bool {
	n := 0
	for _, l := range m.GetLabel() {
		if want, ok := labels[l.GetName()]; ok {
			if want != l.GetValue() {
				return false
			}
			n++
		}
	}
	return n == len(labels)
}

// A well-formed incoming request id is kept, anything else replaced; the
// response carries the id, and every line logged with the request's
// context carries it as request_id.
func TestRequestIDs(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(LogHandler(slog.NewJSONHandler(&logs, nil)))
	o := New(Options{Logger: logger})
	var seen string
	h := o.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = RequestID(r.Context())
		logger.ErrorContext(r.Context(), "resolver failed", "err", "boom")
		w.WriteHeader(http.StatusTeapot)
	}))
	for _, tc := range []struct {
		in   string
		keep bool
	}{
		{"abc-123", true},
		{"0f8fad5b-d9cb-469f-a165-70867728950e", true},
		{"", false},
		{"has space", false},
		{`"quoted"`, false},
		{strings.Repeat("x", 129), false},
	} {
		logs.Reset()
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		if tc.in != "" {
			req.Header.Set(RequestIDHeader, tc.in)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get(RequestIDHeader)
		if got != seen || got == "" {
			t.Errorf("%q: header %q, context %q", tc.in, got, seen)
		}
		if (got == tc.in) != tc.keep {
			t.Errorf("%q: got id %q, keep=%v", tc.in, got, tc.keep)
		}
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(lines) != 2 {
			t.Fatalf("%q: %d log lines, want the resolver's and the request's:\n%s", tc.in, len(lines), logs.String())
		}
		for _, l := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatal(err)
			}
			if m["request_id"] != got {
				t.Errorf("%q: line %s has request_id %v, want %q", tc.in, l, m["request_id"], got)
			}
		}
	}
}

// A request refused before GraphQL saw it counts with the code of its
// error body, or its status when the body has none; a page that is not
// GraphQL (GraphiQL) is not counted.
func TestRefusedRequestsCounted(t *testing.T) {
	o := New(Options{})
	serve := func(status int, body string) {
		h := o.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/graphql", nil))
	}
	serve(401, `{"errors":[{"message":"no","extensions":{"code":"UNAUTHENTICATED"}}]}`)
	serve(413, `request body too large`)
	serve(200, `<html>GraphiQL</html>`)
	if got, _ := value(t, o, "sanfang_graphql_requests_total", map[string]string{"operation": "unnamed", "outcome": "UNAUTHENTICATED"}); got != 1 {
		t.Errorf("UNAUTHENTICATED = %v, want 1", got)
	}
	if got, _ := value(t, o, "sanfang_graphql_requests_total", map[string]string{"operation": "unnamed", "outcome": "http_413"}); got != 1 {
		t.Errorf("http_413 = %v, want 1", got)
	}
	if _, n := value(t, o, "sanfang_graphql_requests_total", nil); n != 2 {
		t.Errorf("%d series, want 2 (GraphiQL's page is not a GraphQL request)", n)
	}
}

// Operation names are label values only while they are few and are
// GraphQL names.
func TestOperationLabelsBounded(t *testing.T) {
	o := New(Options{})
	if got := o.operationLabel(""); got != "unnamed" {
		t.Errorf("empty: %q", got)
	}
	if got := o.operationLabel("a b{}"); got != "invalid" {
		t.Errorf("not a name: %q", got)
	}
	for i := range maxOperations {
		o.operationLabel("Op" + strings.Repeat("x", i%50) + string(rune('A'+i/50)))
	}
	if got := o.operationLabel("OneTooMany"); got != "other" {
		t.Errorf("past the cap: %q", got)
	}
	if got := o.operationLabel("OpA"); got != "OpA" {
		t.Errorf("known name: %q", got)
	}
}

func TestReadiness(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	down := map[string]error{}
	check := func(name string) Check {
		return Check{Name: name, Ping: func(ctx context.Context) error {
			mu.Lock()
			err := down[name]
			mu.Unlock()
			if errors.Is(err, context.DeadlineExceeded) {
				<-ctx.Done()
				return ctx.Err()
			}
			return err
		}}
	}
	rd := NewReadiness([]Check{check("sanfang_postal"), check("sanfang_union")}, 100*time.Millisecond, slog.New(slog.NewJSONHandler(&logs, nil)))
	get := func() (int, map[string]any) {
		rec := httptest.NewRecorder()
		rd.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		var body map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body
	}
	if code, body := get(); code != 200 || body["status"] != "ready" {
		t.Fatalf("all up: %d %v", code, body)
	}
	mu.Lock()
	down["sanfang_union"] = context.DeadlineExceeded
	mu.Unlock()
	start := time.Now()
	code, body := get()
	if code != 503 || body["status"] != "unavailable" {
		t.Fatalf("union down: %d %v", code, body)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s with a 100ms deadline", took)
	}
	checks := body["checks"].(map[string]any)
	if checks["sanfang_postal"] != "ok" || !strings.HasPrefix(checks["sanfang_union"].(string), "no answer within") {
		t.Errorf("checks = %v", checks)
	}
	get()
	if n := strings.Count(logs.String(), "readiness check fails"); n != 1 {
		t.Errorf("logged the failure %d times, want once (on the change):\n%s", n, logs.String())
	}
	mu.Lock()
	delete(down, "sanfang_union")
	mu.Unlock()
	if code, _ := get(); code != 200 {
		t.Errorf("union back: %d", code)
	}
	if !strings.Contains(logs.String(), "readiness check passes again") {
		t.Errorf("recovery not logged:\n%s", logs.String())
	}
}

func TestTraceEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"http://localhost:4318":             "http://localhost:4318/v1/traces",
		"https://otel.example:4318/":        "https://otel.example:4318/v1/traces",
		"http://collector:4318/custom/path": "http://collector:4318/custom/path",
	} {
		if got, err := TraceEndpoint(in); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"localhost:4318", "ftp://x", "http://", "::"} {
		if _, err := TraceEndpoint(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestConnectionAddress(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:27017[-4]":  "127.0.0.1:27017",
		"db.example:27017[12]": "db.example:27017",
		"db:27017":             "db:27017",
	} {
		if got := connectionAddress(in); got != want {
			t.Errorf("%s: %q", in, got)
		}
	}
}
