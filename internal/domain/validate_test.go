package domain

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// A validRow changes one thing in a valid record and names the problems
// that should follow: exactly these field paths, and at least one of their
// messages containing phrase. No fields means the change is allowed.
type validRow[T any] struct {
	name   string
	mutate func(*T)
	fields []string
	phrase string
}

func runValidRows[T any, P interface {
	*T
	Validate() []FieldError
}](t *testing.T, valid func() T, rows []validRow[T]) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			rec := valid()
			r.mutate(&rec)
			wantProblems(t, P(&rec).Validate(), r.fields, r.phrase)
		})
	}
}

// wantProblems checks that got has exactly the wanted field paths (in any
// order) and that a message of one of them contains phrase.
func wantProblems(t *testing.T, got []FieldError, fields []string, phrase string) {
	t.Helper()
	var paths []string
	for _, p := range got {
		paths = append(paths, p.Field)
	}
	want := slices.Clone(fields)
	slices.Sort(paths)
	slices.Sort(want)
	if !slices.Equal(paths, want) {
		t.Fatalf("problems at %q, want %q; all problems: %+v", paths, want, got)
	}
	for _, p := range got {
		if !slices.Contains(FieldProblemReasons, p.Reason) {
			t.Errorf("problem at %s has reason %q, not one of FieldProblemReasons", p.Field, p.Reason)
		}
	}
	if len(fields) == 0 {
		return
	}
	for _, p := range got {
		if strings.Contains(p.Message, phrase) {
			return
		}
	}
	t.Fatalf("no message contains %q: %+v", phrase, got)
}

func ptrTo[T any](v T) *T { return &v }

func dayOf(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func idsOf(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strings.Repeat("0", i/26)
	}
	return out
}

var recorded = Record{Version: 1, Provenance: Provenance{Basis: BasisRecorded, Source: "test"}}

func validEnterprise() Enterprise {
	return Enterprise{
		ID: "ent-sf", Name: "山西顺丰", LegalName: ptrTo("山西顺丰速运有限公司"), Brand: "顺丰", BrandEn: "SF Express",
		CreditCode: ptrTo("91350100M000100Y43"), RegionCodes: []string{"140100", "140200"},
		Outlets: ptrTo(10), Couriers: ptrTo(50), Employees: ptrTo(80), FiguresAsOf: ptrTo(dayOf("2026-06-30")),
		Record: recorded,
	}
}

func validMembership() AssociationMembership {
	return AssociationMembership{ID: "member-sf", EnterpriseID: "ent-sf", Level: LevelVicePresident,
		Since: ptrTo(dayOf("2025-01-01")), Record: recorded}
}

func validUnion() Union {
	return Union{ID: "union-sf", Name: "山西顺丰工会", Kind: UnionEnterprise, EnterpriseID: ptrTo("ent-sf"),
		RegionCodes: []string{"140100"}, ParentID: ptrTo("union-fed-taiyuan"), FoundedOn: ptrTo(dayOf("2025-05-01")),
		ChairID: ptrTo("person-chair"), Record: recorded}
}

func validFederation() Union {
	return Union{ID: "union-fed-taiyuan", Name: "太原市快递行业工会联合会", Kind: UnionRegionalFederation,
		RegionCodes: []string{"140100"}, Record: recorded}
}

func validFigures() MembershipFigures {
	return MembershipFigures{ID: "fig-1", UnionID: "union-sf", Period: "2026-03",
		Employees: ptrTo(100), Couriers: ptrTo(60), Members: ptrTo(50), CourierMembers: ptrTo(30), Record: recorded}
}

func validPerson() Person {
	return Person{ID: "person-yang", Name: "杨晓兰", Titles: []Title{
		{BodyID: "FEDERATION", Title: "党组成员、副主席"},
		{BodyID: "UNION", Title: "主席"},
	}, Phone: ptrTo("13800138000"), Email: ptrTo("yang@example.org"), Record: recorded}
}

func validMeeting() Meeting {
	return Meeting{
		ID: "meeting-1", Kind: MeetingTripartiteJoint, Sequence: ptrTo(2), Title: "第二次联席会议",
		Date: dayOf("2025-12-30"), TimeOfDay: ptrTo("下午"), Place: ptrTo("省邮政管理局会议室"),
		HostBodyIDs: []string{"POSTAL", "UNION", "ASSOCIATION"}, ChairID: ptrTo("person-li"),
		Participants: []Participant{
			{PersonID: ptrTo("person-li"), BodyID: ptrTo("POSTAL"), Role: RoleChaired},
			{EnterpriseID: ptrTo("ent-sf"), UnionID: ptrTo("union-sf"), Role: RoleAttended, Capacity: ptrTo("工会负责人"),
				Provenance: Provenance{Basis: BasisInferred}},
		},
		Speeches: []Speech{
			{Kind: SpeechAddress, SpeakerID: ptrTo("person-li"), BodyID: ptrTo("POSTAL"), Summary: ptrTo("要坚持政治引领。\n要健全工作格局。")},
			{Kind: SpeechExchange, UnionID: ptrTo("union-sf"), EnterpriseID: ptrTo("ent-sf")},
		},
		Agenda:    []AgendaItem{{Title: "总结回顾2025年工作"}, {Title: "讨论通过2026年方案"}},
		Decisions: []Decision{{Text: "讨论通过2026年三方联合工作方案", PlanID: ptrTo("plan-2026")}},
		Source: &SourceDocument{Title: "第二次联席会议召开", Publisher: "山西省快递协会",
			PublishedOn: ptrTo(dayOf("2026-01-05")), URL: ptrTo("https://www.example.org/news/1.html")},
		Record: recorded,
	}
}

func validPlan() Plan {
	return Plan{ID: "plan-2026", Year: 2026, Title: "2026年三方联合工作方案", Status: PlanAdopted,
		BodyIDs: []string{"POSTAL", "UNION", "ASSOCIATION"}, AdoptedAtMeetingID: ptrTo("meeting-1"),
		AdoptedOn: ptrTo(dayOf("2025-12-30")), Record: recorded}
}

