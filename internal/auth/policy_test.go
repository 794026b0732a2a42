package auth_test

import (
	"slices"
	"strings"
	"testing"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
)

const (
	allowed = ""
	forbid  = "FORBIDDEN"
	unauth  = "UNAUTHENTICATED"
)

var (
	postal      = domain.BodyPostal
	union       = domain.BodyUnion
	association = domain.BodyAssociation
	federation  = domain.BodyFederation
)

func bodies(bs ...domain.BodyCode) []domain.BodyCode { return bs }

// principals of every role; editors of two bodies, partners of two
// enterprises, so that every rule can both allow and refuse.
var (
	anonymous      = auth.Anonymous()
	viewer         = &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "v", Name: "screen", Role: auth.RoleViewer, Body: postal}
	unionEditor    = &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "eu", Name: "union-staff", Role: auth.RoleEditor, Body: union}
	postalEditor   = &auth.Principal{Kind: auth.PrincipalJWT, ID: "jwt:ep", Name: "postal-staff", Role: auth.RoleEditor, Body: postal}
	assocEditor    = &auth.Principal{Kind: auth.PrincipalJWT, ID: "jwt:ea", Name: "assoc-staff", Role: auth.RoleEditor, Body: association}
	admin          = &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "a", Name: "first-admin", Role: auth.RoleAdmin}
	sfPartner      = &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "psf", Name: "sf-hr", Role: auth.RolePartner, Body: union, EnterpriseID: "ent-sf"}
	ydPartner      = &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "pyd", Name: "yd-hr", Role: auth.RolePartner, EnterpriseID: "ent-yd"}
	testPrincipals = []*auth.Principal{anonymous, viewer, unionEditor, postalEditor, assocEditor, admin, sfPartner, ydPartner}
)

// resources returns, for every kind, the records of that kind as they are
// stored: owned records with the body that owns them, joint ones with the
// bodies that edit and take part in them, each for two enterprises.
func resources() []auth.Resource {
	var rs []auth.Resource
	for _, ent := range []string{"ent-sf", "ent-yd"} {
		rs = append(rs,
			auth.Resource{Kind: auth.KindEnterprise, Owner: postal, EnterpriseID: ent},
			auth.Resource{Kind: auth.KindUnion, Owner: union, EnterpriseID: ent},
			auth.Resource{Kind: auth.KindMembershipFigures, Owner: union, EnterpriseID: ent},
			auth.Resource{Kind: auth.KindActivity, Owner: union, EnterpriseID: ent},
			auth.Resource{Kind: auth.KindAssociationMembership, Owner: association, EnterpriseID: ent},
		)
	}
	rs = append(rs,
		// a regional federation union and its activity, of no enterprise
		auth.Resource{Kind: auth.KindUnion, Owner: union},
		auth.Resource{Kind: auth.KindActivity, Owner: union},
		auth.Resource{Kind: auth.KindPerson, Editors: bodies(federation, union), PersonBodies: bodies(federation, union)},
		auth.Resource{Kind: auth.KindPerson, Editors: bodies(postal), PersonBodies: bodies(postal)},
		auth.Resource{Kind: auth.KindPerson},
		auth.Resource{Kind: auth.KindMeeting, Editors: bodies(union, association)},
		auth.Resource{Kind: auth.KindMeeting, Editors: bodies(postal), EnterpriseID: "ent-sf"},
		auth.Resource{Kind: auth.KindPlan, Editors: bodies(postal, union, association)},
		auth.Resource{Kind: auth.KindPlan},
		auth.Resource{Kind: auth.KindTask, Editors: bodies(union), Participants: bodies(union, postal)},
		auth.Resource{Kind: auth.KindTask, Editors: bodies(association), Participants: bodies(association), EnterpriseID: "ent-sf"},
		auth.Resource{Kind: auth.KindProgressUpdate, Editors: bodies(postal), Participants: bodies(postal)},
		auth.Resource{Kind: auth.KindProgressUpdate, Editors: bodies(union), Participants: bodies(union, association)},
	)
	return rs
}

