package dashboard_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sanfang/internal/dashboard"
	"sanfang/internal/domain"
)

func datumLines(ds []dashboard.Datum) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Key+" "+d.Label+" "+optRate(d.Value))
	}
	return out
}

func TestPlanProgressFixture(t *testing.T) {
	svc := fixtureService(t)
	ctx := context.Background()
	may := &dashboard.Period{From: date(2026, 5, 1), To: date(2026, 5, 31)}
	p, err := svc.PlanProgress(ctx, "plan-1", may)
	if err != nil {
		t.Fatal(err)
	}
	compareLines(t, "by status", datumLines(p.ByStatus), []string{
		"NOT_STARTED 未开始 1.000000",
		"IN_PROGRESS 进行中 2.000000",
		"DONE 已完成 1.000000",
		"BLOCKED 受阻 1.000000",
		"CANCELLED 已取消 1.000000",
	})
	var bodies []string
	for _, b := range p.ByLeadBody {
		bodies = append(bodies, fmt.Sprintf("%s %s tasks=%d done=%d mean=%s", b.Key, b.Label, b.Tasks, b.Done, optRate(b.MeanProgress)))
	}
	compareLines(t, "by lead body", bodies, []string{
		"POSTAL 省邮政管理局 tasks=2 done=1 mean=70.000000",    // (100+40)/2
		"UNION 省信息业工会 tasks=3 done=0 mean=33.333333",     // (70+20+10)/3
		"ASSOCIATION 省快递协会 tasks=1 done=0 mean=0.000000", // 0
	})
	// mean 240/6 = 40; weighted (2·100 + 1·40 + 3·70 + 1·20 + 0.5·0 + 1.5·10) / 9 = 485/9.
	got := fmt.Sprintf("tasks=%d mean=%s weighted=%s progress=%s today=%s overdue=%d %v updated=%d %v asOf=%s sources=%v",
		p.Tasks, optRate(p.MeanProgress), optRate(p.WeightedProgress), optRate(p.Progress), p.Today.Format("2006-01-02"),
		p.Overdue, p.OverdueTaskIDs, p.Updated, p.UpdatedTaskIDs, optTime(p.AsOf), p.Sources)
	want := "tasks=6 mean=40.000000 weighted=53.888889 progress=53.888889 today=2026-06-15 overdue=2 [task-2 task-4] updated=2 [task-2 task-3] asOf=2026-06-17T00:00:00Z sources=[joint]"
	if got != want {
		t.Errorf("PlanProgress(plan-1, May):\n got %s\nwant %s", got, want)
	}
	if p.PlanTitle != "2026年三方联合工作方案" || !p.Weighted || p.Period != may {
		t.Errorf("plan fields: %q weighted=%v period=%v", p.PlanTitle, p.Weighted, p.Period)
	}

	// June 1 00:30 in Beijing is in June, though it is May 31 in UTC.
	june := &dashboard.Period{From: date(2026, 6, 1), To: date(2026, 6, 30)}
	if p, err = svc.PlanProgress(ctx, "plan-1", june); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%d %v %s", p.Updated, p.UpdatedTaskIDs, optTime(p.AsOf)); got != "1 [task-3] 2026-06-16T00:00:00Z" {
		t.Errorf("PlanProgress(plan-1, June): updated %s, want 1 [task-3] 2026-06-16T00:00:00Z", got)
	}
	if p, err = svc.PlanProgress(ctx, "plan-1", nil); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%d %v", p.Updated, p.UpdatedTaskIDs); got != "4 [task-1 task-2 task-3 task-4]" {
		t.Errorf("PlanProgress(plan-1, any time): updated %s", got)
	}

	// plan-2 is not weighted: progress is the plain mean (50+100)/2; FEDERATION
	// leads a task without being a party.
	if p, err = svc.PlanProgress(ctx, "plan-2", nil); err != nil {
		t.Fatal(err)
	}
	bodies = nil
	for _, b := range p.ByLeadBody {
		bodies = append(bodies, fmt.Sprintf("%s %s tasks=%d done=%d mean=%s", b.Key, b.Label, b.Tasks, b.Done, optRate(b.MeanProgress)))
	}
	compareLines(t, "plan-2 by lead body", bodies, []string{
		"POSTAL 省邮政管理局 tasks=1 done=0 mean=50.000000",
		"UNION 省信息业工会 tasks=0 done=0 mean=nil",
		"FEDERATION 省总工会 tasks=1 done=1 mean=100.000000",
	})
	got = fmt.Sprintf("mean=%s weighted=%s progress=%s overdue=%d updated=%v", optRate(p.MeanProgress), optRate(p.WeightedProgress),
		optRate(p.Progress), p.Overdue, p.UpdatedTaskIDs)
	if want := "mean=75.000000 weighted=nil progress=75.000000 overdue=0 updated=[q-1]"; got != want {
		t.Errorf("PlanProgress(plan-2):\n got %s\nwant %s", got, want)
	}
	compareLines(t, "plan-2 by status", datumLines(p.ByStatus), []string{
		"NOT_STARTED 未开始 0.000000", "IN_PROGRESS 进行中 1.000000", "DONE 已完成 1.000000", "BLOCKED 受阻 0.000000", "CANCELLED 已取消 0.000000",
	})

	if _, err := svc.PlanProgress(ctx, "plan-x", nil); domain.CodeOf(err) != domain.CodeNotFound {
		t.Errorf("unknown plan: %v, want NOT_FOUND", err)
	}
	if _, err := svc.PlanProgress(ctx, "plan-1", &dashboard.Period{From: date(2026, 5, 2), To: date(2026, 5, 1)}); domain.CodeOf(err) != domain.CodeBadUserInput {
		t.Errorf("reversed period: %v, want BAD_USER_INPUT", err)
	}
}