func validTask() Task {
	return Task{
		ID: "task-1", PlanID: "plan-2026", Number: 1, Title: "开展劳动竞赛活动", Description: ptrTo("全年开展。"),
		Theme: ThemeLabourCompetition, LeadBodyID: "UNION", SupportingBodyIDs: []string{"POSTAL", "ASSOCIATION"},
		Status: TaskInProgress, Progress: 40, Weight: ptrTo(1.5), DueOn: ptrTo(dayOf("2026-12-31")),
		Milestones: []Milestone{
			{Title: "启动", DueOn: ptrTo(dayOf("2026-03-31")), DoneOn: ptrTo(dayOf("2026-03-20"))},
			{Title: "总结", DueOn: ptrTo(dayOf("2026-12-15"))},
		},
		EnterpriseIDs: []string{"ent-sf", "ent-zto"}, UnionIDs: []string{"union-sf"},
		Record: recorded,
	}
}

func validProgressUpdate() ProgressUpdate {
	return ProgressUpdate{ID: "progress-1", TaskID: "task-1", ReportedAt: dayOf("2026-04-01").Add(10 * time.Hour),
		BodyID: "UNION", ReporterID: ptrTo("person-yang"), Progress: 40, Status: TaskInProgress,
		Text: "已在太原、大同启动劳动竞赛。", Record: recorded}
}

func validActivity() Activity {
	return Activity{ID: "act-1", Kind: ActivitySkillsTraining, Title: "2026年太原市快递员技能培训",
		OrganiserBodyID: "UNION", Date: dayOf("2026-03-05"), EndDate: ptrTo(dayOf("2026-03-07")),
		RegionCode: ptrTo("140100"), EnterpriseIDs: []string{"ent-sf"}, UnionIDs: []string{"union-sf"},
		ParticipantCount: ptrTo(120), TaskID: ptrTo("task-1"), ExternalID: ptrTo("EXT-00001"), Record: recorded}
}

func TestValidRecordsHaveNoProblems(t *testing.T) {
	for name, v := range map[string]interface{ Validate() []FieldError }{
		"enterprise": ptrTo(validEnterprise()), "membership": ptrTo(validMembership()),
		"union": ptrTo(validUnion()), "federation": ptrTo(validFederation()), "figures": ptrTo(validFigures()),
		"person": ptrTo(validPerson()), "meeting": ptrTo(validMeeting()), "plan": ptrTo(validPlan()),
		"task": ptrTo(validTask()), "progress update": ptrTo(validProgressUpdate()), "activity": ptrTo(validActivity()),
	} {
		if got := v.Validate(); len(got) != 0 {
			t.Errorf("valid %s: %+v", name, got)
		}
	}
}

func TestEnterpriseValidate(t *testing.T) {
	runValidRows(t, validEnterprise, []validRow[Enterprise]{
		{"name only spaces", func(e *Enterprise) { e.Name = "  \u3000 " }, []string{"name"}, "name is required"},
		{"name 101 characters", func(e *Enterprise) { e.Name = strings.Repeat("顺", 101) }, []string{"name"}, "101 characters long; the most is 100"},
		{"name 100 characters, 300 bytes", func(e *Enterprise) { e.Name = strings.Repeat("顺", 100) }, nil, ""},
		{"name 100 characters with spaces around", func(e *Enterprise) { e.Name = "  " + strings.Repeat("顺", 100) + " " }, nil, ""},
		{"name on two lines", func(e *Enterprise) { e.Name = "山西\n顺丰" }, []string{"name"}, "one line"},
		{"name with a trailing line break", func(e *Enterprise) { e.Name = "山西顺丰\n" }, nil, ""},
		{"name not UTF-8", func(e *Enterprise) { e.Name = "山西\xff" }, []string{"name"}, "UTF-8"},
		{"legalName blank", func(e *Enterprise) { e.LegalName = ptrTo(" ") }, []string{"legalName"}, "leave it out"},
		{"legalName left out", func(e *Enterprise) { e.LegalName = nil }, nil, ""},
		{"brand missing", func(e *Enterprise) { e.Brand = "" }, []string{"brand"}, "brand is required"},
		{"brandEn empty", func(e *Enterprise) { e.BrandEn = "" }, nil, ""},
		{"brandEn too long", func(e *Enterprise) { e.BrandEn = strings.Repeat("x", 101) }, []string{"brandEn"}, "the most is 100"},
		{"creditCode wrong check character", func(e *Enterprise) { e.CreditCode = ptrTo("91350100M000100Y44") }, []string{"creditCode"}, "not a valid unified social credit code: check character"},
		{"creditCode too short", func(e *Enterprise) { e.CreditCode = ptrTo("9135") }, []string{"creditCode"}, "18 characters"},
		{"creditCode left out", func(e *Enterprise) { e.CreditCode = nil }, nil, ""},
		{"regionCodes unknown", func(e *Enterprise) { e.RegionCodes = []string{"140100", "999999"} }, []string{"regionCodes[1]"}, `"999999" is not one of Shanxi's 11 cities (e.g. 140100 for 太原市)`},
		{"regionCodes repeated", func(e *Enterprise) { e.RegionCodes = []string{"140100", "140200", "140100"} }, []string{"regionCodes[2]"}, "already listed at regionCodes[0]"},
		{"regionCodes empty", func(e *Enterprise) { e.RegionCodes = []string{} }, nil, ""},
		{"regionCodes too many", func(e *Enterprise) { e.RegionCodes = slices.Repeat([]string{"140100"}, MaxListItems+1) }, []string{"regionCodes"}, "501 items; the most is 500"},
		{"outlets negative", func(e *Enterprise) { e.Outlets = ptrTo(-1) }, []string{"outlets"}, "outlets must be 0 or more, got -1"},
		{"couriers negative", func(e *Enterprise) { e.Couriers = ptrTo(-5) }, []string{"couriers"}, "0 or more"},
		{"employees negative", func(e *Enterprise) { e.Employees = ptrTo(-5) }, []string{"employees"}, "0 or more"},
		{"couriers more than employees", func(e *Enterprise) { e.Couriers = ptrTo(81) }, []string{"couriers"}, "couriers (81) cannot be more than employees (80)"},
		{"couriers without employees", func(e *Enterprise) { e.Employees = nil; e.Couriers = ptrTo(1000) }, nil, ""},
		{"zero figures", func(e *Enterprise) { e.Outlets, e.Couriers, e.Employees = ptrTo(0), ptrTo(0), ptrTo(0) }, nil, ""},
		{"provenance basis unknown", func(e *Enterprise) { e.Provenance.Basis = "GUESSED" }, []string{"provenance.basis"}, "basis must be one of STATED, INFERRED, SYNTHETIC, RECORDED"},
		{"provenance basis left for the write path", func(e *Enterprise) { e.Provenance = Provenance{} }, nil, ""},
	})
}

