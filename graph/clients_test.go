package graph_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// clientsDir holds the real JavaScript clients (test/clients), installed
// with npm ci by .ci/run. Without them, or without Node, these tests skip,
// unless SANFANG_REQUIRE_CLIENTS is set (CI sets it), when they fail.
func clientsDir(t *testing.T) string {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("..", "test", "clients"))
	_, nodeErr := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "graphql-ws"))
	if nodeErr != nil || modErr != nil {
		if os.Getenv("SANFANG_REQUIRE_CLIENTS") != "" {
			t.Fatalf("the JavaScript clients are required but missing: node %v, modules %v; run npm ci --prefix test/clients", nodeErr, modErr)
		}
		t.Skip("node or test/clients/node_modules missing: run npm ci --prefix test/clients")
	}
	return dir
}

// The real graphql-ws client, subscribed to task changes with a viewer's
// key, sees the progress another client records, in order. The latency is
// logged here and measured by BenchmarkEventDelivery, not asserted.
func TestGraphQLWSClientSeesProgressWithinASecond(t *testing.T) {
	dir := clientsDir(t)
	s := newServer(t, jointMeeting(t))
	cmd := exec.Command("node", "subscribe-progress.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"SANFANG_URL="+s.URL,
		"VIEWER_KEY="+s.key(t, roles["viewer"]),
		"EDITOR_KEY="+s.key(t, roles["union"]),
		"TASK_ID="+gid("Task", "task-2026-04"),
	)
	out, err := cmd.Output()
	var got struct {
		OK     bool
		Error  string
		Events []struct {
			Change    struct{ Seq int }
			Task      struct{ Progress int }
			LatencyMs int
		}
	}
	if jerr := json.Unmarshal(out, &got); jerr != nil || err != nil || !got.OK {
		t.Fatalf("client: %v %v %s", err, jerr, out)
	}
	if len(got.Events) != 2 || got.Events[0].Task.Progress != 40 || got.Events[1].Task.Progress != 70 || got.Events[0].Change.Seq >= got.Events[1].Change.Seq {
		t.Fatalf("events %+v, want progress 40 then 70 in seq order", got.Events)
	}
	for _, e := range got.Events {
		t.Logf("delivered seq %d %s after the first write was sent", e.Change.Seq, time.Duration(e.LatencyMs)*time.Millisecond)
	}
}
