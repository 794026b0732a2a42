package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sanfang/internal/embedded"
)

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// outcome is one request of the load: how long it took and how it ended
// ("ok", an error code, or "hang" when the client gave up).
type outcome struct {
	what  string
	took  time.Duration
	write string // the enterprise a write created, when it was acknowledged
}

// The database stops under load and comes back: no request hangs (each
// answers within a few database timeouts, with data or UNAVAILABLE),
// /readyz turns 503 naming the databases and 200 again, requests succeed
// again without a restart of the server, and every write acknowledged
// before the stop is still there.
func TestDatabaseOutageUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("stops and restarts a database under load")
	}
	const dbTimeout = time.Second
	// A request touches its databases one level at a time; each level
	// waits at most the database timeout for a server.
	const bound = 3 * dbTimeout

	dir, addr := t.TempDir(), freeAddr(t)
	ctx := context.Background()
	db, err := embedded.StartOn(ctx, dir, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	var dbMu sync.Mutex
	t.Cleanup(func() {
		dbMu.Lock()
		defer dbMu.Unlock()
		if db != nil {
			db.Stop()
		}
	})
	env := map[string]string{
		"SANFANG_ADDR":          "127.0.0.1:0",
		"SANFANG_MONGODB_URI":   "mongodb://" + addr + "/",
		"SANFANG_DB_TIMEOUT":    dbTimeout.String(),
		"SANFANG_READY_TIMEOUT": "1s",
		// Every answer from the database, none from the response cache.
		"SANFANG_CACHE_TTL": "0",
		// The load is one client: no rate limit or cost budget in its way.
		"SANFANG_RATE_LIMIT":    "0",
		"SANFANG_IP_RATE_LIMIT": "0",
		"SANFANG_COST_BUDGET":   "0",
	}
	key := makeKey(t, env, "--name", "a", "--role", "admin")
	srv, logs := startLogged(t, env)

	client := &http.Client{Timeout: 20 * time.Second}
	send := func(key, query string) outcome {
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, srv.url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return outcome{what: "hang: " + err.Error(), took: time.Since(start)}
		}
		defer res.Body.Close()
		var a gqlAnswer
		raw, _ := io.ReadAll(res.Body)
		took := time.Since(start)
		if err := json.Unmarshal(raw, &a); err != nil {
			return outcome{what: fmt.Sprintf("HTTP %d %q", res.StatusCode, raw), took: took}
		}
		if len(a.Errors) > 0 {
			return outcome{what: a.code(), took: took}
		}
		return outcome{what: "ok", took: took}
	}
	readyz := func() (int, string) {
		res, err := client.Get(srv.base() + "/readyz")
		if err != nil {
			t.Fatalf("/readyz: %v", err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}

	// phase is what the load is in: 0 database up, 1 down, 2 back.
	var phase atomic.Int32
	var mu sync.Mutex
	results := map[int32][]outcome{}
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	const perWorker = 400
	for w := range 4 {
		wg.Go(func() {
			for i := range perWorker {
				select {
				case <-stop:
					return
				default:
				}
				p := phase.Load()
				var o outcome
				if w == 0 {
					// The writer: one new enterprise per request.
					name := fmt.Sprintf("停机测试快递%d", i)
					o = send(key, fmt.Sprintf(`mutation { createEnterprise(input: {name: %q, brand: "测试"}) { id } }`, name))
					if o.what == "ok" {
						o.write = name
					}
				} else {
					o = send("", `{ enterprises(first: 5) { nodes { name union { name } } } meetings(first: 1) { totalCount } }`)
				}
				mu.Lock()
				results[p] = append(results[p], o)
				if o.write != "" {
					acked = append(acked, o.write)
				}
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	finish := func() {
		close(stop)
		wg.Wait()
	}
	defer func() {
		select {
		case <-stop:
		default:
			finish()
		}
	}()

	time.Sleep(1500 * time.Millisecond)
	if code, body := readyz(); code != 200 {
		t.Fatalf("/readyz with the database up: %d %s", code, body)
	}

	// Stop the database under load.
	phase.Store(1)
	mu.Lock()
	ackedBefore := slices.Clone(acked)
	mu.Unlock()
	dbMu.Lock()
	db.Stop()
	db = nil
	dbMu.Unlock()

	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := readyz()
		if code == http.StatusServiceUnavailable {
			for _, name := range []string{"sanfang_postal", "sanfang_union", "sanfang_association", "sanfang_joint"} {
				if !strings.Contains(body, name) || strings.Contains(body, `"`+name+`":"ok"`) {
					t.Errorf("/readyz while the database is down = %s; want %s named as failing", body, name)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d %s 10 s after the database stopped", code, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Let the load meet the outage for a while.
	time.Sleep(3 * dbTimeout)

	// Bring it back on the same address and data.
	dbMu.Lock()
	db, err = embedded.StartOn(ctx, dir, addr, nil)
	dbMu.Unlock()
	if err != nil {
		t.Fatalf("restart the database on %s: %v", addr, err)
	}
	phase.Store(2)
	deadline = time.Now().Add(20 * time.Second)
	for {
		code, _ := readyz()
		o := send("", `{ enterprises(first: 1) { nodes { name } } }`)
		if code == 200 && o.what == "ok" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("20 s after the database came back: /readyz %d, a query %q", code, o.what)
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // some load on the recovered database
	finish()

	mu.Lock()
	defer mu.Unlock()
	counts := map[int32]map[string]int{}
	slowest := map[int32]time.Duration{}
	for p, rs := range results {
		counts[p] = map[string]int{}
		for _, r := range rs {
			counts[p][r.what]++
			slowest[p] = max(slowest[p], r.took.Round(time.Millisecond))
			if r.took > bound {
				t.Errorf("phase %d: a request took %s (%s), more than %s", p, r.took.Round(time.Millisecond), r.what, bound)
			}
			if r.what != "ok" && r.what != "UNAVAILABLE" {
				t.Errorf("phase %d: a request ended %q, want data or UNAVAILABLE", p, r.what)
			}
		}
	}
	t.Logf("outcomes by phase (0 up, 1 down, 2 back): %v; slowest: %v", counts, slowest)
	if t.Failed() {
		for _, l := range logs.lines(map[string]any{"level": "ERROR"}) {
			t.Logf("server error log: %v", l)
		}
	}
	if counts[0]["ok"] < 10 || counts[0]["UNAVAILABLE"] > 0 {
		t.Errorf("before the stop: %v, want only data", counts[0])
	}
	if counts[1]["UNAVAILABLE"] == 0 {
		t.Errorf("no request failed while the database was down: %v", counts[1])
	}
	if counts[2]["ok"] == 0 {
		t.Errorf("no request succeeded after the database came back: %v", counts[2])
	}
	if len(ackedBefore) == 0 {
		t.Fatal("no write was acknowledged before the stop")
	}

	// Every write acknowledged before the stop (and after) is there.
	present := map[string]bool{}
	after := ""
	for page := 0; page < 50; page++ {
		var got struct {
			Enterprises struct {
				Nodes    []struct{ Name string }
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		q := `{ enterprises(first: 100, filter: {nameContains: "停机测试快递"}) { nodes { name } pageInfo { hasNextPage endCursor } } }`
		if after != "" {
			q = `{ enterprises(first: 100, after: "` + after + `", filter: {nameContains: "停机测试快递"}) { nodes { name } pageInfo { hasNextPage endCursor } } }`
		}
		srv.post(t, q, &got)
		for _, n := range got.Enterprises.Nodes {
			present[n.Name] = true
		}
		if !got.Enterprises.PageInfo.HasNextPage {
			break
		}
		after = got.Enterprises.PageInfo.EndCursor
	}
	for _, name := range acked {
		if !present[name] {
			t.Errorf("acknowledged write %s is missing", name)
		}
	}

	// The failures were logged with their request's id and the cause.
	lines := logs.lines(map[string]any{"msg": "database unavailable"})
	if len(lines) == 0 {
		t.Fatal("no database unavailable line in the log")
	}
	for _, l := range lines[:1] {
		if id, _ := l["request_id"].(string); id == "" || l["err"] == nil {
			t.Errorf("log line without request id or cause: %v", l)
		}
	}
	if failed := logs.lines(map[string]any{"msg": "request", "outcome": "UNAVAILABLE"}); len(failed) == 0 {
		t.Error("no request logged with outcome UNAVAILABLE")
	}
	m := srv.metrics(t)
	total := 0.0
	for k, v := range m {
		if strings.HasPrefix(k, "sanfang_graphql_requests_total{") && strings.Contains(k, `outcome="UNAVAILABLE"`) {
			total += v
		}
	}
	if total == 0 {
		t.Error("no request counted with outcome UNAVAILABLE")
	}
	srv.stop(t)
}
