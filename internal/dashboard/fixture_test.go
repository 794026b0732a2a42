package dashboard_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/dashboard"
	"sanfang/internal/domain"
	"sanfang/internal/seed"
	"sanfang/internal/store"
)

// The fixture is small enough to work every expected number out by hand;
// the expectations below are those hand-worked numbers, written as literals.
//
// Enterprises (pinyin order = id order):
//
//	ent-1 安顺快递 顺丰 [太原]         unions union-1, union-4
//	ent-2 白云快递 顺丰 [太原, 大同]   union-2 (in 大同, founded 2026-04-01)
//	ent-3 陈家快递 中通 [大同]         union-3 (no founding date)
//	ent-4 东方快递 中通 [晋中]         none (a deleted union names it)
//	ent-5 方圆快递 顺丰 [晋中]         none
//
// fed-1 is 晋中's regional federation, founded 2026-05-31, with figures that
// coverage must not count. Figures (employees, couriers, members, courier
// members; - unknown):
//
//	union-1 2026-03 100 60 50 30 | 2026-04 100 60 60 36 | 2026-05 110 70 80 -
//	union-2                      | 2026-04   0  0  0  0 | 2026-05   0  0  0  0
//	union-3 2026-03  40  -  -  - |                      | 2026-05  50 30  - 10
//	union-4 2026-03  20 10 20 10
//	fed-1                                                 2026-05 500  - 400 -
var t0 = date(2026, 6, 1)

func rec(updated time.Time) domain.Record {
	return domain.Record{Version: 1, CreatedAt: t0, UpdatedAt: updated, Provenance: domain.Provenance{Basis: domain.BasisRecorded, Source: "dashboard test"}}
}

