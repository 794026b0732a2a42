package graph

import (
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"sanfang/graph/model"
	"sanfang/internal/domain"
	"sanfang/internal/write"
)

// Mutation inputs become domain records here: global IDs are decoded and
// patches applied field by field (a field left out stays; an explicit null
// clears it). Problems are gathered, not returned one at a time, so that a
// client learns everything wrong with its input at once.

// conv gathers the problems found while converting one input.
type conv struct {
	problems []domain.FieldError
}

func (c *conv) add(field string, reason domain.FieldProblemReason, format string, args ...any) {
	c.problems = append(c.problems, domain.FieldError{Field: field, Reason: reason, Message: fmt.Sprintf(format, args...)})
}

// err is the BAD_USER_INPUT error listing every problem, or nil.
func (c *conv) err() error { return domain.Invalid("input", c.problems) }

// id decodes a global ID of the given type.
func (c *conv) id(field, typ, gid string) string {
	id, err := localID(field, typ, gid)
	if err != nil {
		c.add(field, domain.ReasonInvalidFormat, "%s", err.Error())
	}
	return id
}

func (c *conv) optID(field, typ string, gid *string) *string {
	if gid == nil {
		return nil
	}
	id := c.id(field, typ, *gid)
	return &id
}

func (c *conv) ids(field, typ string, gids []string) []string {
	out := make([]string, len(gids))
	for i, g := range gids {
		out[i] = c.id(fmt.Sprintf("%s[%d]", field, i), typ, g)
	}
	return out
}

// setRequired applies a patch to a field that may be changed but not cleared.
func setRequired[T any](c *conv, field string, o graphql.Omittable[*T], dst *T) {
	v, set := o.ValueOK()
	if !set {
		return
	}
	if v == nil {
		c.add(field, domain.ReasonNotAllowed, "%s cannot be cleared: leave it out to keep it, or send a new value", field)
		return
	}
	*dst = *v
}

// setOptional applies a patch to a field that may be cleared.
func setOptional[T any](o graphql.Omittable[*T], dst **T) {
	if v, set := o.ValueOK(); set {
		*dst = v
	}
}

// setList applies a patch to a list: a list sent replaces the stored one; null
// empties it.
func setList[T any](o graphql.Omittable[[]T], dst *[]T) {
	if v, set := o.ValueOK(); set {
		if v == nil {
			v = []T{}
		}
		*dst = v
	}
}

// optionalID applies a patch to a reference that may be cleared.
func (c *conv) optionalID(field, typ string, o graphql.Omittable[*string], dst **string) {
	if v, set := o.ValueOK(); set {
		*dst = c.optID(field, typ, v)
	}
}

