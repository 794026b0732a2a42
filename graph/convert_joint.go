package graph

import (
	"fmt"

	"sanfang/graph/model"
	"sanfang/internal/domain"
)

func membershipFromInput(in model.AssociationMembershipInput) (*domain.AssociationMembership, error) {
	var c conv
	m := &domain.AssociationMembership{EnterpriseID: c.id("enterpriseId", "Enterprise", in.EnterpriseID), Level: in.Level, Since: in.Since, Until: in.Until}
	return m, c.err()
}

func applyMembershipPatch(m *domain.AssociationMembership, p model.AssociationMembershipPatch) error {
	var c conv
	setRequired(&c, "level", p.Level, &m.Level)
	setOptional(p.Since, &m.Since)
	setOptional(p.Until, &m.Until)
	return c.err()
}

func titles(in []*model.TitleInput) []domain.Title {
	out := make([]domain.Title, 0, len(in))
	for _, t := range in {
		out = append(out, domain.Title{BodyID: string(t.Body), Title: t.Title})
	}
	return out
}

func personFromInput(in model.PersonInput) (*domain.Person, error) {
	return &domain.Person{Name: in.Name, Titles: titles(in.Titles), Phone: in.Phone, Email: in.Email}, nil
}

func applyPersonPatch(p *domain.Person, patch model.PersonPatch) error {
	var c conv
	setRequired(&c, "name", patch.Name, &p.Name)
	if v, set := patch.Titles.ValueOK(); set {
		p.Titles = titles(v)
	}
	setOptional(patch.Phone, &p.Phone)
	setOptional(patch.Email, &p.Email)
	return c.err()
}

func optBody(b *domain.BodyCode) *string {
	if b == nil {
		return nil
	}
	s := string(*b)
	return &s
}

func (c *conv) participants(in []*model.ParticipantInput) []domain.Participant {
	out := make([]domain.Participant, 0, len(in))
	for i, p := range in {
		at := fmt.Sprintf("participants[%d].", i)
		out = append(out, domain.Participant{
			PersonID: c.optID(at+"personId", "Person", p.PersonID), BodyID: optBody(p.Body),
			EnterpriseID: c.optID(at+"enterpriseId", "Enterprise", p.EnterpriseID), UnionID: c.optID(at+"unionId", "Union", p.UnionID),
			Role: p.Role, Capacity: p.Capacity, Provenance: domain.Provenance{Basis: domain.BasisRecorded},
		})
	}
	return out
}

func (c *conv) speeches(in []*model.SpeechInput) []domain.Speech {
	out := make([]domain.Speech, 0, len(in))
	for i, s := range in {
		at := fmt.Sprintf("speeches[%d].", i)
		out = append(out, domain.Speech{
			Kind: s.Kind, SpeakerID: c.optID(at+"speakerId", "Person", s.SpeakerID), BodyID: optBody(s.Body),
			UnionID: c.optID(at+"unionId", "Union", s.UnionID), EnterpriseID: c.optID(at+"enterpriseId", "Enterprise", s.EnterpriseID),
			Summary: s.Summary, Provenance: domain.Provenance{Basis: domain.BasisRecorded},
		})
	}
	return out
}

func (c *conv) decisions(in []*model.DecisionInput) []domain.Decision {
	out := make([]domain.Decision, 0, len(in))
	for i, d := range in {
		out = append(out, domain.Decision{Text: d.Text, PlanID: c.optID(fmt.Sprintf("decisions[%d].planId", i), "Plan", d.PlanID)})
	}
	return out
}

func agenda(in []string) []domain.AgendaItem {
	out := make([]domain.AgendaItem, 0, len(in))
	for _, a := range in {
		out = append(out, domain.AgendaItem{Title: a})
	}
	return out
}

func source(in *model.SourceDocumentInput) *domain.SourceDocument {
	if in == nil {
		return nil
	}
	return &domain.SourceDocument{Title: in.Title, Publisher: in.Publisher, PublishedOn: in.PublishedOn, URL: in.URL}
}

func meetingFromInput(in model.MeetingInput) (*domain.Meeting, error) {
	var c conv
	m := &domain.Meeting{
		Kind: in.Kind, Sequence: in.Sequence, Title: in.Title, Date: in.Date, StartsAt: in.StartsAt, TimeOfDay: in.TimeOfDay,
		Place: in.Place, HostBodyIDs: codeStrings(in.HostBodies), ChairID: c.optID("chairId", "Person", in.ChairID),
		Participants: c.participants(in.Participants), Speeches: c.speeches(in.Speeches), Agenda: agenda(in.Agenda),
		Decisions: c.decisions(in.Decisions), Source: source(in.Source),
	}
	return m, c.err()
}

func applyMeetingPatch(m *domain.Meeting, p model.MeetingPatch) error {
	var c conv
	setRequired(&c, "kind", p.Kind, &m.Kind)
	setOptional(p.Sequence, &m.Sequence)
	setRequired(&c, "title", p.Title, &m.Title)
	setRequired(&c, "date", p.Date, &m.Date)
	setOptional(p.StartsAt, &m.StartsAt)
	setOptional(p.TimeOfDay, &m.TimeOfDay)
	setOptional(p.Place, &m.Place)
	if v, set := p.HostBodies.ValueOK(); set {
		m.HostBodyIDs = codeStrings(v)
	}
	c.optionalID("chairId", "Person", p.ChairID, &m.ChairID)
	if v, set := p.Participants.ValueOK(); set {
		m.Participants = c.participants(v)
	}
	if v, set := p.Speeches.ValueOK(); set {
		m.Speeches = c.speeches(v)
	}
	if v, set := p.Agenda.ValueOK(); set {
		m.Agenda = agenda(v)
	}
	if v, set := p.Decisions.ValueOK(); set {
		m.Decisions = c.decisions(v)
	}
	if v, set := p.Source.ValueOK(); set {
		m.Source = source(v)
	}
	return c.err()
}

func planFromInput(in model.PlanInput) (*domain.Plan, error) {
	var c conv
	p := &domain.Plan{
		Year: in.Year, Title: in.Title, Status: in.Status, BodyIDs: codeStrings(in.Bodies),
		AdoptedAtMeetingID: c.optID("adoptedAtMeetingId", "Meeting", in.AdoptedAtMeetingID), AdoptedOn: in.AdoptedOn,
	}
	if in.WeightedProgress != nil {
		p.WeightedProgress = *in.WeightedProgress
	}
	return p, c.err()
}

func applyPlanPatch(p *domain.Plan, patch model.PlanPatch) error {
	var c conv
	setRequired(&c, "year", patch.Year, &p.Year)
	setRequired(&c, "title", patch.Title, &p.Title)
	setRequired(&c, "status", patch.Status, &p.Status)
	if v, set := patch.Bodies.ValueOK(); set {
		p.BodyIDs = codeStrings(v)
	}
	c.optionalID("adoptedAtMeetingId", "Meeting", patch.AdoptedAtMeetingID, &p.AdoptedAtMeetingID)
	setOptional(patch.AdoptedOn, &p.AdoptedOn)
	setRequired(&c, "weightedProgress", patch.WeightedProgress, &p.WeightedProgress)
	return c.err()
}
