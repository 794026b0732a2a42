package store

import (
	"regexp"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/domain"
)

// The functions here turn the domain's filters into MongoDB filters. User
// text never becomes an operator or a pattern: text is matched literally
// (regexp.QuoteMeta) and every value is placed under an operator chosen here.

type filter bson.D

func (f *filter) eq(field string, v any) {
	*f = append(*f, bson.E{Key: field, Value: v})
}

func (f *filter) in(field string, values any, n int) {
	if n > 0 {
		f.eq(field, bson.D{{Key: "$in", Value: values}})
	}
}

func (f *filter) contains(field string, text *string) {
	if text != nil && *text != "" {
		f.eq(field, bson.D{{Key: "$regex", Value: regexp.QuoteMeta(*text)}})
	}
}

func (f *filter) between(field string, from, to *time.Time) {
	var r bson.D
	if from != nil {
		r = append(r, bson.E{Key: "$gte", Value: *from})
	}
	if to != nil {
		r = append(r, bson.E{Key: "$lte", Value: *to})
	}
	if len(r) > 0 {
		f.eq(field, r)
	}
}

func (f *filter) optional(field string, v *string) {
	if v != nil {
		f.eq(field, *v)
	}
}

// or adds a condition that one of the given filters holds.
func (f *filter) or(alternatives ...bson.D) {
	a := bson.A{}
	for _, alt := range alternatives {
		a = append(a, alt)
	}
	*f = append(*f, bson.E{Key: "$or", Value: a})
}

// EnterpriseFilter returns the MongoDB filter for f.
func EnterpriseFilter(f *domain.EnterpriseFilter) bson.D {
	var q filter
	if f == nil {
		return bson.D(q)
	}
	q.in("regionCodes", f.RegionCodes, len(f.RegionCodes))
	q.in("brand", f.Brands, len(f.Brands))
	q.contains("name", f.NameContains)
	q.optional("creditCode", f.CreditCode)
	return bson.D(q)
}

// UnionFilter returns the MongoDB filter for f.
func UnionFilter(f *domain.UnionFilter) bson.D {
	var q filter
	if f == nil {
		return bson.D(q)
	}
	q.in("kind", domain.Strings(f.Kinds), len(f.Kinds))
	q.in("regionCodes", f.RegionCodes, len(f.RegionCodes))
	q.in("enterpriseId", f.EnterpriseIDs, len(f.EnterpriseIDs))
	q.optional("parentId", f.ParentID)
	q.contains("name", f.NameContains)
	q.between("foundedOn", f.FoundedFrom, f.FoundedTo)
	return bson.D(q)
}

// MeetingFilter returns the MongoDB filter for f.
func MeetingFilter(f *domain.MeetingFilter) bson.D {
	var q filter
	if f == nil {
		return bson.D(q)
	}
	q.in("kind", domain.Strings(f.Kinds), len(f.Kinds))
	q.in("hostBodyIds", domain.Strings(f.HostBodies), len(f.HostBodies))
	q.between("date", f.From, f.To)
	q.contains("title", f.TitleContains)
	q.optional("participants.personId", f.PersonID)
	q.optional("participants.enterpriseId", f.EnterpriseID)
	return bson.D(q)
}

// PlanFilter returns the MongoDB filter for f.
func PlanFilter(f *domain.PlanFilter) bson.D {
	var q filter
	if f == nil {
		return bson.D(q)
	}
	q.in("year", f.Years, len(f.Years))
	q.in("bodyIds", domain.Strings(f.Bodies), len(f.Bodies))
	q.in("status", domain.Strings(f.Statuses), len(f.Statuses))
	q.contains("title", f.TitleContains)
	return bson.D(q)
}

// TaskFilter returns the MongoDB filter for f.
func TaskFilter(f *domain.TaskFilter) bson.D {
	var q filter
	if f == nil {
		return bson.D(q)
	}
	q.optional("planId", f.PlanID)
	q.in("leadBodyId", domain.Strings(f.LeadBodies), len(f.LeadBodies))
	if len(f.Bodies) > 0 {
		bodies := domain.Strings(f.Bodies)
		q.or(
			bson.D{{Key: "leadBodyId", Value: bson.D{{Key: "$in", Value: bodies}}}},
			bson.D{{Key: "supportingBodyIds", Value: bson.D{{Key: "$in", Value: bodies}}}},
		)
	}
	q.in("status", domain.Strings(f.Statuses), len(f.Statuses))
	q.in("theme", domain.Strings(f.Themes), len(f.Themes))
	q.between("dueOn", f.DueFrom, f.DueTo)
	q.contains("title", f.TitleContains)
	q.optional("enterpriseIds", f.EnterpriseID)
	q.optional("unionIds", f.UnionID)
	return bson.D(q)
}

// ActivityFilter returns the MongoDB filter for f.
func ActivityFilter(f *domain.ActivityFilter) bson.D {
	var q filter
	if f == nil {
		return bson.D(q)
	}
	q.in("kind", domain.Strings(f.Kinds), len(f.Kinds))
	q.in("organiserBodyId", domain.Strings(f.OrganiserBodies), len(f.OrganiserBodies))
	q.in("regionCode", f.RegionCodes, len(f.RegionCodes))
	q.between("date", f.From, f.To)
	q.contains("title", f.TitleContains)
	q.optional("enterpriseIds", f.EnterpriseID)
	q.optional("taskId", f.TaskID)
	return bson.D(q)
}

// FiguresFilter returns the MongoDB filter for f.
func FiguresFilter(f *domain.FiguresFilter) bson.D {
	var q filter
	if f == nil {
		return bson.D(q)
	}
	var r bson.D
	if f.PeriodFrom != nil {
		r = append(r, bson.E{Key: "$gte", Value: *f.PeriodFrom})
	}
	if f.PeriodTo != nil {
		r = append(r, bson.E{Key: "$lte", Value: *f.PeriodTo})
	}
	if len(r) > 0 {
		q.eq("period", r)
	}
	return bson.D(q)
}

// AuditFilter narrows the audit log. Empty fields do not filter.
type AuditFilter struct {
	EntityKind *string
	EntityID   *string
	Body       *string
	Actor      *string
	Operation  *string
	Outcomes   []string
	From, To   *time.Time
}

// AuditFilterD returns the MongoDB filter for f.
func AuditFilterD(f AuditFilter) bson.D {
	var q filter
	q.optional("entityKind", f.EntityKind)
	q.optional("entityId", f.EntityID)
	q.optional("body", f.Body)
	q.optional("actor.credentialId", f.Actor)
	q.optional("operation", f.Operation)
	q.in("outcome", f.Outcomes, len(f.Outcomes))
	q.between("at", f.From, f.To)
	return bson.D(q)
}
