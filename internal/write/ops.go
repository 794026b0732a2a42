package write

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// Create stores rec as a new record with a new id.
func Create[T any](ctx context.Context, s *Service, k Kind[T], rec *T) (*T, error) {
	*k.id(rec) = NewID()
	return create(ctx, s, k, auth.ActionCreate, "create"+k.name, *k.id(rec), rec)
}

// Update changes the record id at version with change, which edits a copy.
func Update[T any](ctx context.Context, s *Service, k Kind[T], id string, version int, change func(*T) error) (*T, error) {
	return update(ctx, s, k, auth.ActionUpdate, "update"+k.name, id, version, change)
}

// Delete removes the record id at version, refusing while anything refers
// to it.
func Delete[T any](ctx context.Context, s *Service, k Kind[T], id string, version int) error {
	var inUse func(context.Context) (string, error)
	if k.inUse != nil {
		inUse = func(ctx context.Context) (string, error) { return k.inUse(ctx, s, id) }
	}
	return remove(ctx, s, k, "delete"+k.name, id, version, inUse)
}

// ReceiptStatus is what an upsert did with one item.
type ReceiptStatus string

const (
	Created   ReceiptStatus = "CREATED"
	Updated   ReceiptStatus = "UPDATED"
	Unchanged ReceiptStatus = "UNCHANGED"
	Rejected  ReceiptStatus = "REJECTED"
)

// Receipt says what became of one item of an upsert.
type Receipt struct {
	Index   int           `bson:"index"`
	Status  ReceiptStatus `bson:"status"`
	ID      string        `bson:"id,omitempty"`
	Version int           `bson:"version,omitempty"`
	// Error is why a REJECTED item was refused.
	Error *domain.Error `bson:"error,omitempty"`
}

// Upsert stores rec by its natural key: a new record if none has the key,
// otherwise rec's fields replace the stored one's (a retry with the same
// fields changes nothing and says UNCHANGED). Refusals (bad input, not
// allowed) come back as a REJECTED receipt; only failures of the database
// are errors.
func Upsert[T any](ctx context.Context, s *Service, k Kind[T], rec *T) (Receipt, error) {
	r, err := upsertOnce(ctx, s, k, rec)
	if domain.CodeOf(err) == domain.CodeConflict {
		// Someone else created or changed the record between our read and
		// our write: read again and apply on top.
		r, err = upsertOnce(ctx, s, k, rec)
	}
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			return Receipt{Status: Rejected, Error: de}, nil
		}
		return Receipt{}, err
	}
	return r, nil
}

// Reject is the receipt of an upsert whose input could not be read (err
// says why); the refusal is audited like any other.
func Reject[T any](ctx context.Context, s *Service, k Kind[T], err error) (Receipt, error) {
	var de *domain.Error
	if !errors.As(err, &de) {
		return Receipt{}, err
	}
	_ = s.refuse(ctx, s.audit(ctx, "upsert"+k.name, k.name, auth.Resource{Kind: k.name}, ""), err)
	return Receipt{Status: Rejected, Error: de}, nil
}

func upsertOnce[T any](ctx context.Context, s *Service, k Kind[T], rec *T) (Receipt, error) {
	op := "upsert" + k.name
	if k.prepare != nil {
		k.prepare(rec)
	}
	existing, err := k.naturalKey(ctx, s, rec)
	if err != nil {
		if domain.CodeOf(err) != domain.CodeInternal {
			res, rerr := k.resource(ctx, s, rec)
			if rerr != nil {
				return Receipt{}, rerr
			}
			return Receipt{}, s.refuse(ctx, s.audit(ctx, op, k.name, res, ""), err)
		}
		return Receipt{}, err
	}
	if existing == nil {
		in, err := clone(rec)
		if err != nil {
			return Receipt{}, err
		}
		*k.id(in) = NewID()
		out, err := create(ctx, s, k, auth.ActionUpsert, op, *k.id(in), in)
		if err != nil {
			return Receipt{}, err
		}
		return Receipt{Status: Created, ID: *k.id(out), Version: asEntity(out).Meta().Version}, nil
	}
	id, version := *k.id(existing), asEntity(existing).Meta().Version
	out, err := update(ctx, s, k, auth.ActionUpsert, op, id, version, func(cur *T) error {
		meta := *asEntity(cur).Meta()
		in, err := clone(rec)
		if err != nil {
			return err
		}
		*cur = *in
		*k.id(cur) = id
		// What the partner sends replaces the record's fields; the record's
		// history (version, creation, provenance) stays the store's.
		*asEntity(cur).Meta() = meta
		return nil
	})
	if err != nil {
		return Receipt{}, err
	}
	status := Updated
	if asEntity(out).Meta().Version == version {
		status = Unchanged
	}
	return Receipt{Status: status, ID: id, Version: asEntity(out).Meta().Version}, nil
}

// MaxBulkItems is the most items one bulk upsert takes.
const MaxBulkItems = 200

// Item is one item of a bulk upsert: a record, or why its input could not
// be read.
type Item[T any] struct {
	Rec *T
	Err error
}