func TestAssociationMembershipValidate(t *testing.T) {
	runValidRows(t, validMembership, []validRow[AssociationMembership]{
		{"enterpriseId missing", func(m *AssociationMembership) { m.EnterpriseID = "" }, []string{"enterpriseId"}, "enterpriseId is required"},
		{"enterpriseId with spaces", func(m *AssociationMembership) { m.EnterpriseID = " ent-sf" }, []string{"enterpriseId"}, "spaces around it"},
		{"enterpriseId too long", func(m *AssociationMembership) { m.EnterpriseID = strings.Repeat("e", MaxIDLength+1) }, []string{"enterpriseId"}, "the most is 100"},
		{"level missing", func(m *AssociationMembership) { m.Level = "" }, []string{"level"}, "level is required and must be one of PRESIDENT, VICE_PRESIDENT, DIRECTOR, MEMBER"},
		{"level unknown", func(m *AssociationMembership) { m.Level = "BOSS" }, []string{"level"}, `level must be one of PRESIDENT, VICE_PRESIDENT, DIRECTOR, MEMBER, got "BOSS"`},
		{"level lower case", func(m *AssociationMembership) { m.Level = "member" }, []string{"level"}, "must be one of"},
		{"until before since", func(m *AssociationMembership) { m.Until = ptrTo(dayOf("2024-12-31")) }, []string{"until"}, "until 2024-12-31 is before since 2025-01-01"},
		{"until on since", func(m *AssociationMembership) { m.Until = ptrTo(dayOf("2025-01-01")) }, nil, ""},
		{"until without since", func(m *AssociationMembership) { m.Since = nil; m.Until = ptrTo(dayOf("2020-01-01")) }, nil, ""},
	})
}

func TestUnionValidate(t *testing.T) {
	runValidRows(t, validUnion, []validRow[Union]{
		{"name missing", func(u *Union) { u.Name = "" }, []string{"name"}, "name is required"},
		{"kind missing", func(u *Union) { u.Kind = "" }, []string{"kind"}, "kind is required and must be one of ENTERPRISE, REGIONAL_FEDERATION"},
		{"kind unknown", func(u *Union) { u.Kind = "BRANCH" }, []string{"kind"}, `got "BRANCH"`},
		{"enterprise union without enterpriseId", func(u *Union) { u.EnterpriseID = nil }, []string{"enterpriseId"}, "enterpriseId is required for an ENTERPRISE union"},
		{"enterpriseId blank", func(u *Union) { u.EnterpriseID = ptrTo("  ") }, []string{"enterpriseId"}, "blank"},
		{"federation with enterpriseId", func(u *Union) { u.Kind = UnionRegionalFederation }, []string{"enterpriseId"}, "must be left out for a REGIONAL_FEDERATION"},
		{"regionCodes unknown", func(u *Union) { u.RegionCodes = []string{"14010"} }, []string{"regionCodes[0]"}, "not one of Shanxi's 11 cities"},
		{"regionCodes repeated", func(u *Union) { u.RegionCodes = []string{"140100", "140100"} }, []string{"regionCodes[1]"}, "already listed"},
		{"enterprise union in two cities", func(u *Union) { u.RegionCodes = []string{"140100", "140200"} }, nil, ""},
		{"parent is itself", func(u *Union) { u.ParentID = ptrTo("union-sf") }, []string{"parentId"}, "cannot be its own parent"},
		{"parent set, no own id yet", func(u *Union) { u.ID = ""; u.ParentID = ptrTo("") }, []string{"parentId"}, "parentId is required"},
		{"chairId with spaces", func(u *Union) { u.ChairID = ptrTo("person-chair ") }, []string{"chairId"}, "spaces around it"},
	})
	runValidRows(t, validFederation, []validRow[Union]{
		{"federation without a city", func(u *Union) { u.RegionCodes = nil }, []string{"regionCodes"}, "exactly one city for a REGIONAL_FEDERATION, got 0"},
		{"federation in two cities", func(u *Union) { u.RegionCodes = []string{"140100", "140200"} }, []string{"regionCodes"}, "got 2"},
		{"federation with an unknown city", func(u *Union) { u.RegionCodes = []string{"000000"} }, []string{"regionCodes[0]"}, "not one of Shanxi's"},
		{"federation with enterpriseId", func(u *Union) { u.EnterpriseID = ptrTo("ent-sf") }, []string{"enterpriseId"}, "must be left out"},
	})
}

func TestMembershipFiguresValidate(t *testing.T) {
	runValidRows(t, validFigures, []validRow[MembershipFigures]{
		{"unionId missing", func(f *MembershipFigures) { f.UnionID = "" }, []string{"unionId"}, "unionId is required"},
		{"period not a month", func(f *MembershipFigures) { f.Period = "2026-13" }, []string{"period"}, "write it as YYYY-MM"},
		{"period without leading zero", func(f *MembershipFigures) { f.Period = "2026-3" }, []string{"period"}, "YYYY-MM"},
		{"period missing", func(f *MembershipFigures) { f.Period = "" }, []string{"period"}, "is not a month"},
		{"employees negative", func(f *MembershipFigures) { f.Employees = ptrTo(-1) }, []string{"employees"}, "employees must be 0 or more, got -1"},
		{"couriers negative", func(f *MembershipFigures) { f.Couriers = ptrTo(-1) }, []string{"couriers"}, "0 or more"},
		{"members negative", func(f *MembershipFigures) { f.Members = ptrTo(-1) }, []string{"members"}, "0 or more"},
		{"courierMembers negative", func(f *MembershipFigures) { f.CourierMembers = ptrTo(-1) }, []string{"courierMembers"}, "0 or more"},
		{"members more than employees", func(f *MembershipFigures) { f.Members = ptrTo(101) }, []string{"members"}, "members (101) cannot be more than employees (100)"},
		{"couriers more than employees", func(f *MembershipFigures) { f.Couriers = ptrTo(101) }, []string{"couriers"}, "couriers (101) cannot be more than employees (100)"},
		{"courierMembers more than couriers", func(f *MembershipFigures) { f.Couriers = ptrTo(20) }, []string{"courierMembers"}, "courierMembers (30) cannot be more than couriers (20)"},
		{"courierMembers more than members", func(f *MembershipFigures) { f.Members = ptrTo(25) }, []string{"courierMembers"}, "courierMembers (30) cannot be more than members (25)"},
		{"members without employees", func(f *MembershipFigures) { f.Employees, f.Couriers = nil, nil; f.Members = ptrTo(1000) }, nil, ""},
		{"no figures given", func(f *MembershipFigures) { f.Employees, f.Couriers, f.Members, f.CourierMembers = nil, nil, nil, nil }, nil, ""},
	})
}

