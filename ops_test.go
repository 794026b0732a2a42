package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// logBuffer collects a server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the log lines that have every key=value of want.
func (b *logBuffer) lines(want map[string]any) []map[string]any {
	b.mu.Lock()
	text := b.buf.String()
	b.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(text, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) != nil {
			continue
		}
		ok := true
		for k, v := range want {
			if m[k] != v {
				ok = false
			}
		}
		if ok {
			out = append(out, m)
		}
	}
	return out
}

// startLogged is start (server_test.go) keeping the server's log.
func startLogged(t *testing.T, env map[string]string) (*started, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &started{cancel: cancel, finished: make(chan struct{})}
	go func() {
		s.err = run(ctx, nil, func(k string) string { return env[k] }, pw, logs)
		pw.CloseWithError(errors.Join(s.err, io.EOF))
		close(s.finished)
	}()
	t.Cleanup(func() {
		cancel()
		<-s.finished
	})
	found := make(chan string, 1)
	go func() {
		urlRE := regexp.MustCompile(`http://\S+/graphql`)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if u := urlRE.FindString(sc.Text()); u != "" {
				found <- u
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			<-s.finished
			t.Fatalf("server stopped before serving: %v\n%s", s.err, logs.buf.String())
		}
		s.url = u
	case <-time.After(60 * time.Second):
		t.Fatal("server did not print its URL within a minute")
	}
	return s, logs
}

// base is the server's root URL.
func (s *started) base() string { return strings.TrimSuffix(s.url, "/graphql") }

