package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"sanfang/internal/domain"
	"sanfang/internal/seed"
)

func TestParseScale(t *testing.T) {
	for _, sc := range Scales {
		got, err := ParseScale(" " + strings.ToUpper(string(sc)) + " ")
		if err != nil || got != sc {
			t.Errorf("ParseScale(%q) = %q, %v; want %q", sc, got, err, sc)
		}
	}
	_, err := ParseScale("huge")
	if err == nil {
		t.Fatal("ParseScale(huge) gave no error")
	}
	for _, sc := range Scales {
		if !strings.Contains(err.Error(), string(sc)) {
			t.Errorf("error %q does not list scale %q", err, sc)
		}
	}
	if _, err := Generate(1, "huge"); err == nil {
		t.Error("Generate with an unknown scale gave no error")
	}
}

func TestDeterministic(t *testing.T) {
	for _, sc := range Scales {
		a, err := Generate(7, sc)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Generate(7, sc)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two data sets from seed 7 differ", sc)
		}
		ja, jb := mustJSON(t, a), mustJSON(t, b)
		if !bytes.Equal(ja, jb) {
			t.Errorf("%s: the JSON of two data sets from seed 7 differs", sc)
		}
		c, err := Generate(8, sc)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(ja, mustJSON(t, c)) {
			t.Errorf("%s: seeds 7 and 8 give the same data", sc)
		}
	}
}

// ranges are the counts each scale documents, as [min, max].
var ranges = map[Scale]map[string][2]int{
	Tiny: {
		"enterprises": {50, 70}, "unions": {100, 140}, "figures": {90, 240}, "periods": {6, 6},
		"plans": {2, 2}, "tasks": {20, 20}, "activities": {100, 100}, "meetings": {10, 10}, "people": {20, 40},
	},
	Province: {
		"enterprises": {350, 450}, "unions": {1800, 2200}, "figures": {2000, 4500}, "periods": {12, 12},
		"plans": {2, 3}, "tasks": {50, 70}, "activities": {900, 1100}, "meetings": {35, 45}, "people": {180, 220},
	},
}

func TestScales(t *testing.T) {
	for _, sc := range Scales {
		for s := uint64(1); s <= 3; s++ {
			t.Run(fmt.Sprintf("%s/%d", sc, s), func(t *testing.T) {
				ds, err := Generate(s, sc)
				if err != nil {
					t.Fatal(err)
				}
				if err := ds.Validate(); err != nil {
					t.Fatalf("Validate: %v", err)
				}
				checkCounts(t, sc, ds)
				checkMarked(t, fmt.Sprintf("synth:%s:%d", sc, s), ds)
				checkEnterprisesAndUnions(t, ds)
				checkFigures(t, ds)
				checkPlans(t, ds)
				if bytes.Contains(mustJSON(t, ds), []byte("null")) {
					t.Error("the JSON has a null: some array is nil")
				}
			})
		}
	}
}

func checkCounts(t *testing.T, sc Scale, ds *seed.Dataset) {
	t.Helper()
	periods := map[string]bool{}
	for _, f := range ds.Figures {
		periods[f.Period] = true
	}
	got := map[string]int{
		"enterprises": len(ds.Enterprises), "unions": len(ds.Unions), "figures": len(ds.Figures), "periods": len(periods),
		"plans": len(ds.Plans), "tasks": len(ds.Tasks), "activities": len(ds.Activities), "meetings": len(ds.Meetings), "people": len(ds.People),
	}
	for name, r := range ranges[sc] {
		if got[name] < r[0] || got[name] > r[1] {
			t.Errorf("%d %s, want %d-%d", got[name], name, r[0], r[1])
		}
	}
	tot := Summarise(ds)
	if tot.Bodies != 4 || tot.RegionalFederations != len(domain.Regions) {
		t.Errorf("%d bodies and %d regional federations, want 4 and %d", tot.Bodies, tot.RegionalFederations, len(domain.Regions))
	}
	if n := len(ds.Enterprises); tot.Memberships*10 < n*6 || tot.Memberships*10 > n*8 {
		t.Errorf("%d memberships for %d enterprises, want about 70%%", tot.Memberships, n)
	}
	if n := len(ds.Enterprises); tot.EnterprisesWithUnion*10 < n*7 || tot.EnterprisesWithUnion*10 > n*9 || tot.EnterprisesWithoutUnion == 0 {
		t.Errorf("%d of %d enterprises have a union, want about 80%%", tot.EnterprisesWithUnion, n)
	}
	for _, k := range []domain.ActivityKind{domain.ActivityLabourCompetition, domain.ActivitySkillsTraining, domain.ActivityCareService, domain.ActivityRightsProtection} {
		if tot.ActivitiesByKind[k] == 0 {
			t.Errorf("no activity of kind %s", k)
		}
	}
}

