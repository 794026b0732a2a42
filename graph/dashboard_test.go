package graph_test

import (
	"encoding/json"
	"testing"
)

// One request answers plan progress by lead body, union coverage by city and
// activities by month, with numbers worked out by hand below.
func TestDashboardInOneRequest(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	admin := s.key(t, roles["admin"])
	must := func(q string, vars map[string]any) {
		t.Helper()
		if r := s.doAs(t, admin, q, vars); len(r.Errors) > 0 {
			t.Fatalf("%s: %v", q, r.Errors)
		}
	}
	// Tasks: 1 done (100), 1 at 50, the other 8 not started (0): mean 15.
	must(`mutation($id: ID!) { updateTask(id: $id, version: 1, patch: {progress: 100, status: DONE}) { version } }`, map[string]any{"id": gid("Task", "task-2026-01")})
	must(`mutation($id: ID!) { updateTask(id: $id, version: 1, patch: {progress: 50, status: IN_PROGRESS}) { version } }`, map[string]any{"id": gid("Task", "task-2026-02")})
	// 顺丰 in 太原; 中通 in 太原 and 大同; figures for their unions.
	must(`mutation($id: ID!) { updateEnterprise(id: $id, version: 1, patch: {regionCodes: ["140100"]}) { version } }`, map[string]any{"id": gid("Enterprise", "ent-sf")})
	must(`mutation($id: ID!) { updateEnterprise(id: $id, version: 1, patch: {regionCodes: ["140100", "140200"]}) { version } }`, map[string]any{"id": gid("Enterprise", "ent-zto")})
	must(`mutation($u: ID!) { createMembershipFigures(input: {unionId: $u, period: "2026-03", employees: 1000, members: 700}) { id } }`, map[string]any{"u": gid("Union", "union-sf")})
	must(`mutation($u: ID!) { createMembershipFigures(input: {unionId: $u, period: "2026-03", employees: 500, members: 100}) { id } }`, map[string]any{"u": gid("Union", "union-zto")})
	// Activities: two in March (120 and 30 taking part), one in April (count unknown).
	for _, a := range []string{
		`{kind: SKILLS_TRAINING, title: "培训一", date: "2026-03-05", participantCount: 120}`,
		`{kind: LABOUR_COMPETITION, title: "竞赛", date: "2026-03-20", participantCount: 30}`,
		`{kind: CARE_SERVICE, title: "送清凉", date: "2026-04-01"}`,
	} {
		must(`mutation { createActivity(input: `+a+`) { id } }`, nil)
	}

	var got struct {
		PlanProgress struct {
			Tasks        int
			MeanProgress float64
			ByStatus     []struct {
				Key   string
				Value float64
			}
			ByLeadBody []struct {
				Key          string
				Tasks, Done  int
				MeanProgress float64
			}
			Sources []string
			AsOf    *string
		}
		UnionCoverage struct {
			Groups []struct {
				Key, Label             string
				Enterprises, WithUnion int
				Employees, Members     *int
				MembershipRate         *float64
			}
			Total struct{ Enterprises, WithUnion, WithoutUnion int }
		}
		ActivityStats struct {
			Groups []struct {
				Key                                           string
				Activities, Participants, UnknownParticipants int
			}
			Total struct{ Activities, Participants int }
		}
	}
	s.query(t, `query($plan: ID!) {
		planProgress(planId: $plan) { tasks meanProgress byStatus { key value } byLeadBody { key tasks done meanProgress } sources asOf }
		unionCoverage(groupBy: CITY) { groups { key label enterprises withUnion employees members membershipRate } total { enterprises withUnion withoutUnion } }
		activityStats(groupBy: MONTH, period: {from: "2026-03-01", to: "2026-04-30"}) { groups { key activities participants unknownParticipants } total { activities participants } }
	}`, map[string]any{"plan": gid("Plan", "plan-2026")}, &got)

	pp := got.PlanProgress
	if pp.Tasks != 10 || pp.MeanProgress != 15 {
		t.Errorf("plan: %d tasks, mean %v; want 10 and 15", pp.Tasks, pp.MeanProgress)
	}
	status := map[string]float64{}
	for _, d := range pp.ByStatus {
		status[d.Key] = d.Value
	}
	if status["NOT_STARTED"] != 8 || status["IN_PROGRESS"] != 1 || status["DONE"] != 1 || len(pp.ByStatus) != 5 {
		t.Errorf("by status %v", pp.ByStatus)
	}
	var union *struct {
		Key          string
		Tasks, Done  int
		MeanProgress float64
	}
	for i := range pp.ByLeadBody {
		if pp.ByLeadBody[i].Key == "UNION" {
			union = &pp.ByLeadBody[i]
		}
	}
	if union == nil || union.Tasks != 10 || union.Done != 1 || union.MeanProgress != 15 {
		t.Errorf("by lead body %+v", pp.ByLeadBody)
	}
	if pp.AsOf == nil || len(pp.Sources) == 0 {
		t.Errorf("plan progress does not say how fresh it is or what it combines: %+v", pp)
	}

	cities := map[string]int{}
	for i, g := range got.UnionCoverage.Groups {
		cities[g.Key] = i
	}
	ty, dt := got.UnionCoverage.Groups[cities["140100"]], got.UnionCoverage.Groups[cities["140200"]]
	if ty.Enterprises != 2 || ty.WithUnion != 2 || *ty.Employees != 1500 || *ty.Members != 800 || *ty.MembershipRate < 0.5333 || *ty.MembershipRate > 0.5334 {
		t.Errorf("太原 %+v, want 2 enterprises with unions, 800 of 1500 members", ty)
	}
	if dt.Enterprises != 1 || *dt.Employees != 500 || *dt.Members != 100 || *dt.MembershipRate != 0.2 {
		t.Errorf("大同 %+v, want 1 enterprise, 100 of 500", dt)
	}
	if tot := got.UnionCoverage.Total; tot.Enterprises != 8 || tot.WithUnion != 8 || tot.WithoutUnion != 0 {
		t.Errorf("total %+v", tot)
	}
	for _, g := range got.UnionCoverage.Groups {
		if g.Key == "140300" && (g.Enterprises != 0 || g.MembershipRate != nil) {
			t.Errorf("阳泉 has no enterprises and must have no rate: %+v", g)
		}
	}

	months := map[string]int{}
	for i, g := range got.ActivityStats.Groups {
		months[g.Key] = i
	}
	mar, apr := got.ActivityStats.Groups[months["2026-03"]], got.ActivityStats.Groups[months["2026-04"]]
	if mar.Activities != 2 || mar.Participants != 150 || apr.Activities != 1 || apr.Participants != 0 || apr.UnknownParticipants != 1 {
		t.Errorf("by month: March %+v, April %+v", mar, apr)
	}
	if tot := got.ActivityStats.Total; tot.Activities != 3 || tot.Participants != 150 {
		b, _ := json.Marshal(got.ActivityStats)
		t.Errorf("activity totals %s", b)
	}
}
