package auth

import (
	"fmt"
	"slices"
	"strings"

	"sanfang/internal/domain"
)

// Action is something a principal asks to do to a resource.
type Action string

const (
	ActionRead   Action = "read"
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
	ActionUpsert Action = "upsert"
	// ActionReportProgress adds a progress update to a task.
	ActionReportProgress Action = "reportProgress"
	// ActionReadPersonalData sees a person's phone and email unmasked.
	ActionReadPersonalData Action = "readPersonalData"
	// ActionReadAudit reads who changed a record, and when.
	ActionReadAudit Action = "readAudit"
	// ActionManageKeys creates, lists and revokes API keys.
	ActionManageKeys Action = "manageKeys"
)

// Actions lists every action.
var Actions = []Action{ActionRead, ActionCreate, ActionUpdate, ActionDelete, ActionUpsert,
	ActionReportProgress, ActionReadPersonalData, ActionReadAudit, ActionManageKeys}

// The kinds of record a Resource may be.
const (
	KindEnterprise            = "Enterprise"
	KindUnion                 = "Union"
	KindMembershipFigures     = "MembershipFigures"
	KindActivity              = "Activity"
	KindAssociationMembership = "AssociationMembership"
	KindPerson                = "Person"
	KindMeeting               = "Meeting"
	KindPlan                  = "Plan"
	KindTask                  = "Task"
	KindProgressUpdate        = "ProgressUpdate"
	// KindAPIKey is the kind of ActionManageKeys's resource (any kind, or
	// none, will do for that action).
	KindAPIKey = "APIKey"
)

// Kinds lists the kinds of record.
var Kinds = []string{KindEnterprise, KindUnion, KindMembershipFigures, KindActivity, KindAssociationMembership,
	KindPerson, KindMeeting, KindPlan, KindTask, KindProgressUpdate}

// Resource is the record an action is about, as the policy needs to see it.
// For a create it describes the record to be made.
type Resource struct {
	// Kind is the record's kind, one of Kinds (e.g. KindUnion).
	Kind string
	// Owner is the body that owns the record (POSTAL for an Enterprise,
	// UNION for a Union, its figures and activities, ASSOCIATION for an
	// AssociationMembership); empty for joint records.
	Owner domain.BodyCode
	// Editors are the bodies that may edit a joint record: a meeting's host
	// bodies, a task's lead body, a plan's parties.
	Editors []domain.BodyCode
	// Participants are the bodies that may add progress updates to a joint
	// record: a task's lead and supporting bodies.
	Participants []domain.BodyCode
	// EnterpriseID is the enterprise the record belongs to, when any (a
	// union's, its figures' and activities' enterprise).
	EnterpriseID string
	// PersonBodies are, for ActionReadPersonalData, the bodies the person
	// holds titles in.
	PersonBodies []domain.BodyCode
}

// Policy decides what a principal may do. It is the one place the rules
// are written.
type Policy struct {
	// AnonymousReads lets requests without a credential read (dashboards on
	// a public screen). Personal data stays masked for them.
	AnonymousReads bool
}