func TestPersonValidate(t *testing.T) {
	runValidRows(t, validPerson, []validRow[Person]{
		{"name missing", func(p *Person) { p.Name = " " }, []string{"name"}, "name is required"},
		{"name too long", func(p *Person) { p.Name = strings.Repeat("杨", MaxNameLength+1) }, []string{"name"}, "the most is 100"},
		{"title body unknown", func(p *Person) { p.Titles[1].BodyID = "CITY" }, []string{"titles[1].bodyId"}, `bodyId "CITY" is not a body: use one of POSTAL, UNION, ASSOCIATION, FEDERATION`},
		{"title body missing", func(p *Person) { p.Titles[0].BodyID = "" }, []string{"titles[0].bodyId"}, "bodyId is required"},
		{"title text missing", func(p *Person) { p.Titles[1].Title = "" }, []string{"titles[1].title"}, "title is required"},
		{"title text too long", func(p *Person) { p.Titles[1].Title = strings.Repeat("长", MaxTitleLength+1) }, []string{"titles[1].title"}, "201 characters"},
		{"title repeated", func(p *Person) { p.Titles[1] = Title{BodyID: "FEDERATION", Title: " 党组成员、副主席"} }, []string{"titles[1]"}, "repeats titles[0]"},
		{"same post in two bodies", func(p *Person) { p.Titles[1].Title = p.Titles[0].Title }, nil, ""},
		{"too many titles", func(p *Person) { p.Titles = slices.Repeat([]Title{{BodyID: "UNION", Title: "委员"}}, MaxListItems+1) }, []string{"titles"}, "the most is 500"},
		{"phone too short", func(p *Person) { p.Phone = ptrTo("1380013800") }, []string{"phone"}, "11 digits starting with 1"},
		{"phone not starting with 1", func(p *Person) { p.Phone = ptrTo("23800138000") }, []string{"phone"}, "e.g. 0351-1234567"},
		{"phone with spaces", func(p *Person) { p.Phone = ptrTo("138 0013 8000") }, []string{"phone"}, "not a phone number"},
		{"phone with country code", func(p *Person) { p.Phone = ptrTo("+8613800138000") }, []string{"phone"}, "not a phone number"},
		{"phone landline", func(p *Person) { p.Phone = ptrTo("0351-1234567") }, nil, ""},
		{"phone landline, 3-digit area code", func(p *Person) { p.Phone = ptrTo("010-12345678") }, nil, ""},
		{"phone landline with two hyphens", func(p *Person) { p.Phone = ptrTo("0351-123-4567") }, []string{"phone"}, "landline"},
		{"phone blank", func(p *Person) { p.Phone = ptrTo("") }, []string{"phone"}, "not a phone number"},
		{"phone left out", func(p *Person) { p.Phone = nil }, nil, ""},
		{"email without @", func(p *Person) { p.Email = ptrTo("yang.example.org") }, []string{"email"}, "one @"},
		{"email with two @", func(p *Person) { p.Email = ptrTo("yang@x@example.org") }, []string{"email"}, "one @"},
		{"email without name", func(p *Person) { p.Email = ptrTo("@example.org") }, []string{"email"}, "one @"},
		{"email domain without dot", func(p *Person) { p.Email = ptrTo("yang@localhost") }, []string{"email"}, "no proper domain"},
		{"email domain ending in dot", func(p *Person) { p.Email = ptrTo("yang@example.") }, []string{"email"}, "no proper domain"},
		{"email with space", func(p *Person) { p.Email = ptrTo("yang @example.org") }, []string{"email"}, "spaces"},
		{"email too long", func(p *Person) { p.Email = ptrTo(strings.Repeat("y", 250) + "@a.cn") }, []string{"email"}, "longer than 254"},
		{"email left out", func(p *Person) { p.Email = nil }, nil, ""},
	})
}

