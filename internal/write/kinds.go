package write

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// The kinds of record, each with its owner, references, natural key and
// what refers to it.

var Enterprises = Kind[domain.Enterprise]{
	name: auth.KindEnterprise,
	coll: func(st *store.Store) *store.Collection[domain.Enterprise] { return st.Enterprises },
	id:   func(e *domain.Enterprise) *string { return &e.ID },
	resource: func(_ context.Context, _ *Service, e *domain.Enterprise) (auth.Resource, error) {
		return auth.Resource{Kind: auth.KindEnterprise, Owner: domain.BodyPostal, EnterpriseID: e.ID}, nil
	},
	prepare: func(e *domain.Enterprise) { e.NameKey = domain.NameKey(e.Name) },
	naturalKey: func(ctx context.Context, s *Service, e *domain.Enterprise) (*domain.Enterprise, error) {
		if e.CreditCode == nil || *e.CreditCode == "" {
			return nil, domain.Invalid("input", []domain.FieldError{{Field: "creditCode", Reason: domain.ReasonRequired, Message: "creditCode is required to upsert an enterprise: it is the enterprise's natural key"}})
		}
		return first(s.st.Enterprises.FindIn(ctx, "creditCode", []string{*e.CreditCode}, nil, nil))
	},
	inUse: func(ctx context.Context, s *Service, id string) (string, error) {
		return uses(ctx, id,
			use("unions", s.st.Unions.Count, "enterpriseId"),
			use("association memberships", s.st.Memberships.Count, "enterpriseId"),
			use("tasks", s.st.Tasks.Count, "enterpriseIds"),
			use("activities", s.st.Activities.Count, "enterpriseIds"),
			use("meetings", s.st.Meetings.Count, "participants.enterpriseId"))
	},
}

var Memberships = Kind[domain.AssociationMembership]{
	name: auth.KindAssociationMembership,
	coll: func(st *store.Store) *store.Collection[domain.AssociationMembership] { return st.Memberships },
	id:   func(m *domain.AssociationMembership) *string { return &m.ID },
	resource: func(_ context.Context, _ *Service, m *domain.AssociationMembership) (auth.Resource, error) {
		return auth.Resource{Kind: auth.KindAssociationMembership, Owner: domain.BodyAssociation, EnterpriseID: m.EnterpriseID}, nil
	},
	refs: func(m *domain.AssociationMembership) []ref {
		return []ref{{field: "enterpriseId", kind: "Enterprise", id: m.EnterpriseID}}
	},
}

var Unions = Kind[domain.Union]{
	name: auth.KindUnion,
	coll: func(st *store.Store) *store.Collection[domain.Union] { return st.Unions },
	id:   func(u *domain.Union) *string { return &u.ID },
	resource: func(_ context.Context, _ *Service, u *domain.Union) (auth.Resource, error) {
		return auth.Resource{Kind: auth.KindUnion, Owner: domain.BodyUnion, EnterpriseID: deref(u.EnterpriseID)}, nil
	},
	prepare: func(u *domain.Union) { u.NameKey = domain.NameKey(u.Name) },
	refs: func(u *domain.Union) []ref {
		return []ref{
			{field: "enterpriseId", kind: "Enterprise", id: deref(u.EnterpriseID)},
			{field: "parentId", kind: "Union", id: deref(u.ParentID), check: func(v any) string {
				if p := v.(*domain.Union); p.Kind != domain.UnionRegionalFederation {
					return "a union's parent must be a regional federation (REGIONAL_FEDERATION)"
				}
				return ""
			}},
			{field: "chairId", kind: "Person", id: deref(u.ChairID)},
		}
	},
	naturalKey: func(ctx context.Context, s *Service, u *domain.Union) (*domain.Union, error) {
		if u.EnterpriseID == nil || *u.EnterpriseID == "" {
			return nil, domain.Invalid("input", []domain.FieldError{{Field: "enterpriseId", Reason: domain.ReasonRequired, Message: "enterpriseId is required to upsert a union: a union's natural key is its enterprise and name"}})
		}
		return first(s.st.Unions.FindIn(ctx, "enterpriseId", []string{*u.EnterpriseID}, bson.D{{Key: "name", Value: u.Name}}, nil))
	},
	inUse: func(ctx context.Context, s *Service, id string) (string, error) {
		return uses(ctx, id,
			use("member unions", s.st.Unions.Count, "parentId"),
			use("membership figures", s.st.Figures.Count, "unionId"),
			use("tasks", s.st.Tasks.Count, "unionIds"),
			use("activities", s.st.Activities.Count, "unionIds"),
			use("meetings", s.st.Meetings.Count, "participants.unionId"))
	},
}