// checkMarked checks every record is marked synthetic, except the four real bodies.
func checkMarked(t *testing.T, source string, ds *seed.Dataset) {
	t.Helper()
	if len(ds.Bodies) != 4 {
		t.Fatalf("%d bodies, want 4", len(ds.Bodies))
	}
	for i, b := range ds.Bodies {
		if b.ID != string(domain.BodyCodes[i]) || b.Provenance.Basis != domain.BasisStated || strings.HasPrefix(b.Name, Prefix) {
			t.Errorf("body %d: %+v, want the real %s body, basis STATED", i, b, domain.BodyCodes[i])
		}
	}
	if ds.Bodies[1].ParentID == nil || *ds.Bodies[1].ParentID != string(domain.BodyFederation) {
		t.Error("UNION's parent is not FEDERATION")
	}
	type rec struct {
		id, name string
		r        domain.Record
	}
	var all []rec
	for _, x := range ds.People {
		all = append(all, rec{x.ID, x.Name, x.Record})
	}
	for _, x := range ds.Enterprises {
		all = append(all, rec{x.ID, x.Name, x.Record})
	}
	for _, x := range ds.Memberships {
		all = append(all, rec{x.ID, Prefix, x.Record})
	}
	for _, x := range ds.Unions {
		all = append(all, rec{x.ID, x.Name, x.Record})
	}
	for _, x := range ds.Figures {
		all = append(all, rec{x.ID, Prefix, x.Record})
	}
	for _, x := range ds.Meetings {
		all = append(all, rec{x.ID, x.Title, x.Record})
	}
	for _, x := range ds.Plans {
		all = append(all, rec{x.ID, x.Title, x.Record})
	}
	for _, x := range ds.Tasks {
		all = append(all, rec{x.ID, x.Title, x.Record})
	}
	for _, x := range ds.ProgressUpdates {
		all = append(all, rec{x.ID, x.Text, x.Record})
	}
	for _, x := range ds.Activities {
		all = append(all, rec{x.ID, x.Title, x.Record})
	}
	for _, x := range all {
		if !strings.HasPrefix(x.id, "syn-") || !strings.HasPrefix(x.name, Prefix) {
			t.Errorf("%s %q is not marked synthetic", x.id, x.name)
		}
		p := x.r.Provenance
		if p.Basis != domain.BasisSynthetic || p.Source != source || x.r.Version != 1 || !x.r.CreatedAt.Equal(BaseTime) {
			t.Errorf("%s: record %+v, want basis SYNTHETIC, source %s, version 1, created %v", x.id, x.r, source, BaseTime)
		}
	}
}