func fixture() *seed.Dataset {
	ds := &seed.Dataset{}
	ent := func(id, name, brand string, updated time.Time, regions ...string) {
		ds.Enterprises = append(ds.Enterprises, domain.Enterprise{ID: id, Name: name, Brand: brand, RegionCodes: regions, Record: rec(updated)})
	}
	ent("ent-1", "安顺快递", "顺丰", t0, "140100")
	ent("ent-2", "白云快递", "顺丰", t0, "140100", "140200")
	ent("ent-3", "陈家快递", "中通", date(2026, 6, 5), "140200")
	ent("ent-4", "东方快递", "中通", t0, "140700")
	ent("ent-5", "方圆快递", "顺丰", t0, "140700")

	union := func(id string, kind domain.UnionKind, enterprise *string, region string, founded *time.Time, updated time.Time) {
		ds.Unions = append(ds.Unions, domain.Union{ID: id, Name: id, Kind: kind, EnterpriseID: enterprise,
			RegionCodes: []string{region}, FoundedOn: founded, Record: rec(updated)})
	}
	union("union-1", domain.UnionEnterprise, ptr("ent-1"), "140100", ptr(date(2025, 3, 10)), t0)
	union("union-2", domain.UnionEnterprise, ptr("ent-2"), "140200", ptr(date(2026, 4, 1)), t0)
	union("union-3", domain.UnionEnterprise, ptr("ent-3"), "140200", nil, t0)
	union("union-4", domain.UnionEnterprise, ptr("ent-1"), "140100", ptr(date(2025, 6, 1)), date(2026, 6, 7))
	union("fed-1", domain.UnionRegionalFederation, nil, "140700", ptr(date(2026, 5, 31)), date(2026, 6, 20))

	fig := func(unionID, period string, e, c, m, cm *int, updated time.Time) {
		ds.Figures = append(ds.Figures, domain.MembershipFigures{ID: unionID + "/" + period, UnionID: unionID, Period: period,
			Employees: e, Couriers: c, Members: m, CourierMembers: cm, Record: rec(updated)})
	}
	n := func(v int) *int { return &v }
	fig("union-1", "2026-03", n(100), n(60), n(50), n(30), t0)
	fig("union-1", "2026-04", n(100), n(60), n(60), n(36), date(2026, 6, 12))
	fig("union-1", "2026-05", n(110), n(70), n(80), nil, date(2026, 6, 10))
	fig("union-2", "2026-04", n(0), n(0), n(0), n(0), t0)
	fig("union-2", "2026-05", n(0), n(0), n(0), n(0), t0)
	fig("union-3", "2026-03", n(40), nil, nil, nil, t0)
	fig("union-3", "2026-05", n(50), n(30), nil, n(10), t0)
	fig("union-4", "2026-03", n(20), n(10), n(20), n(10), t0)
	fig("fed-1", "2026-05", n(500), nil, n(400), nil, t0)

	// plan-1 is weighted; its tasks (weight - counts 1):
	//
	//	task-1 POSTAL      DONE         100  w2    due 2026-03-31
	//	task-2 POSTAL      IN_PROGRESS   40  w-    due 2026-06-14 (overdue in UTC+8)
	//	task-3 UNION       IN_PROGRESS   70  w3    due 2026-06-15 (today: not overdue)
	//	task-4 UNION       BLOCKED       20  w1    due 2026-05-01 (overdue)
	//	task-5 ASSOCIATION NOT_STARTED    0  w0.5  no due date
	//	task-6 UNION       CANCELLED     10  w1.5  due 2026-01-31 (cancelled: not overdue)
	ds.Plans = []domain.Plan{
		{ID: "plan-1", Year: 2026, Title: "2026年三方联合工作方案", Status: domain.PlanAdopted, WeightedProgress: true,
			BodyIDs: []string{"POSTAL", "UNION", "ASSOCIATION"}, Record: rec(t0)},
		{ID: "plan-2", Year: 2026, Title: "2026年专项方案", Status: domain.PlanAdopted,
			BodyIDs: []string{"POSTAL", "UNION"}, Record: rec(t0)},
		{ID: "plan-3", Year: 2027, Title: "2027年三方联合工作方案", Status: domain.PlanDraft, WeightedProgress: true,
			BodyIDs: []string{"ASSOCIATION"}, Record: rec(t0)},
	}
	task := func(id, plan string, number int, lead string, status domain.TaskStatus, progress int, weight *float64, due *time.Time, updated time.Time) {
		ds.Tasks = append(ds.Tasks, domain.Task{ID: id, PlanID: plan, Number: number, Title: fmt.Sprintf("任务%d", number),
			Theme: domain.ThemeOther, LeadBodyID: lead, Status: status, Progress: progress, Weight: weight, DueOn: due,
			SupportingBodyIDs: []string{}, Milestones: []domain.Milestone{}, EnterpriseIDs: []string{}, UnionIDs: []string{}, Record: rec(updated)})
	}
	task("task-1", "plan-1", 1, "POSTAL", domain.TaskDone, 100, ptr(2.0), ptr(date(2026, 3, 31)), t0)
	task("task-2", "plan-1", 2, "POSTAL", domain.TaskInProgress, 40, nil, ptr(date(2026, 6, 14)), t0)
	task("task-3", "plan-1", 3, "UNION", domain.TaskInProgress, 70, ptr(3.0), ptr(date(2026, 6, 15)), t0)
	task("task-4", "plan-1", 4, "UNION", domain.TaskBlocked, 20, ptr(1.0), ptr(date(2026, 5, 1)), date(2026, 6, 16))
	task("task-5", "plan-1", 5, "ASSOCIATION", domain.TaskNotStarted, 0, ptr(0.5), nil, date(2026, 6, 11))
	task("task-6", "plan-1", 6, "UNION", domain.TaskCancelled, 10, ptr(1.5), ptr(date(2026, 1, 31)), t0)
	task("q-1", "plan-2", 1, "POSTAL", domain.TaskInProgress, 50, ptr(4.0), ptr(date(2026, 12, 31)), t0)
	task("q-2", "plan-2", 2, "FEDERATION", domain.TaskDone, 100, nil, nil, t0)

	cst := time.FixedZone("CST", 8*3600)
	pu := func(id, taskID string, reported time.Time, updated time.Time) {
		ds.ProgressUpdates = append(ds.ProgressUpdates, domain.ProgressUpdate{ID: id, TaskID: taskID, ReportedAt: reported,
			BodyID: "UNION", Progress: 10, Status: domain.TaskInProgress, Text: "进展", Record: rec(updated)})
	}
	pu("pu-1", "task-1", time.Date(2026, 3, 20, 10, 0, 0, 0, cst), t0)
	pu("pu-2", "task-2", time.Date(2026, 5, 31, 23, 30, 0, 0, cst), t0) // still May in Beijing
	pu("pu-3", "task-3", time.Date(2026, 6, 1, 0, 30, 0, 0, cst), t0)   // June in Beijing, May in UTC
	pu("pu-4", "task-3", time.Date(2026, 5, 10, 9, 0, 0, 0, cst), date(2026, 6, 17))
	pu("pu-5", "task-4", time.Date(2026, 4, 15, 9, 0, 0, 0, cst), t0)
	pu("pu-6", "q-1", time.Date(2026, 5, 15, 9, 0, 0, 0, cst), t0)

	act := func(id string, kind domain.ActivityKind, organiser string, on time.Time, region *string, participants *int, taskID *string, updated time.Time) {
		ds.Activities = append(ds.Activities, domain.Activity{ID: id, Kind: kind, Title: id, OrganiserBodyID: organiser, Date: on,
			RegionCode: region, EnterpriseIDs: []string{}, UnionIDs: []string{}, ParticipantCount: participants, TaskID: taskID, Record: rec(updated)})
	}
	act("act-1", domain.ActivityLabourCompetition, "UNION", date(2026, 3, 5), ptr("140100"), n(100), ptr("task-3"), t0)
	act("act-2", domain.ActivityLabourCompetition, "POSTAL", date(2026, 3, 20), ptr("140200"), n(50), ptr("task-3"), t0)
	act("act-3", domain.ActivitySkillsTraining, "UNION", date(2026, 4, 1), ptr("140100"), nil, ptr("task-1"), t0)
	act("act-4", domain.ActivityCareService, "ASSOCIATION", date(2026, 4, 30), nil, n(200), nil, t0)
	act("act-5", domain.ActivityCareService, "UNION", date(2026, 5, 1), ptr("140700"), n(0), nil, t0)
	act("act-6", domain.ActivityRightsProtection, "FEDERATION", date(2026, 5, 15), ptr("140100"), n(30), ptr("task-4"), t0)
	act("act-7", domain.ActivityOther, "UNION", date(2026, 5, 31), ptr("140200"), nil, nil, date(2026, 6, 9))
	act("act-8", domain.ActivitySkillsTraining, "UNION", date(2025, 12, 31), ptr("140100"), n(100), nil, date(2026, 6, 14))

	part := func(body, enterprise string) domain.Participant {
		p := domain.Participant{Role: domain.RoleAttended, Provenance: domain.Provenance{Basis: domain.BasisRecorded}}
		if body != "" {
			p.BodyID = ptr(body)
		}
		if enterprise != "" {
			p.EnterpriseID = ptr(enterprise)
		}
		return p
	}
	meeting := func(id string, kind domain.MeetingKind, on time.Time, updated time.Time, parts ...domain.Participant) {
		ds.Meetings = append(ds.Meetings, domain.Meeting{ID: id, Kind: kind, Title: id, Date: on, HostBodyIDs: []string{"UNION"},
			Participants: parts, Speeches: []domain.Speech{}, Agenda: []domain.AgendaItem{}, Decisions: []domain.Decision{}, Record: rec(updated)})
	}
	meeting("meet-1", domain.MeetingTripartiteJoint, date(2025, 12, 30), t0,
		part("POSTAL", ""), part("POSTAL", ""), part("UNION", ""), part("ASSOCIATION", ""), part("", "ent-1"), part("", "ent-3"))
	meeting("meet-2", domain.MeetingWorkingGroup, date(2026, 3, 10), date(2026, 6, 8),
		part("UNION", ""), part("UNION", ""), part("", "ent-1"))
	meeting("meet-3", domain.MeetingTripartiteJoint, date(2026, 6, 1), t0,
		part("POSTAL", ""), part("FEDERATION", ""), part("", "ent-2"), part("", "ent-1"), part("", "ent-1"))
	return ds
}