var Figures = Kind[domain.MembershipFigures]{
	name: auth.KindMembershipFigures,
	coll: func(st *store.Store) *store.Collection[domain.MembershipFigures] { return st.Figures },
	id:   func(f *domain.MembershipFigures) *string { return &f.ID },
	resource: func(ctx context.Context, s *Service, f *domain.MembershipFigures) (auth.Resource, error) {
		res := auth.Resource{Kind: auth.KindMembershipFigures, Owner: domain.BodyUnion}
		if f.UnionID == "" {
			return res, nil
		}
		u, err := s.st.Unions.ByIDs(ctx, []string{f.UnionID})
		if err != nil {
			return res, err
		}
		if union, ok := u[f.UnionID]; ok {
			res.EnterpriseID = deref(union.EnterpriseID)
		}
		return res, nil
	},
	refs: func(f *domain.MembershipFigures) []ref {
		return []ref{{field: "unionId", kind: "Union", id: f.UnionID}}
	},
	naturalKey: func(ctx context.Context, s *Service, f *domain.MembershipFigures) (*domain.MembershipFigures, error) {
		return first(s.st.Figures.FindIn(ctx, "unionId", []string{f.UnionID}, bson.D{{Key: "period", Value: f.Period}}, nil))
	},
}

var Activities = Kind[domain.Activity]{
	name: auth.KindActivity,
	coll: func(st *store.Store) *store.Collection[domain.Activity] { return st.Activities },
	id:   func(a *domain.Activity) *string { return &a.ID },
	resource: func(_ context.Context, _ *Service, a *domain.Activity) (auth.Resource, error) {
		res := auth.Resource{Kind: auth.KindActivity, Owner: domain.BodyUnion}
		// An activity belongs to an enterprise when every enterprise it
		// names is that one: a partner may write only its own.
		if len(a.EnterpriseIDs) > 0 && !slices.ContainsFunc(a.EnterpriseIDs, func(e string) bool { return e != a.EnterpriseIDs[0] }) {
			res.EnterpriseID = a.EnterpriseIDs[0]
		}
		return res, nil
	},
	refs: func(a *domain.Activity) []ref {
		refs := []ref{{field: "organiserBodyId", kind: "Body", id: a.OrganiserBodyID}, {field: "taskId", kind: "Task", id: deref(a.TaskID)}}
		for i, e := range a.EnterpriseIDs {
			refs = append(refs, ref{field: fmt.Sprintf("enterpriseIds[%d]", i), kind: "Enterprise", id: e})
		}
		for i, u := range a.UnionIDs {
			refs = append(refs, ref{field: fmt.Sprintf("unionIds[%d]", i), kind: "Union", id: u})
		}
		return refs
	},
	naturalKey: func(ctx context.Context, s *Service, a *domain.Activity) (*domain.Activity, error) {
		if a.ExternalID == nil || *a.ExternalID == "" {
			return nil, domain.Invalid("input", []domain.FieldError{{Field: "externalId", Reason: domain.ReasonRequired, Message: "externalId is required to upsert an activity: it is your system's own id for it"}})
		}
		return first(s.st.Activities.FindIn(ctx, "externalId", []string{*a.ExternalID}, nil, nil))
	},
}

