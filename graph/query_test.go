package graph_test

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/domain"
	"sanfang/internal/seed"
	"sanfang/internal/synth"
)

// The tests here go through HTTP: they post queries to a server over one
// data set and compare what comes back with what the data set holds. Every
// helper is prefixed q so that it cannot clash with other test files.

// forgedCursor is a cursor as a client could make one: the enterprises'
// default order, an id, and value as the sort value.
func forgedCursor(t *testing.T, value any) string {
	t.Helper()
	b, err := bson.Marshal(bson.D{{Key: "o", Value: "NAME:asc"}, {Key: "v", Value: value}, {Key: "i", Value: "!"}})
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// qGID is a record's global ID: base64url("Type:id"), no padding.
func qGID(typ, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id))
}

// qGIDs maps records to their global IDs.
func qGIDs[T any](typ string, xs []T, id func(*T) string) []string {
	out := make([]string, len(xs))
	for i := range xs {
		out[i] = qGID(typ, id(&xs[i]))
	}
	return out
}

// qWhere is the global IDs of the records for which keep holds.
func qWhere[T any](typ string, xs []T, id func(*T) string, keep func(*T) bool) []string {
	out := []string{}
	for i := range xs {
		if keep(&xs[i]) {
			out = append(out, qGID(typ, id(&xs[i])))
		}
	}
	return out
}

func qDay(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func qWithin(d, from, to time.Time) bool { return !d.Before(from) && !d.After(to) }

func qAny[T comparable](have []T, want ...T) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// qLeak matches what must never reach a client: driver, database and
// runtime details.
var qLeak = regexp.MustCompile(`(?i)mongo|ferret|bson|goroutine|panic|runtime\.|\.go:\d|sanfang/|\bt\d+_(postal|union|association|joint)\b|connection refused`)

// qDo posts a query and checks that every error it returns carries an
// extensions.code and says nothing of the internals.
func qDo(t *testing.T, s *testServer, query string, vars map[string]any) response {
	t.Helper()
	r := s.do(t, query, vars)
	for _, e := range r.Errors {
		if code, _ := e.Extensions["code"].(string); code == "" {
			t.Errorf("error without extensions.code: %+v", e)
		}
		if qLeak.MatchString(e.Message) {
			t.Errorf("error message leaks internals: %q", e.Message)
		}
	}
	return r
}

// qBadInput checks a response failed with BAD_USER_INPUT and a message
// holding every one of want (what to fix).
func qBadInput(t *testing.T, r response, want ...string) {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Fatalf("want a BAD_USER_INPUT error, got none; data %s", r.Data)
	}
	e := r.Errors[0]
	if code := e.Extensions["code"]; code != "BAD_USER_INPUT" {
		t.Errorf("extensions.code = %v, want BAD_USER_INPUT (message %q)", code, e.Message)
	}
	for _, w := range want {
		if !strings.Contains(e.Message, w) {
			t.Errorf("message %q does not say %q", e.Message, w)
		}
	}
}

// qEdge is an edge whose node is decoded loosely.
type qEdge struct {
	Cursor string         `json:"cursor"`
	Node   map[string]any `json:"node"`
}

type qPage struct {
	TotalCount int     `json:"totalCount"`
	Edges      []qEdge `json:"edges"`
	PageInfo   struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
}

// qConn is a root connection and what to ask of it.
type qConn struct {
	field string // e.g. "enterprises"
	args  string // more arguments, e.g. `, orderBy: {field: NAME}`
	sel   string // the node's selection; "id" when empty
}

// page fetches one page; vars hold first, after, last and before.
func (c qConn) page(t *testing.T, s *testServer, vars map[string]any) qPage {
	t.Helper()
	sel := c.sel
	if sel == "" {
		sel = "id"
	}
	q := fmt.Sprintf(`query($first: Int, $after: String, $last: Int, $before: String) {
  c: %s(first: $first, after: $after, last: $last, before: $before%s) {
    totalCount
    edges { cursor node { %s } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`, c.field, c.args, sel)
	var out struct {
		C qPage `json:"c"`
	}
	s.query(t, q, vars, &out)
	p := out.C
	if n := len(p.Edges); n == 0 {
		if p.PageInfo.StartCursor != nil || p.PageInfo.EndCursor != nil {
			t.Errorf("%s: empty page has cursors %v %v", c.field, p.PageInfo.StartCursor, p.PageInfo.EndCursor)
		}
	} else {
		if p.PageInfo.StartCursor == nil || *p.PageInfo.StartCursor != p.Edges[0].Cursor {
			t.Errorf("%s: startCursor %v is not the first edge's cursor %q", c.field, p.PageInfo.StartCursor, p.Edges[0].Cursor)
		}
		if p.PageInfo.EndCursor == nil || *p.PageInfo.EndCursor != p.Edges[n-1].Cursor {
			t.Errorf("%s: endCursor %v is not the last edge's cursor %q", c.field, p.PageInfo.EndCursor, p.Edges[n-1].Cursor)
		}
	}
	return p
}

// forward walks the connection with first/after to its end.
func (c qConn) forward(t *testing.T, s *testServer, size int) (edges []qEdge, total int) {
	t.Helper()
	vars := map[string]any{"first": size}
	for i := 0; ; i++ {
		if i > 500 {
			t.Fatalf("%s: forward walk does not end", c.field)
		}
		p := c.page(t, s, vars)
		if i == 0 {
			total = p.TotalCount
			if p.PageInfo.HasPreviousPage {
				t.Errorf("%s: first page says hasPreviousPage", c.field)
			}
		} else {
			if !p.PageInfo.HasPreviousPage {
				t.Errorf("%s: page %d, asked after a cursor, says no hasPreviousPage", c.field, i)
			}
			if p.TotalCount != total {
				t.Errorf("%s: totalCount changed from %d to %d while paging", c.field, total, p.TotalCount)
			}
		}
		if len(p.Edges) > size || (p.PageInfo.HasNextPage && len(p.Edges) != size) {
			t.Errorf("%s: page %d has %d edges for first: %d (hasNextPage %v)", c.field, i, len(p.Edges), size, p.PageInfo.HasNextPage)
		}
		edges = append(edges, p.Edges...)
		if !p.PageInfo.HasNextPage {
			return edges, total
		}
		if p.PageInfo.EndCursor == nil {
			t.Fatalf("%s: hasNextPage without an endCursor", c.field)
		}
		vars = map[string]any{"first": size, "after": *p.PageInfo.EndCursor}
	}
}

// backward walks the connection with last/before from its end to its start
// and returns the edges in connection order.
func (c qConn) backward(t *testing.T, s *testServer, size int) []qEdge {
	t.Helper()
	var edges []qEdge
	vars := map[string]any{"last": size}
	for i := 0; ; i++ {
		if i > 500 {
			t.Fatalf("%s: backward walk does not end", c.field)
		}
		p := c.page(t, s, vars)
		if i > 0 && !p.PageInfo.HasNextPage {
			t.Errorf("%s: backward page %d, asked before a cursor, says no hasNextPage", c.field, i)
		}
		if len(p.Edges) > size || (p.PageInfo.HasPreviousPage && len(p.Edges) != size) {
			t.Errorf("%s: backward page %d has %d edges for last: %d", c.field, i, len(p.Edges), size)
		}
		edges = append(slices.Clone(p.Edges), edges...)
		if !p.PageInfo.HasPreviousPage {
			return edges
		}
		if p.PageInfo.StartCursor == nil {
			t.Fatalf("%s: hasPreviousPage without a startCursor", c.field)
		}
		vars = map[string]any{"last": size, "before": *p.PageInfo.StartCursor}
	}
}

