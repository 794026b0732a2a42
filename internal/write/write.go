// Package write is how records change: every create, update, delete and
// partner upsert goes through here, so that each is authorised by the one
// policy, validated (every problem at once), checked for references, made
// as a single atomic document write with its audit record, and refused
// writes are audited too. Nothing here knows about GraphQL.
package write

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// Service makes the writes.
type Service struct {
	st     *store.Store
	policy auth.Policy
	logger *slog.Logger
	now    func() time.Time
}

// New returns a write service over st, deciding with policy.
func New(st *store.Store, policy auth.Policy, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{st: st, policy: policy, logger: logger, now: func() time.Time { return time.Now().UTC() }}
}

// Policy is the policy the service decides with.
func (s *Service) Policy() auth.Policy { return s.policy }

// Kind describes how one entity type is written.
type Kind[T any] struct {
	name string
	coll func(*store.Store) *store.Collection[T]
	// resource says who owns a record and who else may edit it.
	resource func(context.Context, *Service, *T) (auth.Resource, error)
	// refs lists the references a record makes, to be checked.
	refs func(*T) []ref
	// prepare sets derived fields (name keys) before a record is saved.
	prepare func(*T)
	// id points at the record's id field.
	id func(*T) *string
	// naturalKey finds the stored record with the same natural key as the
	// given one (nil if none): how a partner's upsert finds its record.
	naturalKey func(context.Context, *Service, *T) (*T, error)
	// inUse says what still refers to a record ("" if nothing does).
	inUse func(context.Context, *Service, string) (string, error)
	// plan names the plan a record belongs to, for change events that
	// subscribers filter by plan.
	plan func(context.Context, *Service, *T) string
}

// withPlan notes in an audit record the plan the record belongs to.
func withPlan[T any](ctx context.Context, s *Service, k Kind[T], a *domain.AuditRecord, rec *T) *domain.AuditRecord {
	if k.plan != nil && rec != nil {
		a.PlanID = k.plan(ctx, s, rec)
	}
	return a
}

// entity is what every domain entity pointer offers through its embedded
// Record and its own methods.
type entity interface {
	Meta() *domain.Record
	Validate() []domain.FieldError
}

func asEntity[T any](v *T) entity { return any(v).(entity) }

// NewID returns a new random record id.
func NewID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// actor is the audit form of the request's principal.
func actor(ctx context.Context) domain.Actor {
	p := auth.FromContext(ctx)
	return domain.Actor{CredentialID: p.ID, Kind: p.Kind, Name: p.Name, Role: string(p.Role), Body: p.Body, EnterpriseID: p.EnterpriseID}
}

// audit starts the audit record of an operation on a record.
func (s *Service) audit(ctx context.Context, op, kind string, res auth.Resource, id string) *domain.AuditRecord {
	return &domain.AuditRecord{
		ID: NewID(), At: s.now(), Actor: actor(ctx), Operation: op, Outcome: domain.OutcomeAccepted,
		EntityKind: kind, EntityID: id, Body: res.Owner, Bodies: append(append([]domain.BodyCode{}, res.Editors...), res.Participants...),
		EnterpriseID: res.EnterpriseID,
	}
}

// refuse records a refused write in the audit log and returns err. Errors
// that are not the client's (the database failing) are returned as they
// are, not audited as refusals.
func (s *Service) refuse(ctx context.Context, rec *domain.AuditRecord, err error) error {
	if err == nil {
		return nil
	}
	outcome := domain.OutcomeOf(err)
	if outcome == "" {
		return err
	}
	rec.Outcome, rec.Reason, rec.Version, rec.Changes = outcome, err.Error(), 0, nil
	if aerr := s.st.AppendAudit(context.WithoutCancel(ctx), rec); aerr != nil {
		s.logger.ErrorContext(ctx, "audit a refused write", "operation", rec.Operation, "err", aerr)
	}
	return err
}

// stamp sets the bookkeeping of a record about to be written.
func (s *Service) stamp(ctx context.Context, m *domain.Record, version int, created time.Time) {
	now := s.now()
	a := actor(ctx)
	m.Version = version
	m.CreatedAt = created
	m.UpdatedAt = now
	m.Provenance = domain.Provenance{Basis: domain.BasisRecorded, Source: a.Name, RecordedBy: &a, RecordedAt: &now}
}

// create stores a new record, as action (create, or an upsert that found
// nothing). The caller has set its fields, including a new id.
func create[T any](ctx context.Context, s *Service, k Kind[T], action auth.Action, op, id string, rec *T) (*T, error) {
	res, err := k.resource(ctx, s, rec)
	if err != nil {
		return nil, err
	}
	// The record has no id until it is stored: a refused create names none.
	a := withPlan(ctx, s, k, s.audit(ctx, op, k.name, res, ""), rec)
	if err := s.policy.Authorize(auth.FromContext(ctx), action, res); err != nil {
		return nil, s.refuse(ctx, a, err)
	}
	if err := check(ctx, s, k, rec); err != nil {
		return nil, s.refuse(ctx, a, err)
	}
	s.stamp(ctx, asEntity(rec).Meta(), 1, s.now())
	a.Version, a.EntityID = 1, id
	if _, err := k.coll(s.st).Save(ctx, s.st, nil, rec, a); err != nil {
		a.EntityID = ""
		return nil, s.refuse(ctx, a, err)
	}
	return rec, nil
}