func bucketLines(s *dashboard.ActivityStats) []string {
	var out []string
	for _, b := range append(s.Groups, s.Total) {
		out = append(out, fmt.Sprintf("%s %s n=%d p=%d unknown=%d", b.Key, b.Label, b.Activities, b.Participants, b.UnknownParticipants))
	}
	return out
}

func TestActivitiesFixture(t *testing.T) {
	svc := fixtureService(t)
	ctx := context.Background()
	all := "TOTAL 合计 n=8 p=480 unknown=2"
	aprMay := &dashboard.Period{From: date(2026, 4, 1), To: date(2026, 5, 31)}
	cases := []struct {
		groupBy dashboard.ActivityGroup
		period  *dashboard.Period
		want    []string
		asOf    string
		sources string
	}{
		{dashboard.ActivitiesByKind, nil, []string{
			"LABOUR_COMPETITION 劳动竞赛 n=2 p=150 unknown=0",
			"SKILLS_TRAINING 技能培训 n=2 p=100 unknown=1",
			"CARE_SERVICE 关爱服务 n=2 p=200 unknown=0",
			"RIGHTS_PROTECTION 维权服务 n=1 p=30 unknown=0",
			"OTHER 其他 n=1 p=0 unknown=1",
			all,
		}, "2026-06-14T00:00:00Z", "[union]"},
		{dashboard.ActivitiesByKind, aprMay, []string{
			"LABOUR_COMPETITION 劳动竞赛 n=0 p=0 unknown=0",
			"SKILLS_TRAINING 技能培训 n=1 p=0 unknown=1",
			"CARE_SERVICE 关爱服务 n=2 p=200 unknown=0",
			"RIGHTS_PROTECTION 维权服务 n=1 p=30 unknown=0",
			"OTHER 其他 n=1 p=0 unknown=1",
			"TOTAL 合计 n=5 p=230 unknown=2",
		}, "2026-06-09T00:00:00Z", "[union]"},
		{dashboard.ActivitiesByMonth, nil, []string{
			"2025-12 2025年12月 n=1 p=100 unknown=0",
			"2026-01 2026年1月 n=0 p=0 unknown=0",
			"2026-02 2026年2月 n=0 p=0 unknown=0",
			"2026-03 2026年3月 n=2 p=150 unknown=0",
			"2026-04 2026年4月 n=2 p=200 unknown=1",
			"2026-05 2026年5月 n=3 p=30 unknown=1",
			all,
		}, "2026-06-14T00:00:00Z", "[union]"},
		{dashboard.ActivitiesByMonth, &dashboard.Period{From: date(2026, 3, 1), To: date(2026, 6, 30)}, []string{
			"2026-03 2026年3月 n=2 p=150 unknown=0",
			"2026-04 2026年4月 n=2 p=200 unknown=1",
			"2026-05 2026年5月 n=3 p=30 unknown=1",
			"2026-06 2026年6月 n=0 p=0 unknown=0",
			"TOTAL 合计 n=7 p=380 unknown=2",
		}, "2026-06-09T00:00:00Z", "[union]"},
		{dashboard.ActivitiesByCity, nil, []string{
			"140100 太原市 n=4 p=230 unknown=1",
			"140200 大同市 n=2 p=50 unknown=1",
			"140300 阳泉市 n=0 p=0 unknown=0",
			"140400 长治市 n=0 p=0 unknown=0",
			"140500 晋城市 n=0 p=0 unknown=0",
			"140600 朔州市 n=0 p=0 unknown=0",
			"140700 晋中市 n=1 p=0 unknown=0",
			"140800 运城市 n=0 p=0 unknown=0",
			"140900 忻州市 n=0 p=0 unknown=0",
			"141000 临汾市 n=0 p=0 unknown=0",
			"141100 吕梁市 n=0 p=0 unknown=0",
			"140000 全省 n=1 p=200 unknown=0",
			all,
		}, "2026-06-14T00:00:00Z", "[union]"},
		{dashboard.ActivitiesByOrganiser, nil, []string{
			"POSTAL 省邮政管理局 n=1 p=50 unknown=0",
			"UNION 省信息业工会 n=5 p=200 unknown=2",
			"ASSOCIATION 省快递协会 n=1 p=200 unknown=0",
			"FEDERATION 省总工会 n=1 p=30 unknown=0",
			all,
		}, "2026-06-14T00:00:00Z", "[union]"},
		{dashboard.ActivitiesByTask, nil, []string{
			"task-1 任务1 n=1 p=0 unknown=1",
			"task-3 任务3 n=2 p=150 unknown=0",
			"task-4 任务4 n=1 p=30 unknown=0",
			"NONE 未关联任务 n=4 p=300 unknown=1",
			all,
		}, "2026-06-16T00:00:00Z", "[union joint]"},
	}
	for _, c := range cases {
		s, err := svc.Activities(ctx, c.groupBy, c.period)
		if err != nil {
			t.Fatalf("%s: %v", c.groupBy, err)
		}
		what := fmt.Sprintf("Activities(%s, %v)", c.groupBy, c.period)
		compareLines(t, what, bucketLines(s), c.want)
		if optTime(s.AsOf) != c.asOf || fmt.Sprint(s.Sources) != c.sources {
			t.Errorf("%s: asOf %s sources %v, want %s %s", what, optTime(s.AsOf), s.Sources, c.asOf, c.sources)
		}
		if len(s.Activities) != len(s.Groups) || len(s.Participants) != len(s.Groups) {
			t.Fatalf("%s: series of %d and %d points for %d groups", what, len(s.Activities), len(s.Participants), len(s.Groups))
		}
		for i, g := range s.Groups {
			if d := s.Activities[i]; d.Key != g.Key || d.Label != g.Label || *d.Value != float64(g.Activities) {
				t.Errorf("%s: activities point %+v for group %s", what, d, g.Key)
			}
			if d := s.Participants[i]; *d.Value != float64(g.Participants) {
				t.Errorf("%s: participants point %v for group %s", what, *d.Value, g.Key)
			}
		}
	}
	s, err := svc.Activities(ctx, dashboard.ActivitiesByTask, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Groups[1].Task; r == nil || fmt.Sprintf("%s %s %d %s %s", r.ID, r.PlanID, r.Number, r.Status, r.StatusLabel) != "task-3 plan-1 3 IN_PROGRESS 进行中" {
		t.Errorf("task group's task: %+v", r)
	}
	if s.Groups[3].Task != nil {
		t.Errorf("NONE group has a task: %+v", s.Groups[3].Task)
	}
	if _, err := svc.Activities(ctx, "WEEK", nil); domain.CodeOf(err) != domain.CodeBadUserInput {
		t.Errorf("unknown grouping: %v, want BAD_USER_INPUT", err)
	}
}

func TestMeetingsFixture(t *testing.T) {
	svc := fixtureService(t)
	ctx := context.Background()
	lines := func(m *dashboard.MeetingStats) []string {
		out := []string{fmt.Sprintf("meetings=%d asOf=%s sources=%v", m.Meetings, optTime(m.AsOf), m.Sources)}
		for _, c := range m.ByYearKind {
			out = append(out, fmt.Sprintf("%s %s %d", c.Key, c.Label, c.Meetings))
		}
		for _, a := range append(m.ByBody, m.ByEnterprise...) {
			out = append(out, fmt.Sprintf("%s %s meetings=%d entries=%d", a.Key, a.Label, a.Meetings, a.Entries))
		}
		return out
	}
	m, err := svc.Meetings(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	compareLines(t, "Meetings(any time)", lines(m), []string{
		"meetings=3 asOf=2026-06-08T00:00:00Z sources=[joint postal]",
		"2025/TRIPARTITE_JOINT 2025年三方联席会议 1",
		"2025/WORKING_GROUP 2025年工作组会议 0",
		"2025/OTHER 2025年其他会议 0",
		"2026/TRIPARTITE_JOINT 2026年三方联席会议 1",
		"2026/WORKING_GROUP 2026年工作组会议 1",
		"2026/OTHER 2026年其他会议 0",
		"POSTAL 省邮政管理局 meetings=2 entries=3",
		"UNION 省信息业工会 meetings=2 entries=3",
		"ASSOCIATION 省快递协会 meetings=1 entries=1",
		"FEDERATION 省总工会 meetings=1 entries=1",
		"ent-1 安顺快递 meetings=3 entries=4",
		"ent-2 白云快递 meetings=1 entries=1",
		"ent-3 陈家快递 meetings=1 entries=1",
	})
	if m, err = svc.Meetings(ctx, &dashboard.Period{From: date(2026, 1, 1), To: date(2026, 12, 31)}); err != nil {
		t.Fatal(err)
	}
	compareLines(t, "Meetings(2026)", lines(m), []string{
		"meetings=2 asOf=2026-06-08T00:00:00Z sources=[joint postal]",
		"2026/TRIPARTITE_JOINT 2026年三方联席会议 1",
		"2026/WORKING_GROUP 2026年工作组会议 1",
		"2026/OTHER 2026年其他会议 0",
		"POSTAL 省邮政管理局 meetings=1 entries=1",
		"UNION 省信息业工会 meetings=1 entries=2",
		"ASSOCIATION 省快递协会 meetings=0 entries=0",
		"FEDERATION 省总工会 meetings=1 entries=1",
		"ent-1 安顺快递 meetings=2 entries=3",
		"ent-2 白云快递 meetings=1 entries=1",
	})
	if m, err = svc.Meetings(ctx, &dashboard.Period{From: date(2027, 1, 1), To: date(2027, 12, 31)}); err != nil {
		t.Fatal(err)
	}
	compareLines(t, "Meetings(2027)", lines(m), []string{
		"meetings=0 asOf=nil sources=[joint]",
		"2027/TRIPARTITE_JOINT 2027年三方联席会议 0",
		"2027/WORKING_GROUP 2027年工作组会议 0",
		"2027/OTHER 2027年其他会议 0",
		"POSTAL 省邮政管理局 meetings=0 entries=0",
		"UNION 省信息业工会 meetings=0 entries=0",
		"ASSOCIATION 省快递协会 meetings=0 entries=0",
		"FEDERATION 省总工会 meetings=0 entries=0",
	})
}

// TestRatesNeverNaN: zero and unknown denominators give nil rates, never
// NaN, in every result, including an empty store.
func TestRatesNeverNaN(t *testing.T) {
	ctx := context.Background()
	empty := dashboard.New(db.Open(t, nil))
	for name, svc := range map[string]*dashboard.Service{"fixture": fixtureService(t), "empty": empty} {
		for _, g := range []dashboard.GroupBy{dashboard.GroupByCity, dashboard.GroupByBrand, dashboard.GroupByEnterprise} {
			c, err := svc.UnionCoverage(ctx, g, "")
			if err != nil {
				t.Fatal(err)
			}
			noNaN(t, name+" coverage", c)
			for _, grp := range append(c.Groups, c.Total) {
				if grp.Employees != nil && *grp.Employees == 0 && grp.MembershipRate != nil {
					t.Errorf("%s %s: %s has 0 employees but a membership rate", name, g, grp.Key)
				}
			}
		}
		for _, g := range []dashboard.ActivityGroup{dashboard.ActivitiesByKind, dashboard.ActivitiesByMonth, dashboard.ActivitiesByTask} {
			s, err := svc.Activities(ctx, g, nil)
			if err != nil {
				t.Fatal(err)
			}
			noNaN(t, name+" activities", s)
		}
		m, err := svc.Meetings(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		noNaN(t, name+" meetings", m)
		gr, err := svc.UnionGrowth(ctx, date(2026, 1, 1), date(2026, 12, 31))
		if err != nil {
			t.Fatal(err)
		}
		noNaN(t, name+" growth", gr)
	}
	// The empty store: every rate nil, no groups but the fixed ones.
	c, err := empty.UnionCoverage(ctx, dashboard.GroupByCity, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(coverageLine(c.Total), emptyCity) || c.AsOf != nil || len(c.Groups) != 11 {
		t.Errorf("empty coverage: %s asOf %v, %d groups", coverageLine(c.Total), c.AsOf, len(c.Groups))
	}
	// A plan with no tasks: no mean, no weighted mean, every status 0.
	p, err := fixtureService(t).PlanProgress(ctx, "plan-3", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("tasks=%d mean=%s weighted=%s progress=%s overdue=%d %v updated=%d %v",
		p.Tasks, optRate(p.MeanProgress), optRate(p.WeightedProgress), optRate(p.Progress), p.Overdue, p.OverdueTaskIDs, p.Updated, p.UpdatedTaskIDs)
	if want := "tasks=0 mean=nil weighted=nil progress=nil overdue=0 [] updated=0 []"; got != want {
		t.Errorf("PlanProgress(plan-3):\n got %s\nwant %s", got, want)
	}
	compareLines(t, "plan-3 by status", datumLines(p.ByStatus), []string{
		"NOT_STARTED 未开始 0.000000", "IN_PROGRESS 进行中 0.000000", "DONE 已完成 0.000000", "BLOCKED 受阻 0.000000", "CANCELLED 已取消 0.000000",
	})
	if len(p.ByLeadBody) != 1 || p.ByLeadBody[0].MeanProgress != nil || p.ByLeadBody[0].Tasks != 0 {
		t.Errorf("plan-3 by lead body: %+v", p.ByLeadBody)
	}
	noNaN(t, "plan-3", p)
}