// insertDeleted writes records marked deleted, which every read must skip.
func insertDeleted(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	n := func(v int) *int { return &v }
	late := date(2026, 6, 30)
	docs := []struct {
		part store.Part
		coll string
		doc  any
	}{
		{store.Postal, st.Enterprises.Name(), domain.Enterprise{ID: "ent-9", Name: "已删快递", Brand: "顺丰", RegionCodes: []string{"140100"}, Record: rec(late)}},
		{store.Union, st.Unions.Name(), domain.Union{ID: "union-9", Name: "union-9", Kind: domain.UnionEnterprise, EnterpriseID: ptr("ent-4"),
			RegionCodes: []string{"140700"}, FoundedOn: ptr(date(2026, 4, 15)), Record: rec(late)}},
		{store.Union, st.Figures.Name(), domain.MembershipFigures{ID: "union-1/2026-06", UnionID: "union-1", Period: "2026-06",
			Employees: n(999), Couriers: n(999), Members: n(999), CourierMembers: n(999), Record: rec(late)}},
		{store.Union, st.Activities.Name(), domain.Activity{ID: "act-9", Kind: domain.ActivityOther, OrganiserBodyID: "UNION", Date: date(2026, 5, 2),
			ParticipantCount: n(999), TaskID: ptr("task-5"), EnterpriseIDs: []string{}, UnionIDs: []string{}, Record: rec(late)}},
		{store.Joint, st.Tasks.Name(), domain.Task{ID: "task-9", PlanID: "plan-1", Number: 9, LeadBodyID: "POSTAL", Status: domain.TaskBlocked,
			DueOn: ptr(date(2026, 1, 1)), Record: rec(late)}},
		{store.Joint, st.ProgressUpdates.Name(), domain.ProgressUpdate{ID: "pu-9", TaskID: "task-5", ReportedAt: date(2026, 5, 5), Record: rec(late)}},
		{store.Joint, st.Meetings.Name(), domain.Meeting{ID: "meet-9", Kind: domain.MeetingOther, Date: date(2026, 5, 5),
			Participants: []domain.Participant{{BodyID: ptr("ASSOCIATION"), EnterpriseID: ptr("ent-5")}}, Record: rec(late)}},
	}
	for _, d := range docs {
		raw, err := bson.Marshal(d.doc)
		if err != nil {
			t.Fatal(err)
		}
		var doc bson.D
		if err := bson.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		doc = append(doc, bson.E{Key: "_deleted", Value: true})
		if _, err := st.Database(d.part).Collection(d.coll).InsertOne(ctx, doc); err != nil {
			t.Fatalf("insert deleted %s: %v", d.coll, err)
		}
	}
}