func checkEnterprisesAndUnions(t *testing.T, ds *seed.Dataset) {
	t.Helper()
	codes := map[string]bool{}
	for _, e := range ds.Enterprises {
		if e.CreditCode == nil {
			t.Errorf("%s has no credit code", e.ID)
			continue
		}
		c := *e.CreditCode
		if err := domain.ValidateCreditCode(c); err != nil {
			t.Errorf("%s: credit code %s: %v", e.ID, c, err)
		}
		if !strings.HasPrefix(c, "91"+e.RegionCodes[0]) {
			t.Errorf("%s: credit code %s does not start 91%s", e.ID, c, e.RegionCodes[0])
		}
		if codes[c] {
			t.Errorf("credit code %s is used twice", c)
		}
		codes[c] = true
		if len(e.RegionCodes) < 1 || len(e.RegionCodes) > 2 {
			t.Errorf("%s has %d regions", e.ID, len(e.RegionCodes))
		}
		if *e.Couriers > *e.Employees || *e.Outlets < 1 || e.NameKey == "" {
			t.Errorf("%s: figures or name key wrong: %+v", e.ID, e)
		}
	}
	unions := map[string]domain.Union{}
	for _, u := range ds.Unions {
		unions[u.ID] = u
	}
	ents := map[string]domain.Enterprise{}
	for _, e := range ds.Enterprises {
		ents[e.ID] = e
	}
	for _, u := range ds.Unions {
		if u.FoundedOn == nil || u.NameKey == "" || len(u.RegionCodes) != 1 {
			t.Errorf("%s: missing founding date, name key or its one region", u.ID)
			continue
		}
		if u.Kind == domain.UnionRegionalFederation {
			continue
		}
		e, ok := ents[deref2(u.EnterpriseID)]
		if !ok {
			t.Errorf("%s: enterprise union without an enterprise", u.ID)
			continue
		}
		parent, ok := unions[deref2(u.ParentID)]
		if !ok || parent.Kind != domain.UnionRegionalFederation || parent.RegionCodes[0] != u.RegionCodes[0] {
			t.Errorf("%s: parent %v is not its city's regional federation", u.ID, u.ParentID)
		}
		if !contains(e.RegionCodes, u.RegionCodes[0]) {
			t.Errorf("%s: region %s is not one of its enterprise's", u.ID, u.RegionCodes[0])
		}
		if u.FoundedOn.Before(*parent.FoundedOn) {
			t.Errorf("%s: founded before its parent", u.ID)
		}
	}
}

func checkFigures(t *testing.T, ds *seed.Dataset) {
	t.Helper()
	seen := map[string]bool{}
	last := map[string]domain.MembershipFigures{}
	for _, f := range ds.Figures {
		key := f.UnionID + " " + f.Period
		if seen[key] {
			t.Errorf("two figures for union %s in %s", f.UnionID, f.Period)
		}
		seen[key] = true
		if f.Employees == nil || f.Couriers == nil || f.Members == nil || f.CourierMembers == nil {
			t.Errorf("%s: a figure is missing", f.ID)
			continue
		}
		e, c, m, cm := *f.Employees, *f.Couriers, *f.Members, *f.CourierMembers
		if m < 0 || cm < 0 || m > e || cm > c || c > e || cm > m {
			t.Errorf("%s: employees %d couriers %d members %d courier members %d", f.ID, e, c, m, cm)
		}
		if prev, ok := last[f.UnionID]; ok {
			if f.Period != nextMonth(prev.Period) {
				t.Errorf("%s: period %s does not follow %s", f.ID, f.Period, prev.Period)
			}
			if m < *prev.Members || cm < *prev.CourierMembers {
				t.Errorf("%s: members fell from %d to %d", f.ID, *prev.Members, m)
			}
		}
		last[f.UnionID] = f
	}
}

func nextMonth(p string) string {
	var y, m int
	fmt.Sscanf(p, "%d-%d", &y, &m)
	if m == 12 {
		return fmt.Sprintf("%04d-01", y+1)
	}
	return fmt.Sprintf("%04d-%02d", y, m+1)
}

