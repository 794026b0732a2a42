package seed

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"sanfang/internal/domain"
)

func load(t *testing.T) *Dataset {
	t.Helper()
	d, err := JointMeeting()
	if err != nil {
		t.Fatalf("JointMeeting() error: %v", err)
	}
	return d
}

func ptr[T any](v T) *T { return &v }

func TestJointMeetingDecodesAndValidates(t *testing.T) {
	d := load(t)
	if err := d.Validate(); err != nil {
		t.Fatalf("Validate() on the joint meeting data set:\n%v", err)
	}
}

func TestJointMeetingCounts(t *testing.T) {
	d := load(t)
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"bodies", len(d.Bodies), 4},
		{"people", len(d.People), 5},
		{"enterprises", len(d.Enterprises), 8},
		{"unions", len(d.Unions), 8},
		{"meetings", len(d.Meetings), 1},
		{"plans", len(d.Plans), 1},
		{"tasks", len(d.Tasks), 10},
		// The article states none of these.
		{"memberships", len(d.Memberships), 0},
		{"figures", len(d.Figures), 0},
		{"progressUpdates", len(d.ProgressUpdates), 0},
		{"activities", len(d.Activities), 0},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, c.got, c.want)
		}
	}
}

// TestJSONHasNoNulls checks that empty arrays are written [] and that no
// field is written null.
func TestJSONHasNoNulls(t *testing.T) {
	var doc any
	if err := json.Unmarshal(jointMeetingJSON, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case nil:
			t.Errorf("%s is null", path)
		case map[string]any:
			for k, e := range v {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("$", doc)
}

func TestDecodeIsStrict(t *testing.T) {
	if _, err := decode([]byte(`{"bodies": [], "surprise": 1}`)); err == nil || !strings.Contains(err.Error(), "surprise") {
		t.Errorf("unknown field: got %v, want an error naming it", err)
	}
	if _, err := decode([]byte(`{"bodies": []} {}`)); err == nil {
		t.Error("trailing document: got nil error")
	}
	if _, err := decode([]byte(`{"bodies": []}` + "\n")); err != nil {
		t.Errorf("trailing newline: %v", err)
	}
}

func TestJointMeetingFillsNameKeys(t *testing.T) {
	d := load(t)
	for _, p := range d.People {
		if p.NameKey != domain.NameKey(p.Name) {
			t.Errorf("person %s: nameKey not filled", p.ID)
		}
	}
	for _, e := range d.Enterprises {
		if e.NameKey != domain.NameKey(e.Name) {
			t.Errorf("enterprise %s: nameKey not filled", e.ID)
		}
	}
	for _, u := range d.Unions {
		if u.NameKey != domain.NameKey(u.Name) {
			t.Errorf("union %s: nameKey not filled", u.ID)
		}
	}
}

func TestJointMeetingRecords(t *testing.T) {
	d := load(t)
	publishedOn := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	check := func(what string, r domain.Record) {
		t.Helper()
		if r.Version != 1 || !r.CreatedAt.Equal(publishedOn) || !r.UpdatedAt.Equal(publishedOn) {
			t.Errorf("%s: version %d, createdAt %v, updatedAt %v; want 1 and the publication date", what, r.Version, r.CreatedAt, r.UpdatedAt)
		}
		if r.Provenance.Source != "joint-meeting-2025-12-30" {
			t.Errorf("%s: provenance source %q", what, r.Provenance.Source)
		}
	}
	for _, x := range d.Bodies {
		check(x.ID, x.Record)
	}
	for _, x := range d.People {
		check(x.ID, x.Record)
	}
	for _, x := range d.Enterprises {
		check(x.ID, x.Record)
	}
	for _, x := range d.Unions {
		check(x.ID, x.Record)
	}
	for _, x := range d.Meetings {
		check(x.ID, x.Record)
	}
	for _, x := range d.Plans {
		check(x.ID, x.Record)
	}
	for _, x := range d.Tasks {
		check(x.ID, x.Record)
	}
}

func TestBodies(t *testing.T) {
	d := load(t)
	kinds := map[string]domain.BodyKind{}
	for _, b := range d.Bodies {
		kinds[b.ID] = b.Kind
		if b.ID == "UNION" && (b.ParentID == nil || *b.ParentID != "FEDERATION") {
			t.Errorf("UNION's parentId = %v, want FEDERATION", b.ParentID)
		}
	}
	want := map[string]domain.BodyKind{
		"POSTAL":      domain.BodyKindRegulator,
		"UNION":       domain.BodyKindTradeUnion,
		"ASSOCIATION": domain.BodyKindIndustryAssociation,
		"FEDERATION":  domain.BodyKindUnionFederation,
	}
	if !maps.Equal(kinds, want) {
		t.Errorf("body kinds = %v, want %v", kinds, want)
	}
}

func TestYangXiaolanHoldsTitlesInTwoBodies(t *testing.T) {
	d := load(t)
	for _, p := range d.People {
		if p.Name == "杨晓兰" {
			if got := p.BodyIDs(); !slices.Equal(got, []string{"FEDERATION", "UNION"}) {
				t.Errorf("杨晓兰's bodies = %v, want [FEDERATION UNION]", got)
			}
			return
		}
	}
	t.Fatal("杨晓兰 not found")
}

func meetingOf(t *testing.T, d *Dataset) domain.Meeting {
	t.Helper()
	if len(d.Meetings) != 1 {
		t.Fatalf("%d meetings, want 1", len(d.Meetings))
	}
	return d.Meetings[0]
}

func names(d *Dataset) (people, enterprises map[string]string) {
	people, enterprises = map[string]string{}, map[string]string{}
	for _, p := range d.People {
		people[p.ID] = p.Name
	}
	for _, e := range d.Enterprises {
		enterprises[e.ID] = e.Name
	}
	return people, enterprises
}

func TestMeeting(t *testing.T) {
	d := load(t)
	m := meetingOf(t, d)
	people, _ := names(d)
	if m.Kind != domain.MeetingTripartiteJoint || m.Sequence == nil || *m.Sequence != 2 {
		t.Errorf("kind %s, sequence %v; want TRIPARTITE_JOINT, 2", m.Kind, m.Sequence)
	}
	if m.Title != "山西省邮政管理局、省信息业工会、省快递协会第二次联席会议" {
		t.Errorf("title %q", m.Title)
	}
	if !m.Date.Equal(time.Date(2025, 12, 30, 0, 0, 0, 0, time.UTC)) || m.TimeOfDay == nil || *m.TimeOfDay != "下午" {
		t.Errorf("date %v, timeOfDay %v", m.Date, m.TimeOfDay)
	}
	if m.Place != nil || m.StartsAt != nil {
		t.Error("place or startsAt set, but the article states neither")
	}
	if !slices.Equal(m.HostBodyIDs, []string{"POSTAL", "UNION", "ASSOCIATION"}) {
		t.Errorf("hostBodyIds %v", m.HostBodyIDs)
	}
	if m.ChairID == nil || people[*m.ChairID] != "李建斌" {
		t.Errorf("chair %v, want 李建斌", m.ChairID)
	}
	var chairs []string
	for _, p := range m.Participants {
		if p.Role == domain.RoleChaired && p.PersonID != nil {
			chairs = append(chairs, people[*p.PersonID])
		}
		if p.Provenance.Basis != domain.BasisStated || p.Provenance.Source != "joint-meeting-2025-12-30" {
			t.Errorf("participant %+v: provenance %+v", p, p.Provenance)
		}
	}
	if !slices.Equal(chairs, []string{"李建斌"}) {
		t.Errorf("CHAIRED participants %v, want [李建斌]", chairs)
	}
	if len(m.Agenda) != 2 {
		t.Errorf("%d agenda items, want 2", len(m.Agenda))
	}
	var planDecisions int
	for _, dec := range m.Decisions {
		if dec.PlanID != nil && *dec.PlanID == "plan-2026" {
			planDecisions++
		}
	}
	if planDecisions != 1 {
		t.Errorf("%d decisions adopt plan-2026, want 1", planDecisions)
	}
	if m.Source == nil || m.Source.Publisher != "山西省快递协会" || m.Source.PublishedOn == nil ||
		!m.Source.PublishedOn.Equal(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)) || m.Source.URL != nil {
		t.Errorf("source %+v", m.Source)
	}
}

func TestSpeakers(t *testing.T) {
	d := load(t)
	m := meetingOf(t, d)
	people, _ := names(d)
	got := map[string]string{}
	for _, p := range m.Participants {
		if p.Role != domain.RoleSpoke {
			continue
		}
		if p.PersonID == nil || p.BodyID == nil {
			t.Errorf("SPOKE participant without person or body: %+v", p)
			continue
		}
		got[people[*p.PersonID]] = *p.BodyID
	}
	want := map[string]string{"梁敬华": "FEDERATION", "董刚": "POSTAL", "杨晓兰": "UNION", "田笃": "ASSOCIATION"}
	if !maps.Equal(got, want) {
		t.Errorf("SPOKE people and bodies = %v, want %v", got, want)
	}

	kinds := map[string]domain.SpeechKind{}
	for _, s := range m.Speeches {
		if s.SpeakerID != nil {
			kinds[people[*s.SpeakerID]] = s.Kind
		}
	}
	wantKinds := map[string]domain.SpeechKind{
		"梁敬华": domain.SpeechAddress, "董刚": domain.SpeechAddress,
		"杨晓兰": domain.SpeechRemarks, "田笃": domain.SpeechRemarks,
	}
	if !maps.Equal(kinds, wantKinds) {
		t.Errorf("speech kinds = %v, want %v", kinds, wantKinds)
	}
}

func TestAttendingEnterpriseUnions(t *testing.T) {
	d := load(t)
	m := meetingOf(t, d)
	unionEnterprise := map[string]string{}
	for _, u := range d.Unions {
		if u.Kind != domain.UnionEnterprise || u.EnterpriseID == nil {
			t.Errorf("union %s: kind %s, enterpriseId %v", u.ID, u.Kind, u.EnterpriseID)
			continue
		}
		unionEnterprise[u.ID] = *u.EnterpriseID
		if !strings.Contains(u.Provenance.Note, "INFERRED") {
			t.Errorf("union %s: name not marked INFERRED in provenance note", u.ID)
		}
	}
	seen := map[string]bool{}
	for _, p := range m.Participants {
		if p.Role != domain.RoleAttended || p.UnionID == nil {
			continue
		}
		if p.PersonID != nil || p.EnterpriseID == nil || p.Capacity == nil || *p.Capacity != "工会负责人" {
			t.Errorf("union participant %+v: want no person, an enterprise and capacity 工会负责人", p)
			continue
		}
		if unionEnterprise[*p.UnionID] != *p.EnterpriseID {
			t.Errorf("participant union %s belongs to %s, not %s", *p.UnionID, unionEnterprise[*p.UnionID], *p.EnterpriseID)
		}
		seen[*p.EnterpriseID] = true
	}
	if len(seen) != 8 {
		t.Errorf("%d distinct enterprises among attending unions, want 8", len(seen))
	}
}

func TestDepartmentHeadsAttend(t *testing.T) {
	m := meetingOf(t, load(t))
	var bodies []string
	for _, p := range m.Participants {
		if p.Capacity != nil && *p.Capacity == "有关部门负责人" {
			if p.Role != domain.RoleAttended || p.BodyID == nil || p.PersonID != nil {
				t.Errorf("department heads participant %+v", p)
				continue
			}
			bodies = append(bodies, *p.BodyID)
		}
	}
	slices.Sort(bodies)
	if want := []string{"ASSOCIATION", "FEDERATION", "POSTAL", "UNION"}; !slices.Equal(bodies, want) {
		t.Errorf("department heads from %v, want %v", bodies, want)
	}
}

func TestExchangeSpeeches(t *testing.T) {
	d := load(t)
	m := meetingOf(t, d)
	_, enterprises := names(d)
	var got []string
	for _, s := range m.Speeches {
		if s.Kind != domain.SpeechExchange {
			continue
		}
		if s.UnionID == nil || s.EnterpriseID == nil || s.SpeakerID != nil || s.Summary != nil {
			t.Errorf("exchange speech %+v: want union and enterprise, no speaker, no summary", s)
			continue
		}
		got = append(got, enterprises[*s.EnterpriseID])
	}
	slices.Sort(got)
	want := []string{"山西邮政", "山西顺丰", "山西中通", "山西韵达"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("exchange speeches by %v, want %v", got, want)
	}
}

func TestPlanAndTasks(t *testing.T) {
	d := load(t)
	p := d.Plans[0]
	if p.ID != "plan-2026" || p.Year != 2026 || p.Status != domain.PlanAdopted ||
		p.AdoptedAtMeetingID == nil || *p.AdoptedAtMeetingID != d.Meetings[0].ID || p.WeightedProgress {
		t.Errorf("plan %+v", p)
	}
	numbers := map[int]bool{}
	for _, task := range d.Tasks {
		if task.Provenance.Basis != domain.BasisInferred {
			t.Errorf("task %s: basis %s, want INFERRED", task.ID, task.Provenance.Basis)
		}
		if task.Provenance.Note == "" {
			t.Errorf("task %s: no note explaining the inference", task.ID)
		}
		if task.PlanID != "plan-2026" || task.Status != domain.TaskNotStarted || task.Progress != 0 || task.DueOn != nil {
			t.Errorf("task %s: %+v", task.ID, task)
		}
		if task.Milestones == nil || task.EnterpriseIDs == nil || task.UnionIDs == nil || task.SupportingBodyIDs == nil {
			t.Errorf("task %s: nil array", task.ID)
		}
		if slices.Contains(task.SupportingBodyIDs, task.LeadBodyID) {
			t.Errorf("task %s: lead body %s also supporting", task.ID, task.LeadBodyID)
		}
		numbers[task.Number] = true
	}
	for n := 1; n <= 10; n++ {
		if !numbers[n] {
			t.Errorf("no task number %d", n)
		}
	}
}

func TestEnterprisesHaveNoInventedFacts(t *testing.T) {
	d := load(t)
	for _, e := range d.Enterprises {
		if e.CreditCode != nil || e.LegalName != nil {
			t.Errorf("%s: creditCode %v, legalName %v; the article gives neither", e.ID, e.CreditCode, e.LegalName)
		}
		if e.Outlets != nil || e.Couriers != nil || e.Employees != nil || e.FiguresAsOf != nil {
			t.Errorf("%s: has figures; the article gives none", e.ID)
		}
		if e.RegionCodes == nil || len(e.RegionCodes) != 0 {
			t.Errorf("%s: regionCodes %v, want []", e.ID, e.RegionCodes)
		}
	}
	for _, u := range d.Unions {
		if u.FoundedOn != nil || u.ChairID != nil {
			t.Errorf("%s: foundedOn or chair set; the article gives neither", u.ID)
		}
	}
	for _, p := range d.People {
		if p.Phone != nil || p.Email != nil {
			t.Errorf("%s: phone or email set; the article gives neither", p.ID)
		}
	}
}

func TestValidateCatchesBrokenReferences(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(d *Dataset)
		want   string // the error must contain this
	}{
		{"body parentId", func(d *Dataset) { d.Bodies[1].ParentID = ptr("NO-SUCH-BODY") }, `parentId "NO-SUCH-BODY"`},
		{"body code", func(d *Dataset) { d.Bodies[0].Code = "MINISTRY" }, `code "MINISTRY"`},
		{"body kind", func(d *Dataset) { d.Bodies[0].Kind = "CLUB" }, `kind "CLUB"`},
		{"person title bodyId", func(d *Dataset) { d.People[0].Titles[0].BodyID = "NO-SUCH-BODY" }, `titles.bodyId "NO-SUCH-BODY"`},
		{"duplicate person id", func(d *Dataset) { d.People[1].ID = d.People[0].ID }, `"person-liang-jinghua" is used more than once`},
		{"empty enterprise id", func(d *Dataset) { d.Enterprises[2].ID = "" }, "enterprises[2]: id is empty"},
		{"enterprise regionCode", func(d *Dataset) { d.Enterprises[0].RegionCodes = []string{"110000"} }, `regionCodes "110000"`},
		{"enterprise credit code", func(d *Dataset) { d.Enterprises[0].CreditCode = ptr("91350100M000100Y44") }, `creditCode "91350100M000100Y44"`},
		{"membership enterpriseId", func(d *Dataset) {
			d.Memberships = append(d.Memberships, domain.AssociationMembership{ID: "m1", EnterpriseID: "ent-nope", Level: domain.LevelMember, Record: d.Bodies[0].Record})
		}, `enterpriseId "ent-nope"`},
		{"membership level", func(d *Dataset) {
			d.Memberships = append(d.Memberships, domain.AssociationMembership{ID: "m1", EnterpriseID: "ent-sf", Level: "HONORARY", Record: d.Bodies[0].Record})
		}, `level "HONORARY"`},
		{"union enterpriseId", func(d *Dataset) { d.Unions[0].EnterpriseID = ptr("ent-nope") }, `enterpriseId "ent-nope"`},
		{"enterprise union without enterprise", func(d *Dataset) { d.Unions[0].EnterpriseID = nil }, "unions[union-chinapost]: an ENTERPRISE union needs an enterpriseId"},
		{"union parentId", func(d *Dataset) { d.Unions[0].ParentID = ptr("union-nope") }, `parentId "union-nope"`},
		{"union chairId", func(d *Dataset) { d.Unions[0].ChairID = ptr("person-nope") }, `chairId "person-nope"`},
		{"union regionCode", func(d *Dataset) { d.Unions[0].RegionCodes = []string{"149999"} }, `regionCodes "149999"`},
		{"figures unionId", func(d *Dataset) {
			d.Figures = append(d.Figures, domain.MembershipFigures{ID: "f1", UnionID: "union-nope", Period: "2026-01", Record: d.Bodies[0].Record})
		}, `unionId "union-nope"`},
		{"figures period", func(d *Dataset) {
			d.Figures = append(d.Figures, domain.MembershipFigures{ID: "f1", UnionID: "union-sf", Period: "2026-13", Record: d.Bodies[0].Record})
		}, `period "2026-13"`},
		{"meeting kind", func(d *Dataset) { d.Meetings[0].Kind = "PARTY" }, `kind "PARTY"`},
		{"meeting hostBodyIds", func(d *Dataset) { d.Meetings[0].HostBodyIDs[2] = "NO-SUCH-BODY" }, `hostBodyIds "NO-SUCH-BODY"`},
		{"meeting chairId", func(d *Dataset) { d.Meetings[0].ChairID = ptr("person-nope") }, `chairId "person-nope"`},
		{"participant personId", func(d *Dataset) { d.Meetings[0].Participants[0].PersonID = ptr("person-nope") }, `personId "person-nope"`},
		{"participant bodyId", func(d *Dataset) { d.Meetings[0].Participants[0].BodyID = ptr("NO-SUCH-BODY") }, `bodyId "NO-SUCH-BODY"`},
		{"participant enterpriseId", func(d *Dataset) { d.Meetings[0].Participants[5].EnterpriseID = ptr("ent-nope") }, `enterpriseId "ent-nope"`},
		{"participant unionId", func(d *Dataset) { d.Meetings[0].Participants[5].UnionID = ptr("union-nope") }, `unionId "union-nope"`},
		{"participant role", func(d *Dataset) { d.Meetings[0].Participants[0].Role = "SLEPT" }, `role "SLEPT"`},
		{"participant provenance", func(d *Dataset) { d.Meetings[0].Participants[0].Provenance.Basis = "RUMOUR" }, `provenance.basis "RUMOUR"`},
		{"speech speakerId", func(d *Dataset) { d.Meetings[0].Speeches[0].SpeakerID = ptr("person-nope") }, `speakerId "person-nope"`},
		{"speech bodyId", func(d *Dataset) { d.Meetings[0].Speeches[0].BodyID = ptr("NO-SUCH-BODY") }, `bodyId "NO-SUCH-BODY"`},
		{"speech unionId", func(d *Dataset) { d.Meetings[0].Speeches[4].UnionID = ptr("union-nope") }, `unionId "union-nope"`},
		{"speech enterpriseId", func(d *Dataset) { d.Meetings[0].Speeches[4].EnterpriseID = ptr("ent-nope") }, `enterpriseId "ent-nope"`},
		{"speech kind", func(d *Dataset) { d.Meetings[0].Speeches[0].Kind = "SONG" }, `kind "SONG"`},
		{"decision planId", func(d *Dataset) { d.Meetings[0].Decisions[0].PlanID = ptr("plan-nope") }, `planId "plan-nope"`},
		{"plan bodyIds", func(d *Dataset) { d.Plans[0].BodyIDs = append(d.Plans[0].BodyIDs, "NO-SUCH-BODY") }, `bodyIds "NO-SUCH-BODY"`},
		{"plan adoptedAtMeetingId", func(d *Dataset) { d.Plans[0].AdoptedAtMeetingID = ptr("meeting-nope") }, `adoptedAtMeetingId "meeting-nope"`},
		{"plan status", func(d *Dataset) { d.Plans[0].Status = "SHELVED" }, `status "SHELVED"`},
		{"plan provenance", func(d *Dataset) { d.Plans[0].Provenance.Basis = "" }, `plans[plan-2026]: provenance.basis ""`},
		{"task planId", func(d *Dataset) { d.Tasks[0].PlanID = "plan-nope" }, `planId "plan-nope"`},
		{"task leadBodyId", func(d *Dataset) { d.Tasks[0].LeadBodyID = "NO-SUCH-BODY" }, `leadBodyId "NO-SUCH-BODY"`},
		{"task supportingBodyIds", func(d *Dataset) { d.Tasks[0].SupportingBodyIDs[0] = "NO-SUCH-BODY" }, `supportingBodyIds "NO-SUCH-BODY"`},
		{"task enterpriseIds", func(d *Dataset) { d.Tasks[0].EnterpriseIDs = []string{"ent-nope"} }, `enterpriseIds "ent-nope"`},
		{"task unionIds", func(d *Dataset) { d.Tasks[0].UnionIDs = []string{"union-nope"} }, `unionIds "union-nope"`},
		{"task progress over 100", func(d *Dataset) { d.Tasks[0].Progress = 101 }, "tasks[task-2026-01]: progress 101"},
		{"task progress negative", func(d *Dataset) { d.Tasks[0].Progress = -1 }, "tasks[task-2026-01]: progress -1"},
		{"task theme", func(d *Dataset) { d.Tasks[0].Theme = "BOGUS" }, `theme "BOGUS"`},
		{"task status", func(d *Dataset) { d.Tasks[0].Status = "MAYBE" }, `status "MAYBE"`},
		{"duplicate task id", func(d *Dataset) { d.Tasks[9].ID = "task-2026-01" }, `"task-2026-01" is used more than once`},
		{"progress update taskId", func(d *Dataset) {
			d.ProgressUpdates = append(d.ProgressUpdates, domain.ProgressUpdate{ID: "pu1", TaskID: "task-nope", BodyID: "UNION", Status: domain.TaskInProgress, Record: d.Bodies[0].Record})
		}, `taskId "task-nope"`},
		{"progress update reporterId", func(d *Dataset) {
			d.ProgressUpdates = append(d.ProgressUpdates, domain.ProgressUpdate{ID: "pu1", TaskID: "task-2026-01", BodyID: "UNION", ReporterID: ptr("person-nope"), Status: domain.TaskInProgress, Record: d.Bodies[0].Record})
		}, `reporterId "person-nope"`},
		{"progress update progress", func(d *Dataset) {
			d.ProgressUpdates = append(d.ProgressUpdates, domain.ProgressUpdate{ID: "pu1", TaskID: "task-2026-01", BodyID: "UNION", Progress: 250, Status: domain.TaskInProgress, Record: d.Bodies[0].Record})
		}, "progressUpdates[pu1]: progress 250"},
		{"activity references", func(d *Dataset) {
			d.Activities = append(d.Activities, domain.Activity{ID: "act1", Kind: domain.ActivityOther, OrganiserBodyID: "NO-SUCH-BODY", EnterpriseIDs: []string{}, UnionIDs: []string{}, Record: d.Bodies[0].Record})
		}, `organiserBodyId "NO-SUCH-BODY"`},
		{"activity taskId", func(d *Dataset) {
			d.Activities = append(d.Activities, domain.Activity{ID: "act1", Kind: domain.ActivityOther, OrganiserBodyID: "UNION", TaskID: ptr("task-nope"), Record: d.Bodies[0].Record})
		}, `taskId "task-nope"`},
		{"activity regionCode", func(d *Dataset) {
			d.Activities = append(d.Activities, domain.Activity{ID: "act1", Kind: domain.ActivityOther, OrganiserBodyID: "UNION", RegionCode: ptr("999999"), Record: d.Bodies[0].Record})
		}, `regionCode "999999"`},
		{"activity kind", func(d *Dataset) {
			d.Activities = append(d.Activities, domain.Activity{ID: "act1", Kind: "PICNIC", OrganiserBodyID: "UNION", Record: d.Bodies[0].Record})
		}, `kind "PICNIC"`},
		{"removed body still referenced", func(d *Dataset) {
			d.Bodies = slices.DeleteFunc(d.Bodies, func(b domain.Body) bool { return b.ID == "UNION" })
		}, `tasks[task-2026-10]: leadBodyId "UNION"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := load(t) // a fresh copy
			tt.mutate(d)
			err := d.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want an error containing %s", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() error does not contain %s:\n%v", tt.want, err)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	d := load(t)
	d.Tasks[0].LeadBodyID = "BODY-ONE"
	d.Unions[3].EnterpriseID = ptr("ent-two")
	d.Meetings[0].ChairID = ptr("person-three")
	err := d.Validate()
	if err == nil {
		t.Fatal("Validate() = nil")
	}
	for _, id := range []string{"BODY-ONE", "ent-two", "person-three"} {
		if !strings.Contains(err.Error(), id) {
			t.Errorf("error does not name %s:\n%v", id, err)
		}
	}
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 3 {
		t.Errorf("%d problems reported, want 3:\n%v", n, err)
	}
}

// TestValidateAssumesNoSeedIDs checks Validate on data sets that share no ids
// with the seed, as the synthetic data set will not.
func TestValidateAssumesNoSeedIDs(t *testing.T) {
	if err := (&Dataset{}).Validate(); err != nil {
		t.Errorf("empty data set: %v", err)
	}
	r := domain.Record{Version: 1, Provenance: domain.Provenance{Basis: domain.BasisSynthetic}}
	d := &Dataset{
		Bodies:      []domain.Body{{ID: "UNION", Code: domain.BodyUnion, Kind: domain.BodyKindTradeUnion, Record: r}},
		People:      []domain.Person{{ID: "p-1", Titles: []domain.Title{{BodyID: "UNION", Title: "主席"}}, Record: r}},
		Enterprises: []domain.Enterprise{{ID: "e-1", CreditCode: ptr("91350100M000100Y43"), RegionCodes: []string{"140100", "141100"}, Record: r}},
		Unions: []domain.Union{
			{ID: "rf-1", Kind: domain.UnionRegionalFederation, RegionCodes: []string{"140100"}, ChairID: ptr("p-1"), Record: r},
			{ID: "u-1", Kind: domain.UnionEnterprise, EnterpriseID: ptr("e-1"), ParentID: ptr("rf-1"), Record: r},
		},
		Figures: []domain.MembershipFigures{{ID: "f-1", UnionID: "u-1", Period: "2026-03", Record: r}},
		Plans:   []domain.Plan{{ID: "pl-1", Status: domain.PlanDraft, BodyIDs: []string{"UNION"}, Record: r}},
		Tasks: []domain.Task{{ID: "t-1", PlanID: "pl-1", LeadBodyID: "UNION", Theme: domain.ThemeOther,
			Status: domain.TaskDone, Progress: 100, EnterpriseIDs: []string{"e-1"}, UnionIDs: []string{"u-1"}, Record: r}},
		ProgressUpdates: []domain.ProgressUpdate{{ID: "pu-1", TaskID: "t-1", BodyID: "UNION", ReporterID: ptr("p-1"), Progress: 100, Status: domain.TaskDone, Record: r}},
		Activities:      []domain.Activity{{ID: "a-1", Kind: domain.ActivitySkillsTraining, OrganiserBodyID: "UNION", RegionCode: ptr("140700"), TaskID: ptr("t-1"), Record: r}},
	}
	if err := d.Validate(); err != nil {
		t.Errorf("small synthetic data set: %v", err)
	}
}