// UpsertMany upserts each item on its own: the good ones are stored, each
// bad one gets a REJECTED receipt saying why, and no item is half-written.
// With an idempotency key, a retry of the same call returns the receipts of
// the first (kept for a day) without writing anything.
func UpsertMany[T any](ctx context.Context, s *Service, k Kind[T], items []Item[T], idempotencyKey string) ([]Receipt, error) {
	if len(items) > MaxBulkItems {
		return nil, domain.InputErrorf("items", "send at most %d items in one call; got %d: split them into several calls", MaxBulkItems, len(items))
	}
	var key string
	if idempotencyKey != "" {
		if len(idempotencyKey) > 200 {
			return nil, domain.InputErrorf("idempotencyKey", "idempotencyKey must be at most 200 characters")
		}
		key = fmt.Sprintf("%s|upsert%ss|%s", auth.FromContext(ctx).ID, k.name, idempotencyKey)
		if saved, err := s.savedReceipts(ctx, key); err != nil || saved != nil {
			return saved, err
		}
	}
	receipts := make([]Receipt, len(items))
	for i, item := range items {
		var r Receipt
		var err error
		if item.Err != nil {
			r, err = Reject(ctx, s, k, item.Err)
		} else {
			r, err = Upsert(ctx, s, k, item.Rec)
		}
		if err != nil {
			return nil, fmt.Errorf("upsert item %d: %w", i, err)
		}
		r.Index = i
		if r.Error != nil {
			r.Error = prefixed(fmt.Sprintf("items[%d]", i), r.Error)
		}
		receipts[i] = r
	}
	if key != "" {
		if err := s.saveReceipts(ctx, key, receipts); err != nil {
			return nil, err
		}
	}
	return receipts, nil
}

// prefixed moves an item's error paths under the item's place in the list.
func prefixed(at string, e *domain.Error) *domain.Error {
	c := *e
	if c.Field != "" {
		c.Field = at + "." + trimInput(c.Field)
	}
	c.Fields = make([]domain.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		c.Fields[i] = domain.FieldError{Field: at + "." + trimInput(f.Field), Reason: f.Reason, Message: f.Message}
	}
	if len(c.Fields) > 0 {
		c.Message = c.Fields[0].Field + ": " + c.Fields[0].Message
		if len(c.Fields) > 1 {
			c.Message += fmt.Sprintf(" (and %d more problems, listed in fields)", len(c.Fields)-1)
		}
	}
	return &c
}

func trimInput(path string) string {
	if len(path) > 6 && path[:6] == "input." {
		return path[6:]
	}
	return path
}

type savedCall struct {
	ID       string    `bson:"_id"`
	Receipts []Receipt `bson:"receipts"`
	At       time.Time `bson:"at"`
}

// idempotencyTTL is how long a bulk call's receipts are kept for retries.
const idempotencyTTL = 24 * time.Hour

func (s *Service) savedReceipts(ctx context.Context, key string) ([]Receipt, error) {
	var saved savedCall
	err := s.st.Database(store.Joint).Collection("idempotency").FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&saved)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && s.now().Sub(saved.At) > idempotencyTTL) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read saved receipts: %w", err)
	}
	return saved.Receipts, nil
}

func (s *Service) saveReceipts(ctx context.Context, key string, receipts []Receipt) error {
	_, err := s.st.Database(store.Joint).Collection("idempotency").ReplaceOne(ctx, bson.D{{Key: "_id", Value: key}},
		savedCall{ID: key, Receipts: receipts, At: s.now()}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("save receipts: %w", err)
	}
	return nil
}

// ReportProgress records a progress update on a task and brings the task's
// progress and status up to it. A body taking part in the task may report
// progress without being able to edit the task. The reporting body is the
// editor's own; an admin reports for the body it names, or the task's lead.
func ReportProgress(ctx context.Context, s *Service, p *domain.ProgressUpdate) (*domain.ProgressUpdate, *domain.Task, error) {
	p.ID = NewID()
	p.ReportedAt = s.now()
	principal := auth.FromContext(ctx)
	switch {
	case principal.Role == auth.RoleEditor && p.BodyID != "" && p.BodyID != string(principal.Body):
		err := domain.Errorf(domain.CodeForbidden, "an editor of %s reports progress for %s only; leave body out", principal.Body, principal.Body)
		return nil, nil, s.refuse(ctx, s.audit(ctx, "reportProgress", ProgressUpdates.name, auth.Resource{Kind: ProgressUpdates.name}, ""), err)
	case p.BodyID == "" && principal.Body != "":
		p.BodyID = string(principal.Body)
	case p.BodyID == "":
		if task, err := s.st.Tasks.ByIDs(ctx, []string{p.TaskID}); err == nil && task[p.TaskID] != nil {
			p.BodyID = task[p.TaskID].LeadBodyID
		}
	}
	out, err := create(ctx, s, ProgressUpdates, auth.ActionReportProgress, "reportProgress", p.ID, p)
	if err != nil {
		return nil, nil, err
	}
	// The task follows its newest report; a concurrent edit of the task
	// makes us read it again.
	for attempt := 0; ; attempt++ {
		cur, err := s.st.Tasks.Get(ctx, p.TaskID)
		if err != nil {
			return out, nil, err
		}
		task, err := update(ctx, s, Tasks, auth.ActionReportProgress, "reportProgress", cur.ID, cur.Version, func(t *domain.Task) error {
			t.Progress, t.Status = p.Progress, p.Status
			return nil
		})
		if domain.CodeOf(err) == domain.CodeConflict && attempt < 5 {
			continue
		}
		return out, task, err
	}
}