// expected states the rules of issue 3 as the brief gives them, one role at
// a time.
func expected(pol auth.Policy, p *auth.Principal, a auth.Action, r auth.Resource) string {
	if p.Kind == auth.PrincipalAnonymous {
		if a == auth.ActionRead && pol.AnonymousReads {
			return allowed
		}
		return unauth
	}
	ok := func(b bool) string {
		if b {
			return allowed
		}
		return forbid
	}
	switch p.Role {
	case auth.RoleAdmin:
		return allowed
	case auth.RoleViewer:
		return ok(a == auth.ActionRead)
	case auth.RoleEditor:
		b := p.Body
		switch a {
		case auth.ActionRead:
			return allowed
		case auth.ActionCreate, auth.ActionUpdate, auth.ActionDelete, auth.ActionUpsert:
			return ok(r.Owner == b || r.Owner == "" && slices.Contains(r.Editors, b))
		case auth.ActionReportProgress:
			return ok(r.Owner == b || slices.Contains(r.Participants, b) || slices.Contains(r.Editors, b))
		case auth.ActionReadPersonalData:
			return ok(slices.Contains(r.PersonBodies, b))
		case auth.ActionReadAudit:
			return ok(r.Owner == b)
		case auth.ActionManageKeys:
			return forbid
		}
	case auth.RolePartner:
		if a == auth.ActionRead {
			return allowed
		}
		ownEnterprise := r.EnterpriseID == p.EnterpriseID
		figuresOrActivity := r.Kind == auth.KindMembershipFigures || r.Kind == auth.KindActivity
		writes := a == auth.ActionCreate || a == auth.ActionUpdate || a == auth.ActionUpsert
		return ok(ownEnterprise && (figuresOrActivity && writes || r.Kind == auth.KindUnion && a == auth.ActionUpsert))
	}
	panic("no rule for " + string(p.Role))
}

func describe(p *auth.Principal) string {
	if p.IsAnonymous() {
		return "anonymous"
	}
	return p.String()
}

// TestPermissionMatrix asks about every principal × action × record of
// every kind, with anonymous reads on and off, and checks each answer
// against the rules. It also checks the matrix is complete: every action
// and every kind occurs, and every (action, kind) pair is both allowed to
// someone and refused to someone.
func TestPermissionMatrix(t *testing.T) {
	seenAllowed, seenRefused := map[string]bool{}, map[string]bool{}
	n := 0
	for _, anonReads := range []bool{true, false} {
		pol := auth.Policy{AnonymousReads: anonReads}
		for _, p := range testPrincipals {
			for _, a := range auth.Actions {
				for _, r := range resources() {
					n++
					want := expected(pol, p, a, r)
					err := pol.Authorize(p, a, r)
					if got := code(err); got != want {
						t.Errorf("anonymousReads=%v %s %s %+v: got %q (%v), want %q", anonReads, describe(p), a, r, got, err, want)
					}
					if err != nil && !strings.Contains(err.Error(), r.Kind) && a != auth.ActionManageKeys && !(a == auth.ActionRead && want == unauth) {
						t.Errorf("%s %s %s: message %q does not name the kind", describe(p), a, r.Kind, err)
					}
					pair := string(a) + " " + r.Kind
					if want == allowed {
						seenAllowed[pair] = true
					} else {
						seenRefused[pair] = true
					}
				}
			}
		}
	}
	for _, a := range auth.Actions {
		for _, k := range auth.Kinds {
			pair := string(a) + " " + k
			if !seenAllowed[pair] || !seenRefused[pair] {
				t.Errorf("matrix incomplete: %s allowed to someone %v, refused to someone %v", pair, seenAllowed[pair], seenRefused[pair])
			}
		}
	}
	if len(auth.Actions) != 9 || len(auth.Kinds) != 10 {
		t.Errorf("%d actions and %d kinds: the matrix and the brief list 9 and 10", len(auth.Actions), len(auth.Kinds))
	}
	t.Logf("%d decisions checked", n)
}