func TestMeetingValidate(t *testing.T) {
	runValidRows(t, validMeeting, []validRow[Meeting]{
		{"kind missing", func(m *Meeting) { m.Kind = "" }, []string{"kind"}, "kind is required and must be one of TRIPARTITE_JOINT, WORKING_GROUP, OTHER"},
		{"kind unknown", func(m *Meeting) { m.Kind = "PARTY" }, []string{"kind"}, "must be one of"},
		{"sequence 0", func(m *Meeting) { m.Sequence = ptrTo(0) }, []string{"sequence"}, "sequence must be 1 or more"},
		{"sequence left out", func(m *Meeting) { m.Sequence = nil }, nil, ""},
		{"title missing", func(m *Meeting) { m.Title = "" }, []string{"title"}, "title is required"},
		{"title too long", func(m *Meeting) { m.Title = strings.Repeat("会", MaxTitleLength+1) }, []string{"title"}, "the most is 200"},
		{"date missing", func(m *Meeting) { m.Date = time.Time{} }, []string{"date"}, "date is required"},
		{"timeOfDay blank", func(m *Meeting) { m.TimeOfDay = ptrTo("") }, []string{"timeOfDay"}, "timeOfDay is blank"},
		{"place blank", func(m *Meeting) { m.Place = ptrTo(" ") }, []string{"place"}, "place is blank"},
		{"no host bodies", func(m *Meeting) { m.HostBodyIDs = nil }, []string{"hostBodyIds"}, "at least one body"},
		{"host body unknown", func(m *Meeting) { m.HostBodyIDs[1] = "union" }, []string{"hostBodyIds[1]"}, `"union" is not a body`},
		{"host body repeated", func(m *Meeting) { m.HostBodyIDs[2] = "POSTAL" }, []string{"hostBodyIds[2]"}, `hostBodyIds[2] "POSTAL" is already listed at hostBodyIds[0]`},
		{"chairId blank", func(m *Meeting) { m.ChairID = ptrTo(" ") }, []string{"chairId"}, "chairId is blank"},
		{"chairId left out", func(m *Meeting) { m.ChairID = nil }, nil, ""},
		{"participant role missing", func(m *Meeting) { m.Participants[1].Role = "" }, []string{"participants[1].role"}, "role is required and must be one of CHAIRED, SPOKE, ATTENDED"},
		{"participant role unknown", func(m *Meeting) { m.Participants[0].Role = "HOSTED" }, []string{"participants[0].role"}, `got "HOSTED"`},
		{"participant names no one", func(m *Meeting) {
			m.Participants = append(m.Participants, Participant{Role: RoleAttended, Capacity: ptrTo("有关部门负责人")})
		}, []string{"participants[2]"}, "give at least one of personId, bodyId, enterpriseId, unionId"},
		{"participant with a body only", func(m *Meeting) {
			m.Participants = append(m.Participants, Participant{BodyID: ptrTo("FEDERATION"), Role: RoleAttended})
		}, nil, ""},
		{"participant body unknown", func(m *Meeting) { m.Participants[0].BodyID = ptrTo("CITY") }, []string{"participants[0].bodyId"}, "not a body"},
		{"participant personId blank", func(m *Meeting) { m.Participants[0].PersonID = ptrTo("") }, []string{"participants[0].personId"}, "personId is required"},
		{"participant capacity blank", func(m *Meeting) { m.Participants[1].Capacity = ptrTo("") }, []string{"participants[1].capacity"}, "capacity is blank"},
		{"participant provenance unknown", func(m *Meeting) { m.Participants[1].Provenance.Basis = "HEARSAY" }, []string{"participants[1].provenance.basis"}, "must be one of"},
		{"too many participants", func(m *Meeting) {
			m.Participants = slices.Repeat([]Participant{{Role: "BAD"}}, MaxListItems+1)
		}, []string{"participants"}, "501 items; the most is 500"},
		{"speech kind unknown", func(m *Meeting) { m.Speeches[0].Kind = "TALK" }, []string{"speeches[0].kind"}, "must be one of ADDRESS, REMARKS, EXCHANGE"},
		{"speech names no speaker", func(m *Meeting) { m.Speeches[1].UnionID, m.Speeches[1].EnterpriseID = nil, nil }, []string{"speeches[1]"}, "give at least one of speakerId, bodyId, unionId, enterpriseId"},
		{"speech bodyId empty", func(m *Meeting) { m.Speeches[0].BodyID = ptrTo("") }, []string{"speeches[0].bodyId"}, "bodyId is required"},
		{"speech summary blank", func(m *Meeting) { m.Speeches[0].Summary = ptrTo("\n") }, []string{"speeches[0].summary"}, "summary is blank"},
		{"speech summary too long", func(m *Meeting) { m.Speeches[0].Summary = ptrTo(strings.Repeat("讲", MaxTextLength+1)) }, []string{"speeches[0].summary"}, "5001 characters long; the most is 5000"},
		{"agenda item without title", func(m *Meeting) { m.Agenda[1].Title = "" }, []string{"agenda[1].title"}, "title is required"},
		{"decision without text", func(m *Meeting) { m.Decisions[0].Text = " " }, []string{"decisions[0].text"}, "text is required"},
		{"decision on several lines", func(m *Meeting) { m.Decisions[0].Text = "一、通过方案。\n二、建立机制。" }, nil, ""},
		{"decision with a control character", func(m *Meeting) { m.Decisions[0].Text = "通过\x00方案" }, []string{"decisions[0].text"}, "control characters"},
		{"decision planId with spaces", func(m *Meeting) { m.Decisions[0].PlanID = ptrTo("plan-2026 ") }, []string{"decisions[0].planId"}, "spaces around it"},
		{"source without title", func(m *Meeting) { m.Source.Title = "" }, []string{"source.title"}, "title is required"},
		{"source without publisher", func(m *Meeting) { m.Source.Publisher = "" }, []string{"source.publisher"}, "publisher is required"},
		{"source url not a web address", func(m *Meeting) { m.Source.URL = ptrTo("www.example.org/news") }, []string{"source.url"}, "not a web address"},
		{"source url ftp", func(m *Meeting) { m.Source.URL = ptrTo("ftp://example.org/a") }, []string{"source.url"}, "not a web address"},
		{"source left out", func(m *Meeting) { m.Source = nil }, nil, ""},
	})
}

func TestPlanValidate(t *testing.T) {
	runValidRows(t, validPlan, []validRow[Plan]{
		{"year too early", func(p *Plan) { p.Year = 1999 }, []string{"year"}, "year must be between 2000 and 2100, got 1999"},
		{"year too late", func(p *Plan) { p.Year = 2101 }, []string{"year"}, "got 2101"},
		{"year missing", func(p *Plan) { p.Year = 0 }, []string{"year"}, "got 0"},
		{"title missing", func(p *Plan) { p.Title = "" }, []string{"title"}, "title is required"},
		{"status missing", func(p *Plan) { p.Status = "" }, []string{"status"}, "status is required and must be one of DRAFT, ADOPTED, COMPLETED"},
		{"status unknown", func(p *Plan) { p.Status = "DONE" }, []string{"status"}, `got "DONE"`},
		{"no bodies", func(p *Plan) { p.BodyIDs = []string{} }, []string{"bodyIds"}, "bodyIds needs at least one body"},
		{"body unknown", func(p *Plan) { p.BodyIDs[0] = "POST" }, []string{"bodyIds[0]"}, "not a body"},
		{"body repeated", func(p *Plan) { p.BodyIDs[1] = "POSTAL" }, []string{"bodyIds[1]"}, "already listed at bodyIds[0]"},
		{"adoptedAtMeetingId blank", func(p *Plan) { p.AdoptedAtMeetingID = ptrTo("") }, []string{"adoptedAtMeetingId"}, "adoptedAtMeetingId is required"},
	})
}