// metrics reads /metrics: every sample, keyed by name and labels as
// written ("sanfang_db_commands_total{command=\"find\",database=\"sanfang_postal\"}").
func (s *started) metrics(t *testing.T) map[string]float64 {
	t.Helper()
	res, err := http.Get(s.base() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("/metrics: HTTP %d", res.StatusCode)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("/metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// delta returns the samples of the family name that changed from before
// to after.
func delta(before, after map[string]float64, name string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range after {
		if strings.HasPrefix(k, name+"{") && v != before[k] {
			out[k] = v - before[k]
		}
	}
	return out
}

func dbCommand(database, command string) string {
	return fmt.Sprintf(`sanfang_db_commands_total{command=%q,database=%q}`, command, database)
}

// postWithID posts a query with a request id and returns the answer and
// the id the response carried.
func (s *started) postWithID(t *testing.T, id, query string) (gqlAnswer, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if id != "" {
		req.Header.Set("X-Request-Id", id)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var a gqlAnswer
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		t.Fatalf("HTTP %d: %v", res.StatusCode, err)
	}
	return a, res.Header.Get("X-Request-Id")
}

// A known nested query changes the per-command database counts by exactly
// what the loaders send: one find on POSTAL's enterprises (the page) and
// one on UNION's unions (every enterprise's union in one batch), nothing
// else; the same query again is answered by the response cache and sends
// nothing. The request is counted, timed and logged with its id, its
// operation and its outcome.
func TestMetricsCountTheCommandsOfAQuery(t *testing.T) {
	srv, logs := startLogged(t, testEnv(t))

	for _, path := range []string{"/healthz", "/readyz"} {
		res, err := http.Get(srv.base() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: HTTP %d %s", path, res.StatusCode, body)
		}
		if path == "/readyz" {
			for _, db := range []string{"sanfang_postal", "sanfang_union", "sanfang_association", "sanfang_joint"} {
				if !strings.Contains(string(body), `"`+db+`":"ok"`) {
					t.Errorf("/readyz = %s, want %s ok", body, db)
				}
			}
		}
	}

	want := map[string]float64{dbCommand("sanfang_postal", "find"): 1, dbCommand("sanfang_union", "find"): 1}
	// Background work (the reconciler every 30 s, the webhook and
	// idempotency sweeps) may send commands while we count; any command
	// beyond the query's means "count again" (with a new alias, so the
	// response cache does not answer).
	var got map[string]float64
	var before, after map[string]float64
	var id string
	for attempt := range 3 {
		id = fmt.Sprintf("metrics-test-%d", attempt)
		query := fmt.Sprintf(`query Ents { e%d: enterprises(first: 3) { nodes { name union { name } } } }`, attempt)
		before = srv.metrics(t)
		a, echoed := srv.postWithID(t, id, query)
		after = srv.metrics(t)
		if len(a.Errors) > 0 || echoed != id {
			t.Fatalf("answer %s %v, X-Request-Id %q", a.Data, a.Errors, echoed)
		}
		got = delta(before, after, "sanfang_db_commands_total")
		// A command is counted when it starts and timed when it ends, so
		// background work that spans a scrape shows in one and not the
		// other: both must show exactly the query's two finds.
		timed := delta(before, after, "sanfang_db_command_duration_seconds_count")
		timedOnce := len(timed) == len(want)
		for _, n := range timed {
			timedOnce = timedOnce && n == 1
		}
		if maps.Equal(got, want) && timedOnce {
			break
		}
		t.Logf("attempt %d: commands %v, timed %v", attempt, got, timed)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("database commands sent for the query = %v, want %v", got, want)
	}
	if d := delta(before, after, "sanfang_graphql_requests_total"); !maps.Equal(d, map[string]float64{`sanfang_graphql_requests_total{operation="Ents",outcome="ok"}`: 1}) {
		t.Errorf("requests counted: %v", d)
	}
	if d := after[`sanfang_graphql_request_duration_seconds_count{operation="Ents"}`] - before[`sanfang_graphql_request_duration_seconds_count{operation="Ents"}`]; d != 1 {
		t.Errorf("request durations observed: %v, want 1", d)
	}
	if d := delta(before, after, "sanfang_db_command_duration_seconds_count"); len(d) != 2 {
		t.Errorf("command durations observed: %v, want the two finds", d)
	}
	if d := after["sanfang_cache_misses_total"] - before["sanfang_cache_misses_total"]; d != 1 {
		t.Errorf("cache misses +%v, want +1", d)
	}
	open := 0.0
	for k, v := range after {
		if strings.HasPrefix(k, "sanfang_db_connections_open{") {
			open += v
		}
	}
	if open < 1 {
		t.Errorf("no open database connections in the pool gauges")
	}
	if _, ok := after["sanfang_graphql_subscriptions_active"]; !ok {
		t.Errorf("no sanfang_graphql_subscriptions_active gauge")
	}

	// The same query again: a cache hit, no command sent.
	query := `query Ents { e9: enterprises(first: 3) { nodes { name union { name } } } }`
	srv.postWithID(t, "", query)
	before = srv.metrics(t)
	srv.postWithID(t, "", query)
	after = srv.metrics(t)
	if d := after["sanfang_cache_hits_total"] - before["sanfang_cache_hits_total"]; d != 1 {
		t.Errorf("cache hits +%v, want +1", d)
	}
	if d := delta(before, after, "sanfang_db_commands_total"); len(d) != 0 && d[dbCommand("sanfang_postal", "find")] != 0 {
		t.Errorf("a cached answer sent commands: %v", d)
	}

	lines := logs.lines(map[string]any{"msg": "request", "request_id": id})
	if len(lines) != 1 {
		t.Fatalf("log lines with request_id %s: %v", id, lines)
	}
	l := lines[0]
	if l["operation"] != "Ents" || l["operation_type"] != "query" || l["credential"] != "anonymous" || l["outcome"] != "ok" ||
		l["status"] != 200.0 || l["path"] != "/graphql" || l["duration_ms"] == nil {
		t.Errorf("request log line = %v", l)
	}
	// A refused request is logged and counted with its code.
	a, gen := srv.postWithID(t, "", `{ enterprises { nope } }`)
	if a.code() != "GRAPHQL_VALIDATION_FAILED" || gen == "" {
		t.Fatalf("invalid query: %v, id %q", a.Errors, gen)
	}
	if l := logs.lines(map[string]any{"msg": "request", "request_id": gen}); len(l) != 1 || l[0]["outcome"] != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("refused request's log line = %v", l)
	}
	if m := srv.metrics(t); m[`sanfang_graphql_requests_total{operation="unnamed",outcome="GRAPHQL_VALIDATION_FAILED"}`] != 1 {
		t.Errorf("refused request not counted")
	}
}

// With an admin key made before the server starts, writes acknowledged
// before a SIGTERM are all there when the server starts again on the same
// data directory: the store is closed before the embedded database stops.
func TestAcknowledgedWritesSurviveARestart(t *testing.T) {
	env := testEnv(t)
	env["SANFANG_SHUTDOWN_TIMEOUT"] = "5s"
	key := makeKey(t, env, "--name", "a", "--role", "admin")
	srv := start(t, env)

	var wg sync.WaitGroup
	var mu sync.Mutex
	var acked []string
	for i := range 8 {
		wg.Go(func() {
			name := fmt.Sprintf("重启测试快递%d", i)
			a := srv.as(t, key, fmt.Sprintf(`mutation { createEnterprise(input: {name: %q, brand: "测试"}) { id name } }`, name), nil)
			if len(a.Errors) > 0 {
				t.Errorf("create %s: %v", name, a.Errors)
				return
			}
			mu.Lock()
			acked = append(acked, name)
			mu.Unlock()
		})
	}
	wg.Wait()
	srv.stop(t)

	srv = start(t, env)
	var got struct {
		Enterprises struct {
			TotalCount int
			Nodes      []struct{ Name string }
		}
	}
	srv.post(t, `{ enterprises(first: 100, filter: {nameContains: "重启测试快递"}) { totalCount nodes { name } } }`, &got)
	names := map[string]bool{}
	for _, n := range got.Enterprises.Nodes {
		names[n.Name] = true
	}
	for _, n := range acked {
		if !names[n] {
			t.Errorf("acknowledged write %s missing after the restart", n)
		}
	}
	if got.Enterprises.TotalCount != len(acked) || len(acked) != 8 {
		t.Errorf("after the restart: %d enterprises, %d acknowledged, want 8", got.Enterprises.TotalCount, len(acked))
	}
}

// With SANFANG_OTLP_ENDPOINT set, a query's spans reach the collector
// (OTLP over HTTP, at the latest when the server stops and flushes): the
// operation, its root field and its database commands.
func TestTracesGoToTheCollector(t *testing.T) {
	var mu sync.Mutex
	var bodies [][]byte
	var paths []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, b)
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()
	env := testEnv(t)
	env["SANFANG_OTLP_ENDPOINT"] = collector.URL
	srv := start(t, env)
	var out any
	srv.post(t, `query Traced { enterprises(first: 2) { nodes { union { name } } } }`, &out)
	srv.stop(t)

	mu.Lock()
	defer mu.Unlock()
	all := bytes.Join(bodies, nil)
	for _, want := range []string{"query Traced", "Query.enterprises", "find sanfang_postal.enterprises", "find sanfang_union.unions", "sanfang"} {
		if !bytes.Contains(all, []byte(want)) {
			t.Errorf("the collector got no span %q (%d requests to %v)", want, len(bodies), paths)
		}
	}
	for _, p := range paths {
		if p != "/v1/traces" {
			t.Errorf("spans sent to %s, want /v1/traces", p)
		}
	}
}

// The ops settings are checked, each error naming its setting.
func TestOpsConfigErrors(t *testing.T) {
	for env, want := range map[string]string{
		"SANFANG_SHUTDOWN_TIMEOUT": "soon",
		"SANFANG_DB_TIMEOUT":       "0s",
		"SANFANG_READY_TIMEOUT":    "-1s",
		"SANFANG_METRICS":          "sometimes",
		"SANFANG_OTLP_ENDPOINT":    "collector:4318",
		"SANFANG_TRACE_SAMPLE":     "1.5",
	} {
		e := map[string]string{env: want}
		err := run(context.Background(), nil, func(k string) string { return e[k] }, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: %v, want an error naming it", env, want, err)
		}
	}
	cfg, err := parseConfig("serve", []string{"--db-timeout", "750ms", "--shutdown-timeout", "30s"}, func(string) string { return "" }, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Ops.DBTimeout != 750*time.Millisecond || cfg.Ops.ShutdownTimeout != 30*time.Second || cfg.Ops.ReadyTimeout != 2*time.Second || !cfg.Ops.Metrics {
		t.Errorf("ops config = %+v", cfg.Ops)
	}
	if sc := cfg.storeConfig(nil); sc.Timeout != 750*time.Millisecond {
		t.Errorf("store timeout = %s, want the DB timeout", sc.Timeout)
	}
}

// A subscription is counted in the gauge while it runs, and as a request
// (by its operation name) when it ends; a query over the same WebSocket is
// a request of its own.
func TestSubscriptionsGauge(t *testing.T) {
	srv := start(t, testEnv(t))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.url, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	_ = wsjson.Write(ctx, conn, map[string]any{"type": "connection_init"})
	var ack map[string]any
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("init: %v %v", ack, err)
	}
	go func() { // read (and drop) whatever the server sends
		for {
			var m map[string]any
			if wsjson.Read(ctx, conn, &m) != nil {
				return
			}
		}
	}()
	const gauge = "sanfang_graphql_subscriptions_active"
	waitFor := func(what string, ok func(m map[string]float64) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			m := srv.metrics(t)
			if ok(m) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: gauge %v, requests %v", what, m[gauge], delta(nil, m, "sanfang_graphql_requests_total"))
			}
		}
	}
	_ = wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "subscription Live { changes { seq } }"}})
	_ = wsjson.Write(ctx, conn, map[string]any{"id": "2", "type": "subscribe", "payload": map[string]any{"query": "query Once { bodies { code } }"}})
	waitFor("subscribed", func(m map[string]float64) bool {
		return m[gauge] == 1 && m[`sanfang_graphql_requests_total{operation="Once",outcome="ok"}`] == 1
	})
	_ = wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "complete"})
	waitFor("completed", func(m map[string]float64) bool {
		return m[gauge] == 0 && m[`sanfang_graphql_requests_total{operation="Live",outcome="ok"}`] == 1
	})
	if m := srv.metrics(t); m[`sanfang_graphql_request_duration_seconds_count{operation="Live"}`] != 0 {
		t.Errorf("a subscription's lifetime was timed as a request")
	}
}
