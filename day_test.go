package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// makeKey runs "sanfang apikey create" as an operator would and returns the
// key it prints.
func makeKey(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"apikey", "create"}, args...), func(k string) string { return env[k] }, &out, io.Discard)
	if err != nil {
		t.Fatalf("apikey create %v: %v", args, err)
	}
	key := regexp.MustCompile(`sfk_[0-9a-f]+_[0-9a-f]+`).FindString(out.String())
	if key == "" {
		t.Fatalf("apikey create printed no key: %q", out.String())
	}
	return key
}

type gqlAnswer struct {
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
}

func (s *started) as(t *testing.T, key, query string, vars map[string]any) gqlAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var a gqlAnswer
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		t.Fatalf("HTTP %d: %v", res.StatusCode, err)
	}
	return a
}

func (a gqlAnswer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	c, _ := a.Errors[0].Extensions["code"].(string)
	return c
}

func globalID(typ, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id))
}

// A day of real use, through HTTP, as the bodies' staff and SF's union
// system would have it; then the audit log shows each of them.
func TestADayOfRealUse(t *testing.T) {
	env := testEnv(t)
	admin := makeKey(t, env, "--name", "admin", "--role", "admin")
	unionA := makeKey(t, env, "--name", "union-staff-a", "--role", "editor", "--body", "UNION")
	unionB := makeKey(t, env, "--name", "union-staff-b", "--role", "editor", "--body", "UNION")
	postal := makeKey(t, env, "--name", "postal-staff", "--role", "editor", "--body", "POSTAL")
	sf := makeKey(t, env, "--name", "sf-union-system", "--role", "partner", "--enterprise", "ent-sf")
	srv := start(t, env)
	sfEnt, sfUnion, task := globalID("Enterprise", "ent-sf"), globalID("Union", "union-sf"), globalID("Task", "task-2026-01")

	// The union's editor records a training and new membership figures.
	a := srv.as(t, unionA, `mutation($e: ID!) { createActivity(input: {kind: SKILLS_TRAINING, title: "快递员技能培训（太原）", date: "2026-03-05", regionCode: "140100", enterpriseIds: [$e], participantCount: 120}) { id organiser { code } } }`, map[string]any{"e": sfEnt})
	if a.code() != "" {
		t.Fatalf("union editor's activity: %v", a.Errors)
	}
	a = srv.as(t, unionA, `mutation($u: ID!) { createMembershipFigures(input: {unionId: $u, period: "2026-03", employees: 1200, couriers: 900, members: 800, courierMembers: 650}) { membershipRate } }`, map[string]any{"u": sfUnion})
	if !strings.Contains(string(a.Data), `"membershipRate":0.666`) {
		t.Fatalf("union editor's figures: %s %v", a.Data, a.Errors)
	}

	// SF's union system upserts the same figures twice: created, then unchanged.
	var receipts []string
	for range 2 {
		a = srv.as(t, sf, `mutation($u: ID!) { upsertMembershipFigures(input: {unionId: $u, period: "2026-04", employees: 1210, couriers: 905, members: 830}) { status id version } }`, map[string]any{"u": sfUnion})
		var r struct {
			UpsertMembershipFigures struct {
				Status, ID string
				Version    int
			}
		}
		if err := json.Unmarshal(a.Data, &r); err != nil || a.code() != "" {
			t.Fatalf("partner upsert: %s %v", a.Data, a.Errors)
		}
		receipts = append(receipts, r.UpsertMembershipFigures.Status)
	}
	if !slices.Equal(receipts, []string{"CREATED", "UNCHANGED"}) {
		t.Errorf("the same figures twice: %v, want CREATED then UNCHANGED", receipts)
	}

	// ... and SF's activities in bulk, one row bad.
	a = srv.as(t, sf, `mutation($e: ID!) { upsertActivities(items: [
		{kind: CARE_SERVICE, title: "十送·夏送清凉", date: "2026-07-01", enterpriseIds: [$e], externalId: "SF-2026-001", participantCount: 300},
		{kind: CARE_SERVICE, title: "", date: "2026-07-08", endDate: "2026-07-01", enterpriseIds: [$e], externalId: "SF-2026-002"},
		{kind: RIGHTS_PROTECTION, title: "法律咨询进站点", date: "2026-07-15", enterpriseIds: [$e], externalId: "SF-2026-003"}]) {
		created rejected receipts { index status error { fields { field } } } } }`, map[string]any{"e": sfEnt})
	var bulk struct {
		UpsertActivities struct {
			Created, Rejected int
			Receipts          []struct {
				Index  int
				Status string
				Error  *struct{ Fields []struct{ Field string } }
			}
		}
	}
	if err := json.Unmarshal(a.Data, &bulk); err != nil || a.code() != "" {
		t.Fatalf("bulk upsert: %s %v", a.Data, a.Errors)
	}
	if b := bulk.UpsertActivities; b.Created != 2 || b.Rejected != 1 || b.Receipts[1].Status != "REJECTED" || len(b.Receipts[1].Error.Fields) != 2 || b.Receipts[1].Error.Fields[0].Field != "items[1].title" {
		t.Errorf("bulk receipts = %+v, want 2 created and item 1 rejected for title and endDate", b)
	}

	// The postal editor tries to edit a union and is refused.
	a = srv.as(t, postal, `mutation($u: ID!) { updateUnion(id: $u, version: 1, patch: {name: "改名"}) { id } }`, map[string]any{"u": sfUnion})
	if a.code() != "FORBIDDEN" {
		t.Errorf("postal editor editing a union: %q, want FORBIDDEN", a.code())
	}

	// Two union editors race on one task: one wins, one gets CONFLICT.
	var wg sync.WaitGroup
	codes := make([]string, 2)
	for i, key := range []string{unionA, unionB} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = srv.as(t, key, `mutation($t: ID!, $p: Int!) { updateTask(id: $t, version: 1, patch: {progress: $p, status: IN_PROGRESS}) { version } }`, map[string]any{"t": task, "p": 10 + i}).code()
		}()
	}
	wg.Wait()
	slices.Sort(codes)
	if !slices.Equal(codes, []string{"", "CONFLICT"}) {
		t.Errorf("racing editors got %q, want one success and one CONFLICT", codes)
	}

	// The audit log shows each of these with the right actor.
	a = srv.as(t, admin, `{ auditLog(first: 50) { nodes { operation outcome actor { name } } } }`, nil)
	var log struct {
		AuditLog struct {
			Nodes []struct {
				Operation, Outcome string
				Actor              struct{ Name string }
			}
		}
	}
	if err := json.Unmarshal(a.Data, &log); err != nil || a.code() != "" {
		t.Fatalf("audit log: %s %v", a.Data, a.Errors)
	}
	seen := map[string]int{}
	for _, n := range log.AuditLog.Nodes {
		seen[n.Operation+" "+n.Outcome+" by "+n.Actor.Name]++
	}
	for entry, want := range map[string]int{
		"createActivity ACCEPTED by union-staff-a":            1,
		"createMembershipFigures ACCEPTED by union-staff-a":   1,
		"upsertMembershipFigures ACCEPTED by sf-union-system": 1,
		"upsertActivity ACCEPTED by sf-union-system":          2,
		"upsertActivity INVALID by sf-union-system":           1,
		"updateUnion FORBIDDEN by postal-staff":               1,
	} {
		if seen[entry] != want {
			t.Errorf("audit log has %d × %q, want %d (log: %v)", seen[entry], entry, want, seen)
		}
	}
	if seen["updateTask ACCEPTED by union-staff-a"]+seen["updateTask ACCEPTED by union-staff-b"] != 1 ||
		seen["updateTask CONFLICT by union-staff-a"]+seen["updateTask CONFLICT by union-staff-b"] != 1 {
		t.Errorf("the race is not in the audit log as one accepted and one conflict: %v", seen)
	}

	// The figures say where they came from.
	a = srv.as(t, admin, `query($u: ID!) { node(id: $u) { ... on Union { latestFigures { period provenance { basis recordedBy { name role } recordedAt } } } } }`, map[string]any{"u": sfUnion})
	if !strings.Contains(string(a.Data), `"period":"2026-04"`) || !strings.Contains(string(a.Data), `"name":"sf-union-system"`) {
		t.Errorf("latest figures' provenance: %s", a.Data)
	}
}