func TestTaskValidate(t *testing.T) {
	runValidRows(t, validTask, []validRow[Task]{
		{"planId missing", func(t *Task) { t.PlanID = "" }, []string{"planId"}, "planId is required"},
		{"number 0", func(t *Task) { t.Number = 0 }, []string{"number"}, "number must be 1 or more"},
		{"title missing", func(t *Task) { t.Title = "\t" }, []string{"title"}, "title is required"},
		{"title too long", func(t *Task) { t.Title = strings.Repeat("任", MaxTitleLength+1) }, []string{"title"}, "201 characters long; the most is 200"},
		{"title at the limit", func(t *Task) { t.Title = strings.Repeat("任", MaxTitleLength) }, nil, ""},
		{"description blank", func(t *Task) { t.Description = ptrTo("") }, []string{"description"}, "description is blank"},
		{"description too long", func(t *Task) { t.Description = ptrTo(strings.Repeat("述", MaxTextLength+1)) }, []string{"description"}, "the most is 5000"},
		{"theme unknown", func(t *Task) { t.Theme = "PARTY_BUILDING" }, []string{"theme"}, "theme must be one of WORKFORCE_REFORM, LABOUR_COMPETITION"},
		{"leadBodyId missing", func(t *Task) { t.LeadBodyID = "" }, []string{"leadBodyId"}, "leadBodyId is required: use one of POSTAL, UNION, ASSOCIATION, FEDERATION"},
		{"leadBodyId unknown", func(t *Task) { t.LeadBodyID = "Union" }, []string{"leadBodyId"}, `leadBodyId "Union" is not a body`},
		{"supporting body unknown", func(t *Task) { t.SupportingBodyIDs[1] = "ASSOC" }, []string{"supportingBodyIds[1]"}, "not a body"},
		{"supporting body repeated", func(t *Task) { t.SupportingBodyIDs[1] = "POSTAL" }, []string{"supportingBodyIds[1]"}, "already listed"},
		{"supporting body is the lead", func(t *Task) { t.SupportingBodyIDs[0] = "UNION" }, []string{"supportingBodyIds[0]"}, "is the lead body"},
		{"no supporting bodies", func(t *Task) { t.SupportingBodyIDs = nil }, nil, ""},
		{"status missing", func(t *Task) { t.Status = "" }, []string{"status"}, "status is required and must be one of NOT_STARTED, IN_PROGRESS, DONE, BLOCKED, CANCELLED"},
		{"progress over 100", func(t *Task) { t.Progress = 120 }, []string{"progress"}, "progress must be between 0 and 100, got 120"},
		{"progress negative", func(t *Task) { t.Progress = -1 }, []string{"progress"}, "got -1"},
		{"DONE below 100", func(t *Task) { t.Status = TaskDone; t.Progress = 80 }, []string{"progress"}, "progress must be 100 when status is DONE, got 80"},
		{"DONE at 100", func(t *Task) { t.Status = TaskDone; t.Progress = 100 }, nil, ""},
		{"NOT_STARTED above 0", func(t *Task) { t.Status = TaskNotStarted; t.Progress = 20 }, []string{"progress"}, "progress must be 0 when status is NOT_STARTED, got 20"},
		{"NOT_STARTED at 0", func(t *Task) { t.Status = TaskNotStarted; t.Progress = 0 }, nil, ""},
		{"IN_PROGRESS at 100", func(t *Task) { t.Progress = 100 }, nil, ""},
		{"CANCELLED part way", func(t *Task) { t.Status = TaskCancelled; t.Progress = 35 }, nil, ""},
		{"weight 0", func(t *Task) { t.Weight = ptrTo(0.0) }, []string{"weight"}, "weight must be a number greater than 0, got 0"},
		{"weight negative", func(t *Task) { t.Weight = ptrTo(-1.0) }, []string{"weight"}, "greater than 0"},
		{"weight NaN", func(t *Task) { t.Weight = ptrTo(math.NaN()) }, []string{"weight"}, "greater than 0"},
		{"weight infinite", func(t *Task) { t.Weight = ptrTo(math.Inf(1)) }, []string{"weight"}, "greater than 0"},
		{"weight left out", func(t *Task) { t.Weight = nil }, nil, ""},
		{"milestone without title", func(t *Task) { t.Milestones[1].Title = "" }, []string{"milestones[1].title"}, "title is required"},
		{"milestone done after it was due", func(t *Task) { t.Milestones[0].DoneOn = ptrTo(dayOf("2026-04-30")) }, nil, ""},
		{"too many milestones", func(t *Task) { t.Milestones = slices.Repeat([]Milestone{{}}, MaxListItems+1) }, []string{"milestones"}, "the most is 500"},
		{"enterprise repeated", func(t *Task) { t.EnterpriseIDs = append(t.EnterpriseIDs, "ent-sf") }, []string{"enterpriseIds[2]"}, `enterpriseIds[2] "ent-sf" is already listed at enterpriseIds[0]`},
		{"enterprise id blank", func(t *Task) { t.EnterpriseIDs[1] = "" }, []string{"enterpriseIds[1]"}, "is required"},
		{"union repeated", func(t *Task) { t.UnionIDs = append(t.UnionIDs, "union-sf") }, []string{"unionIds[1]"}, "already listed"},
		{"union id with spaces", func(t *Task) { t.UnionIDs[0] = "union-sf\u3000" }, []string{"unionIds[0]"}, "spaces around it"},
		{"too many unions", func(t *Task) { t.UnionIDs = idsOf("u", MaxListItems+1) }, []string{"unionIds"}, "501 items"},
		{"as many unions as allowed", func(t *Task) { t.UnionIDs = idsOf("u", MaxListItems) }, nil, ""},
	})
}

func TestProgressUpdateValidate(t *testing.T) {
	runValidRows(t, validProgressUpdate, []validRow[ProgressUpdate]{
		{"taskId missing", func(u *ProgressUpdate) { u.TaskID = "" }, []string{"taskId"}, "taskId is required"},
		{"reportedAt missing", func(u *ProgressUpdate) { u.ReportedAt = time.Time{} }, []string{"reportedAt"}, "reportedAt is required"},
		{"bodyId missing", func(u *ProgressUpdate) { u.BodyID = "" }, []string{"bodyId"}, "bodyId is required"},
		{"bodyId unknown", func(u *ProgressUpdate) { u.BodyID = "union" }, []string{"bodyId"}, "not a body"},
		{"reporterId blank", func(u *ProgressUpdate) { u.ReporterID = ptrTo(" ") }, []string{"reporterId"}, "blank"},
		{"progress over 100", func(u *ProgressUpdate) { u.Progress = 101 }, []string{"progress"}, "between 0 and 100, got 101"},
		{"status unknown", func(u *ProgressUpdate) { u.Status = "STALLED" }, []string{"status"}, "status must be one of"},
		{"DONE below 100", func(u *ProgressUpdate) { u.Status = TaskDone }, []string{"progress"}, "must be 100 when status is DONE"},
		{"NOT_STARTED above 0", func(u *ProgressUpdate) { u.Status = TaskNotStarted }, []string{"progress"}, "must be 0 when status is NOT_STARTED"},
		{"BLOCKED part way", func(u *ProgressUpdate) { u.Status = TaskBlocked }, nil, ""},
		{"text missing", func(u *ProgressUpdate) { u.Text = " \n " }, []string{"text"}, "text is required"},
		{"text too long", func(u *ProgressUpdate) { u.Text = strings.Repeat("进", MaxTextLength+1) }, []string{"text"}, "5001 characters long; the most is 5000"},
		{"text at the limit", func(u *ProgressUpdate) { u.Text = strings.Repeat("进", MaxTextLength) }, nil, ""},
	})
}

