package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sanfang/internal/documents"
)

// TestDocumentsCommand adds, lists and removes registered documents through
// run, as a user would, then serves in production mode on the same data:
// the registered document runs (as text and by hash), everything else is
// refused, and a listed dashboard origin gets its CORS preflight answered.
func TestDocumentsCommand(t *testing.T) {
	ctx := context.Background()
	dataDir, files := t.TempDir(), t.TempDir()
	env := map[string]string{"SANFANG_DATA_DIR": dataDir, "SANFANG_LOG_LEVEL": "warn"}
	getenv := func(k string) string { return env[k] }
	sh := func(args ...string) (string, error) {
		t.Helper()
		var out, errOut bytes.Buffer
		err := run(ctx, append([]string{"documents"}, args...), getenv, &out, &errOut)
		return out.String(), err
	}
	file := func(name, text string) string {
		p := filepath.Join(files, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bodiesText := "query Bodies {\n  bodies { code shortName }\n}\n"
	bodies := file("bodies.graphql", bodiesText)
	count := file("count.graphql", "query Count { enterprises { totalCount } }")
	typo := file("typo.graphql", "query Typo { bodies { shortNam } }")
	broken := file("broken.graphql", "query {")
	bodiesDoc, _ := documents.New(bodiesText, "")
	countDoc, _ := documents.ReadFile(count)

	if out, err := sh("list"); err != nil || !strings.Contains(out, "No registered documents") {
		t.Fatalf("list on a new store: %q %v", out, err)
	}
	_, err := sh("add", typo, broken, bodies)
	if err == nil {
		t.Fatal("add with a typo'd and a broken document succeeded")
	}
	for _, want := range []string{"no document was added", "typo.graphql", "shortNam", "broken.graphql"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("add's error %q does not say %q", err, want)
		}
	}
	if out, _ := sh("list"); !strings.Contains(out, "No registered documents") {
		t.Fatalf("a refused add added something: %q", out)
	}

	// Files first, flags after, as people type them.
	out, err := sh("add", bodies, count, "--log-level", "warn")
	if err != nil {
		t.Fatalf("add: %v", err)
	}
	for _, d := range []documents.Document{bodiesDoc, countDoc} {
		if !regexp.MustCompile(`(?m)^added\s+` + d.Hash + `\s+` + d.Name).MatchString(out) {
			t.Errorf("add printed %q; want a line \"added %s %s\"", out, d.Hash, d.Name)
		}
	}
	if out, err := sh("add", bodies); err != nil || !strings.Contains(out, "already  "+bodiesDoc.Hash) {
		t.Errorf("adding again: %q %v", out, err)
	}
	out, err = sh("list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 3 || strings.Join(strings.Fields(lines[0]), " ") != "HASH NAME FROM ADDED" ||
		!strings.HasPrefix(lines[1], bodiesDoc.Hash) || !strings.Contains(lines[1], "Bodies") || !strings.HasPrefix(lines[2], countDoc.Hash) {
		t.Fatalf("list = %q, %v; want a header and the two documents", out, err)
	}
	if out, err := sh("remove", countDoc.Hash[:10]); err != nil || !strings.Contains(out, "removed  "+countDoc.Hash) {
		t.Fatalf("remove by prefix: %q %v", out, err)
	}
	if _, err := sh("remove", strings.Repeat("0", 64)); err == nil || !strings.Contains(err.Error(), "no document") {
		t.Errorf("remove of an unknown hash: %v", err)
	}
	if _, err := sh("remove"); err == nil {
		t.Error("remove without a hash succeeded")
	}
	if out, _ := sh("list"); strings.Contains(out, countDoc.Hash) || !strings.Contains(out, bodiesDoc.Hash) {
		t.Fatalf("list after remove = %q", out)
	}

	// A directory of documents is listed too, and cannot be removed by hash.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "people.graphql"), []byte("query People { people { totalCount } }"), 0o644); err != nil {
		t.Fatal(err)
	}
	peopleDoc, _ := documents.ReadFile(filepath.Join(dir, "people.graphql"))
	env["SANFANG_DOCUMENTS_DIR"] = dir
	if out, _ := sh("list"); !strings.Contains(out, peopleDoc.Hash) || !strings.Contains(out, "(SANFANG_DOCUMENTS_DIR)") {
		t.Errorf("list with SANFANG_DOCUMENTS_DIR = %q", out)
	}
	if _, err := sh("remove", peopleDoc.Hash); err == nil || !strings.Contains(err.Error(), "delete the file") {
		t.Errorf("remove of a directory's document: %v", err)
	}

	// Serve in production on the same data.
	env["SANFANG_ADDR"] = "127.0.0.1:0"
	env["SANFANG_MODE"] = "production"
	env["SANFANG_SECRET_KEY"] = strings.Repeat("5a", 32)
	env["SANFANG_CORS_ORIGINS"] = "https://Dashboard.example.cn:443/"
	srv := start(t, env)
	post := func(payload map[string]any, accept string) (int, map[string]json.RawMessage) {
		t.Helper()
		b, _ := json.Marshal(payload)
		req, _ := http.NewRequest(http.MethodPost, srv.url, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r map[string]json.RawMessage
		_ = json.NewDecoder(res.Body).Decode(&r)
		return res.StatusCode, r
	}
	hasBodies := func(name string, status int, r map[string]json.RawMessage) {
		t.Helper()
		var data struct{ Bodies []struct{ Code string } }
		if status != 200 || r["errors"] != nil || json.Unmarshal(r["data"], &data) != nil || len(data.Bodies) != 4 {
			t.Errorf("%s: HTTP %d %s %s", name, status, r["errors"], r["data"])
		}
	}
	status, r := post(map[string]any{"query": bodiesText}, "")
	hasBodies("registered, as text", status, r)
	status, r = post(map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": bodiesDoc.Hash}}}, "application/graphql-response+json")
	hasBodies("registered, by hash", status, r)
	var people struct{ People struct{ TotalCount int } }
	if status, r = post(map[string]any{"query": "query People { people { totalCount } }"}, ""); status != 200 || json.Unmarshal(r["data"], &people) != nil || people.People.TotalCount == 0 {
		t.Errorf("the directory's document: HTTP %d %s %s", status, r["errors"], r["data"])
	}
	for _, q := range []string{countDoc.Text, "{ bodies { code name } }", "{ __schema { queryType { name } } }"} {
		status, r := post(map[string]any{"query": q}, "application/graphql-response+json")
		if status != http.StatusForbidden || r["data"] != nil || !strings.Contains(string(r["errors"]), "PERSISTED_QUERY_NOT_ALLOWED") {
			t.Errorf("unregistered %q in production: HTTP %d %s", q, status, r["errors"])
		}
	}
	req, _ := http.NewRequest(http.MethodOptions, srv.url, nil)
	req.Header.Set("Origin", "https://dashboard.example.cn")
	req.Header.Set("Access-Control-Request-Method", "POST")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "https://dashboard.example.cn" {
		t.Errorf("preflight from the listed dashboard: %d %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
	}
	srv.stop(t)
}

func TestDocumentsSettings(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
		err  string
	}{
		{"", nil, ""},
		{"https://dash.example.cn", []string{"https://dash.example.cn"}, ""},
		{" HTTPS://Dash.Example.CN:443/ , http://localhost:5173,http://a.cn:80", []string{"https://dash.example.cn", "http://localhost:5173", "http://a.cn"}, ""},
		{"https://dash.example.cn:8443", []string{"https://dash.example.cn:8443"}, ""},
		{"*", nil, "not allowed"},
		{"null", nil, "not allowed"},
		{"dash.example.cn", nil, "not an origin"},
		{"ftp://dash.example.cn", nil, "not an origin"},
		{"https://dash.example.cn/app", nil, "not an origin"},
		{"https://user@dash.example.cn", nil, "not an origin"},
	} {
		got, err := parseOrigins(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parseOrigins(%q) = %v, %v; want an error saying %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("parseOrigins(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	// Invalid settings stop start-up naming the setting.
	for env, want := range map[string]string{
		"SANFANG_CORS_ORIGINS":  "*",
		"SANFANG_DOCUMENTS_DIR": filepath.Join(t.TempDir(), "missing"),
	} {
		err := run(context.Background(), []string{"documents", "list"}, func(k string) string {
			if k == env {
				return want
			}
			return ""
		}, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: %v; want an error naming the setting", env, want, err)
		}
	}
}