var People = Kind[domain.Person]{
	name: auth.KindPerson,
	coll: func(st *store.Store) *store.Collection[domain.Person] { return st.People },
	id:   func(p *domain.Person) *string { return &p.ID },
	resource: func(_ context.Context, _ *Service, p *domain.Person) (auth.Resource, error) {
		bodies := domain.BodyCodesOf(p.BodyIDs())
		return auth.Resource{Kind: auth.KindPerson, Editors: bodies, PersonBodies: bodies}, nil
	},
	prepare: func(p *domain.Person) { p.NameKey = domain.NameKey(p.Name) },
	refs: func(p *domain.Person) []ref {
		var refs []ref
		for i, t := range p.Titles {
			refs = append(refs, ref{field: fmt.Sprintf("titles[%d].bodyId", i), kind: "Body", id: t.BodyID})
		}
		return refs
	},
	inUse: func(ctx context.Context, s *Service, id string) (string, error) {
		return uses(ctx, id,
			use("meetings", s.st.Meetings.Count, "participants.personId"),
			use("meetings chaired", s.st.Meetings.Count, "chairId"),
			use("unions chaired", s.st.Unions.Count, "chairId"))
	},
}

var Meetings = Kind[domain.Meeting]{
	name: auth.KindMeeting,
	coll: func(st *store.Store) *store.Collection[domain.Meeting] { return st.Meetings },
	id:   func(m *domain.Meeting) *string { return &m.ID },
	resource: func(_ context.Context, _ *Service, m *domain.Meeting) (auth.Resource, error) {
		hosts := domain.BodyCodesOf(m.HostBodyIDs)
		return auth.Resource{Kind: auth.KindMeeting, Editors: hosts, Participants: hosts}, nil
	},
	refs: func(m *domain.Meeting) []ref {
		refs := []ref{{field: "chairId", kind: "Person", id: deref(m.ChairID)}}
		for i, b := range m.HostBodyIDs {
			refs = append(refs, ref{field: fmt.Sprintf("hostBodyIds[%d]", i), kind: "Body", id: b})
		}
		for i, p := range m.Participants {
			at := fmt.Sprintf("participants[%d].", i)
			refs = append(refs,
				ref{field: at + "personId", kind: "Person", id: deref(p.PersonID)},
				ref{field: at + "bodyId", kind: "Body", id: deref(p.BodyID)},
				ref{field: at + "enterpriseId", kind: "Enterprise", id: deref(p.EnterpriseID)},
				ref{field: at + "unionId", kind: "Union", id: deref(p.UnionID)})
		}
		for i, sp := range m.Speeches {
			at := fmt.Sprintf("speeches[%d].", i)
			refs = append(refs,
				ref{field: at + "speakerId", kind: "Person", id: deref(sp.SpeakerID)},
				ref{field: at + "bodyId", kind: "Body", id: deref(sp.BodyID)},
				ref{field: at + "enterpriseId", kind: "Enterprise", id: deref(sp.EnterpriseID)},
				ref{field: at + "unionId", kind: "Union", id: deref(sp.UnionID)})
		}
		for i, d := range m.Decisions {
			refs = append(refs, ref{field: fmt.Sprintf("decisions[%d].planId", i), kind: "Plan", id: deref(d.PlanID)})
		}
		return refs
	},
	inUse: func(ctx context.Context, s *Service, id string) (string, error) {
		return uses(ctx, id, use("plans adopted at it", s.st.Plans.Count, "adoptedAtMeetingId"))
	},
}

var Plans = Kind[domain.Plan]{
	name: auth.KindPlan,
	plan: func(_ context.Context, _ *Service, p *domain.Plan) string { return p.ID },
	coll: func(st *store.Store) *store.Collection[domain.Plan] { return st.Plans },
	id:   func(p *domain.Plan) *string { return &p.ID },
	resource: func(_ context.Context, _ *Service, p *domain.Plan) (auth.Resource, error) {
		parties := domain.BodyCodesOf(p.BodyIDs)
		return auth.Resource{Kind: auth.KindPlan, Editors: parties, Participants: parties}, nil
	},
	refs: func(p *domain.Plan) []ref {
		refs := []ref{{field: "adoptedAtMeetingId", kind: "Meeting", id: deref(p.AdoptedAtMeetingID)}}
		for i, b := range p.BodyIDs {
			refs = append(refs, ref{field: fmt.Sprintf("bodyIds[%d]", i), kind: "Body", id: b})
		}
		return refs
	},
	inUse: func(ctx context.Context, s *Service, id string) (string, error) {
		return uses(ctx, id, use("tasks", s.st.Tasks.Count, "planId"))
	},
}

