package domain

import "time"

// Actor is who did something: the credential and what it stands for. It
// never holds a secret.
type Actor struct {
	// CredentialID is the API key's id, "jwt:<subject>" for a token, or
	// "anonymous".
	CredentialID string   `bson:"credentialId" json:"credentialId"`
	Kind         string   `bson:"kind" json:"kind"`
	Name         string   `bson:"name" json:"name"`
	Role         string   `bson:"role" json:"role"`
	Body         BodyCode `bson:"body,omitempty" json:"body,omitempty"`
	EnterpriseID string   `bson:"enterpriseId,omitempty" json:"enterpriseId,omitempty"`
}

// Outcome is what became of an attempted operation.
type Outcome string

const (
	OutcomeAccepted        Outcome = "ACCEPTED"
	OutcomeInvalid         Outcome = "INVALID"
	OutcomeForbidden       Outcome = "FORBIDDEN"
	OutcomeUnauthenticated Outcome = "UNAUTHENTICATED"
	OutcomeConflict        Outcome = "CONFLICT"
	OutcomeNotFound        Outcome = "NOT_FOUND"
)

// OutcomeOf maps an error to the outcome an audit record shows.
func OutcomeOf(err error) Outcome {
	if err == nil {
		return OutcomeAccepted
	}
	switch CodeOf(err) {
	case CodeBadUserInput:
		return OutcomeInvalid
	case CodeForbidden:
		return OutcomeForbidden
	case CodeUnauthenticated:
		return OutcomeUnauthenticated
	case CodeConflict:
		return OutcomeConflict
	case CodeNotFound:
		return OutcomeNotFound
	}
	return ""
}

// FieldChange is one field's value before and after a write, as stored.
type FieldChange struct {
	Field  string `bson:"field" json:"field"`
	Before any    `bson:"before,omitempty" json:"before,omitempty"`
	After  any    `bson:"after,omitempty" json:"after,omitempty"`
}

// AuditRecord says who did what to which record, when, and what changed.
// Accepted writes' records are also the change events other parts consume:
// ordered by Seq, durable, resumable.
type AuditRecord struct {
	ID string `bson:"_id" json:"id"`
	// Seq orders the log; it is set when the record is appended.
	Seq       int64     `bson:"seq" json:"seq"`
	At        time.Time `bson:"at" json:"at"`
	Actor     Actor     `bson:"actor" json:"actor"`
	Operation string    `bson:"operation" json:"operation"`
	Outcome   Outcome   `bson:"outcome" json:"outcome"`
	// Reason says why a refused operation was refused.
	Reason string `bson:"reason,omitempty" json:"reason,omitempty"`
	// EntityKind and EntityID name the record written (or read).
	EntityKind string `bson:"entityKind" json:"entityKind"`
	EntityID   string `bson:"entityId,omitempty" json:"entityId,omitempty"`
	// Version is the record's version after an accepted write.
	Version int `bson:"version,omitempty" json:"version,omitempty"`
	// Deleted is set when the write deleted the record.
	Deleted bool `bson:"deleted,omitempty" json:"deleted,omitempty"`
	// Body owns the record; Bodies are every body it concerns (a joint
	// record's hosts or lead and supporting bodies).
	Body         BodyCode   `bson:"body,omitempty" json:"body,omitempty"`
	Bodies       []BodyCode `bson:"bodies,omitempty" json:"bodies,omitempty"`
	EnterpriseID string     `bson:"enterpriseId,omitempty" json:"enterpriseId,omitempty"`
	PlanID       string     `bson:"planId,omitempty" json:"planId,omitempty"`
	// Changes lists the fields an accepted write changed.
	Changes []FieldChange `bson:"changes,omitempty" json:"changes,omitempty"`
}