// update applies change to the record at the version the client read, as
// action (update, or an upsert that found the record).
// change edits a copy; the whole result is authorised (as the record was
// and as it will be), validated and checked before anything is written.
func update[T any](ctx context.Context, s *Service, k Kind[T], action auth.Action, op, id string, version int, change func(*T) error) (*T, error) {
	coll := k.coll(s.st)
	a := s.audit(ctx, op, k.name, auth.Resource{Kind: k.name}, id)
	before, err := coll.Get(ctx, id)
	if err != nil {
		return nil, s.refuse(ctx, a, err)
	}
	res, err := k.resource(ctx, s, before)
	if err != nil {
		return nil, err
	}
	a = withPlan(ctx, s, k, s.audit(ctx, op, k.name, res, id), before)
	if err := s.policy.Authorize(auth.FromContext(ctx), action, res); err != nil {
		return nil, s.refuse(ctx, a, err)
	}
	if m := asEntity(before).Meta(); m.Version != version {
		return nil, s.refuse(ctx, a, domain.Errorf(domain.CodeConflict,
			"the %s was changed since you read it: it is at version %d, you sent version %d; read it again and reapply your change", k.name, m.Version, version))
	}
	after, err := clone(before)
	if err != nil {
		return nil, err
	}
	if err := change(after); err != nil {
		return nil, s.refuse(ctx, a, err)
	}
	if res, err = k.resource(ctx, s, after); err != nil {
		return nil, err
	}
	if err := s.policy.Authorize(auth.FromContext(ctx), action, res); err != nil {
		return nil, s.refuse(ctx, a, err)
	}
	if err := check(ctx, s, k, after); err != nil {
		return nil, s.refuse(ctx, a, err)
	}
	s.stamp(ctx, asEntity(after).Meta(), version+1, asEntity(before).Meta().CreatedAt)
	a.Version = version + 1
	changed, err := coll.Save(ctx, s.st, before, after, a)
	if err != nil {
		return nil, s.refuse(ctx, a, err)
	}
	if !changed {
		return before, nil
	}
	return after, nil
}

// remove deletes the record at the version the client read, unless
// something still refers to it (inUse says what).
func remove[T any](ctx context.Context, s *Service, k Kind[T], op, id string, version int, inUse func(context.Context) (string, error)) error {
	coll := k.coll(s.st)
	a := s.audit(ctx, op, k.name, auth.Resource{Kind: k.name}, id)
	before, err := coll.Get(ctx, id)
	if err != nil {
		return s.refuse(ctx, a, err)
	}
	res, err := k.resource(ctx, s, before)
	if err != nil {
		return err
	}
	a = withPlan(ctx, s, k, s.audit(ctx, op, k.name, res, id), before)
	if err := s.policy.Authorize(auth.FromContext(ctx), auth.ActionDelete, res); err != nil {
		return s.refuse(ctx, a, err)
	}
	if m := asEntity(before).Meta(); m.Version != version {
		return s.refuse(ctx, a, domain.Errorf(domain.CodeConflict,
			"the %s was changed since you read it: it is at version %d, you sent version %d; read it again", k.name, m.Version, version))
	}
	if inUse != nil {
		what, err := inUse(ctx)
		if err != nil {
			return err
		}
		if what != "" {
			return s.refuse(ctx, a, domain.Errorf(domain.CodeConflict, "the %s cannot be deleted while %s refer to it: delete or change those first", k.name, what))
		}
	}
	a.Version = version
	return s.refuse(ctx, a, coll.Delete(ctx, s.st, id, version, a))
}

// check validates a record and its references, reporting every problem.
func check[T any](ctx context.Context, s *Service, k Kind[T], rec *T) error {
	if k.prepare != nil {
		k.prepare(rec)
	}
	problems := asEntity(rec).Validate()
	if k.refs != nil {
		more, err := s.checkRefs(ctx, k.refs(rec))
		if err != nil {
			return err
		}
		problems = append(problems, more...)
	}
	return domain.Invalid("input", problems)
}

// clone deep-copies a record (through BSON), so that a change made to the
// copy leaves the record as read untouched.
func clone[T any](v *T) (*T, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("copy record: %w", err)
	}
	c := new(T)
	if err := bson.Unmarshal(raw, c); err != nil {
		return nil, fmt.Errorf("copy record: %w", err)
	}
	return c, nil
}

// AuditRead records that the caller read something the audit trail must
// show (a person's unmasked contact details).
func (s *Service) AuditRead(ctx context.Context, op, kind, id, field string) error {
	rec := s.audit(ctx, op, kind, auth.Resource{Kind: kind}, id)
	rec.Changes = []domain.FieldChange{{Field: field}}
	if err := s.st.AppendAudit(ctx, rec); err != nil {
		return fmt.Errorf("audit %s of %s %s: %w", op, kind, id, err)
	}
	return nil
}