func fixtureService(t *testing.T) *dashboard.Service {
	t.Helper()
	st := db.Open(t, nil)
	if _, err := st.Load(context.Background(), fixture()); err != nil {
		t.Fatal(err)
	}
	insertDeleted(t, st)
	svc := dashboard.New(st)
	svc.Now = func() time.Time { return fixed }
	return svc
}

func coverageLine(g *dashboard.CoverageGroup) string {
	return fmt.Sprintf("%s %s ents=%d with=%d without=%d urate=%s unions=%d reporting=%d emp=%s cour=%s mem=%s cm=%s rate=%s crate=%s",
		g.Key, g.Label, g.Enterprises, g.WithUnion, g.WithoutUnion, optRate(g.UnionisedRate), g.Unions, g.Reporting,
		optInt(g.Employees), optInt(g.Couriers), optInt(g.Members), optInt(g.CourierMembers), optRate(g.MembershipRate), optRate(g.CourierMembershipRate))
}

func coverageLines(c *dashboard.Coverage) []string {
	var out []string
	for _, g := range c.Groups {
		out = append(out, coverageLine(g))
	}
	return append(out, coverageLine(c.Total))
}

const emptyCity = "ents=0 with=0 without=0 urate=nil unions=0 reporting=0 emp=nil cour=nil mem=nil cm=nil rate=nil crate=nil"