var Tasks = Kind[domain.Task]{
	name: auth.KindTask,
	plan: func(_ context.Context, _ *Service, t *domain.Task) string { return t.PlanID },
	coll: func(st *store.Store) *store.Collection[domain.Task] { return st.Tasks },
	id:   func(t *domain.Task) *string { return &t.ID },
	resource: func(_ context.Context, _ *Service, t *domain.Task) (auth.Resource, error) {
		return auth.Resource{Kind: auth.KindTask, Editors: []domain.BodyCode{domain.BodyCode(t.LeadBodyID)},
			Participants: domain.BodyCodesOf(append([]string{t.LeadBodyID}, t.SupportingBodyIDs...))}, nil
	},
	refs: func(t *domain.Task) []ref {
		refs := []ref{
			{field: "planId", kind: "Plan", id: t.PlanID, check: func(v any) string {
				if p := v.(*domain.Plan); !slices.Contains(p.BodyIDs, t.LeadBodyID) {
					return fmt.Sprintf("the lead body %s is not a party to this plan (%s)", t.LeadBodyID, strings.Join(p.BodyIDs, ", "))
				}
				return ""
			}},
			{field: "leadBodyId", kind: "Body", id: t.LeadBodyID},
		}
		for i, b := range t.SupportingBodyIDs {
			refs = append(refs, ref{field: fmt.Sprintf("supportingBodyIds[%d]", i), kind: "Body", id: b})
		}
		for i, e := range t.EnterpriseIDs {
			refs = append(refs, ref{field: fmt.Sprintf("enterpriseIds[%d]", i), kind: "Enterprise", id: e})
		}
		for i, u := range t.UnionIDs {
			refs = append(refs, ref{field: fmt.Sprintf("unionIds[%d]", i), kind: "Union", id: u})
		}
		return refs
	},
	inUse: func(ctx context.Context, s *Service, id string) (string, error) {
		return uses(ctx, id,
			use("progress updates", s.st.ProgressUpdates.Count, "taskId"),
			use("activities", s.st.Activities.Count, "taskId"))
	},
}

var ProgressUpdates = Kind[domain.ProgressUpdate]{
	name: auth.KindProgressUpdate,
	plan: func(ctx context.Context, s *Service, p *domain.ProgressUpdate) string {
		if t, err := s.st.Tasks.ByIDs(ctx, []string{p.TaskID}); err == nil && t[p.TaskID] != nil {
			return t[p.TaskID].PlanID
		}
		return ""
	},
	coll: func(st *store.Store) *store.Collection[domain.ProgressUpdate] { return st.ProgressUpdates },
	id:   func(p *domain.ProgressUpdate) *string { return &p.ID },
	resource: func(ctx context.Context, s *Service, p *domain.ProgressUpdate) (auth.Resource, error) {
		// Who may report is decided by the task: its lead and supporting
		// bodies (never the reporting body's own say-so).
		res := auth.Resource{Kind: auth.KindProgressUpdate}
		task, err := s.st.Tasks.ByIDs(ctx, []string{p.TaskID})
		if err != nil {
			return res, err
		}
		if t, ok := task[p.TaskID]; ok {
			tr, _ := Tasks.resource(ctx, s, t)
			res.Participants, res.Editors = tr.Participants, tr.Editors
		}
		return res, nil
	},
	refs: func(p *domain.ProgressUpdate) []ref {
		return []ref{
			{field: "taskId", kind: "Task", id: p.TaskID},
			{field: "bodyId", kind: "Body", id: p.BodyID},
			{field: "reporterId", kind: "Person", id: deref(p.ReporterID)},
		}
	},
}

// use is one kind of record that may refer to the record being deleted.
type usage struct {
	what  string
	count func(context.Context, bson.D) (int, error)
	field string
}

func use(what string, count func(context.Context, bson.D) (int, error), field string) usage {
	return usage{what, count, field}
}

// uses says what still refers to id ("3 unions, 1 activities"), or "".
func uses(ctx context.Context, id string, us ...usage) (string, error) {
	var parts []string
	for _, u := range us {
		n, err := u.count(ctx, bson.D{{Key: u.field, Value: id}})
		if err != nil {
			return "", err
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, u.what))
		}
	}
	return strings.Join(parts, ", "), nil
}

func first[T any](found []*T, err error) (*T, error) {
	if err != nil || len(found) == 0 {
		return nil, err
	}
	return found[0], nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
