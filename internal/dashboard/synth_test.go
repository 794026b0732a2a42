package dashboard_test

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"sanfang/internal/dashboard"
	"sanfang/internal/domain"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/storetest"
	"sanfang/internal/synth"
)

func tinyStore(t *testing.T, cmds *storetest.Commands) (*store.Store, *seed.Dataset) {
	t.Helper()
	ds, err := synth.Generate(1, synth.Tiny)
	if err != nil {
		t.Fatal(err)
	}
	var st *store.Store
	if cmds != nil {
		st = db.Open(t, cmds.Monitor())
	} else {
		st = db.Open(t, nil)
	}
	if _, err := st.Load(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return st, ds
}

// TestSyntheticTotals compares the aggregates over the tiny synthetic data
// set with the totals synth.Summarise counts by plain loops.
func TestSyntheticTotals(t *testing.T) {
	st, ds := tinyStore(t, nil)
	want := synth.Summarise(ds)
	svc := dashboard.New(st)
	ctx := context.Background()

	for _, g := range []dashboard.GroupBy{dashboard.GroupByCity, dashboard.GroupByBrand, dashboard.GroupByEnterprise} {
		c, err := svc.UnionCoverage(ctx, g, "")
		if err != nil {
			t.Fatal(err)
		}
		tot := c.Total
		got := fmt.Sprintf("enterprises=%d with=%d without=%d employees=%s couriers=%s members=%s courierMembers=%s",
			tot.Enterprises, tot.WithUnion, tot.WithoutUnion, optInt(tot.Employees), optInt(tot.Couriers), optInt(tot.Members), optInt(tot.CourierMembers))
		exp := fmt.Sprintf("enterprises=%d with=%d without=%d employees=%d couriers=%d members=%d courierMembers=%d",
			want.Enterprises, want.EnterprisesWithUnion, want.EnterprisesWithoutUnion,
			want.LatestEmployees, want.LatestCouriers, want.LatestMembers, want.LatestCourierMembers)
		if got != exp {
			t.Errorf("UnionCoverage(%s, latest) total:\n got %s\nwant %s", g, got, exp)
		}
		if want.EnterprisesWithUnion == 0 || want.LatestMembers == 0 {
			t.Fatalf("the tiny data set has no unionised enterprises or members: %+v", want)
		}
		// Each enterprise has one brand and is one enterprise, so those
		// groups add up to the total; a city group counts an enterprise in
		// each of its cities, so they add up to at least the total.
		sumEnts, sumWith := 0, 0
		for _, grp := range c.Groups {
			sumEnts += grp.Enterprises
			sumWith += grp.WithUnion
		}
		switch g {
		case dashboard.GroupByCity:
			if sumEnts < want.Enterprises || sumWith < want.EnterprisesWithUnion {
				t.Errorf("city groups add up to %d enterprises (%d with a union), fewer than the %d (%d)", sumEnts, sumWith, want.Enterprises, want.EnterprisesWithUnion)
			}
		default:
			if sumEnts != want.Enterprises || sumWith != want.EnterprisesWithUnion {
				t.Errorf("%s groups add up to %d enterprises (%d with a union), want %d (%d)", g, sumEnts, sumWith, want.Enterprises, want.EnterprisesWithUnion)
			}
		}
		if c.AsOf == nil || !c.AsOf.Equal(synth.BaseTime) {
			t.Errorf("UnionCoverage(%s) asOf %v, want %v", g, c.AsOf, synth.BaseTime)
		}
		noNaN(t, "synthetic coverage", c)
	}

	s, err := svc.Activities(ctx, dashboard.ActivitiesByKind, nil)
	if err != nil {
		t.Fatal(err)
	}
	unknown := 0
	for _, a := range ds.Activities {
		if a.ParticipantCount == nil {
			unknown++
		}
	}
	for _, g := range s.Groups {
		if n := want.ActivitiesByKind[domain.ActivityKind(g.Key)]; g.Activities != n {
			t.Errorf("Activities(KIND) %s: %d, want %d", g.Key, g.Activities, n)
		}
	}
	if s.Total.Activities != want.Activities || s.Total.Participants != want.Participants || s.Total.UnknownParticipants != unknown {
		t.Errorf("Activities(KIND) total: %d activities, %d participants, %d unknown; want %d, %d, %d",
			s.Total.Activities, s.Total.Participants, s.Total.UnknownParticipants, want.Activities, want.Participants, unknown)
	}
	for _, g := range []dashboard.ActivityGroup{dashboard.ActivitiesByMonth, dashboard.ActivitiesByCity, dashboard.ActivitiesByOrganiser, dashboard.ActivitiesByTask} {
		other, err := svc.Activities(ctx, g, nil)
		if err != nil {
			t.Fatal(err)
		}
		sumN, sumP := 0, 0
		for _, b := range other.Groups {
			sumN += b.Activities
			sumP += b.Participants
		}
		if *other.Total != *s.Total || sumN != want.Activities || sumP != want.Participants {
			t.Errorf("Activities(%s): total %+v, groups add up to %d and %d; want %d and %d", g, *other.Total, sumN, sumP, want.Activities, want.Participants)
		}
	}

	m, err := svc.Meetings(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, c := range m.ByYearKind {
		sum += c.Meetings
	}
	if m.Meetings != want.Meetings || sum != want.Meetings {
		t.Errorf("Meetings: %d, by year and kind %d; want %d", m.Meetings, sum, want.Meetings)
	}
	tasks := 0
	for _, id := range []string{"syn-plan-0001", "syn-plan-0002"} {
		p, err := svc.PlanProgress(ctx, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		tasks += p.Tasks
	}
	if tasks != want.Tasks {
		t.Errorf("the plans have %d tasks, want %d", tasks, want.Tasks)
	}
}

// calls are the calls whose database commands are counted, with the counts
// their doc comments give.
var calls = []struct {
	name string
	call func(*dashboard.Service) error
	want map[string]int
}{
	{"PlanProgress", func(s *dashboard.Service) error {
		_, err := s.PlanProgress(context.Background(), "syn-plan-0002", &dashboard.Period{From: date(2026, 1, 1), To: date(2026, 6, 30)})
		return err
	}, map[string]int{"find": 2, "aggregate": 1}},
	{"UnionCoverage", func(s *dashboard.Service) error {
		_, err := s.UnionCoverage(context.Background(), dashboard.GroupByCity, "")
		return err
	}, map[string]int{"find": 3}},
	{"UnionCoverage/period", func(s *dashboard.Service) error {
		_, err := s.UnionCoverage(context.Background(), dashboard.GroupByEnterprise, "2026-08")
		return err
	}, map[string]int{"find": 3}},
	{"CoverageTrend", func(s *dashboard.Service) error {
		_, err := s.CoverageTrend(context.Background(), dashboard.GroupByBrand, "2025-11", "2026-10")
		return err
	}, map[string]int{"find": 3}},
	{"UnionGrowth", func(s *dashboard.Service) error {
		_, err := s.UnionGrowth(context.Background(), date(2026, 1, 1), date(2026, 9, 30))
		return err
	}, map[string]int{"find": 2}},
	{"Activities/KIND", func(s *dashboard.Service) error {
		_, err := s.Activities(context.Background(), dashboard.ActivitiesByKind, nil)
		return err
	}, map[string]int{"aggregate": 1, "find": 1}},
	{"Activities/MONTH", func(s *dashboard.Service) error {
		_, err := s.Activities(context.Background(), dashboard.ActivitiesByMonth, &dashboard.Period{From: date(2025, 1, 1), To: date(2026, 12, 31)})
		return err
	}, map[string]int{"aggregate": 1, "find": 1}},
	{"Activities/CITY", func(s *dashboard.Service) error {
		_, err := s.Activities(context.Background(), dashboard.ActivitiesByCity, nil)
		return err
	}, map[string]int{"aggregate": 1, "find": 1}},
	{"Activities/ORGANISER", func(s *dashboard.Service) error {
		_, err := s.Activities(context.Background(), dashboard.ActivitiesByOrganiser, nil)
		return err
	}, map[string]int{"aggregate": 1, "find": 1}},
	{"Activities/TASK", func(s *dashboard.Service) error {
		_, err := s.Activities(context.Background(), dashboard.ActivitiesByTask, nil)
		return err
	}, map[string]int{"aggregate": 1, "find": 2}},
	{"Meetings", func(s *dashboard.Service) error {
		_, err := s.Meetings(context.Background(), nil)
		return err
	}, map[string]int{"find": 2}},
}

// TestRoundTrips counts the commands each call sends, on the tiny and the
// province-scale data sets: they are what the doc comments say, and the
// same for both.
func TestRoundTrips(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the province-scale data set")
	}
	tinyCmds := &storetest.Commands{}
	tiny, _ := tinyStore(t, tinyCmds)
	prov, provCmds := provinceStore(t)
	for _, c := range calls {
		for _, run := range []struct {
			scale string
			st    *store.Store
			cmds  *storetest.Commands
		}{{"tiny", tiny, tinyCmds}, {"province", prov, provCmds}} {
			svc := dashboard.New(run.st)
			svc.Now = func() time.Time { return fixed }
			run.cmds.Start()
			err := c.call(svc)
			got := run.cmds.Stop()
			if err != nil {
				t.Fatalf("%s on %s: %v", c.name, run.scale, err)
			}
			if !maps.Equal(got, c.want) {
				t.Errorf("%s on %s sent %v, want %v", c.name, run.scale, got, c.want)
			}
		}
	}
}

// TestRoundTripsShortcuts: the calls that skip a step say so — a plan
// without tasks needs no progress-update aggregate, meetings that name no
// enterprise no enterprise look-up.
func TestRoundTripsShortcuts(t *testing.T) {
	cmds := &storetest.Commands{}
	st := db.Open(t, cmds.Monitor())
	if _, err := st.Load(context.Background(), fixture()); err != nil {
		t.Fatal(err)
	}
	svc := dashboard.New(st)
	ctx := context.Background()
	cmds.Start()
	if _, err := svc.PlanProgress(ctx, "plan-3", nil); err != nil {
		t.Fatal(err)
	}
	if got := cmds.Stop(); !maps.Equal(got, map[string]int{"find": 2}) {
		t.Errorf("PlanProgress of a plan without tasks sent %v, want 2 finds", got)
	}
	cmds.Start()
	if _, err := svc.Meetings(ctx, &dashboard.Period{From: date(2027, 1, 1), To: date(2027, 12, 31)}); err != nil {
		t.Fatal(err)
	}
	if got := cmds.Stop(); !maps.Equal(got, map[string]int{"find": 1}) {
		t.Errorf("Meetings naming no enterprise sent %v, want 1 find", got)
	}
}

func TestBadInput(t *testing.T) {
	svc := dashboard.New(db.Open(t, nil))
	ctx := context.Background()
	for name, err := range map[string]error{
		"coverage groupBy": func() error { _, err := svc.UnionCoverage(ctx, "REGION", ""); return err }(),
		"coverage period":  func() error { _, err := svc.UnionCoverage(ctx, dashboard.GroupByCity, "2026-13"); return err }(),
		"trend reversed": func() error {
			_, err := svc.CoverageTrend(ctx, dashboard.GroupByCity, "2026-05", "2026-02")
			return err
		}(),
		"trend too long": func() error {
			_, err := svc.CoverageTrend(ctx, dashboard.GroupByCity, "2000-01", "2026-02")
			return err
		}(),
		"growth open": func() error { _, err := svc.UnionGrowth(ctx, time.Time{}, date(2026, 1, 1)); return err }(),
		"activities period": func() error {
			_, err := svc.Activities(ctx, dashboard.ActivitiesByKind, &dashboard.Period{From: date(2026, 2, 1), To: date(2026, 1, 1)})
			return err
		}(),
		"meetings period": func() error {
			_, err := svc.Meetings(ctx, &dashboard.Period{From: date(2026, 2, 1), To: date(2026, 1, 1)})
			return err
		}(),
	} {
		if domain.CodeOf(err) != domain.CodeBadUserInput {
			t.Errorf("%s: %v, want BAD_USER_INPUT", name, err)
		}
	}
}