// Authorize returns nil if pr may do a to r; otherwise an UNAUTHENTICATED
// error (pr is anonymous and must sign in) or a FORBIDDEN one naming who
// may. An unknown action or kind is a programming error, returned as an
// internal error. A nil pr is anonymous.
//
// The rules:
//
//   - anonymous: Read when AnonymousReads is set; nothing else
//     (UNAUTHENTICATED).
//   - admin: everything.
//   - viewer, editor, partner: Read every kind. Personal data is a
//     separate action (ReadPersonalData); a caller that may not do it shows
//     masked phones and emails (MaskPhone, MaskEmail).
//   - editor of body B: Create, Update, Delete and Upsert a record Owned by
//     B, or a joint record (no Owner) whose Editors include B;
//     ReportProgress on a record whose Participants or Editors include B
//     (or that B owns); ReadPersonalData of a person who holds a title in
//     B (PersonBodies); ReadAudit of a record Owned by B.
//   - partner of enterprise E: Create, Update and Upsert MembershipFigures
//     and Activity, and Upsert a Union, whose EnterpriseID is E; never
//     Delete.
//   - ManageKeys: admin only. ReadAudit of joint records: admin only.
func (p Policy) Authorize(pr *Principal, a Action, r Resource) error {
	if pr == nil {
		pr = Anonymous()
	}
	if !slices.Contains(Actions, a) {
		return fmt.Errorf("auth: unknown action %q", a)
	}
	if a != ActionManageKeys && !slices.Contains(Kinds, r.Kind) {
		return fmt.Errorf("auth: unknown resource kind %q", r.Kind)
	}
	if pr.IsAnonymous() {
		if a == ActionRead && p.AnonymousReads {
			return nil
		}
		return unauthenticated(a, r)
	}
	if !pr.Role.Valid() {
		return domain.Errorf(domain.CodeForbidden, "this credential has no usable role, so it may not %s", phrase(a, r))
	}
	if pr.Role == RoleAdmin {
		return nil
	}
	b := pr.Body
	editor := pr.Role == RoleEditor && b != ""
	switch a {
	case ActionRead:
		return nil
	case ActionCreate, ActionUpdate, ActionDelete, ActionUpsert:
		if editor && editorMayWrite(b, r) {
			return nil
		}
		if pr.Role == RolePartner && partnerMayWrite(a, r.Kind) && pr.EnterpriseID != "" && r.EnterpriseID == pr.EnterpriseID {
			return nil
		}
		who := editorsOf(writers(r))
		if partnerMayWrite(a, r.Kind) {
			partner := "a partner of the record's enterprise"
			if r.EnterpriseID != "" {
				partner = "a partner of enterprise " + r.EnterpriseID
			}
			who = append(who, partner)
		}
		return forbidden(who, a, r)
	case ActionReportProgress:
		bodies := slices.Concat(writers(r), r.Participants, r.Editors)
		if editor && slices.Contains(bodies, b) {
			return nil
		}
		return forbidden(editorsOf(bodies), a, r)
	case ActionReadPersonalData:
		if editor && slices.Contains(r.PersonBodies, b) {
			return nil
		}
		return forbidden(editorsOf(r.PersonBodies), a, r)
	case ActionReadAudit:
		if editor && r.Owner != "" && r.Owner == b {
			return nil
		}
		var owner []domain.BodyCode
		if r.Owner != "" {
			owner = append(owner, r.Owner)
		}
		return forbidden(editorsOf(owner), a, r)
	}
	return forbidden(nil, a, r) // ActionManageKeys
}

// writers are the bodies whose editors may write r: its owner, or for a
// joint record its editors.
func writers(r Resource) []domain.BodyCode {
	if r.Owner != "" {
		return []domain.BodyCode{r.Owner}
	}
	return r.Editors
}

func editorMayWrite(b domain.BodyCode, r Resource) bool {
	if r.Owner != "" {
		return r.Owner == b
	}
	return slices.Contains(r.Editors, b)
}

// partnerMayWrite says whether a partner may do a to a record of the kind
// at all (its enterprise must match too).
func partnerMayWrite(a Action, kind string) bool {
	switch kind {
	case KindMembershipFigures, KindActivity:
		return a == ActionCreate || a == ActionUpdate || a == ActionUpsert
	case KindUnion:
		return a == ActionUpsert
	}
	return false
}

// editorsOf is ["editors of POSTAL or UNION"], or nothing for no bodies.
func editorsOf(bodies []domain.BodyCode) []string {
	var names []string
	for _, b := range bodies {
		if b != "" && !slices.Contains(names, string(b)) {
			names = append(names, string(b))
		}
	}
	if len(names) == 0 {
		return nil
	}
	return []string{"editors of " + strings.Join(names, " or ")}
}

func forbidden(who []string, a Action, r Resource) error {
	if len(who) == 0 {
		return domain.Errorf(domain.CodeForbidden, "only an admin may %s", phrase(a, r))
	}
	return domain.Errorf(domain.CodeForbidden, "only %s (or an admin) may %s", strings.Join(who, " or "), phrase(a, r))
}

func unauthenticated(a Action, r Resource) error {
	how := "send an API key or an SSO bearer token (Authorization: Bearer …)"
	if a == ActionRead {
		return domain.Errorf(domain.CodeUnauthenticated, "sign in to read: anonymous reads are turned off here; %s", how)
	}
	return domain.Errorf(domain.CodeUnauthenticated, "sign in to %s: %s", phrase(a, r), how)
}

// phrase says what the action does to the resource: "update a Union".
func phrase(a Action, r Resource) string {
	n := noun(r.Kind)
	switch a {
	case ActionReportProgress:
		return "report progress on " + n
	case ActionReadPersonalData:
		return "see the personal data (phone, email) of " + n
	case ActionReadAudit:
		return "read the audit trail of " + n
	case ActionManageKeys:
		return "manage API keys"
	}
	return string(a) + " " + n
}

// noun is the kind with its article: "a Union", "an Activity",
// "MembershipFigures".
func noun(kind string) string {
	switch kind {
	case "":
		return "a record"
	case KindMembershipFigures:
		return kind
	}
	return "a" + an(kind) + " " + kind
}
