package domain

import (
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what a single record may hold. Lengths count characters
// (runes), not bytes, after surrounding spaces are trimmed: 100 Chinese
// characters are 100, not 300.
const (
	// MaxNameLength bounds names: of a person, enterprise (and its legal
	// name), brand, union; also short labels such as a participant's
	// capacity or a meeting's time of day.
	MaxNameLength = 100
	// MaxTitleLength bounds one-line titles: of a meeting, plan, task,
	// activity, agenda item, milestone, a person's post, a source document;
	// also a meeting's place.
	MaxTitleLength = 200
	// MaxTextLength bounds free text that may run over several lines: a
	// progress update's text, a task's description, a speech's summary, a
	// decision, a provenance note.
	MaxTextLength = 5000
	// MaxListItems bounds every list in a record (ids, participants,
	// speeches, milestones, ...).
	MaxListItems = 500
	// MaxIDLength bounds every id a record refers to.
	MaxIDLength = 100
	// MaxExternalIDLength bounds an activity's partner-system id.
	MaxExternalIDLength = 100
	// MaxEmailLength bounds an e-mail address (RFC 5321's path limit).
	MaxEmailLength = 254
	// MaxURLLength bounds a source document's address.
	MaxURLLength = 2000
	// MinPlanYear and MaxPlanYear bound a plan's year.
	MinPlanYear = 2000
	MaxPlanYear = 2100
)

// The known values of each writable enum, in the order messages list them.
var (
	unionKindValues       = []UnionKind{UnionEnterprise, UnionRegionalFederation}
	membershipLevelValues = []MembershipLevel{LevelPresident, LevelVicePresident, LevelDirector, LevelMember}
	meetingKindValues     = []MeetingKind{MeetingTripartiteJoint, MeetingWorkingGroup, MeetingOther}
	participantRoleValues = []ParticipantRole{RoleChaired, RoleSpoke, RoleAttended}
	speechKindValues      = []SpeechKind{SpeechAddress, SpeechRemarks, SpeechExchange}
	planStatusValues      = []PlanStatus{PlanDraft, PlanAdopted, PlanCompleted}
	taskStatusValues      = []TaskStatus{TaskNotStarted, TaskInProgress, TaskDone, TaskBlocked, TaskCancelled}
	taskThemeValues       = []TaskTheme{ThemeWorkforceReform, ThemeLabourCompetition, ThemeSkillsTraining, ThemeRightsProtection, ThemeCareServices, ThemeUnionBuilding, ThemeRegionalUnions, ThemeFunding, ThemeStandardisation, ThemeOfficerTraining, ThemeOther}
	activityKindValues    = []ActivityKind{ActivityLabourCompetition, ActivitySkillsTraining, ActivityCareService, ActivityRightsProtection, ActivityOther}
	provenanceBasisValues = []ProvenanceBasis{BasisStated, BasisInferred, BasisSynthetic, BasisRecorded}
)

// Valid reports whether k is a known union kind.
func (k UnionKind) Valid() bool { return slices.Contains(unionKindValues, k) }

// Valid reports whether l is a known membership level.
func (l MembershipLevel) Valid() bool { return slices.Contains(membershipLevelValues, l) }

// Valid reports whether k is a known meeting kind.
func (k MeetingKind) Valid() bool { return slices.Contains(meetingKindValues, k) }

// Valid reports whether r is a known participant role.
func (r ParticipantRole) Valid() bool { return slices.Contains(participantRoleValues, r) }

// Valid reports whether k is a known speech kind.
func (k SpeechKind) Valid() bool { return slices.Contains(speechKindValues, k) }

// Valid reports whether s is a known plan status.
func (s PlanStatus) Valid() bool { return slices.Contains(planStatusValues, s) }

// Valid reports whether s is a known task status.
func (s TaskStatus) Valid() bool { return slices.Contains(taskStatusValues, s) }

// Valid reports whether t is a known task theme.
func (t TaskTheme) Valid() bool { return slices.Contains(taskThemeValues, t) }

// Valid reports whether k is a known activity kind.
func (k ActivityKind) Valid() bool { return slices.Contains(activityKindValues, k) }

// Valid reports whether b is a known provenance basis.
func (b ProvenanceBasis) Valid() bool { return slices.Contains(provenanceBasisValues, b) }

// Validate checks an enterprise on its own and returns every problem.
func (e *Enterprise) Validate() []FieldError {
	var c fieldChecks
	c.name("name", e.Name, MaxNameLength)
	c.optName("legalName", e.LegalName, MaxNameLength)
	c.name("brand", e.Brand, MaxNameLength)
	c.optLine("brandEn", e.BrandEn, MaxNameLength)
	if e.CreditCode != nil {
		if err := ValidateCreditCode(*e.CreditCode); err != nil {
			c.add("creditCode", ReasonInvalidFormat, "creditCode %q is not a valid unified social credit code: %v", *e.CreditCode, err)
		}
	}
	c.regions("regionCodes", e.RegionCodes)
	c.count("outlets", e.Outlets)
	c.count("couriers", e.Couriers)
	c.count("employees", e.Employees)
	c.atMost("couriers", e.Couriers, "employees", e.Employees, "couriers are counted among employees")
	c.provenance("provenance", e.Provenance)
	return c.out
}

// Validate checks an association membership on its own and returns every
// problem.
func (m *AssociationMembership) Validate() []FieldError {
	var c fieldChecks
	c.id("enterpriseId", m.EnterpriseID)
	checkEnum(&c, "level", m.Level, membershipLevelValues)
	c.order("since", m.Since, "until", m.Until)
	c.provenance("provenance", m.Provenance)
	return c.out
}

// Validate checks a union on its own and returns every problem.
func (u *Union) Validate() []FieldError {
	var c fieldChecks
	c.name("name", u.Name, MaxNameLength)
	checkEnum(&c, "kind", u.Kind, unionKindValues)
	c.optID("enterpriseId", u.EnterpriseID)
	switch u.Kind {
	case UnionEnterprise:
		if u.EnterpriseID == nil {
			c.add("enterpriseId", ReasonRequired, "enterpriseId is required for an ENTERPRISE union: give the enterprise whose union it is")
		}
	case UnionRegionalFederation:
		if u.EnterpriseID != nil {
			c.add("enterpriseId", ReasonConflict, "enterpriseId must be left out for a REGIONAL_FEDERATION: a regional federation belongs to a city, not an enterprise")
		}
		if len(u.RegionCodes) != 1 {
			c.add("regionCodes", ReasonConflict, "regionCodes must hold exactly one city for a REGIONAL_FEDERATION, got %d", len(u.RegionCodes))
		}
	}
	c.regions("regionCodes", u.RegionCodes)
	c.optID("parentId", u.ParentID)
	if u.ParentID != nil && u.ID != "" && *u.ParentID == u.ID {
		c.add("parentId", ReasonConflict, "parentId %q is the union itself: a union cannot be its own parent", *u.ParentID)
	}
	c.optID("chairId", u.ChairID)
	c.provenance("provenance", u.Provenance)
	return c.out
}

// Validate checks a union's figures for one month on their own and returns
// every problem.
func (f *MembershipFigures) Validate() []FieldError {
	var c fieldChecks
	c.id("unionId", f.UnionID)
	if err := ValidatePeriod(f.Period); err != nil {
		c.add("period", ReasonInvalidFormat, "period %v", err)
	}
	c.count("employees", f.Employees)
	c.count("couriers", f.Couriers)
	c.count("members", f.Members)
	c.count("courierMembers", f.CourierMembers)
	c.atMost("members", f.Members, "employees", f.Employees, "members are counted among employees")
	c.atMost("couriers", f.Couriers, "employees", f.Employees, "couriers are counted among employees")
	c.atMost("courierMembers", f.CourierMembers, "couriers", f.Couriers, "courier members are counted among couriers")
	c.atMost("courierMembers", f.CourierMembers, "members", f.Members, "courier members are counted among members")
	c.provenance("provenance", f.Provenance)
	return c.out
}

// Validate checks a person on their own and returns every problem.
func (p *Person) Validate() []FieldError {
	var c fieldChecks
	c.name("name", p.Name, MaxNameLength)
	// A person may hold no post in a body (a union's chair, say).
	if c.listLen("titles", len(p.Titles)) {
		seen := map[Title]int{}
		for i, t := range p.Titles {
			at := fmt.Sprintf("titles[%d]", i)
			c.body(at+".bodyId", t.BodyID)
			c.name(at+".title", t.Title, MaxTitleLength)
			k := Title{BodyID: t.BodyID, Title: strings.TrimSpace(t.Title)}
			if j, dup := seen[k]; dup && k.Title != "" {
				c.add(at, ReasonDuplicate, "titles[%d] repeats titles[%d] (%s %s): list each post once", i, j, t.BodyID, k.Title)
			} else if !dup {
				seen[k] = i
			}
		}
	}
	if p.Phone != nil && !mobilePhone.MatchString(*p.Phone) && !landlinePhone.MatchString(*p.Phone) {
		c.add("phone", ReasonInvalidFormat, "phone %q is not a phone number: write a mobile number as 11 digits starting with 1 (e.g. 13800138000) or a landline as area code, hyphen, number (e.g. 0351-1234567)", *p.Phone)
	}
	if p.Email != nil {
		if msg := checkEmail(*p.Email); msg != "" {
			c.add("email", ReasonInvalidFormat, "email %q %s", *p.Email, msg)
		}
	}
	c.provenance("provenance", p.Provenance)
	return c.out
}

// Validate checks a meeting on its own and returns every problem.
func (m *Meeting) Validate() []FieldError {
	var c fieldChecks
	checkEnum(&c, "kind", m.Kind, meetingKindValues)
	if m.Sequence != nil && *m.Sequence < 1 {
		c.add("sequence", ReasonOutOfRange, "sequence must be 1 or more (第一次 is 1), got %d", *m.Sequence)
	}
	c.name("title", m.Title, MaxTitleLength)
	c.date("date", m.Date)
	c.optName("timeOfDay", m.TimeOfDay, MaxNameLength)
	c.optName("place", m.Place, MaxTitleLength)
	c.bodies("hostBodyIds", m.HostBodyIDs, true)
	c.optID("chairId", m.ChairID)
	if c.listLen("participants", len(m.Participants)) {
		for i, p := range m.Participants {
			at := fmt.Sprintf("participants[%d]", i)
			checkEnum(&c, at+".role", p.Role, participantRoleValues)
			c.optID(at+".personId", p.PersonID)
			c.optBody(at+".bodyId", p.BodyID)
			c.optID(at+".enterpriseId", p.EnterpriseID)
			c.optID(at+".unionId", p.UnionID)
			if p.PersonID == nil && p.BodyID == nil && p.EnterpriseID == nil && p.UnionID == nil {
				c.add(at, ReasonRequired, "participants[%d] names no one: give at least one of personId, bodyId, enterpriseId, unionId", i)
			}
			c.optName(at+".capacity", p.Capacity, MaxNameLength)
			c.provenance(at+".provenance", p.Provenance)
		}
	}
	if c.listLen("speeches", len(m.Speeches)) {
		for i, s := range m.Speeches {
			at := fmt.Sprintf("speeches[%d]", i)
			checkEnum(&c, at+".kind", s.Kind, speechKindValues)
			c.optID(at+".speakerId", s.SpeakerID)
			c.optBody(at+".bodyId", s.BodyID)
			c.optID(at+".unionId", s.UnionID)
			c.optID(at+".enterpriseId", s.EnterpriseID)
			if s.SpeakerID == nil && s.BodyID == nil && s.UnionID == nil && s.EnterpriseID == nil {
				c.add(at, ReasonRequired, "speeches[%d] names no speaker: give at least one of speakerId, bodyId, unionId, enterpriseId", i)
			}
			c.optText(at+".summary", s.Summary)
			c.provenance(at+".provenance", s.Provenance)
		}
	}
	if c.listLen("agenda", len(m.Agenda)) {
		for i, a := range m.Agenda {
			c.name(fmt.Sprintf("agenda[%d].title", i), a.Title, MaxTitleLength)
		}
	}
	if c.listLen("decisions", len(m.Decisions)) {
		for i, d := range m.Decisions {
			at := fmt.Sprintf("decisions[%d]", i)
			c.text(at+".text", d.Text)
			c.optID(at+".planId", d.PlanID)
		}
	}
	if s := m.Source; s != nil {
		c.name("source.title", s.Title, MaxTitleLength)
		c.name("source.publisher", s.Publisher, MaxNameLength)
		if s.URL != nil {
			if msg := checkURL(*s.URL); msg != "" {
				c.add("source.url", ReasonInvalidFormat, "url %q %s", *s.URL, msg)
			}
		}
	}
	c.provenance("provenance", m.Provenance)
	return c.out
}

// Validate checks a plan on its own and returns every problem.
func (p *Plan) Validate() []FieldError {
	var c fieldChecks
	if p.Year < MinPlanYear || p.Year > MaxPlanYear {
		c.add("year", ReasonOutOfRange, "year must be between %d and %d, got %d", MinPlanYear, MaxPlanYear, p.Year)
	}
	c.name("title", p.Title, MaxTitleLength)
	checkEnum(&c, "status", p.Status, planStatusValues)
	c.bodies("bodyIds", p.BodyIDs, true)
	c.optID("adoptedAtMeetingId", p.AdoptedAtMeetingID)
	c.provenance("provenance", p.Provenance)
	return c.out
}

// Validate checks a task on its own and returns every problem.
func (t *Task) Validate() []FieldError {
	var c fieldChecks
	c.id("planId", t.PlanID)
	if t.Number < 1 {
		c.add("number", ReasonOutOfRange, "number must be 1 or more (the task's place in the plan), got %d", t.Number)
	}
	c.name("title", t.Title, MaxTitleLength)
	c.optText("description", t.Description)
	checkEnum(&c, "theme", t.Theme, taskThemeValues)
	c.body("leadBodyId", t.LeadBodyID)
	if c.bodies("supportingBodyIds", t.SupportingBodyIDs, false) {
		for i, id := range t.SupportingBodyIDs {
			if id == t.LeadBodyID && id != "" {
				c.add(fmt.Sprintf("supportingBodyIds[%d]", i), ReasonConflict, "supportingBodyIds[%d] %q is the lead body: a body does not support its own task", i, id)
			}
		}
	}
	c.progress(t.Status, t.Progress)
	if t.Weight != nil && (!(*t.Weight > 0) || math.IsInf(*t.Weight, 0)) {
		c.add("weight", ReasonOutOfRange, "weight must be a number greater than 0, got %v", *t.Weight)
	}
	if c.listLen("milestones", len(t.Milestones)) {
		for i, ms := range t.Milestones {
			c.name(fmt.Sprintf("milestones[%d].title", i), ms.Title, MaxTitleLength)
		}
	}
	c.ids("enterpriseIds", t.EnterpriseIDs)
	c.ids("unionIds", t.UnionIDs)
	c.provenance("provenance", t.Provenance)
	return c.out
}

// Validate checks a progress update on its own and returns every problem.
func (u *ProgressUpdate) Validate() []FieldError {
	var c fieldChecks
	c.id("taskId", u.TaskID)
	c.date("reportedAt", u.ReportedAt)
	c.body("bodyId", u.BodyID)
	c.optID("reporterId", u.ReporterID)
	c.progress(u.Status, u.Progress)
	c.text("text", u.Text)
	c.provenance("provenance", u.Provenance)
	return c.out
}

// Validate checks an activity on its own and returns every problem.
func (a *Activity) Validate() []FieldError {
	var c fieldChecks
	checkEnum(&c, "kind", a.Kind, activityKindValues)
	c.name("title", a.Title, MaxTitleLength)
	c.body("organiserBodyId", a.OrganiserBodyID)
	c.date("date", a.Date)
	if !a.Date.IsZero() {
		c.order("date", &a.Date, "endDate", a.EndDate)
	}
	if a.RegionCode != nil {
		c.region("regionCode", *a.RegionCode)
	}
	c.ids("enterpriseIds", a.EnterpriseIDs)
	c.ids("unionIds", a.UnionIDs)
	c.count("participantCount", a.ParticipantCount)
	c.optID("taskId", a.TaskID)
	if a.ExternalID != nil {
		c.idOfLength("externalId", *a.ExternalID, MaxExternalIDLength)
	}
	c.provenance("provenance", a.Provenance)
	return c.out
}

// fieldChecks gathers the problems of one record.
type fieldChecks struct{ out []FieldError }

func (c *fieldChecks) add(field string, reason FieldProblemReason, format string, args ...any) {
	c.out = append(c.out, FieldError{Field: field, Reason: reason, Message: fmt.Sprintf(format, args...)})
}

// leafName is the last part of a field path, for messages: "bodyId" for
// "titles[1].bodyId", "regionCodes[0]" for "regionCodes[0]".
func leafName(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}

// name checks a required one-line text: a name, title or label.
func (c *fieldChecks) name(field, v string, max int) {
	if strings.TrimSpace(v) == "" {
		c.add(field, ReasonRequired, "%s is required", leafName(field))
		return
	}
	c.line(field, v, max)
}

// optName checks a one-line text that may be left out but, if given, is
// not blank.
func (c *fieldChecks) optName(field string, v *string, max int) {
	if v == nil {
		return
	}
	if strings.TrimSpace(*v) == "" {
		c.add(field, ReasonBlank, "%s is blank: leave it out or give a value", leafName(field))
		return
	}
	c.line(field, *v, max)
}

// optLine checks a one-line text that may be empty.
func (c *fieldChecks) optLine(field, v string, max int) {
	if strings.TrimSpace(v) != "" {
		c.line(field, v, max)
	}
}

// line checks the length and characters of a non-blank one-line text,
// trimmed of surrounding spaces (and line breaks), which the write path
// drops.
func (c *fieldChecks) line(field, v string, max int) {
	v = strings.TrimSpace(v)
	if !utf8.ValidString(v) {
		c.add(field, ReasonInvalidText, "%s is not valid UTF-8 text", leafName(field))
		return
	}
	if n := utf8.RuneCountInString(v); n > max {
		c.add(field, ReasonTooLong, "%s is %d characters long; the most is %d", leafName(field), n, max)
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		c.add(field, ReasonInvalidText, "%s must be one line: remove line breaks, tabs and other control characters", leafName(field))
	}
}

// text checks a required free text of up to MaxTextLength characters.
func (c *fieldChecks) text(field, v string) {
	if strings.TrimSpace(v) == "" {
		c.add(field, ReasonRequired, "%s is required", leafName(field))
		return
	}
	c.multiline(field, v)
}

// optText checks a free text that may be left out but, if given, is not
// blank.
func (c *fieldChecks) optText(field string, v *string) {
	if v == nil {
		return
	}
	if strings.TrimSpace(*v) == "" {
		c.add(field, ReasonBlank, "%s is blank: leave it out or give a value", leafName(field))
		return
	}
	c.multiline(field, *v)
}

func (c *fieldChecks) multiline(field, v string) {
	if !utf8.ValidString(v) {
		c.add(field, ReasonInvalidText, "%s is not valid UTF-8 text", leafName(field))
		return
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(v)); n > MaxTextLength {
		c.add(field, ReasonTooLong, "%s is %d characters long; the most is %d", leafName(field), n, MaxTextLength)
	}
	if strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0 {
		c.add(field, ReasonInvalidText, "%s holds control characters: keep to text, line breaks and tabs", leafName(field))
	}
}

// id checks a required reference to another record. Whether the record
// exists is checked elsewhere.
func (c *fieldChecks) id(field, v string) {
	c.idOfLength(field, v, MaxIDLength)
}

func (c *fieldChecks) optID(field string, v *string) {
	if v != nil {
		c.id(field, *v)
	}
}

func (c *fieldChecks) idOfLength(field, v string, max int) {
	switch {
	case strings.TrimSpace(v) == "":
		if v == "" {
			c.add(field, ReasonRequired, "%s is required", leafName(field))
		} else {
			c.add(field, ReasonBlank, "%s is blank: give an id", leafName(field))
		}
	case strings.TrimSpace(v) != v:
		c.add(field, ReasonInvalidText, "%s %q has spaces around it: remove them", leafName(field), v)
	case !utf8.ValidString(v):
		c.add(field, ReasonInvalidText, "%s is not valid UTF-8 text", leafName(field))
	case utf8.RuneCountInString(v) > max:
		c.add(field, ReasonTooLong, "%s is %d characters long; the most is %d", leafName(field), utf8.RuneCountInString(v), max)
	case strings.IndexFunc(v, unicode.IsControl) >= 0:
		c.add(field, ReasonInvalidText, "%s %q holds control characters", leafName(field), v)
	}
}

// ids checks a list of references: each one an id, none repeated.
func (c *fieldChecks) ids(field string, ids []string) {
	if !c.listLen(field, len(ids)) {
		return
	}
	first := map[string]int{}
	for i, id := range ids {
		at := fmt.Sprintf("%s[%d]", field, i)
		c.id(at, id)
		c.repeat(first, field, i, id)
	}
}

// repeat reports ids[i] if it came before in the list.
func (c *fieldChecks) repeat(first map[string]int, field string, i int, id string) {
	if id == "" {
		return
	}
	if j, dup := first[id]; dup {
		c.add(fmt.Sprintf("%s[%d]", field, i), ReasonDuplicate, "%s[%d] %q is already listed at %s[%d]: list it once", field, i, id, field, j)
		return
	}
	first[id] = i
}

// body checks a required body code.
func (c *fieldChecks) body(field, id string) {
	switch {
	case id == "":
		c.add(field, ReasonRequired, "%s is required: use one of %s", leafName(field), bodyCodeList())
	case !BodyCode(id).Valid():
		c.add(field, ReasonUnknownValue, "%s %q is not a body: use one of %s", leafName(field), id, bodyCodeList())
	}
}

func (c *fieldChecks) optBody(field string, id *string) {
	if id != nil {
		c.body(field, *id)
	}
}

// bodies checks a list of body codes, none repeated, and says whether the
// list was short enough to check item by item.
func (c *fieldChecks) bodies(field string, ids []string, required bool) bool {
	if required && len(ids) == 0 {
		c.add(field, ReasonRequired, "%s needs at least one body: use %s", field, bodyCodeList())
	}
	if !c.listLen(field, len(ids)) {
		return false
	}
	first := map[string]int{}
	for i, id := range ids {
		c.body(fmt.Sprintf("%s[%d]", field, i), id)
		c.repeat(first, field, i, id)
	}
	return true
}

func bodyCodeList() string { return strings.Join(Strings(BodyCodes), ", ") }

// region checks one region code.
func (c *fieldChecks) region(field, code string) {
	if _, ok := RegionByCode(code); !ok {
		c.add(field, ReasonUnknownValue, "%s %q is not one of Shanxi's %d cities (e.g. %s for %s)", leafName(field), code, len(Regions), Regions[0].Code, Regions[0].Name)
	}
}

// regions checks a list of region codes, none repeated.
func (c *fieldChecks) regions(field string, codes []string) {
	if !c.listLen(field, len(codes)) {
		return
	}
	first := map[string]int{}
	for i, code := range codes {
		c.region(fmt.Sprintf("%s[%d]", field, i), code)
		c.repeat(first, field, i, code)
	}
}

// listLen reports a list longer than MaxListItems and says whether the list
// is short enough to check item by item (a longer one is not, so that one
// oversized input does not yield thousands of problems).
func (c *fieldChecks) listLen(field string, n int) bool {
	if n > MaxListItems {
		c.add(field, ReasonTooMany, "%s has %d items; the most is %d", field, n, MaxListItems)
		return false
	}
	return true
}

// count checks that a figure, when given, is not negative.
func (c *fieldChecks) count(field string, v *int) {
	if v != nil && *v < 0 {
		c.add(field, ReasonOutOfRange, "%s must be 0 or more, got %d", field, *v)
	}
}

// atMost checks part <= whole when both are given and not negative.
func (c *fieldChecks) atMost(partField string, part *int, wholeField string, whole *int, why string) {
	if part == nil || whole == nil || *part < 0 || *whole < 0 {
		return
	}
	if *part > *whole {
		c.add(partField, ReasonConflict, "%s (%d) cannot be more than %s (%d): %s", partField, *part, wholeField, *whole, why)
	}
}

// date checks that a required date is set.
func (c *fieldChecks) date(field string, t time.Time) {
	if t.IsZero() {
		c.add(field, ReasonRequired, "%s is required", field)
	}
}

// order checks that end is not before start, when both are given.
func (c *fieldChecks) order(startField string, start *time.Time, endField string, end *time.Time) {
	if start != nil && end != nil && end.Before(*start) {
		c.add(endField, ReasonOrder, "%s %s is before %s %s", endField, end.Format(time.DateOnly), startField, start.Format(time.DateOnly))
	}
}

// progress checks a task's or update's status and progress, and that they
// agree: DONE means 100, NOT_STARTED means 0.
func (c *fieldChecks) progress(status TaskStatus, progress int) {
	checkEnum(c, "status", status, taskStatusValues)
	switch {
	case progress < 0 || progress > 100:
		c.add("progress", ReasonOutOfRange, "progress must be between 0 and 100, got %d", progress)
	case status == TaskDone && progress != 100:
		c.add("progress", ReasonConflict, "progress must be 100 when status is DONE, got %d: set progress to 100 or choose another status", progress)
	case status == TaskNotStarted && progress != 0:
		c.add("progress", ReasonConflict, "progress must be 0 when status is NOT_STARTED, got %d: set progress to 0 or status to IN_PROGRESS", progress)
	}
}

// provenance checks a provenance's basis, when set (the write path stamps
// it on records that come without one), and the length of its texts.
func (c *fieldChecks) provenance(field string, p Provenance) {
	if p.Basis != "" {
		checkEnum(c, field+".basis", p.Basis, provenanceBasisValues)
	}
	c.optLine(field+".source", p.Source, MaxTitleLength)
	if strings.TrimSpace(p.Note) != "" {
		c.multiline(field+".note", p.Note)
	}
}

// checkEnum checks that v is one of known.
func checkEnum[T ~string](c *fieldChecks, field string, v T, known []T) {
	if slices.Contains(known, v) {
		return
	}
	list := strings.Join(Strings(known), ", ")
	if v == "" {
		c.add(field, ReasonRequired, "%s is required and must be one of %s", leafName(field), list)
		return
	}
	c.add(field, ReasonUnknownValue, "%s must be one of %s, got %s", leafName(field), list, strconv.Quote(string(v)))
}

var (
	// mobilePhone is a mainland mobile number: 11 digits starting with 1.
	mobilePhone = regexp.MustCompile(`^1[0-9]{10}$`)
	// landlinePhone is an area code (0 and 2-3 digits), a hyphen and a
	// 7- or 8-digit number.
	landlinePhone = regexp.MustCompile(`^0[0-9]{2,3}-[0-9]{7,8}$`)
)

// checkEmail says what is wrong with an e-mail address, or "".
func checkEmail(s string) string {
	if utf8.RuneCountInString(s) > MaxEmailLength {
		return fmt.Sprintf("is longer than %d characters", MaxEmailLength)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return "holds spaces: write the address alone, e.g. name@example.org"
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || strings.Contains(domain, "@") || local == "" {
		return "is not an e-mail address: write one @ between the name and the domain, e.g. name@example.org"
	}
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "has no proper domain after the @: write it like name@example.org"
	}
	return ""
}

// checkURL says what is wrong with a web address, or "".
func checkURL(s string) string {
	if len(s) > MaxURLLength {
		return fmt.Sprintf("is longer than %d characters", MaxURLLength)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "is not a web address: write it in full, e.g. https://www.example.org/news/1.html"
	}
	return ""
}