func TestActivityValidate(t *testing.T) {
	runValidRows(t, validActivity, []validRow[Activity]{
		{"kind missing", func(a *Activity) { a.Kind = "" }, []string{"kind"}, "kind is required and must be one of LABOUR_COMPETITION, SKILLS_TRAINING, CARE_SERVICE, RIGHTS_PROTECTION, OTHER"},
		{"title missing", func(a *Activity) { a.Title = "" }, []string{"title"}, "title is required"},
		{"organiser unknown", func(a *Activity) { a.OrganiserBodyID = "CITY" }, []string{"organiserBodyId"}, `organiserBodyId "CITY" is not a body`},
		{"organiser missing", func(a *Activity) { a.OrganiserBodyID = "" }, []string{"organiserBodyId"}, "organiserBodyId is required"},
		{"date missing", func(a *Activity) { a.Date = time.Time{} }, []string{"date"}, "date is required"},
		{"endDate before date", func(a *Activity) { a.EndDate = ptrTo(dayOf("2026-03-01")) }, []string{"endDate"}, "endDate 2026-03-01 is before date 2026-03-05"},
		{"endDate on date", func(a *Activity) { a.EndDate = ptrTo(dayOf("2026-03-05")) }, nil, ""},
		{"regionCode unknown", func(a *Activity) { a.RegionCode = ptrTo("999999") }, []string{"regionCode"}, `regionCode "999999" is not one of Shanxi's 11 cities (e.g. 140100 for 太原市)`},
		{"regionCode left out", func(a *Activity) { a.RegionCode = nil }, nil, ""},
		{"participantCount negative", func(a *Activity) { a.ParticipantCount = ptrTo(-3) }, []string{"participantCount"}, "participantCount must be 0 or more, got -3"},
		{"enterprise repeated", func(a *Activity) { a.EnterpriseIDs = []string{"ent-sf", "ent-jd", "ent-sf"} }, []string{"enterpriseIds[2]"}, "already listed at enterpriseIds[0]"},
		{"union repeated", func(a *Activity) { a.UnionIDs = []string{"union-sf", "union-sf"} }, []string{"unionIds[1]"}, "already listed"},
		{"too many enterprises", func(a *Activity) { a.EnterpriseIDs = idsOf("e", MaxListItems+1) }, []string{"enterpriseIds"}, "the most is 500"},
		{"taskId with spaces", func(a *Activity) { a.TaskID = ptrTo(" task-1") }, []string{"taskId"}, "spaces around it"},
		{"externalId blank", func(a *Activity) { a.ExternalID = ptrTo("  ") }, []string{"externalId"}, "externalId is blank"},
		{"externalId too long", func(a *Activity) { a.ExternalID = ptrTo(strings.Repeat("X", MaxExternalIDLength+1)) }, []string{"externalId"}, "101 characters long; the most is 100"},
		{"externalId at the limit", func(a *Activity) { a.ExternalID = ptrTo(strings.Repeat("X", MaxExternalIDLength)) }, nil, ""},
		{"externalId left out", func(a *Activity) { a.ExternalID = nil }, nil, ""},
	})
}

func TestValidateReportsEveryProblem(t *testing.T) {
	task := validTask()
	task.PlanID = ""
	task.Progress = 120
	task.Theme = "PARTY"
	task.SupportingBodyIDs = []string{"POSTAL", "POSTAL"}
	problems := task.Validate()
	wantProblems(t, problems, []string{"planId", "progress", "theme", "supportingBodyIds[1]"}, "")

	err := Invalid("input", problems)
	e, ok := err.(*Error)
	if !ok || e.Code != CodeBadUserInput || len(e.Fields) != 4 {
		t.Fatalf("Invalid = %#v, want a BAD_USER_INPUT error with 4 fields", err)
	}
	if e.Fields[0].Field != "input.planId" || !strings.Contains(e.Message, "and 3 more problems") {
		t.Errorf("Invalid = %q with fields %+v", e.Message, e.Fields)
	}

	m := validMeeting()
	m.Title = ""
	m.HostBodyIDs = []string{"POSTAL", "NOPE"}
	m.Participants[0].Role = ""
	m.Participants[1] = Participant{Role: RoleAttended}
	m.Speeches[0].Kind = "X"
	m.Decisions[0].Text = ""
	wantProblems(t, m.Validate(), []string{"title", "hostBodyIds[1]", "participants[0].role", "participants[1]", "speeches[0].kind", "decisions[0].text"}, "")

	if err := Invalid("input", ptrTo(validTask()).Validate()); err != nil {
		t.Errorf("Invalid with no problems = %v, want nil", err)
	}
}