// TestPolicyTrickyCases pins the cases a rule could easily get wrong, and
// the messages that say who may.
func TestPolicyTrickyCases(t *testing.T) {
	on, off := auth.Policy{AnonymousReads: true}, auth.Policy{}
	unionRec := auth.Resource{Kind: auth.KindUnion, Owner: union, EnterpriseID: "ent-sf"}
	figuresSF := auth.Resource{Kind: auth.KindMembershipFigures, Owner: union, EnterpriseID: "ent-sf"}
	figuresYD := auth.Resource{Kind: auth.KindMembershipFigures, Owner: union, EnterpriseID: "ent-yd"}
	task := auth.Resource{Kind: auth.KindTask, Editors: bodies(union), Participants: bodies(union, postal)}
	person := auth.Resource{Kind: auth.KindPerson, Editors: bodies(federation, union), PersonBodies: bodies(federation, union)}
	for _, c := range []struct {
		name    string
		pol     auth.Policy
		p       *auth.Principal
		a       auth.Action
		r       auth.Resource
		want    string
		message string // the whole message, when set
	}{
		{"owner's editor updates", on, unionEditor, auth.ActionUpdate, unionRec, allowed, ""},
		{"other body's editor may not", on, postalEditor, auth.ActionUpdate, unionRec, forbid, "only editors of UNION (or an admin) may update a Union"},
		{"viewer may not write", on, viewer, auth.ActionCreate, unionRec, forbid, "only editors of UNION (or an admin) may create a Union"},
		{"joint record, not among editors", on, unionEditor, auth.ActionUpdate,
			auth.Resource{Kind: auth.KindMeeting, Editors: bodies(postal, association)}, forbid,
			"only editors of POSTAL or ASSOCIATION (or an admin) may update a Meeting"},
		{"joint record with no editors: admin only", on, unionEditor, auth.ActionDelete, auth.Resource{Kind: auth.KindPlan}, forbid, "only an admin may delete a Plan"},
		{"editor without a body matches nothing", on, &auth.Principal{Kind: auth.PrincipalJWT, Role: auth.RoleEditor}, auth.ActionUpdate,
			auth.Resource{Kind: auth.KindPlan, Editors: bodies("")}, forbid, ""},
		{"owned record listing the editor among Editors is still the owner's", on, postalEditor, auth.ActionUpdate,
			auth.Resource{Kind: auth.KindUnion, Owner: union, Editors: bodies(postal)}, forbid, ""},
		{"partner upserts its figures", on, sfPartner, auth.ActionUpsert, figuresSF, allowed, ""},
		{"partner creates its activity", on, sfPartner, auth.ActionCreate, auth.Resource{Kind: auth.KindActivity, Owner: union, EnterpriseID: "ent-sf"}, allowed, ""},
		{"partner, another enterprise's figures", on, sfPartner, auth.ActionUpsert, figuresYD, forbid,
			"only editors of UNION or a partner of enterprise ent-yd (or an admin) may upsert MembershipFigures"},
		{"partner may not delete its figures", on, sfPartner, auth.ActionDelete, figuresSF, forbid, "only editors of UNION (or an admin) may delete MembershipFigures"},
		{"partner upserts its union", on, sfPartner, auth.ActionUpsert, unionRec, allowed, ""},
		{"partner may not update its union", on, sfPartner, auth.ActionUpdate, unionRec, forbid, ""},
		{"partner may not touch its enterprise", on, sfPartner, auth.ActionUpsert, auth.Resource{Kind: auth.KindEnterprise, Owner: postal, EnterpriseID: "ent-sf"}, forbid, ""},
		{"partner, record of no enterprise", on, sfPartner, auth.ActionUpsert, auth.Resource{Kind: auth.KindActivity, Owner: union}, forbid,
			"only editors of UNION or a partner of the record's enterprise (or an admin) may upsert an Activity"},
		{"partner without an enterprise matches nothing", on, &auth.Principal{Kind: auth.PrincipalAPIKey, Role: auth.RolePartner}, auth.ActionUpsert,
			auth.Resource{Kind: auth.KindActivity, Owner: union}, forbid, ""},
		{"partner may not report progress", on, sfPartner, auth.ActionReportProgress, task, forbid, ""},
		{"participant reports progress", on, postalEditor, auth.ActionReportProgress, task, allowed, ""},
		{"participant may not edit the task", on, postalEditor, auth.ActionUpdate, task, forbid, "only editors of UNION (or an admin) may update a Task"},
		{"lead body reports progress without being listed as participant", on, postalEditor, auth.ActionReportProgress,
			auth.Resource{Kind: auth.KindTask, Editors: bodies(postal)}, allowed, ""},
		{"outsider may not report progress", on, assocEditor, auth.ActionReportProgress, task, forbid,
			"only editors of UNION or POSTAL (or an admin) may report progress on a Task"},
		{"viewer may not report progress", on, viewer, auth.ActionReportProgress, task, forbid, ""},
		{"editor of a body the person serves sees personal data", on, unionEditor, auth.ActionReadPersonalData, person, allowed, ""},
		{"editor of another body does not", on, postalEditor, auth.ActionReadPersonalData, person, forbid,
			"only editors of FEDERATION or UNION (or an admin) may see the personal data (phone, email) of a Person"},
		{"viewer does not", on, viewer, auth.ActionReadPersonalData, person, forbid, ""},
		{"partner does not", on, sfPartner, auth.ActionReadPersonalData, person, forbid, ""},
		{"anonymous does not, even with anonymous reads", on, anonymous, auth.ActionReadPersonalData, person, unauth, ""},
		{"person of no body: admin only", on, unionEditor, auth.ActionReadPersonalData, auth.Resource{Kind: auth.KindPerson}, forbid,
			"only an admin may see the personal data (phone, email) of a Person"},
		{"admin sees personal data", off, admin, auth.ActionReadPersonalData, person, allowed, ""},
		{"editor reads its own body's audit", on, unionEditor, auth.ActionReadAudit, unionRec, allowed, ""},
		{"editor may not read another body's audit", on, postalEditor, auth.ActionReadAudit, unionRec, forbid, "only editors of UNION (or an admin) may read the audit trail of a Union"},
		{"joint record's audit is admin only", on, unionEditor, auth.ActionReadAudit, task, forbid, "only an admin may read the audit trail of a Task"},
		{"editor may not manage keys", on, unionEditor, auth.ActionManageKeys, auth.Resource{Kind: auth.KindAPIKey}, forbid, "only an admin may manage API keys"},
		{"admin manages keys, whatever the kind", on, admin, auth.ActionManageKeys, auth.Resource{}, allowed, ""},
		{"anonymous may not manage keys", on, anonymous, auth.ActionManageKeys, auth.Resource{}, unauth, ""},
		{"anonymous reads when allowed", on, anonymous, auth.ActionRead, unionRec, allowed, ""},
		{"anonymous must sign in to read when not", off, anonymous, auth.ActionRead, unionRec, unauth, ""},
		{"anonymous must sign in to write, reads on or off", on, anonymous, auth.ActionUpsert, figuresSF, unauth, ""},
		{"nil principal is anonymous", off, nil, auth.ActionRead, unionRec, unauth, ""},
		{"nil principal reads when allowed", on, nil, auth.ActionRead, unionRec, allowed, ""},
		{"viewer reads with anonymous reads off", off, viewer, auth.ActionRead, unionRec, allowed, ""},
		{"partner reads other enterprises' records", off, sfPartner, auth.ActionRead, figuresYD, allowed, ""},
		{"unknown role may do nothing", on, &auth.Principal{Kind: auth.PrincipalJWT, Role: "superuser"}, auth.ActionRead, unionRec, forbid, ""},
		{"unknown action is a programming error", on, admin, auth.Action("launch"), unionRec, "internal", ""},
		{"unknown kind is a programming error", on, admin, auth.ActionRead, auth.Resource{Kind: "Spaceship"}, "internal", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.pol.Authorize(c.p, c.a, c.r)
			if got := code(err); got != c.want {
				t.Fatalf("Authorize = %q (%v), want %q", got, err, c.want)
			}
			if c.message != "" && err.Error() != c.message {
				t.Errorf("message %q, want %q", err.Error(), c.message)
			}
			if c.want == unauth && !strings.Contains(err.Error(), "sign in") {
				t.Errorf("message %q does not say to sign in", err.Error())
			}
		})
	}
}

// Authorize must not write into the caller's slices.
func TestAuthorizeLeavesResourceAlone(t *testing.T) {
	editors := make([]domain.BodyCode, 1, 8)
	editors[0] = union
	r := auth.Resource{Kind: auth.KindTask, Editors: editors, Participants: bodies(postal, association)}
	_ = auth.Policy{}.Authorize(assocEditor, auth.ActionReportProgress, r)
	_ = auth.Policy{}.Authorize(viewer, auth.ActionReportProgress, r)
	if got := editors[:cap(editors)][1]; got != "" {
		t.Errorf("Authorize wrote %q past the end of Editors", got)
	}
}
