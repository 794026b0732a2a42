package seed

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"sanfang/internal/domain"
)

//go:embed joint-meeting-2025-12-30.json
var jointMeetingJSON []byte

// JointMeeting returns the records of the second tripartite joint meeting
// (2025-12-30), built from the report the ASSOCIATION published on
// 2026-01-05. Each call decodes a fresh copy, so callers may change it. The
// name keys of people, enterprises and unions are filled in.
func JointMeeting() (*Dataset, error) {
	d, err := decode(jointMeetingJSON)
	if err != nil {
		return nil, fmt.Errorf("decoding the embedded joint-meeting-2025-12-30.json data set: %w", err)
	}
	d.fillNameKeys()
	return d, nil
}

// decode reads exactly one JSON data set, rejecting fields the types do not
// have and anything after the document.
func decode(data []byte) (*Dataset, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Dataset
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON document")
	}
	return &d, nil
}

// fillNameKeys sets the collation keys the JSON does not carry.
func (d *Dataset) fillNameKeys() {
	for i := range d.People {
		d.People[i].NameKey = domain.NameKey(d.People[i].Name)
	}
	for i := range d.Enterprises {
		d.Enterprises[i].NameKey = domain.NameKey(d.Enterprises[i].Name)
	}
	for i := range d.Unions {
		d.Unions[i].NameKey = domain.NameKey(d.Unions[i].Name)
	}
}

// The known values of each enum, for Validate.
var (
	bodyKinds        = []domain.BodyKind{domain.BodyKindRegulator, domain.BodyKindTradeUnion, domain.BodyKindIndustryAssociation, domain.BodyKindUnionFederation}
	membershipLevels = []domain.MembershipLevel{domain.LevelPresident, domain.LevelVicePresident, domain.LevelDirector, domain.LevelMember}
	unionKinds       = []domain.UnionKind{domain.UnionEnterprise, domain.UnionRegionalFederation}
	meetingKinds     = []domain.MeetingKind{domain.MeetingTripartiteJoint, domain.MeetingWorkingGroup, domain.MeetingOther}
	participantRoles = []domain.ParticipantRole{domain.RoleChaired, domain.RoleSpoke, domain.RoleAttended}
	speechKinds      = []domain.SpeechKind{domain.SpeechAddress, domain.SpeechRemarks, domain.SpeechExchange}
	planStatuses     = []domain.PlanStatus{domain.PlanDraft, domain.PlanAdopted, domain.PlanCompleted}
	taskStatuses     = []domain.TaskStatus{domain.TaskNotStarted, domain.TaskInProgress, domain.TaskDone, domain.TaskBlocked, domain.TaskCancelled}
	taskThemes       = []domain.TaskTheme{domain.ThemeWorkforceReform, domain.ThemeLabourCompetition, domain.ThemeSkillsTraining, domain.ThemeRightsProtection, domain.ThemeCareServices, domain.ThemeUnionBuilding, domain.ThemeRegionalUnions, domain.ThemeFunding, domain.ThemeStandardisation, domain.ThemeOfficerTraining, domain.ThemeOther}
	activityKinds    = []domain.ActivityKind{domain.ActivityLabourCompetition, domain.ActivitySkillsTraining, domain.ActivityCareService, domain.ActivityRightsProtection, domain.ActivityOther}
	bases            = []domain.ProvenanceBasis{domain.BasisStated, domain.BasisInferred, domain.BasisSynthetic, domain.BasisRecorded}
)