func qField(edges []qEdge, key string) []any {
	out := make([]any, len(edges))
	for i, e := range edges {
		out[i] = e.Node[key]
	}
	return out
}

func qIDs(edges []qEdge) []string {
	out := make([]string, len(edges))
	for i, e := range edges {
		out[i], _ = e.Node["id"].(string)
	}
	return out
}

// qSameSet checks got holds each of want exactly once and nothing else.
func qSameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s: %s visited %d times", what, id, n)
		}
	}
	g, w := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	g = slices.Compact(g)
	if !slices.Equal(g, w) {
		t.Errorf("%s: got %d distinct ids, want %d; missing %v, extra %v", what, len(g), len(w), qMinus(w, g), qMinus(g, w))
	}
}

func qMinus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// TestQueryTiny runs the list, order, filter, node and figures checks on
// the tiny synthetic data set, on one server.
func TestQueryTiny(t *testing.T) {
	ds := synthetic(t, synth.Tiny)
	s := newServer(t, ds)
	tot := synth.Summarise(ds)

	t.Run("connections", func(t *testing.T) {
		tests := []struct {
			field string
			total int
			want  []string
		}{
			{"enterprises", tot.Enterprises, qGIDs("Enterprise", ds.Enterprises, func(r *domain.Enterprise) string { return r.ID })},
			{"unions", tot.Unions, qGIDs("Union", ds.Unions, func(r *domain.Union) string { return r.ID })},
			{"meetings", tot.Meetings, qGIDs("Meeting", ds.Meetings, func(r *domain.Meeting) string { return r.ID })},
			{"plans", tot.Plans, qGIDs("Plan", ds.Plans, func(r *domain.Plan) string { return r.ID })},
			{"tasks", tot.Tasks, qGIDs("Task", ds.Tasks, func(r *domain.Task) string { return r.ID })},
			{"activities", tot.Activities, qGIDs("Activity", ds.Activities, func(r *domain.Activity) string { return r.ID })},
			{"people", tot.People, qGIDs("Person", ds.People, func(r *domain.Person) string { return r.ID })},
		}
		for _, tt := range tests {
			t.Run(tt.field, func(t *testing.T) {
				if tt.total == 0 || len(tt.want) != tt.total {
					t.Fatalf("data set: %d records, summary says %d", len(tt.want), tt.total)
				}
				sizes := []int{7}
				if tt.total <= 7 {
					sizes = append(sizes, 1) // so that cursors are used at all
				}
				c := qConn{field: tt.field}
				for _, size := range sizes {
					fwd, total := c.forward(t, s, size)
					if total != tt.total {
						t.Errorf("totalCount = %d, want %d", total, tt.total)
					}
					if len(fwd) != tt.total {
						t.Errorf("forward walk by %d visited %d records, want %d", size, len(fwd), tt.total)
					}
					qSameSet(t, fmt.Sprintf("forward by %d", size), qIDs(fwd), tt.want)

					back := c.backward(t, s, size)
					if !slices.Equal(qIDs(back), qIDs(fwd)) {
						t.Errorf("backward walk by %d is not the forward walk reversed:\nforward  %v\nbackward %v", size, qIDs(fwd), qIDs(back))
					}
				}
			})
		}
	})

	t.Run("orderBy", func(t *testing.T) {
		t.Run("meetings newest first by default", func(t *testing.T) {
			c := qConn{field: "meetings", sel: "id date"}
			fwd, _ := c.forward(t, s, 3)
			dates := qField(fwd, "date")
			for i := 1; i < len(dates); i++ {
				if dates[i].(string) > dates[i-1].(string) {
					t.Errorf("meeting %d on %v comes after one on %v: not newest first", i, dates[i], dates[i-1])
				}
			}
			if len(fwd) != tot.Meetings {
				t.Errorf("visited %d meetings, want %d", len(fwd), tot.Meetings)
			}
		})
		t.Run("tasks by PROGRESS DESC", func(t *testing.T) {
			// Many tasks are at 100: paging by 3 crosses ties.
			c := qConn{field: "tasks", args: `, orderBy: {field: PROGRESS, direction: DESC}`, sel: "id progress"}
			fwd, total := c.forward(t, s, 3)
			progress := qField(fwd, "progress")
			for i := 1; i < len(progress); i++ {
				if progress[i].(float64) > progress[i-1].(float64) {
					t.Errorf("task %d at %v%% comes after one at %v%%: not PROGRESS DESC", i, progress[i], progress[i-1])
				}
			}
			if total != tot.Tasks {
				t.Errorf("totalCount = %d, want %d", total, tot.Tasks)
			}
			qSameSet(t, "tasks by progress", qIDs(fwd), qGIDs("Task", ds.Tasks, func(r *domain.Task) string { return r.ID }))
			if back := c.backward(t, s, 3); !slices.Equal(qIDs(back), qIDs(fwd)) {
				t.Errorf("backward walk differs from forward walk")
			}
		})
		t.Run("activities by DATE ASC", func(t *testing.T) {
			c := qConn{field: "activities", args: `, orderBy: {field: DATE, direction: ASC}`, sel: "id date"}
			fwd, _ := c.forward(t, s, 7)
			dates := qField(fwd, "date")
			for i := 1; i < len(dates); i++ {
				if dates[i].(string) < dates[i-1].(string) {
					t.Errorf("activity %d on %v comes after one on %v: not DATE ASC", i, dates[i], dates[i-1])
				}
			}
			qSameSet(t, "activities by date", qIDs(fwd), qGIDs("Activity", ds.Activities, func(r *domain.Activity) string { return r.ID }))
		})
	})

	t.Run("filters", func(t *testing.T) {
		// Values that pick out part of the data, chosen from the data.
		entWithUnions := map[string]int{}
		for _, u := range ds.Unions {
			if u.EnterpriseID != nil {
				entWithUnions[*u.EnterpriseID]++
			}
		}
		var twoEnts []string
		for _, e := range ds.Enterprises {
			if entWithUnions[e.ID] > 0 && len(twoEnts) < 2 {
				twoEnts = append(twoEnts, e.ID)
			}
		}
		fed := ds.Unions[0]
		if fed.Kind != domain.UnionRegionalFederation {
			t.Fatalf("expected the first union to be a regional federation, got %s", fed.Kind)
		}
		plan := ds.Plans[1]
		taskText := ds.Tasks[0].Title[strings.Index(ds.Tasks[0].Title, "（")+len("（"):]
		taskText = taskText[:strings.Index(taskText, "）")]
		themes := []domain.TaskTheme{ds.Tasks[0].Theme, ds.Tasks[1].Theme}
		actTask, actEnt := qMostCommon(ds.Activities, func(a *domain.Activity) []string {
			if a.TaskID == nil {
				return nil
			}
			return []string{*a.TaskID}
		}), qMostCommon(ds.Activities, func(a *domain.Activity) []string { return a.EnterpriseIDs })
		from, to := qDay("2025-06-01"), qDay("2026-03-31")

		entID := func(r *domain.Enterprise) string { return r.ID }
		unionID := func(r *domain.Union) string { return r.ID }
		meetingID := func(r *domain.Meeting) string { return r.ID }
		taskID := func(r *domain.Task) string { return r.ID }
		actID := func(r *domain.Activity) string { return r.ID }

		tests := []struct {
			name, field, args string
			total             int
			want              []string
		}{
			{"enterprises by regionCodes", "enterprises", `filter: {regionCodes: ["140100", "140200"]}`, tot.Enterprises,
				qWhere("Enterprise", ds.Enterprises, entID, func(e *domain.Enterprise) bool { return qAny(e.RegionCodes, "140100", "140200") })},
			{"enterprises by brands", "enterprises", `filter: {brands: ["顺丰", "中通"]}`, tot.Enterprises,
				qWhere("Enterprise", ds.Enterprises, entID, func(e *domain.Enterprise) bool { return e.Brand == "顺丰" || e.Brand == "中通" })},
			{"enterprises by nameContains", "enterprises", `filter: {nameContains: "太原"}`, tot.Enterprises,
				qWhere("Enterprise", ds.Enterprises, entID, func(e *domain.Enterprise) bool { return strings.Contains(e.Name, "太原") })},
			{"enterprises by regionCodes and brands", "enterprises", `filter: {regionCodes: ["140100"], brands: ["顺丰", "中通", "圆通"]}`, tot.Enterprises,
				qWhere("Enterprise", ds.Enterprises, entID, func(e *domain.Enterprise) bool {
					return qAny(e.RegionCodes, "140100") && qAny([]string{"顺丰", "中通", "圆通"}, e.Brand)
				})},
			{"unions by kinds", "unions", `filter: {kinds: [REGIONAL_FEDERATION]}`, tot.Unions,
				qWhere("Union", ds.Unions, unionID, func(u *domain.Union) bool { return u.Kind == domain.UnionRegionalFederation })},
			{"unions by enterpriseIds", "unions", fmt.Sprintf(`filter: {enterpriseIds: [%q, %q]}`, qGID("Enterprise", twoEnts[0]), qGID("Enterprise", twoEnts[1])), tot.Unions,
				qWhere("Union", ds.Unions, unionID, func(u *domain.Union) bool { return u.EnterpriseID != nil && slices.Contains(twoEnts, *u.EnterpriseID) })},
			{"unions by parentId", "unions", fmt.Sprintf(`filter: {parentId: %q}`, qGID("Union", fed.ID)), tot.Unions,
				qWhere("Union", ds.Unions, unionID, func(u *domain.Union) bool { return u.ParentID != nil && *u.ParentID == fed.ID })},
			{"meetings by kinds", "meetings", `filter: {kinds: [TRIPARTITE_JOINT]}`, tot.Meetings,
				qWhere("Meeting", ds.Meetings, meetingID, func(m *domain.Meeting) bool { return m.Kind == domain.MeetingTripartiteJoint })},
			{"meetings by hostBodies", "meetings", `filter: {hostBodies: [POSTAL]}`, tot.Meetings,
				qWhere("Meeting", ds.Meetings, meetingID, func(m *domain.Meeting) bool { return slices.Contains(m.HostBodyIDs, "POSTAL") })},
			{"meetings from to", "meetings", `filter: {from: "2025-06-01", to: "2026-03-31"}`, tot.Meetings,
				qWhere("Meeting", ds.Meetings, meetingID, func(m *domain.Meeting) bool { return qWithin(m.Date, from, to) })},
			{"meetings from only", "meetings", `filter: {from: "2026-03-31"}`, tot.Meetings,
				qWhere("Meeting", ds.Meetings, meetingID, func(m *domain.Meeting) bool { return !m.Date.Before(to) })},
			{"tasks by planId", "tasks", fmt.Sprintf(`filter: {planId: %q}`, qGID("Plan", plan.ID)), tot.Tasks,
				qWhere("Task", ds.Tasks, taskID, func(x *domain.Task) bool { return x.PlanID == plan.ID })},
			{"tasks by leadBodies", "tasks", `filter: {leadBodies: [UNION]}`, tot.Tasks,
				qWhere("Task", ds.Tasks, taskID, func(x *domain.Task) bool { return x.LeadBodyID == "UNION" })},
			{"tasks by bodies, lead or supporting", "tasks", `filter: {bodies: [ASSOCIATION]}`, tot.Tasks,
				qWhere("Task", ds.Tasks, taskID, func(x *domain.Task) bool {
					return x.LeadBodyID == "ASSOCIATION" || slices.Contains(x.SupportingBodyIDs, "ASSOCIATION")
				})},
			{"tasks by statuses", "tasks", `filter: {statuses: [DONE, BLOCKED]}`, tot.Tasks,
				qWhere("Task", ds.Tasks, taskID, func(x *domain.Task) bool { return x.Status == domain.TaskDone || x.Status == domain.TaskBlocked })},
			{"tasks by themes", "tasks", fmt.Sprintf(`filter: {themes: [%s, %s]}`, themes[0], themes[1]), tot.Tasks,
				qWhere("Task", ds.Tasks, taskID, func(x *domain.Task) bool { return slices.Contains(themes, x.Theme) })},
			{"tasks by titleContains", "tasks", fmt.Sprintf(`filter: {titleContains: %q}`, taskText), tot.Tasks,
				qWhere("Task", ds.Tasks, taskID, func(x *domain.Task) bool { return strings.Contains(x.Title, taskText) })},
			{"tasks by planId and bodies", "tasks", fmt.Sprintf(`filter: {planId: %q, bodies: [POSTAL]}`, qGID("Plan", plan.ID)), tot.Tasks,
				qWhere("Task", ds.Tasks, taskID, func(x *domain.Task) bool {
					return x.PlanID == plan.ID && (x.LeadBodyID == "POSTAL" || slices.Contains(x.SupportingBodyIDs, "POSTAL"))
				})},
			{"activities by kinds", "activities", `filter: {kinds: [CARE_SERVICE]}`, tot.Activities,
				qWhere("Activity", ds.Activities, actID, func(a *domain.Activity) bool { return a.Kind == domain.ActivityCareService })},
			{"activities by organiserBodies", "activities", `filter: {organiserBodies: [POSTAL, FEDERATION]}`, tot.Activities,
				qWhere("Activity", ds.Activities, actID, func(a *domain.Activity) bool {
					return a.OrganiserBodyID == "POSTAL" || a.OrganiserBodyID == "FEDERATION"
				})},
			{"activities by regionCodes", "activities", `filter: {regionCodes: ["140100", "140700"]}`, tot.Activities,
				qWhere("Activity", ds.Activities, actID, func(a *domain.Activity) bool {
					return a.RegionCode != nil && (*a.RegionCode == "140100" || *a.RegionCode == "140700")
				})},
			{"activities from to", "activities", `filter: {from: "2025-06-01", to: "2026-03-31"}`, tot.Activities,
				qWhere("Activity", ds.Activities, actID, func(a *domain.Activity) bool { return qWithin(a.Date, from, to) })},
			{"activities by taskId", "activities", fmt.Sprintf(`filter: {taskId: %q}`, qGID("Task", actTask)), tot.Activities,
				qWhere("Activity", ds.Activities, actID, func(a *domain.Activity) bool { return a.TaskID != nil && *a.TaskID == actTask })},
			{"activities by enterpriseId", "activities", fmt.Sprintf(`filter: {enterpriseId: %q}`, qGID("Enterprise", actEnt)), tot.Activities,
				qWhere("Activity", ds.Activities, actID, func(a *domain.Activity) bool { return slices.Contains(a.EnterpriseIDs, actEnt) })},
			{"activities by kinds, regionCodes and from", "activities", `filter: {kinds: [CARE_SERVICE, SKILLS_TRAINING], regionCodes: ["140100", "140800"], from: "2025-06-01"}`, tot.Activities,
				qWhere("Activity", ds.Activities, actID, func(a *domain.Activity) bool {
					return (a.Kind == domain.ActivityCareService || a.Kind == domain.ActivitySkillsTraining) &&
						a.RegionCode != nil && (*a.RegionCode == "140100" || *a.RegionCode == "140800") && !a.Date.Before(from)
				})},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if len(tt.want) == 0 || len(tt.want) == tt.total {
					t.Fatalf("the filter picks %d of %d records in the data set: choose a value that tells records apart", len(tt.want), tt.total)
				}
				c := qConn{field: tt.field, args: ", " + tt.args}
				edges, total := c.forward(t, s, 100)
				if total != len(tt.want) {
					t.Errorf("totalCount = %d, want %d", total, len(tt.want))
				}
				qSameSet(t, tt.name, qIDs(edges), tt.want)
			})
		}

		t.Run("id filter on a nested connection under a list", func(t *testing.T) {
			// Every region decodes the same global ID in its own filter.
			var out struct {
				Regions []struct {
					Code       string `json:"code"`
					Activities struct {
						TotalCount int `json:"totalCount"`
					} `json:"activities"`
				} `json:"regions"`
			}
			s.query(t, `query($e: ID!) { regions { code activities(filter: {enterpriseId: $e}) { totalCount } } }`,
				map[string]any{"e": qGID("Enterprise", actEnt)}, &out)
			if len(out.Regions) != len(domain.Regions) {
				t.Fatalf("got %d regions, want %d", len(out.Regions), len(domain.Regions))
			}
			for _, r := range out.Regions {
				want := 0
				for _, a := range ds.Activities {
					if a.RegionCode != nil && *a.RegionCode == r.Code && slices.Contains(a.EnterpriseIDs, actEnt) {
						want++
					}
				}
				if r.Activities.TotalCount != want {
					t.Errorf("region %s: %d activities with the enterprise, want %d", r.Code, r.Activities.TotalCount, want)
				}
			}
		})

		t.Run("enterprise by creditCode", func(t *testing.T) {
			e := ds.Enterprises[7]
			var out struct {
				Enterprise *struct {
					ID string `json:"id"`
				} `json:"enterprise"`
			}
			s.query(t, `query($c: String!) { enterprise(creditCode: $c) { id } }`, map[string]any{"c": *e.CreditCode}, &out)
			if out.Enterprise == nil || out.Enterprise.ID != qGID("Enterprise", e.ID) {
				t.Errorf("enterprise(creditCode: %s) = %+v, want %s", *e.CreditCode, out.Enterprise, e.ID)
			}
			// A valid code no enterprise has.
			s.query(t, `{ enterprise(creditCode: "91350100M000100Y43") { id } }`, nil, &out)
			if out.Enterprise != nil {
				t.Errorf("unknown credit code gave %+v, want null", out.Enterprise)
			}
		})
	})

	t.Run("node round trip", func(t *testing.T) {
		var l struct {
			Body    struct{ ID string }   `json:"body"`
			Regions []struct{ ID string } `json:"regions"`
			People  struct {
				Nodes []struct{ ID string } `json:"nodes"`
			} `json:"people"`
			Enterprises struct {
				Nodes []struct {
					ID                    string
					AssociationMembership *struct{ ID string } `json:"associationMembership"`
				} `json:"nodes"`
			} `json:"enterprises"`
			Unions struct {
				Nodes []struct {
					ID            string
					LatestFigures *struct{ ID string } `json:"latestFigures"`
				} `json:"nodes"`
			} `json:"unions"`
			Meetings struct {
				Nodes []struct{ ID string } `json:"nodes"`
			} `json:"meetings"`
			Plans struct {
				Nodes []struct{ ID string } `json:"nodes"`
			} `json:"plans"`
			Tasks struct {
				Nodes []struct {
					ID              string
					ProgressUpdates struct {
						Nodes []struct{ ID string } `json:"nodes"`
					} `json:"progressUpdates"`
				} `json:"nodes"`
			} `json:"tasks"`
			Activities struct {
				Nodes []struct{ ID string } `json:"nodes"`
			} `json:"activities"`
		}
		s.query(t, `{
  body(code: POSTAL) { id } regions { id } people(first: 1) { nodes { id } }
  enterprises(first: 100) { nodes { id associationMembership { id } } }
  unions(first: 100) { nodes { id latestFigures { id } } }
  meetings(first: 1) { nodes { id } } plans(first: 1) { nodes { id } }
  tasks(first: 100) { nodes { id progressUpdates(first: 1) { nodes { id } } } }
  activities(first: 1) { nodes { id } }
}`, nil, &l)
		ids := map[string]string{}
		set := func(typ, id string) {
			if _, ok := ids[typ]; !ok && id != "" {
				ids[typ] = id
			}
		}
		set("Body", l.Body.ID)
		set("Region", l.Regions[0].ID)
		set("Person", l.People.Nodes[0].ID)
		for _, e := range l.Enterprises.Nodes {
			set("Enterprise", e.ID)
			if e.AssociationMembership != nil {
				set("AssociationMembership", e.AssociationMembership.ID)
			}
		}
		for _, u := range l.Unions.Nodes {
			set("Union", u.ID)
			if u.LatestFigures != nil {
				set("MembershipFigures", u.LatestFigures.ID)
			}
		}
		set("Meeting", l.Meetings.Nodes[0].ID)
		set("Plan", l.Plans.Nodes[0].ID)
		for _, x := range l.Tasks.Nodes {
			set("Task", x.ID)
			if len(x.ProgressUpdates.Nodes) > 0 {
				set("ProgressUpdate", x.ProgressUpdates.Nodes[0].ID)
			}
		}
		set("Activity", l.Activities.Nodes[0].ID)

		types := []string{"Body", "Region", "Person", "Enterprise", "AssociationMembership", "Union",
			"MembershipFigures", "Meeting", "Plan", "Task", "ProgressUpdate", "Activity"}
		var frags strings.Builder
		for _, typ := range types {
			fmt.Fprintf(&frags, " ... on %s { id }", typ)
		}
		for _, typ := range types {
			t.Run(typ, func(t *testing.T) {
				id, ok := ids[typ]
				if !ok {
					t.Fatalf("no %s id in the list queries", typ)
				}
				b, err := base64.RawURLEncoding.DecodeString(id)
				if err != nil || !strings.HasPrefix(string(b), typ+":") {
					t.Errorf("id %q is not base64url(%q+id): %q, %v", id, typ+":", b, err)
				}
				var out struct {
					Node *struct {
						Typename string `json:"__typename"`
						ID       string `json:"id"`
					} `json:"node"`
				}
				s.query(t, fmt.Sprintf(`query($id: ID!) { node(id: $id) { __typename ... on %s { id } } }`, typ), map[string]any{"id": id}, &out)
				if out.Node == nil || out.Node.Typename != typ || out.Node.ID != id {
					t.Errorf("node(id: %s) = %+v, want a %s with the same id", id, out.Node, typ)
				}
			})
		}

		t.Run("missing ids are null", func(t *testing.T) {
			var out struct {
				Node *struct{ ID string } `json:"node"`
			}
			for _, id := range []string{qGID("Enterprise", "syn-ent-9999"), qGID("Region", "999999"), qGID("Body", "NOPE")} {
				r := qDo(t, s, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
				if len(r.Errors) > 0 {
					t.Errorf("node(%s) failed: %+v", id, r.Errors)
				}
				s.query(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, &out)
				if out.Node != nil {
					t.Errorf("node(%s) = %+v, want null", id, out.Node)
				}
			}
		})

		t.Run("nodes keeps order with nulls", func(t *testing.T) {
			var ask, wantType []string
			for i, typ := range types {
				ask, wantType = append(ask, ids[typ]), append(wantType, typ)
				if i%3 == 0 { // a well-formed id of a record that does not exist
					ask, wantType = append(ask, qGID(typ, "no-such-record")), append(wantType, "")
				}
			}
			var out struct {
				Nodes []*struct {
					Typename string `json:"__typename"`
					ID       string `json:"id"`
				} `json:"nodes"`
			}
			s.query(t, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename`+frags.String()+` } }`, map[string]any{"ids": ask}, &out)
			if len(out.Nodes) != len(ask) {
				t.Fatalf("nodes returned %d entries for %d ids", len(out.Nodes), len(ask))
			}
			for i, n := range out.Nodes {
				switch {
				case wantType[i] == "" && n != nil:
					t.Errorf("nodes[%d] (%s) = %+v, want null", i, ask[i], n)
				case wantType[i] != "" && (n == nil || n.Typename != wantType[i] || n.ID != ask[i]):
					t.Errorf("nodes[%d] = %+v, want the %s %s", i, n, wantType[i], ask[i])
				}
			}
		})
	})

	t.Run("membership figures", func(t *testing.T) {
		figures := map[string][]domain.MembershipFigures{}
		for _, f := range ds.Figures {
			figures[f.UnionID] = append(figures[f.UnionID], f)
		}
		c := qConn{field: "unions", sel: `id
      latestFigures { id }
      membershipFigures(first: 100) { totalCount edges { node { id period employees members membershipRate } } }`}
		edges, _ := c.forward(t, s, 100)
		if len(edges) != tot.Unions {
			t.Fatalf("got %d unions, want %d", len(edges), tot.Unions)
		}
		withFigures := 0
		for _, e := range edges {
			id := e.Node["id"].(string)
			b, _ := base64.RawURLEncoding.DecodeString(id)
			local := strings.TrimPrefix(string(b), "Union:")
			mf := e.Node["membershipFigures"].(map[string]any)
			fe := mf["edges"].([]any)
			want := figures[local]
			if int(mf["totalCount"].(float64)) != len(want) || len(fe) != len(want) {
				t.Errorf("union %s: totalCount %v and %d edges, want %d figures", local, mf["totalCount"], len(fe), len(want))
			}
			var periods []string
			for _, x := range fe {
				n := x.(map[string]any)["node"].(map[string]any)
				periods = append(periods, n["period"].(string))
				qCheckRate(t, local, n)
			}
			for i := 1; i < len(periods); i++ {
				if periods[i] >= periods[i-1] {
					t.Errorf("union %s: periods %v are not newest first", local, periods)
					break
				}
			}
			latest, _ := e.Node["latestFigures"].(map[string]any)
			switch {
			case len(fe) == 0 && latest != nil:
				t.Errorf("union %s: latestFigures %v without any figures", local, latest)
			case len(fe) > 0:
				withFigures++
				first := fe[0].(map[string]any)["node"].(map[string]any)["id"]
				if latest == nil || latest["id"] != first {
					t.Errorf("union %s: latestFigures %v is not the first edge %v", local, latest, first)
				}
			}
		}
		if withFigures == 0 || withFigures != len(figures) {
			t.Errorf("%d unions have figures, want %d", withFigures, len(figures))
		}
	})
}

// qMostCommon returns the value keys gives most often over xs (the smallest
// on a tie).
func qMostCommon[T any](xs []T, keys func(*T) []string) string {
	n := map[string]int{}
	for i := range xs {
		for _, k := range keys(&xs[i]) {
			n[k]++
		}
	}
	best := ""
	for k, c := range n {
		if c > n[best] || (c == n[best] && k < best) {
			best = k
		}
	}
	return best
}

// qCheckRate checks a figures node's membershipRate is members/employees,
// or null when either is unknown or employees is 0.
func qCheckRate(t *testing.T, union string, n map[string]any) {
	t.Helper()
	emp, empOK := n["employees"].(float64)
	mem, memOK := n["members"].(float64)
	rate, rateOK := n["membershipRate"].(float64)
	switch {
	case !empOK || !memOK || emp == 0:
		if n["membershipRate"] != nil {
			t.Errorf("union %s, %v: membershipRate %v with members %v and employees %v, want null", union, n["period"], n["membershipRate"], n["members"], n["employees"])
		}
	case !rateOK || math.Abs(rate-mem/emp) > 1e-9:
		t.Errorf("union %s, %v: membershipRate %v, want %v/%v = %v", union, n["period"], n["membershipRate"], mem, emp, mem/emp)
	}
}

// TestQuerySeed runs the order, bad input and relationship checks on the
// joint meeting's seed data, on one server.
func TestQuerySeed(t *testing.T) {
	ds := jointMeeting(t)
	s := newServer(t, ds)

	t.Run("orderBy", func(t *testing.T) {
		pinyin := []string{"极兔", "京东", "山西顺丰", "山西邮政", "山西韵达", "山西中通", "申通", "圆通"}
		reversed := slices.Clone(pinyin)
		slices.Reverse(reversed)
		tests := []struct {
			name, args string
			want       []string
		}{
			{"default is NAME ASC", "", pinyin},
			{"NAME ASC", `, orderBy: {field: NAME, direction: ASC}`, pinyin},
			{"NAME with default direction", `, orderBy: {field: NAME}`, pinyin},
			{"NAME DESC", `, orderBy: {field: NAME, direction: DESC}`, reversed},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := qConn{field: "enterprises", args: tt.args, sel: "id name"}
				for _, size := range []int{100, 3} {
					fwd, _ := c.forward(t, s, size)
					var names []string
					for _, n := range qField(fwd, "name") {
						names = append(names, n.(string))
					}
					if !slices.Equal(names, tt.want) {
						t.Errorf("by %d: names %v, want %v", size, names, tt.want)
					}
				}
			})
		}

		t.Run("cursor of another orderBy", func(t *testing.T) {
			p := qConn{field: "enterprises", args: `, orderBy: {field: NAME, direction: ASC}`}.page(t, s, map[string]any{"first": 2})
			cur := *p.PageInfo.EndCursor
			for _, args := range []string{
				`orderBy: {field: NAME, direction: DESC}, first: 2, after: $c`,
				`orderBy: {field: CREATED_AT}, first: 2, after: $c`,
				`orderBy: {field: UPDATED_AT, direction: ASC}, last: 2, before: $c`,
			} {
				r := qDo(t, s, `query($c: String) { enterprises(`+args+`) { totalCount } }`, map[string]any{"c": cur})
				qBadInput(t, r, "different orderBy")
			}
			// The same order, written out or left to its default, takes it.
			for _, args := range []string{`first: 2, after: $c`, `orderBy: {field: NAME}, first: 2, after: $c`} {
				if r := qDo(t, s, `query($c: String) { enterprises(`+args+`) { totalCount } }`, map[string]any{"c": cur}); len(r.Errors) > 0 {
					t.Errorf("%s: %+v", args, r.Errors)
				}
			}
		})
	})

	t.Run("literal text filters", func(t *testing.T) {
		for _, text := range []string{".*", "[", "(", "^", "$", `\`, "a|b", "+", "?", "{2}", `\d`} {
			t.Run(text, func(t *testing.T) {
				for _, f := range []struct{ field, arg string }{
					{"enterprises", "nameContains"}, {"unions", "nameContains"},
					{"meetings", "titleContains"}, {"tasks", "titleContains"},
				} {
					r := qDo(t, s, fmt.Sprintf(`query($x: String) { c: %s(filter: {%s: $x}) { totalCount } }`, f.field, f.arg), map[string]any{"x": text})
					if len(r.Errors) > 0 {
						t.Errorf("%s(%s: %q): %+v", f.field, f.arg, text, r.Errors)
						continue
					}
					if got := string(r.Data); got != `{"c":{"totalCount":0}}` {
						t.Errorf("%s(%s: %q) = %s, want totalCount 0", f.field, f.arg, text, got)
					}
				}
			})
		}
	})

	t.Run("bad input", func(t *testing.T) {
		person := qGID("Person", ds.People[0].ID)
		union := qGID("Union", ds.Unions[0].ID)
		var ids []string
		for i := range 101 {
			ids = append(ids, qGID("Enterprise", fmt.Sprint("ent-", i)))
		}
		tests := []struct {
			name, query string
			vars        map[string]any
			want        []string
		}{
			{"first over the cap", `{ enterprises(first: 101) { totalCount } }`, nil, []string{"first", "100"}},
			{"first negative", `{ enterprises(first: -1) { totalCount } }`, nil, []string{"first", "between 0 and 100"}},
			{"last over the cap", `{ meetings(last: 101) { totalCount } }`, nil, []string{"last", "100"}},
			{"first and last", `{ tasks(first: 1, last: 1) { totalCount } }`, nil, []string{"first or last, not both"}},
			{"nested first over the cap", `{ unions(first: 1) { nodes { activities(first: 500) { totalCount } } } }`, nil, []string{"first", "100"}},
			{"malformed after", `{ enterprises(first: 2, after: "not a cursor!") { totalCount } }`, nil, []string{"after", "cursor"}},
			{"after that is base64 but no cursor", `{ enterprises(first: 2, after: "aGVsbG8gd29ybGQ") { totalCount } }`, nil, []string{"after", "cursor"}},
			{"malformed before", `{ unions(last: 2, before: "%%%") { totalCount } }`, nil, []string{"before", "cursor"}},
			// A forged cursor whose value is an operator or code must not
			// reach the keyset filter (it matched everything, or held the
			// request until its timeout).
			{"forged cursor with an operator", `query($c: String) { enterprises(first: 2, after: $c) { totalCount } }`, map[string]any{"c": forgedCursor(t, bson.D{{Key: "$exists", Value: true}})}, []string{"after", "cursor"}},
			{"forged cursor with JavaScript", `query($c: String) { enterprises(first: 2, after: $c) { totalCount } }`, map[string]any{"c": forgedCursor(t, bson.JavaScript("sleep(10000)"))}, []string{"after", "cursor"}},
			{"node id with a line break", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": qGID("Enterprise", ds.Enterprises[0].ID)[:4] + "\n" + qGID("Enterprise", ds.Enterprises[0].ID)[4:]}, []string{"not a sanfang ID"}},
			{"malformed node id", `{ node(id: "not-an-id!") { id } }`, nil, []string{"not a sanfang ID"}},
			{"node id of an unknown type", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": qGID("Spaceship", "1")}, []string{"not a sanfang ID"}},
			{"node id without a colon", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": base64.RawURLEncoding.EncodeToString([]byte("Enterprise"))}, []string{"not a sanfang ID"}},
			{"Person id as filter.enterpriseId", `query($id: ID) { meetings(filter: {enterpriseId: $id}) { totalCount } }`, map[string]any{"id": person}, []string{"filter.enterpriseId", "Enterprise", "Person"}},
			{"Union id as filter.enterpriseIds", `query($id: ID!) { unions(filter: {enterpriseIds: [$id]}) { totalCount } }`, map[string]any{"id": union}, []string{"filter.enterpriseIds", "Enterprise", "Union"}},
			{"Person id as filter.planId", `query($id: ID) { tasks(filter: {planId: $id}) { totalCount } }`, map[string]any{"id": person}, []string{"filter.planId", "Plan"}},
			{"Union id as nested filter.taskId", `query($id: ID) { plans { nodes { tasks(first: 1) { nodes { activities(filter: {taskId: $id}) { totalCount } } } } } }`, map[string]any{"id": union}, []string{"filter.taskId", "Task"}},
			{"malformed filter.parentId", `{ unions(filter: {parentId: "???"}) { totalCount } }`, nil, []string{"not a sanfang ID"}},
			{"unknown enum literal", `{ meetings(filter: {kinds: [PARTY]}) { totalCount } }`, nil, []string{"PARTY"}},
			{"unknown enum variable", `query($k: [MeetingKind!]) { meetings(filter: {kinds: $k}) { totalCount } }`, map[string]any{"k": []string{"PARTY"}}, []string{"PARTY"}},
			{"unknown orderBy enum variable", `query($o: EnterpriseOrder) { enterprises(orderBy: $o) { totalCount } }`, map[string]any{"o": map[string]any{"field": "PINYIN"}}, []string{"PINYIN"}},
			{"credit code with wrong check character", `{ enterprise(creditCode: "91350100M000100Y44") { id } }`, nil, []string{"creditCode", "check character"}},
			{"credit code too short", `{ enterprise(creditCode: "91350100M000100Y4") { id } }`, nil, []string{"creditCode", "18 characters"}},
			{"credit code too long", `{ enterprise(creditCode: "91350100M000100Y433") { id } }`, nil, []string{"creditCode", "18 characters"}},
			{"credit code with a forbidden letter", `{ enterprise(creditCode: "9135010IM000100Y43") { id } }`, nil, []string{"creditCode", "not allowed"}},
			{"date in the wrong format, literal", `{ meetings(filter: {from: "2025/12/30"}) { totalCount } }`, nil, []string{"YYYY-MM-DD"}},
			{"date in the wrong format, variable", `query($d: Date) { meetings(filter: {from: $d}) { totalCount } }`, map[string]any{"d": "2025/12/30"}, []string{"YYYY-MM-DD"}},
			{"date of the wrong type, variable", `query($d: Date) { activities(filter: {to: $d}) { totalCount } }`, map[string]any{"d": 20251230}, []string{"YYYY-MM-DD"}},
			{"from after to", `{ meetings(filter: {from: "2026-01-01", to: "2025-01-01"}) { totalCount } }`, nil, []string{"filter.from", "swap"}},
			{"activities from after to", `{ activities(filter: {from: "2026-01-01", to: "2025-12-31"}) { totalCount } }`, nil, []string{"filter.from", "swap"}},
			{"region code not a Shanxi city", `{ enterprises(filter: {regionCodes: ["140100", "110000"]}) { totalCount } }`, nil, []string{"110000", "11 cities"}},
			{"activity region code not a Shanxi city", `{ activities(filter: {regionCodes: ["999999"]}) { totalCount } }`, nil, []string{"999999", "11 cities"}},
			{"nodes with 101 ids", `query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }`, map[string]any{"ids": ids}, []string{"at most 100", "101"}},
			{"figures periodFrom 2026-13", `{ unions(first: 1) { nodes { membershipFigures(filter: {periodFrom: "2026-13"}) { totalCount } } } }`, nil, []string{"periodFrom", "YYYY-MM"}},
			{"figures periodTo 2026-1", `{ unions(first: 1) { nodes { membershipFigures(filter: {periodTo: "2026-1"}) { totalCount } } } }`, nil, []string{"periodTo", "YYYY-MM"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				qBadInput(t, qDo(t, s, tt.query, tt.vars), tt.want...)
			})
		}
	})

	t.Run("bad input: credit code of 18 Chinese characters", func(t *testing.T) {
		r := qDo(t, s, `{ enterprise(creditCode: "统一社会信用代码统一社会信用代码统一") { id } }`, nil)
		qBadInput(t, r, "creditCode")
		if len(r.Errors) > 0 && strings.Contains(r.Errors[0].Message, "this one has 18") {
			t.Errorf("message %q says a code of 18 characters has the wrong length", r.Errors[0].Message)
		}
	})

	t.Run("relationships", func(t *testing.T) {
		t.Run("enterprise to union and back", func(t *testing.T) {
			var out struct {
				Enterprises struct {
					Nodes []struct {
						ID    string
						Name  string
						Union *struct {
							ID         string
							Enterprise *struct{ ID string }
						}
					}
				}
			}
			s.query(t, `{ enterprises(first: 100) { nodes { id name union { id enterprise { id } } } } }`, nil, &out)
			if len(out.Enterprises.Nodes) != len(ds.Enterprises) {
				t.Fatalf("got %d enterprises, want %d", len(out.Enterprises.Nodes), len(ds.Enterprises))
			}
			for _, e := range out.Enterprises.Nodes {
				if e.Union == nil || e.Union.Enterprise == nil || e.Union.Enterprise.ID != e.ID {
					t.Errorf("%s: enterprise → union → enterprise = %+v, want itself", e.Name, e.Union)
				}
			}
		})

		t.Run("杨晓兰's bodies", func(t *testing.T) {
			var out struct {
				People struct {
					Nodes []struct {
						Name   string
						Bodies []struct{ Code string }
					}
				}
			}
			s.query(t, `{ people(first: 100) { nodes { name bodies { code } } } }`, nil, &out)
			found := false
			for _, p := range out.People.Nodes {
				if p.Name != "杨晓兰" {
					continue
				}
				found = true
				var codes []string
				for _, b := range p.Bodies {
					codes = append(codes, b.Code)
				}
				slices.Sort(codes)
				if !slices.Equal(codes, []string{"FEDERATION", "UNION"}) {
					t.Errorf("杨晓兰's bodies = %v, want FEDERATION and UNION", codes)
				}
			}
			if !found {
				t.Errorf("no 杨晓兰 among %d people", len(out.People.Nodes))
			}
		})

		t.Run("UNION's parent is FEDERATION", func(t *testing.T) {
			var out struct {
				Union  struct{ Parent *struct{ Code string } }
				Postal struct{ Parent *struct{ Code string } }
			}
			s.query(t, `{ union: body(code: UNION) { parent { code } } postal: body(code: POSTAL) { parent { code } } }`, nil, &out)
			if out.Union.Parent == nil || out.Union.Parent.Code != "FEDERATION" {
				t.Errorf("UNION's parent = %+v, want FEDERATION", out.Union.Parent)
			}
			if out.Postal.Parent != nil {
				t.Errorf("POSTAL's parent = %+v, want none", out.Postal.Parent)
			}
		})

		t.Run("FEDERATION's children contain UNION", func(t *testing.T) {
			var out struct {
				Federation struct{ Children []struct{ Code string } }
				Postal     struct{ Children []struct{ Code string } }
			}
			s.query(t, `{ federation: body(code: FEDERATION) { children { code } } postal: body(code: POSTAL) { children { code } } }`, nil, &out)
			if !slices.Equal(out.Federation.Children, []struct{ Code string }{{"UNION"}}) {
				t.Errorf("FEDERATION's children = %+v, want UNION", out.Federation.Children)
			}
			if len(out.Postal.Children) != 0 {
				t.Errorf("POSTAL's children = %+v, want none", out.Postal.Children)
			}
		})

		t.Run("bodies lists the four bodies", func(t *testing.T) {
			var out struct {
				Bodies []struct{ Code string }
			}
			s.query(t, `{ bodies { code } }`, nil, &out)
			var codes []string
			for _, b := range out.Bodies {
				codes = append(codes, b.Code)
			}
			if want := []string{"POSTAL", "UNION", "ASSOCIATION", "FEDERATION"}; !slices.Equal(codes, want) {
				t.Errorf("bodies = %v, want %v", codes, want)
			}
		})

		t.Run("plan adopted at a meeting that adopted it", func(t *testing.T) {
			var out struct {
				Plans struct {
					Nodes []struct {
						ID        string
						AdoptedAt *struct {
							ID           string
							AdoptedPlans []struct{ ID string }
						}
					}
				}
			}
			s.query(t, `{ plans { nodes { id adoptedAt { id adoptedPlans { id } } } } }`, nil, &out)
			if len(out.Plans.Nodes) != len(ds.Plans) {
				t.Fatalf("got %d plans, want %d", len(out.Plans.Nodes), len(ds.Plans))
			}
			for _, p := range out.Plans.Nodes {
				if p.AdoptedAt == nil || !slices.Contains(p.AdoptedAt.AdoptedPlans, struct{ ID string }{p.ID}) {
					t.Errorf("plan %s: adoptedAt %+v does not list it among adoptedPlans", p.ID, p.AdoptedAt)
				}
				if p.AdoptedAt != nil && p.AdoptedAt.ID != qGID("Meeting", ds.Meetings[0].ID) {
					t.Errorf("plan %s adopted at %s, want %s", p.ID, p.AdoptedAt.ID, ds.Meetings[0].ID)
				}
			}
		})

		t.Run("山西顺丰's meetings", func(t *testing.T) {
			var out struct {
				Enterprises struct {
					Nodes []struct {
						Name     string
						Meetings struct {
							TotalCount int
							Nodes      []struct{ ID string }
						}
					}
				}
			}
			s.query(t, `{ enterprises(filter: {nameContains: "山西顺丰"}) { nodes { name meetings { totalCount nodes { id } } } } }`, nil, &out)
			if len(out.Enterprises.Nodes) != 1 {
				t.Fatalf("nameContains 山西顺丰 found %d enterprises, want 1", len(out.Enterprises.Nodes))
			}
			m := out.Enterprises.Nodes[0].Meetings
			want := qGID("Meeting", ds.Meetings[0].ID)
			if m.TotalCount != 1 || len(m.Nodes) != 1 || m.Nodes[0].ID != want {
				t.Errorf("山西顺丰's meetings = %+v, want just %s", m, want)
			}
		})

		t.Run("exchange speeches", func(t *testing.T) {
			var out struct {
				Meetings struct {
					Nodes []struct {
						Speeches []struct {
							Enterprise *struct{ Name string }
							Union      *struct{ Enterprise *struct{ Name string } }
						}
					}
				}
			}
			s.query(t, `{ meetings { nodes { speeches(kind: EXCHANGE) { enterprise { name } union { enterprise { name } } } } } }`, nil, &out)
			if len(out.Meetings.Nodes) != 1 {
				t.Fatalf("got %d meetings, want 1", len(out.Meetings.Nodes))
			}
			var names []string
			for _, sp := range out.Meetings.Nodes[0].Speeches {
				if sp.Enterprise == nil {
					t.Errorf("exchange speech without an enterprise: %+v", sp)
					continue
				}
				names = append(names, sp.Enterprise.Name)
				if sp.Union == nil || sp.Union.Enterprise == nil || sp.Union.Enterprise.Name != sp.Enterprise.Name {
					t.Errorf("speech by %s: its union's enterprise is %+v", sp.Enterprise.Name, sp.Union)
				}
			}
			if want := []string{"山西邮政", "山西顺丰", "山西中通", "山西韵达"}; !slices.Equal(names, want) {
				t.Errorf("exchange speeches by %v, want %v", names, want)
			}
		})
	})
}

// TestQueryHandMade checks what neither data set has: figures with no or
// zero employees, and names holding regular expression metacharacters.
func TestQueryHandMade(t *testing.T) {
	rec := domain.Record{Version: 1, CreatedAt: synth.BaseTime, UpdatedAt: synth.BaseTime,
		Provenance: domain.Provenance{Basis: domain.BasisRecorded, Source: "query_test"}}
	n := func(v int) *int { return &v }
	ds := &seed.Dataset{
		Enterprises: []domain.Enterprise{
			{ID: "hm-ent-1", Name: `测试[1](a).*$^\快递`, Brand: "测试", BrandEn: "Test", RegionCodes: []string{"140100"}, Record: rec},
			{ID: "hm-ent-2", Name: "测试1a快递", Brand: "测试", BrandEn: "Test", RegionCodes: []string{"140100"}, Record: rec},
		},
		Unions: []domain.Union{{ID: "hm-union-1", Name: "测试工会", Kind: domain.UnionEnterprise, RegionCodes: []string{"140100"}, Record: rec}},
		Figures: []domain.MembershipFigures{
			{ID: "hm-fig-1", UnionID: "hm-union-1", Period: "2026-01", Employees: n(0), Couriers: n(0), Members: n(0), CourierMembers: n(0), Record: rec},
			{ID: "hm-fig-2", UnionID: "hm-union-1", Period: "2026-02", Members: n(5), CourierMembers: n(2), Record: rec},
			{ID: "hm-fig-3", UnionID: "hm-union-1", Period: "2026-03", Employees: n(10), Couriers: n(8), Members: n(4), CourierMembers: n(2), Record: rec},
			{ID: "hm-fig-4", UnionID: "hm-union-1", Period: "2026-04", Employees: n(8), Couriers: n(6), Record: rec},
		},
	}
	s := newServer(t, ds)

	t.Run("membershipRate", func(t *testing.T) {
		type fig struct {
			ID                    string   `json:"id"`
			Period                string   `json:"period"`
			MembershipRate        *float64 `json:"membershipRate"`
			CourierMembershipRate *float64 `json:"courierMembershipRate"`
		}
		var out struct {
			Node struct {
				LatestFigures     *fig `json:"latestFigures"`
				MembershipFigures struct {
					TotalCount int   `json:"totalCount"`
					Nodes      []fig `json:"nodes"`
				} `json:"membershipFigures"`
				Range struct {
					Nodes []fig `json:"nodes"`
				} `json:"range"`
			} `json:"node"`
		}
		s.query(t, `query($id: ID!) { node(id: $id) { ... on Union {
  latestFigures { id period membershipRate courierMembershipRate }
  membershipFigures { totalCount nodes { id period membershipRate courierMembershipRate } }
  range: membershipFigures(filter: {periodFrom: "2026-02", periodTo: "2026-03"}) { nodes { period } }
} } }`, map[string]any{"id": qGID("Union", "hm-union-1")}, &out)
		f := func(v float64) *float64 { return &v }
		want := []fig{
			{qGID("MembershipFigures", "hm-fig-4"), "2026-04", nil, nil}, // members and courierMembers unknown
			{qGID("MembershipFigures", "hm-fig-3"), "2026-03", f(0.4), f(0.25)},
			{qGID("MembershipFigures", "hm-fig-2"), "2026-02", nil, nil},
			{qGID("MembershipFigures", "hm-fig-1"), "2026-01", nil, nil},
		}
		got := out.Node.MembershipFigures
		if got.TotalCount != len(want) || len(got.Nodes) != len(want) {
			t.Fatalf("totalCount %d, %d nodes; want %d", got.TotalCount, len(got.Nodes), len(want))
		}
		same := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || math.Abs(*a-*b) < 1e-9) }
		for i, w := range want {
			g := got.Nodes[i]
			if g.ID != w.ID || g.Period != w.Period || !same(g.MembershipRate, w.MembershipRate) || !same(g.CourierMembershipRate, w.CourierMembershipRate) {
				t.Errorf("figures[%d] = %s %s rate %v courier rate %v; want %s %s rate %v courier rate %v", i,
					g.ID, g.Period, qF(g.MembershipRate), qF(g.CourierMembershipRate), w.ID, w.Period, qF(w.MembershipRate), qF(w.CourierMembershipRate))
			}
		}
		if l := out.Node.LatestFigures; l == nil || l.ID != want[0].ID {
			t.Errorf("latestFigures = %+v, want %s", l, want[0].ID)
		}
		var periods []string
		for _, x := range out.Node.Range.Nodes {
			periods = append(periods, x.Period)
		}
		if !slices.Equal(periods, []string{"2026-03", "2026-02"}) {
			t.Errorf("figures from 2026-02 to 2026-03 = %v, want [2026-03 2026-02]", periods)
		}
	})

	t.Run("metacharacters match literally", func(t *testing.T) {
		tests := []struct {
			text string
			want int
		}{
			{"[1](a)", 1}, {".*", 1}, {"$^", 1}, {`\快`, 1}, {"1a", 1}, {"1", 2}, {"测试", 2}, {"(", 1}, {"[", 1},
			{"1.a", 0}, {"^测试", 0}, {"快递$", 0}, {`\d`, 0}, {"测.试", 0}, {"[1]", 1},
		}
		for _, tt := range tests {
			t.Run(tt.text, func(t *testing.T) {
				var out struct {
					Enterprises struct{ TotalCount int } `json:"enterprises"`
				}
				s.query(t, `query($x: String) { enterprises(filter: {nameContains: $x}) { totalCount } }`, map[string]any{"x": tt.text}, &out)
				if out.Enterprises.TotalCount != tt.want {
					t.Errorf("nameContains %q matched %d, want %d", tt.text, out.Enterprises.TotalCount, tt.want)
				}
			})
		}
	})
}

func qF(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