func TestUnionCoverageFixture(t *testing.T) {
	svc := fixtureService(t)
	ctx := context.Background()
	latestTotal := "TOTAL 合计 ents=5 with=3 without=2 urate=0.600000 unions=4 reporting=4 emp=180 cour=110 mem=100 cm=20 rate=0.769231 crate=0.500000"
	cases := []struct {
		groupBy dashboard.GroupBy
		period  string
		want    []string
		asOf    string
	}{
		{dashboard.GroupByCity, "", []string{
			"140100 太原市 ents=2 with=2 without=0 urate=1.000000 unions=2 reporting=2 emp=130 cour=80 mem=100 cm=10 rate=0.769231 crate=1.000000",
			"140200 大同市 ents=2 with=2 without=0 urate=1.000000 unions=2 reporting=2 emp=50 cour=30 mem=0 cm=10 rate=nil crate=0.333333",
			"140300 阳泉市 " + emptyCity,
			"140400 长治市 " + emptyCity,
			"140500 晋城市 " + emptyCity,
			"140600 朔州市 " + emptyCity,
			"140700 晋中市 ents=2 with=0 without=2 urate=0.000000 unions=0 reporting=0 emp=nil cour=nil mem=nil cm=nil rate=nil crate=nil",
			"140800 运城市 " + emptyCity,
			"140900 忻州市 " + emptyCity,
			"141000 临汾市 " + emptyCity,
			"141100 吕梁市 " + emptyCity,
			latestTotal,
		}, "2026-06-10T00:00:00Z"},
		{dashboard.GroupByBrand, "", []string{
			"顺丰 顺丰 ents=3 with=2 without=1 urate=0.666667 unions=3 reporting=3 emp=130 cour=80 mem=100 cm=10 rate=0.769231 crate=1.000000",
			"中通 中通 ents=2 with=1 without=1 urate=0.500000 unions=1 reporting=1 emp=50 cour=30 mem=nil cm=10 rate=nil crate=0.333333",
			latestTotal,
		}, "2026-06-10T00:00:00Z"},
		{dashboard.GroupByEnterprise, "", []string{
			"ent-1 安顺快递 ents=1 with=1 without=0 urate=1.000000 unions=2 reporting=2 emp=130 cour=80 mem=100 cm=10 rate=0.769231 crate=1.000000",
			"ent-2 白云快递 ents=1 with=1 without=0 urate=1.000000 unions=1 reporting=1 emp=0 cour=0 mem=0 cm=0 rate=nil crate=nil",
			"ent-3 陈家快递 ents=1 with=1 without=0 urate=1.000000 unions=1 reporting=1 emp=50 cour=30 mem=nil cm=10 rate=nil crate=0.333333",
			"ent-4 东方快递 ents=1 with=0 without=1 urate=0.000000 unions=0 reporting=0 emp=nil cour=nil mem=nil cm=nil rate=nil crate=nil",
			"ent-5 方圆快递 ents=1 with=0 without=1 urate=0.000000 unions=0 reporting=0 emp=nil cour=nil mem=nil cm=nil rate=nil crate=nil",
			latestTotal,
		}, "2026-06-10T00:00:00Z"},
		{dashboard.GroupByBrand, "2026-04", []string{
			// 顺丰: union-1 04 (100 60 60 36), union-4 03 (20 10 20 10), union-2 04 (0 0 0 0)
			"顺丰 顺丰 ents=3 with=2 without=1 urate=0.666667 unions=3 reporting=3 emp=120 cour=70 mem=80 cm=46 rate=0.666667 crate=0.657143",
			// 中通: union-3 03 (40 - - -)
			"中通 中通 ents=2 with=1 without=1 urate=0.500000 unions=1 reporting=1 emp=40 cour=nil mem=nil cm=nil rate=nil crate=nil",
			"TOTAL 合计 ents=5 with=3 without=2 urate=0.600000 unions=4 reporting=4 emp=160 cour=70 mem=80 cm=46 rate=0.666667 crate=0.657143",
		}, "2026-06-12T00:00:00Z"},
		{dashboard.GroupByCity, "2026-03", []string{
			// union-2 is not founded until April: ent-2 has no union yet.
			"140100 太原市 ents=2 with=1 without=1 urate=0.500000 unions=2 reporting=2 emp=120 cour=70 mem=70 cm=40 rate=0.583333 crate=0.571429",
			"140200 大同市 ents=2 with=1 without=1 urate=0.500000 unions=1 reporting=1 emp=40 cour=nil mem=nil cm=nil rate=nil crate=nil",
			"140300 阳泉市 " + emptyCity,
			"140400 长治市 " + emptyCity,
			"140500 晋城市 " + emptyCity,
			"140600 朔州市 " + emptyCity,
			"140700 晋中市 ents=2 with=0 without=2 urate=0.000000 unions=0 reporting=0 emp=nil cour=nil mem=nil cm=nil rate=nil crate=nil",
			"140800 运城市 " + emptyCity,
			"140900 忻州市 " + emptyCity,
			"141000 临汾市 " + emptyCity,
			"141100 吕梁市 " + emptyCity,
			"TOTAL 合计 ents=5 with=2 without=3 urate=0.400000 unions=3 reporting=3 emp=160 cour=70 mem=70 cm=40 rate=0.583333 crate=0.571429",
		}, "2026-06-07T00:00:00Z"},
	}
	for _, c := range cases {
		got, err := svc.UnionCoverage(ctx, c.groupBy, c.period)
		if err != nil {
			t.Fatalf("%s %q: %v", c.groupBy, c.period, err)
		}
		what := fmt.Sprintf("UnionCoverage(%s, %q)", c.groupBy, c.period)
		compareLines(t, what, coverageLines(got), c.want)
		if optTime(got.AsOf) != c.asOf {
			t.Errorf("%s: asOf %s, want %s", what, optTime(got.AsOf), c.asOf)
		}
		if fmt.Sprint(got.Sources) != "[postal union]" || got.Period != c.period || got.GroupBy != c.groupBy {
			t.Errorf("%s: sources %v period %q groupBy %s", what, got.Sources, got.Period, got.GroupBy)
		}
		if len(got.MembershipRate) != len(got.Groups) || len(got.CourierMembershipRate) != len(got.Groups) {
			t.Errorf("%s: series lengths %d, %d for %d groups", what, len(got.MembershipRate), len(got.CourierMembershipRate), len(got.Groups))
		}
		for i, d := range got.MembershipRate {
			if g := got.Groups[i]; d.Key != g.Key || d.Label != g.Label || optRate(d.Value) != optRate(g.MembershipRate) {
				t.Errorf("%s: series point %d %+v does not match group %s", what, i, d, coverageLine(g))
			}
		}
		noNaN(t, what, got)
	}
}