func TestEnumValid(t *testing.T) {
	check := func(name string, valid []bool, invalid []bool) {
		for i, ok := range valid {
			if !ok {
				t.Errorf("%s: known value %d reported invalid", name, i)
			}
		}
		for i, ok := range invalid {
			if ok {
				t.Errorf("%s: bad value %d reported valid", name, i)
			}
		}
	}
	check("UnionKind", []bool{UnionEnterprise.Valid(), UnionRegionalFederation.Valid()},
		[]bool{UnionKind("").Valid(), UnionKind("enterprise").Valid()})
	check("MembershipLevel", []bool{LevelPresident.Valid(), LevelVicePresident.Valid(), LevelDirector.Valid(), LevelMember.Valid()},
		[]bool{MembershipLevel("").Valid(), MembershipLevel("CHAIR").Valid()})
	check("MeetingKind", []bool{MeetingTripartiteJoint.Valid(), MeetingWorkingGroup.Valid(), MeetingOther.Valid()},
		[]bool{MeetingKind("").Valid(), MeetingKind("JOINT").Valid()})
	check("ParticipantRole", []bool{RoleChaired.Valid(), RoleSpoke.Valid(), RoleAttended.Valid()},
		[]bool{ParticipantRole("").Valid(), ParticipantRole("CHAIR").Valid()})
	check("SpeechKind", []bool{SpeechAddress.Valid(), SpeechRemarks.Valid(), SpeechExchange.Valid()},
		[]bool{SpeechKind("").Valid(), SpeechKind(" ADDRESS").Valid()})
	check("PlanStatus", []bool{PlanDraft.Valid(), PlanAdopted.Valid(), PlanCompleted.Valid()},
		[]bool{PlanStatus("").Valid(), PlanStatus("DONE").Valid()})
	check("TaskStatus", []bool{TaskNotStarted.Valid(), TaskInProgress.Valid(), TaskDone.Valid(), TaskBlocked.Valid(), TaskCancelled.Valid()},
		[]bool{TaskStatus("").Valid(), TaskStatus("COMPLETED").Valid()})
	check("TaskTheme", []bool{ThemeWorkforceReform.Valid(), ThemeLabourCompetition.Valid(), ThemeSkillsTraining.Valid(),
		ThemeRightsProtection.Valid(), ThemeCareServices.Valid(), ThemeUnionBuilding.Valid(), ThemeRegionalUnions.Valid(),
		ThemeFunding.Valid(), ThemeStandardisation.Valid(), ThemeOfficerTraining.Valid(), ThemeOther.Valid()},
		[]bool{TaskTheme("").Valid(), TaskTheme("CARE_SERVICE").Valid()})
	check("ActivityKind", []bool{ActivityLabourCompetition.Valid(), ActivitySkillsTraining.Valid(), ActivityCareService.Valid(),
		ActivityRightsProtection.Valid(), ActivityOther.Valid()},
		[]bool{ActivityKind("").Valid(), ActivityKind("CARE_SERVICES").Valid()})
	check("ProvenanceBasis", []bool{BasisStated.Valid(), BasisInferred.Valid(), BasisSynthetic.Valid(), BasisRecorded.Valid()},
		[]bool{ProvenanceBasis("").Valid(), ProvenanceBasis("stated").Valid()})
}

// TestEnumValuesMatchSchema keeps each Valid helper's list in step with the
// GraphQL enum of the same name, so a value added to the schema is not
// refused here.
func TestEnumValuesMatchSchema(t *testing.T) {
	schema := schemaEnums(t)
	for name, values := range map[string][]string{
		"UnionKind":       Strings(unionKindValues),
		"MembershipLevel": Strings(membershipLevelValues),
		"MeetingKind":     Strings(meetingKindValues),
		"ParticipantRole": Strings(participantRoleValues),
		"SpeechKind":      Strings(speechKindValues),
		"PlanStatus":      Strings(planStatusValues),
		"TaskStatus":      Strings(taskStatusValues),
		"TaskTheme":       Strings(taskThemeValues),
		"ActivityKind":    Strings(activityKindValues),
		"ProvenanceBasis": Strings(provenanceBasisValues),
	} {
		got, ok := schema[name]
		if !ok {
			t.Errorf("enum %s is not in graph/*.graphqls", name)
			continue
		}
		a, b := slices.Clone(values), slices.Clone(got)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("enum %s: Valid accepts %v, the schema has %v", name, values, got)
		}
	}
}

// schemaEnums reads the values of every enum in graph/*.graphqls.
func schemaEnums(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "graph", "*.graphqls"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schema files found (%v)", err)
	}
	enums := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var enum string
		inDoc := false
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			switch {
			case inDoc:
				inDoc = !strings.Contains(line, `"""`)
			case strings.HasPrefix(line, `"""`):
				inDoc = line == `"""` || !strings.Contains(line[3:], `"""`)
			case enum == "" && strings.HasPrefix(line, "enum "):
				enum = strings.Fields(line)[1]
				enums[enum] = []string{}
			case enum != "" && strings.HasPrefix(line, "}"):
				enum = ""
			case enum != "" && line != "" && !strings.HasPrefix(line, `"`) && !strings.HasPrefix(line, "#"):
				enums[enum] = append(enums[enum], strings.Fields(line)[0])
			}
		}
	}
	return enums
}

// TestSeedRecordsValidate checks every writable record of the embedded joint
// meeting data set. The file is read directly: the seed package imports this
// one.
func TestSeedRecordsValidate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "seed", "joint-meeting-2025-12-30.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		People          []Person                `json:"people"`
		Enterprises     []Enterprise            `json:"enterprises"`
		Memberships     []AssociationMembership `json:"memberships"`
		Unions          []Union                 `json:"unions"`
		Figures         []MembershipFigures     `json:"figures"`
		Meetings        []Meeting               `json:"meetings"`
		Plans           []Plan                  `json:"plans"`
		Tasks           []Task                  `json:"tasks"`
		ProgressUpdates []ProgressUpdate        `json:"progressUpdates"`
		Activities      []Activity              `json:"activities"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.People) == 0 || len(d.Enterprises) == 0 || len(d.Unions) == 0 || len(d.Meetings) == 0 || len(d.Plans) == 0 || len(d.Tasks) == 0 {
		t.Fatalf("the seed file decoded to almost nothing: %d people, %d enterprises, %d unions, %d meetings, %d plans, %d tasks",
			len(d.People), len(d.Enterprises), len(d.Unions), len(d.Meetings), len(d.Plans), len(d.Tasks))
	}
	checked := 0
	check := func(kind, id string, problems []FieldError) {
		t.Helper()
		checked++
		if len(problems) > 0 {
			t.Errorf("seed %s %s: %+v", kind, id, problems)
		}
	}
	for i := range d.People {
		check("person", d.People[i].ID, d.People[i].Validate())
	}
	for i := range d.Enterprises {
		check("enterprise", d.Enterprises[i].ID, d.Enterprises[i].Validate())
	}
	for i := range d.Memberships {
		check("membership", d.Memberships[i].ID, d.Memberships[i].Validate())
	}
	for i := range d.Unions {
		check("union", d.Unions[i].ID, d.Unions[i].Validate())
	}
	for i := range d.Figures {
		check("figures", d.Figures[i].ID, d.Figures[i].Validate())
	}
	for i := range d.Meetings {
		check("meeting", d.Meetings[i].ID, d.Meetings[i].Validate())
	}
	for i := range d.Plans {
		check("plan", d.Plans[i].ID, d.Plans[i].Validate())
	}
	for i := range d.Tasks {
		check("task", d.Tasks[i].ID, d.Tasks[i].Validate())
	}
	for i := range d.ProgressUpdates {
		check("progress update", d.ProgressUpdates[i].ID, d.ProgressUpdates[i].Validate())
	}
	for i := range d.Activities {
		check("activity", d.Activities[i].ID, d.Activities[i].Validate())
	}
	t.Logf("%d seed records validated", checked)
}
