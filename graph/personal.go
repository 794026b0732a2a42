package graph

import (
	"context"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
)

// personalData returns a person's phone or e-mail as the caller may see it:
// in full (and the reading audited: who saw whose contact details) when the
// policy allows, masked otherwise.
func (r *Resolver) personalData(ctx context.Context, p *domain.Person, field string, value *string, mask func(string) string) (*string, error) {
	if value == nil {
		return nil, nil
	}
	principal := auth.FromContext(ctx)
	res := auth.Resource{Kind: auth.KindPerson, PersonBodies: domain.BodyCodesOf(p.BodyIDs())}
	if r.Write.Policy().Authorize(principal, auth.ActionReadPersonalData, res) != nil {
		masked := mask(*value)
		return &masked, nil
	}
	if err := r.Write.AuditRead(ctx, "readPersonalData", auth.KindPerson, p.ID, field); err != nil {
		return nil, err
	}
	return value, nil
}