func TestCoverageTrendFixture(t *testing.T) {
	svc := fixtureService(t)
	got, err := svc.CoverageTrend(context.Background(), dashboard.GroupByCity, "2026-02", "2026-05")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		lines = append(lines, c.Period+" "+coverageLine(c.Total)+" asOf="+optTime(c.AsOf))
	}
	compareLines(t, "CoverageTrend totals", lines, []string{
		"2026-02 TOTAL 合计 ents=5 with=2 without=3 urate=0.400000 unions=3 reporting=0 emp=nil cour=nil mem=nil cm=nil rate=nil crate=nil asOf=2026-06-07T00:00:00Z",
		"2026-03 TOTAL 合计 ents=5 with=2 without=3 urate=0.400000 unions=3 reporting=3 emp=160 cour=70 mem=70 cm=40 rate=0.583333 crate=0.571429 asOf=2026-06-07T00:00:00Z",
		"2026-04 TOTAL 合计 ents=5 with=3 without=2 urate=0.600000 unions=4 reporting=4 emp=160 cour=70 mem=80 cm=46 rate=0.666667 crate=0.657143 asOf=2026-06-12T00:00:00Z",
		"2026-05 TOTAL 合计 ents=5 with=3 without=2 urate=0.600000 unions=4 reporting=4 emp=180 cour=110 mem=100 cm=20 rate=0.769231 crate=0.500000 asOf=2026-06-10T00:00:00Z",
	})
	// 大同 in April: union-2's first figures (all 0) and union-3's March ones.
	if g := got[2].Groups[1]; coverageLine(g) != "140200 大同市 ents=2 with=2 without=0 urate=1.000000 unions=2 reporting=2 emp=40 cour=0 mem=0 cm=0 rate=nil crate=nil" {
		t.Errorf("大同 in 2026-04: %s", coverageLine(g))
	}
	noNaN(t, "CoverageTrend", got)
}