// Validate checks the data set on its own: ids are present and unique within
// each collection; every id a record refers to (bodies, people, enterprises,
// unions, meetings, plans, tasks, regions) exists in the data set or, for
// regions, in domain.Regions; enum values are known; progress is 0-100;
// credit codes, where given, are well formed. It reports every problem it
// finds, joined into one error, and nil if there are none.
func (d *Dataset) Validate() error {
	var v validator

	bodies := collect(&v, "bodies", d.Bodies, func(b domain.Body) string { return b.ID })
	people := collect(&v, "people", d.People, func(p domain.Person) string { return p.ID })
	enterprises := collect(&v, "enterprises", d.Enterprises, func(e domain.Enterprise) string { return e.ID })
	collect(&v, "memberships", d.Memberships, func(m domain.AssociationMembership) string { return m.ID })
	unions := collect(&v, "unions", d.Unions, func(u domain.Union) string { return u.ID })
	collect(&v, "figures", d.Figures, func(f domain.MembershipFigures) string { return f.ID })
	meetings := collect(&v, "meetings", d.Meetings, func(m domain.Meeting) string { return m.ID })
	plans := collect(&v, "plans", d.Plans, func(p domain.Plan) string { return p.ID })
	tasks := collect(&v, "tasks", d.Tasks, func(t domain.Task) string { return t.ID })
	collect(&v, "progressUpdates", d.ProgressUpdates, func(p domain.ProgressUpdate) string { return p.ID })
	collect(&v, "activities", d.Activities, func(a domain.Activity) string { return a.ID })

	body := func(at, field, id string) { v.ref(at, field, id, bodies, "body") }
	person := func(at, field, id string) { v.ref(at, field, id, people, "person") }
	enterprise := func(at, field, id string) { v.ref(at, field, id, enterprises, "enterprise") }
	union := func(at, field, id string) { v.ref(at, field, id, unions, "union") }

	for _, b := range d.Bodies {
		at := "bodies[" + b.ID + "]"
		if !b.Code.Valid() {
			v.addf("%s: code %q is not a known body code", at, b.Code)
		}
		if b.ID != string(b.Code) {
			v.addf("%s: id %q differs from its code %q; a body's id is its code", at, b.ID, b.Code)
		}
		enum(&v, at, "kind", b.Kind, bodyKinds)
		if b.ParentID != nil {
			body(at, "parentId", *b.ParentID)
		}
		v.record(at, b.Record)
	}

	for _, p := range d.People {
		at := "people[" + p.ID + "]"
		for _, t := range p.Titles {
			body(at, "titles.bodyId", t.BodyID)
		}
		v.record(at, p.Record)
	}

	for _, e := range d.Enterprises {
		at := "enterprises[" + e.ID + "]"
		if e.CreditCode != nil {
			if err := domain.ValidateCreditCode(*e.CreditCode); err != nil {
				v.addf("%s: creditCode %q: %v", at, *e.CreditCode, err)
			}
		}
		for _, c := range e.RegionCodes {
			v.region(at, "regionCodes", c)
		}
		v.record(at, e.Record)
	}

	for _, m := range d.Memberships {
		at := "memberships[" + m.ID + "]"
		enterprise(at, "enterpriseId", m.EnterpriseID)
		enum(&v, at, "level", m.Level, membershipLevels)
		v.record(at, m.Record)
	}

	for _, u := range d.Unions {
		at := "unions[" + u.ID + "]"
		enum(&v, at, "kind", u.Kind, unionKinds)
		if u.EnterpriseID != nil {
			enterprise(at, "enterpriseId", *u.EnterpriseID)
		} else if u.Kind == domain.UnionEnterprise {
			v.addf("%s: an ENTERPRISE union needs an enterpriseId", at)
		}
		for _, c := range u.RegionCodes {
			v.region(at, "regionCodes", c)
		}
		if u.ParentID != nil {
			union(at, "parentId", *u.ParentID)
		}
		if u.ChairID != nil {
			person(at, "chairId", *u.ChairID)
		}
		v.record(at, u.Record)
	}

	for _, f := range d.Figures {
		at := "figures[" + f.ID + "]"
		union(at, "unionId", f.UnionID)
		if _, err := time.Parse("2006-01", f.Period); err != nil {
			v.addf("%s: period %q is not a month written YYYY-MM", at, f.Period)
		}
		v.record(at, f.Record)
	}

	for _, m := range d.Meetings {
		at := "meetings[" + m.ID + "]"
		enum(&v, at, "kind", m.Kind, meetingKinds)
		for _, id := range m.HostBodyIDs {
			body(at, "hostBodyIds", id)
		}
		if m.ChairID != nil {
			person(at, "chairId", *m.ChairID)
		}
		for i, p := range m.Participants {
			pat := fmt.Sprintf("%s.participants[%d]", at, i)
			if p.PersonID != nil {
				person(pat, "personId", *p.PersonID)
			}
			if p.BodyID != nil {
				body(pat, "bodyId", *p.BodyID)
			}
			if p.EnterpriseID != nil {
				enterprise(pat, "enterpriseId", *p.EnterpriseID)
			}
			if p.UnionID != nil {
				union(pat, "unionId", *p.UnionID)
			}
			enum(&v, pat, "role", p.Role, participantRoles)
			v.provenance(pat, p.Provenance)
		}
		for i, s := range m.Speeches {
			sat := fmt.Sprintf("%s.speeches[%d]", at, i)
			enum(&v, sat, "kind", s.Kind, speechKinds)
			if s.SpeakerID != nil {
				person(sat, "speakerId", *s.SpeakerID)
			}
			if s.BodyID != nil {
				body(sat, "bodyId", *s.BodyID)
			}
			if s.UnionID != nil {
				union(sat, "unionId", *s.UnionID)
			}
			if s.EnterpriseID != nil {
				enterprise(sat, "enterpriseId", *s.EnterpriseID)
			}
			v.provenance(sat, s.Provenance)
		}
		for i, dec := range m.Decisions {
			if dec.PlanID != nil {
				v.ref(fmt.Sprintf("%s.decisions[%d]", at, i), "planId", *dec.PlanID, plans, "plan")
			}
		}
		v.record(at, m.Record)
	}

	for _, p := range d.Plans {
		at := "plans[" + p.ID + "]"
		enum(&v, at, "status", p.Status, planStatuses)
		for _, id := range p.BodyIDs {
			body(at, "bodyIds", id)
		}
		if p.AdoptedAtMeetingID != nil {
			v.ref(at, "adoptedAtMeetingId", *p.AdoptedAtMeetingID, meetings, "meeting")
		}
		v.record(at, p.Record)
	}

	for _, t := range d.Tasks {
		at := "tasks[" + t.ID + "]"
		v.ref(at, "planId", t.PlanID, plans, "plan")
		body(at, "leadBodyId", t.LeadBodyID)
		for _, id := range t.SupportingBodyIDs {
			body(at, "supportingBodyIds", id)
		}
		enum(&v, at, "theme", t.Theme, taskThemes)
		enum(&v, at, "status", t.Status, taskStatuses)
		v.progress(at, t.Progress)
		for _, id := range t.EnterpriseIDs {
			enterprise(at, "enterpriseIds", id)
		}
		for _, id := range t.UnionIDs {
			union(at, "unionIds", id)
		}
		v.record(at, t.Record)
	}

	for _, u := range d.ProgressUpdates {
		at := "progressUpdates[" + u.ID + "]"
		v.ref(at, "taskId", u.TaskID, tasks, "task")
		body(at, "bodyId", u.BodyID)
		if u.ReporterID != nil {
			person(at, "reporterId", *u.ReporterID)
		}
		v.progress(at, u.Progress)
		enum(&v, at, "status", u.Status, taskStatuses)
		v.record(at, u.Record)
	}

	for _, a := range d.Activities {
		at := "activities[" + a.ID + "]"
		enum(&v, at, "kind", a.Kind, activityKinds)
		body(at, "organiserBodyId", a.OrganiserBodyID)
		if a.RegionCode != nil {
			v.region(at, "regionCode", *a.RegionCode)
		}
		for _, id := range a.EnterpriseIDs {
			enterprise(at, "enterpriseIds", id)
		}
		for _, id := range a.UnionIDs {
			union(at, "unionIds", id)
		}
		if a.TaskID != nil {
			v.ref(at, "taskId", *a.TaskID, tasks, "task")
		}
		v.record(at, a.Record)
	}

	return errors.Join(v.errs...)
}