// idList applies a patch to a list of references.
func (c *conv) idList(field, typ string, o graphql.Omittable[[]string], dst *[]string) {
	if v, set := o.ValueOK(); set {
		*dst = c.ids(field, typ, v)
	}
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func codeStrings(cs []domain.BodyCode) []string { return orEmpty(domain.Strings(cs)) }

func enterpriseFromInput(in model.EnterpriseInput) (*domain.Enterprise, error) {
	e := &domain.Enterprise{
		Name: in.Name, LegalName: in.LegalName, Brand: in.Brand, CreditCode: in.CreditCode,
		RegionCodes: orEmpty(in.RegionCodes), Outlets: in.Outlets, Couriers: in.Couriers, Employees: in.Employees, FiguresAsOf: in.FiguresAsOf,
	}
	if in.BrandEn != nil {
		e.BrandEn = *in.BrandEn
	}
	return e, nil
}

func applyEnterprisePatch(e *domain.Enterprise, p model.EnterprisePatch) error {
	var c conv
	setRequired(&c, "name", p.Name, &e.Name)
	setOptional(p.LegalName, &e.LegalName)
	setRequired(&c, "brand", p.Brand, &e.Brand)
	if v, set := p.BrandEn.ValueOK(); set {
		e.BrandEn = ""
		if v != nil {
			e.BrandEn = *v
		}
	}
	setOptional(p.CreditCode, &e.CreditCode)
	setList(p.RegionCodes, &e.RegionCodes)
	setOptional(p.Outlets, &e.Outlets)
	setOptional(p.Couriers, &e.Couriers)
	setOptional(p.Employees, &e.Employees)
	setOptional(p.FiguresAsOf, &e.FiguresAsOf)
	return c.err()
}

func unionFromInput(in model.UnionInput) (*domain.Union, error) {
	var c conv
	u := &domain.Union{
		Name: in.Name, Kind: in.Kind, EnterpriseID: c.optID("enterpriseId", "Enterprise", in.EnterpriseID),
		RegionCodes: orEmpty(in.RegionCodes), ParentID: c.optID("parentId", "Union", in.ParentID), FoundedOn: in.FoundedOn,
		ChairID: c.optID("chairId", "Person", in.ChairID),
	}
	return u, c.err()
}

func applyUnionPatch(u *domain.Union, p model.UnionPatch) error {
	var c conv
	setRequired(&c, "name", p.Name, &u.Name)
	setRequired(&c, "kind", p.Kind, &u.Kind)
	c.optionalID("enterpriseId", "Enterprise", p.EnterpriseID, &u.EnterpriseID)
	setList(p.RegionCodes, &u.RegionCodes)
	c.optionalID("parentId", "Union", p.ParentID, &u.ParentID)
	setOptional(p.FoundedOn, &u.FoundedOn)
	c.optionalID("chairId", "Person", p.ChairID, &u.ChairID)
	return c.err()
}

func figuresFromInput(in model.MembershipFiguresInput) (*domain.MembershipFigures, error) {
	var c conv
	f := &domain.MembershipFigures{
		UnionID: c.id("unionId", "Union", in.UnionID), Period: in.Period,
		Employees: in.Employees, Couriers: in.Couriers, Members: in.Members, CourierMembers: in.CourierMembers,
	}
	return f, c.err()
}

func applyFiguresPatch(f *domain.MembershipFigures, p model.MembershipFiguresPatch) error {
	setOptional(p.Employees, &f.Employees)
	setOptional(p.Couriers, &f.Couriers)
	setOptional(p.Members, &f.Members)
	setOptional(p.CourierMembers, &f.CourierMembers)
	return nil
}

func activityFromInput(in model.ActivityInput) (*domain.Activity, error) {
	var c conv
	a := &domain.Activity{
		Kind: in.Kind, Title: in.Title, OrganiserBodyID: string(domain.BodyUnion), Date: in.Date, EndDate: in.EndDate,
		RegionCode: in.RegionCode, EnterpriseIDs: c.ids("enterpriseIds", "Enterprise", orEmpty(in.EnterpriseIds)),
		UnionIDs: c.ids("unionIds", "Union", orEmpty(in.UnionIds)), ParticipantCount: in.ParticipantCount,
		TaskID: c.optID("taskId", "Task", in.TaskID), ExternalID: in.ExternalID,
	}
	if in.OrganiserBody != nil {
		a.OrganiserBodyID = string(*in.OrganiserBody)
	}
	return a, c.err()
}

func applyActivityPatch(a *domain.Activity, p model.ActivityPatch) error {
	var c conv
	setRequired(&c, "kind", p.Kind, &a.Kind)
	setRequired(&c, "title", p.Title, &a.Title)
	var organiser domain.BodyCode
	if _, set := p.OrganiserBody.ValueOK(); set {
		setRequired(&c, "organiserBody", p.OrganiserBody, &organiser)
		a.OrganiserBodyID = string(organiser)
	}
	setRequired(&c, "date", p.Date, &a.Date)
	setOptional(p.EndDate, &a.EndDate)
	setOptional(p.RegionCode, &a.RegionCode)
	c.idList("enterpriseIds", "Enterprise", p.EnterpriseIds, &a.EnterpriseIDs)
	c.idList("unionIds", "Union", p.UnionIds, &a.UnionIDs)
	setOptional(p.ParticipantCount, &a.ParticipantCount)
	c.optionalID("taskId", "Task", p.TaskID, &a.TaskID)
	setOptional(p.ExternalID, &a.ExternalID)
	return c.err()
}

func milestones(in []*model.MilestoneInput) []domain.Milestone {
	out := make([]domain.Milestone, 0, len(in))
	for _, m := range in {
		out = append(out, domain.Milestone{Title: m.Title, DueOn: m.DueOn, DoneOn: m.DoneOn})
	}
	return out
}

func taskFromInput(in model.TaskInput) (*domain.Task, error) {
	var c conv
	t := &domain.Task{
		PlanID: c.id("planId", "Plan", in.PlanID), Number: in.Number, Title: in.Title, Description: in.Description,
		Theme: in.Theme, LeadBodyID: string(in.LeadBody), SupportingBodyIDs: codeStrings(in.SupportingBodies),
		Status: domain.TaskNotStarted, Weight: in.Weight, DueOn: in.DueOn, Milestones: milestones(in.Milestones),
		EnterpriseIDs: c.ids("enterpriseIds", "Enterprise", orEmpty(in.EnterpriseIds)),
		UnionIDs:      c.ids("unionIds", "Union", orEmpty(in.UnionIds)),
	}
	if in.Status != nil {
		t.Status = *in.Status
	}
	if in.Progress != nil {
		t.Progress = *in.Progress
	}
	return t, c.err()
}

func applyTaskPatch(t *domain.Task, p model.TaskPatch) error {
	var c conv
	setRequired(&c, "number", p.Number, &t.Number)
	setRequired(&c, "title", p.Title, &t.Title)
	setOptional(p.Description, &t.Description)
	setRequired(&c, "theme", p.Theme, &t.Theme)
	var lead domain.BodyCode
	if _, set := p.LeadBody.ValueOK(); set {
		setRequired(&c, "leadBody", p.LeadBody, &lead)
		t.LeadBodyID = string(lead)
	}
	if v, set := p.SupportingBodies.ValueOK(); set {
		t.SupportingBodyIDs = codeStrings(v)
	}
	setRequired(&c, "status", p.Status, &t.Status)
	setRequired(&c, "progress", p.Progress, &t.Progress)
	setOptional(p.Weight, &t.Weight)
	setOptional(p.DueOn, &t.DueOn)
	if v, set := p.Milestones.ValueOK(); set {
		t.Milestones = milestones(v)
	}
	c.idList("enterpriseIds", "Enterprise", p.EnterpriseIds, &t.EnterpriseIDs)
	c.idList("unionIds", "Union", p.UnionIds, &t.UnionIDs)
	return c.err()
}

func progressFromInput(in model.ProgressInput) (*domain.ProgressUpdate, error) {
	var c conv
	p := &domain.ProgressUpdate{
		TaskID: c.id("taskId", "Task", in.TaskID), Progress: in.Progress, Status: in.Status, Text: in.Text,
		ReporterID: c.optID("reporterId", "Person", in.ReporterID),
	}
	if in.Body != nil {
		p.BodyID = string(*in.Body)
	}
	return p, c.err()
}

// receipt is the graph's form of an upsert's receipt.
func receipt(typ string, r write.Receipt) *model.Receipt {
	out := &model.Receipt{Index: r.Index, Status: model.ReceiptStatus(r.Status)}
	if r.Status != write.Rejected {
		id, v := globalID(typ, r.ID), r.Version
		out.ID, out.Version = &id, &v
	}
	if r.Error != nil {
		e := &model.ReceiptError{Code: string(r.Error.Code), Message: r.Error.Message, Fields: []*domain.FieldError{}}
		for _, f := range r.Error.Fields {
			e.Fields = append(e.Fields, &f)
		}
		if len(e.Fields) == 0 && r.Error.Field != "" {
			e.Fields = append(e.Fields, &domain.FieldError{Field: r.Error.Field, Reason: domain.ReasonForCode(r.Error.Code), Message: r.Error.Message})
		}
		out.Error = e
	}
	return out
}

// bulk is the graph's form of a bulk upsert's receipts.
func bulk(typ string, rs []write.Receipt) *model.BulkPayload {
	out := &model.BulkPayload{Receipts: make([]*model.Receipt, len(rs))}
	for i, r := range rs {
		out.Receipts[i] = receipt(typ, r)
		switch r.Status {
		case write.Created:
			out.Created++
		case write.Updated:
			out.Updated++
		case write.Unchanged:
			out.Unchanged++
		case write.Rejected:
			out.Rejected++
		}
	}
	return out
}