func checkPlans(t *testing.T, ds *seed.Dataset) {
	t.Helper()
	statuses := map[domain.TaskStatus]int{}
	for _, task := range ds.Tasks {
		statuses[task.Status]++
		switch {
		case task.Status == domain.TaskDone && task.Progress != 100,
			task.Status == domain.TaskNotStarted && task.Progress != 0,
			task.Progress < 0 || task.Progress > 100:
			t.Errorf("%s: status %s with progress %d", task.ID, task.Status, task.Progress)
		}
		if !contains(parties, task.LeadBodyID) || contains(task.SupportingBodyIDs, task.LeadBodyID) {
			t.Errorf("%s: lead %s, supporting %v", task.ID, task.LeadBodyID, task.SupportingBodyIDs)
		}
		var updates []domain.ProgressUpdate
		for _, u := range ds.ProgressUpdates {
			if u.TaskID == task.ID {
				updates = append(updates, u)
			}
		}
		if task.Status != domain.TaskNotStarted && len(updates) == 0 {
			t.Errorf("%s: %s but no progress updates", task.ID, task.Status)
		}
		for i, u := range updates {
			if i > 0 && (u.Progress <= updates[i-1].Progress || !u.ReportedAt.After(updates[i-1].ReportedAt)) {
				t.Errorf("%s: update %s does not follow %s", task.ID, u.ID, updates[i-1].ID)
			}
			if i == len(updates)-1 && (u.Progress != task.Progress || u.Status != task.Status) {
				t.Errorf("%s: last update %d %s, task %d %s", task.ID, u.Progress, u.Status, task.Progress, task.Status)
			}
		}
	}
	for _, st := range []domain.TaskStatus{domain.TaskDone, domain.TaskInProgress} {
		if statuses[st] == 0 {
			t.Errorf("no task is %s", st)
		}
	}
	for _, p := range ds.Plans {
		if !reflect.DeepEqual(p.BodyIDs, parties) || p.AdoptedAtMeetingID == nil {
			t.Errorf("%s: parties %v, adopted at %v", p.ID, p.BodyIDs, p.AdoptedAtMeetingID)
		}
	}
	for _, a := range ds.Activities {
		if a.Date.Before(firstDay) || a.Date.After(lastDay) {
			t.Errorf("%s: date %v outside 2025-2026", a.ID, a.Date)
		}
	}
}

func TestSummarise(t *testing.T) {
	ent := func(id string) domain.Enterprise { return domain.Enterprise{ID: id} }
	union := func(id string, kind domain.UnionKind, ent string) domain.Union {
		u := domain.Union{ID: id, Kind: kind}
		if ent != "" {
			u.EnterpriseID = &ent
		}
		return u
	}
	fig := func(union, period string, members, couriers int) domain.MembershipFigures {
		return domain.MembershipFigures{UnionID: union, Period: period, Members: &members, Couriers: &couriers}
	}
	act := func(kind domain.ActivityKind, n *int) domain.Activity {
		return domain.Activity{Kind: kind, ParticipantCount: n}
	}
	ds := &seed.Dataset{
		Bodies:      []domain.Body{{ID: "UNION"}},
		Enterprises: []domain.Enterprise{ent("a"), ent("b"), ent("c")},
		Unions: []domain.Union{
			union("f", domain.UnionRegionalFederation, ""),
			union("ua1", domain.UnionEnterprise, "a"),
			union("ua2", domain.UnionEnterprise, "a"),
			union("uc", domain.UnionEnterprise, "c"),
		},
		Figures: []domain.MembershipFigures{
			fig("ua1", "2026-02", 7, 9), // latest for ua1
			fig("ua1", "2025-12", 5, 8),
			fig("ua1", "2026-01", 6, 8),
			fig("uc", "2026-01", 3, 4), // latest for uc
			{UnionID: "ua2", Period: "2026-01"},
		},
		Activities: []domain.Activity{
			act(domain.ActivityCareService, ptr(10)),
			act(domain.ActivityCareService, nil),
			act(domain.ActivitySkillsTraining, ptr(25)),
		},
	}
	want := Totals{
		Bodies: 1, Enterprises: 3, Unions: 4, Figures: 5, Activities: 3,
		EnterpriseUnions: 3, RegionalFederations: 1,
		EnterprisesWithUnion: 2, EnterprisesWithoutUnion: 1,
		LatestMembers: 10, LatestCouriers: 13,
		ActivitiesByKind: map[domain.ActivityKind]int{domain.ActivityCareService: 2, domain.ActivitySkillsTraining: 1},
		Participants:     35,
	}
	if got := Summarise(ds); !reflect.DeepEqual(got, want) {
		t.Errorf("Summarise =\n%+v\nwant\n%+v", got, want)
	}
}

func BenchmarkGenerateProvince(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(1, Province); err != nil {
			b.Fatal(err)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func deref2(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