// validator gathers the problems Validate finds.
type validator struct{ errs []error }

func (v *validator) addf(format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf(format, args...))
}

// collect returns the set of ids in a collection, reporting empty and
// repeated ids.
func collect[T any](v *validator, name string, items []T, id func(T) string) map[string]bool {
	set := make(map[string]bool, len(items))
	for i, it := range items {
		k := id(it)
		switch {
		case k == "":
			v.addf("%s[%d]: id is empty", name, i)
		case set[k]:
			v.addf("%s: id %q is used more than once", name, k)
		}
		set[k] = true
	}
	return set
}

// ref reports id if it is not in set.
func (v *validator) ref(at, field, id string, set map[string]bool, what string) {
	if !set[id] {
		v.addf("%s: %s %q is not a %s in the data set", at, field, id, what)
	}
}

func (v *validator) region(at, field, code string) {
	if _, ok := domain.RegionByCode(code); !ok {
		v.addf("%s: %s %q is not a Shanxi region code", at, field, code)
	}
}

func (v *validator) progress(at string, p int) {
	if p < 0 || p > 100 {
		v.addf("%s: progress %d is outside 0-100", at, p)
	}
}

func (v *validator) record(at string, r domain.Record) {
	v.provenance(at, r.Provenance)
}

func (v *validator) provenance(at string, p domain.Provenance) {
	enum(v, at, "provenance.basis", p.Basis, bases)
}

// enum reports val if it is not one of known.
func enum[T ~string](v *validator, at, field string, val T, known []T) {
	if !slices.Contains(known, val) {
		v.addf("%s: %s %q is not a known value", at, field, val)
	}
}
