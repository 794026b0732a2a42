package graph_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// conformanceDir holds graphql-http, pinned (test/conformance), installed
// with npm ci by .ci/run. Without it, or without Node, the audit skips,
// unless SANFANG_REQUIRE_CLIENTS is set (CI sets it), when it fails.
func conformanceDir(t *testing.T) string {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("..", "test", "conformance"))
	_, nodeErr := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "graphql-http"))
	if nodeErr != nil || modErr != nil {
		if os.Getenv("SANFANG_REQUIRE_CLIENTS") != "" {
			t.Fatalf("the GraphQL-over-HTTP audit is required but missing: node %v, modules %v; run npm ci --prefix test/conformance", nodeErr, modErr)
		}
		t.Skip("node or test/conformance/node_modules missing: run npm ci --prefix test/conformance")
	}
	return dir
}

// The real handler passes graphql-http's whole GraphQL-over-HTTP audit:
// every MUST (an "error" when failed), every SHOULD (a "warn") and every
// MAY (a "notice").
func TestGraphQLOverHTTPAudit(t *testing.T) {
	dir := conformanceDir(t)
	s := newServer(t, jointMeeting(t))
	cmd := exec.Command("node", "audit.mjs", s.URL)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("audit did not run: %v\n%s\n%s", err, stderr.String(), out)
	}
	var got struct {
		Results []struct {
			ID, Name, Status, Reason string
			ResponseStatus           int
			ResponseContentType      string
			ResponseBody             string
		}
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("audit output: %v\n%s", err, out)
	}
	if len(got.Results) < 50 {
		t.Fatalf("the audit reported %d results; graphql-http 1.23 has more than 50 audits", len(got.Results))
	}
	counts := map[string]int{}
	var failed []string
	for _, r := range got.Results {
		counts[r.Status]++
		if r.Status != "ok" {
			failed = append(failed, fmt.Sprintf("%s %s [%s]: %s (HTTP %d, %s) %s", r.Status, r.ID, r.Name, r.Reason, r.ResponseStatus, r.ResponseContentType, r.ResponseBody))
		}
	}
	t.Logf("graphql-http audit: %d audits, %d ok, %d errors, %d warnings, %d notices", len(got.Results), counts["ok"], counts["error"], counts["warn"], counts["notice"])
	if counts["error"] > 0 || counts["warn"] > 0 || counts["notice"] > 0 {
		t.Errorf("the audit found %d errors (MUST), %d warnings (SHOULD), %d notices (MAY):\n%s", counts["error"], counts["warn"], counts["notice"], strings.Join(failed, "\n"))
	}
}
