package auth

import (
	"context"
	"fmt"
	"strings"

	"sanfang/internal/domain"
)

// Role is what a principal may do; see [Policy.Authorize].
type Role string

const (
	// RoleViewer reads.
	RoleViewer Role = "viewer"
	// RoleEditor maintains one body's records and the joint records that
	// body is an editor or participant of.
	RoleEditor Role = "editor"
	// RoleAdmin may do everything.
	RoleAdmin Role = "admin"
	// RolePartner is an enterprise's system: it reads, and maintains its own
	// enterprise's union, membership figures and activities.
	RolePartner Role = "partner"
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleViewer, RoleEditor, RoleAdmin, RolePartner}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// Kinds of principal: how the caller proved who it is.
const (
	PrincipalAnonymous = "anonymous"
	PrincipalAPIKey    = "apikey"
	PrincipalJWT       = "jwt"
)

// Principal is who is asking. It never holds a secret.
type Principal struct {
	// Kind is PrincipalAnonymous, PrincipalAPIKey or PrincipalJWT.
	Kind string
	// ID identifies the credential: the API key's id, or "jwt:"+subject.
	// Empty for the anonymous principal.
	ID string
	// Name is the actor an audit trail shows: the key's name, or the
	// token's name claim (its subject when it has none).
	Name string
	// Role is empty for the anonymous principal.
	Role Role
	// Body is the owning body: for an editor the body whose records it
	// maintains; for a partner the body that issued it (may be empty); for
	// a viewer or an admin, informational only.
	Body domain.BodyCode
	// EnterpriseID scopes a partner to one enterprise (its stored id, e.g.
	// "ent-sf"). Empty for every other role.
	EnterpriseID string
}

// Anonymous returns the principal of a request that carries no credential.
func Anonymous() *Principal {
	return &Principal{Kind: PrincipalAnonymous, Name: "anonymous"}
}

// IsAnonymous reports whether p is the anonymous principal (or nil).
func (p *Principal) IsAnonymous() bool { return p == nil || p.Kind == PrincipalAnonymous }

// String describes p for logs: kind, id, role and scope, never a secret.
func (p *Principal) String() string {
	if p.IsAnonymous() {
		return "anonymous"
	}
	s := fmt.Sprintf("%s %s (%s", p.Kind, p.ID, p.Role)
	if p.Body != "" {
		s += " " + string(p.Body)
	}
	if p.EnterpriseID != "" {
		s += " enterprise " + p.EnterpriseID
	}
	return s + ")"
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal ctx carries, or the anonymous principal
// when it carries none.
func FromContext(ctx context.Context) *Principal {
	if p, ok := ctx.Value(principalKey{}).(*Principal); ok && p != nil {
		return p
	}
	return Anonymous()
}

// scopeProblem is one thing wrong with a role's scope; what is "role",
// "body" or "enterprise".
type scopeProblem struct {
	what    string
	reason  domain.FieldProblemReason
	message string
}

// checkScope checks that a role, body and enterprise make a usable grant:
// the role is known; an editor names a known body; a partner names an
// enterprise (and, if it names a body, a known one); only partners are
// scoped to an enterprise. It returns every problem.
func checkScope(role Role, body domain.BodyCode, enterprise string) []scopeProblem {
	var ps []scopeProblem
	bodies := strings.Join(domain.Strings(domain.BodyCodes), ", ")
	if !role.Valid() {
		if role == "" {
			ps = append(ps, scopeProblem{"role", domain.ReasonRequired, "a role is required: one of " + strings.Join(domain.Strings(Roles), ", ")})
		} else {
			ps = append(ps, scopeProblem{"role", domain.ReasonUnknownValue, fmt.Sprintf("%q is not a role: use one of %s", role, strings.Join(domain.Strings(Roles), ", "))})
		}
	}
	switch {
	case body != "" && !body.Valid():
		ps = append(ps, scopeProblem{"body", domain.ReasonUnknownValue, fmt.Sprintf("%q is not a body: use one of %s", body, bodies)})
	case body == "" && role == RoleEditor:
		ps = append(ps, scopeProblem{"body", domain.ReasonRequired, "an editor needs the body whose records it maintains: one of " + bodies})
	}
	switch {
	case role == RolePartner && strings.TrimSpace(enterprise) == "":
		ps = append(ps, scopeProblem{"enterprise", domain.ReasonRequired, "a partner needs the id of the enterprise it is scoped to (e.g. ent-sf)"})
	case role != RolePartner && role.Valid() && enterprise != "":
		ps = append(ps, scopeProblem{"enterprise", domain.ReasonNotAllowed, fmt.Sprintf("only partners are scoped to an enterprise; a%s %s is not", an(string(role)), role)})
	}
	return ps
}

// an is "n" before a word that starts with a vowel sound, for "a"/"an":
// "an Activity", "an editor", but "a Union".
func an(word string) string {
	if strings.HasPrefix(strings.ToLower(word), "uni") {
		return ""
	}
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "n"
	}
	return ""
}