func TestUnionGrowthFixture(t *testing.T) {
	svc := fixtureService(t)
	ctx := context.Background()
	g, err := svc.UnionGrowth(ctx, date(2026, 4, 1), date(2026, 5, 31))
	if err != nil {
		t.Fatal(err)
	}
	// Founded: union-2 on 04-01 and fed-1 on 05-31 (both ends included).
	// New members, April-May less March: union-1 80-50 = 30, union-2 0-0
	// (no figures before April), union-4 20-20 = 0; union-3's May figures
	// do not give members.
	got := fmt.Sprintf("%s..%s founded=%d new=%d counted=%d unknown=%d asOf=%s sources=%v",
		g.FromMonth, g.ToMonth, g.Founded, g.NewMembers, g.Counted, g.UnknownMembers, optTime(g.AsOf), g.Sources)
	if want := "2026-04..2026-05 founded=2 new=30 counted=3 unknown=1 asOf=2026-06-20T00:00:00Z sources=[union]"; got != want {
		t.Errorf("UnionGrowth:\n got %s\nwant %s", got, want)
	}
	var cities []string
	for _, c := range g.ByCity {
		cities = append(cities, fmt.Sprintf("%s %s founded=%d new=%d", c.Key, c.Label, c.Founded, c.NewMembers))
	}
	compareLines(t, "UnionGrowth by city", cities, []string{
		"140100 太原市 founded=0 new=30",
		"140200 大同市 founded=1 new=0",
		"140300 阳泉市 founded=0 new=0",
		"140400 长治市 founded=0 new=0",
		"140500 晋城市 founded=0 new=0",
		"140600 朔州市 founded=0 new=0",
		"140700 晋中市 founded=1 new=0",
		"140800 运城市 founded=0 new=0",
		"140900 忻州市 founded=0 new=0",
		"141000 临汾市 founded=0 new=0",
		"141100 吕梁市 founded=0 new=0",
	})
	var kinds []string
	for _, d := range g.FoundedByKind {
		kinds = append(kinds, d.Key+" "+d.Label+" "+optRate(d.Value))
	}
	compareLines(t, "UnionGrowth by kind", kinds, []string{
		"ENTERPRISE 企业工会 1.000000",
		"REGIONAL_FEDERATION 区域快递行业工会联合会 1.000000",
	})

	// One day in from each end: neither union is founded in the range; the
	// months, and so the new members, are the same.
	g, err = svc.UnionGrowth(ctx, date(2026, 4, 2), date(2026, 5, 30))
	if err != nil {
		t.Fatal(err)
	}
	if g.Founded != 0 || g.NewMembers != 30 {
		t.Errorf("UnionGrowth(04-02, 05-30): founded %d new %d, want 0 and 30", g.Founded, g.NewMembers)
	}
	if _, err := svc.UnionGrowth(ctx, date(2026, 5, 1), date(2026, 4, 1)); domain.CodeOf(err) != domain.CodeBadUserInput {
		t.Errorf("UnionGrowth with to before from: %v, want BAD_USER_INPUT", err)
	}
}
