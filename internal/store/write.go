package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"sanfang/internal/domain"
)

// Writes change one document atomically together with a pending audit
// record held in the document itself (field _pendingAudit): there are no
// transactions, so the change and the record of it are one single-document
// write. The writer then appends the record to the audit log and clears the
// field; if it dies in between, Reconcile finishes the job. A document with
// a pending record takes no further write until the record is in the log, so
// an entity's records reach the log in the order of its versions.

const (
	pendingField = "_pendingAudit"
	deletedField = "_deleted"
)

// docLocks serialise, within this process, the writes to any one document.
// MongoDB applies an update's filter and change atomically; FerretDB 1.24
// does not (it reads, then writes the document back), so two conditional
// updates of one version could both succeed there. Striped: documents
// whose ids hash alike share a lock.
type docLocks [64]sync.Mutex

func (l *docLocks) lock(collection, id string) (unlock func()) {
	h := fnv.New32a()
	h.Write([]byte(collection))
	h.Write([]byte{0})
	h.Write([]byte(id))
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock
}

// bookkeeping fields change on every write and are left out of an audit
// record's list of changes.
var bookkeeping = []string{"version", "updatedAt", "createdAt", "provenance", "nameKey", "_id"}

// Save writes after in place of before (nil before: a new record) and
// appends rec, the audit record of the write, whose Changes it fills in.
// before must be the record as read, at the version the client sent;
// after carries the new version. A write that changes nothing is not made
// and returns false.
func (c *Collection[T]) Save(ctx context.Context, s *Store, before, after *T, rec *domain.AuditRecord) (bool, error) {
	afterDoc, err := toDoc(after)
	if err != nil {
		return false, err
	}
	if before == nil {
		rec.Changes = changes(nil, afterDoc)
		doc := append(afterDoc, bson.E{Key: pendingField, Value: rec})
		if _, err := c.coll.InsertOne(ctx, doc); err != nil {
			if mongo.IsDuplicateKeyError(err) {
				return false, domain.Errorf(domain.CodeConflict, "a %s with the same id or natural key already exists", rec.EntityKind)
			}
			return false, c.wrap("insert", err)
		}
		return true, c.finish(ctx, s, rec.EntityID, rec)
	}
	beforeDoc, err := toDoc(before)
	if err != nil {
		return false, err
	}
	rec.Changes = changes(beforeDoc, afterDoc)
	if len(rec.Changes) == 0 {
		return false, nil
	}
	set, unset := diff(beforeDoc, afterDoc)
	set = append(set, bson.E{Key: pendingField, Value: rec})
	update := bson.D{{Key: "$set", Value: set}}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	return true, c.conditional(ctx, s, rec.EntityID, lookupInt(beforeDoc, "version"), update, rec)
}

// Delete removes the record at the given version, appending rec. The
// document is first marked deleted together with its pending record (reads
// skip it from then on), and removed once the record is in the log.
func (c *Collection[T]) Delete(ctx context.Context, s *Store, id string, version int, rec *domain.AuditRecord) error {
	rec.Deleted = true
	update := bson.D{{Key: "$set", Value: bson.D{{Key: deletedField, Value: true}, {Key: pendingField, Value: rec}}}}
	return c.conditional(ctx, s, id, version, update, rec)
}

// conditional applies update to the document if it is at version and has
// no pending audit record, then finishes the write. A pending record left by
// a writer that died is finished first.
func (c *Collection[T]) conditional(ctx context.Context, s *Store, id string, version int, update bson.D, rec *domain.AuditRecord) error {
	filter := bson.D{
		{Key: "_id", Value: id},
		{Key: "version", Value: version},
		{Key: pendingField, Value: bson.D{{Key: "$exists", Value: false}}},
		{Key: deletedField, Value: bson.D{{Key: "$exists", Value: false}}},
	}
	for attempt := 0; ; attempt++ {
		unlock := s.locks.lock(c.coll.Name(), id)
		res, err := c.coll.UpdateOne(ctx, filter, update)
		unlock()
		if err != nil {
			if mongo.IsDuplicateKeyError(err) {
				return domain.Errorf(domain.CodeConflict, "another %s already has this natural key", rec.EntityKind)
			}
			return c.wrap("update", err)
		}
		if res.MatchedCount == 1 {
			return c.finish(ctx, s, id, rec)
		}
		// Why did it not match? Read the document as it is.
		var cur bson.Raw
		err = c.coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&cur)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return domain.Errorf(domain.CodeNotFound, "no %s with id %s", rec.EntityKind, id)
		}
		if err != nil {
			return c.wrap("read back", err)
		}
		if _, err := cur.LookupErr(deletedField); err == nil {
			return domain.Errorf(domain.CodeNotFound, "the %s %s has been deleted", rec.EntityKind, id)
		}
		if v := lookupInt(cur, "version"); v != version {
			return domain.Errorf(domain.CodeConflict, "the %s was changed since you read it: it is at version %d, you sent version %d; read it again and reapply your change", rec.EntityKind, v, version)
		}
		pending, err := cur.LookupErr(pendingField)
		if err != nil || attempt > 0 {
			return domain.Errorf(domain.CodeConflict, "the %s is being changed by another request; try again", rec.EntityKind)
		}
		var left domain.AuditRecord
		if err := pending.Unmarshal(&left); err != nil {
			return c.wrap("decode pending audit record", err)
		}
		if err := c.finish(ctx, s, id, &left); err != nil {
			return err
		}
	}
}

// finish appends the pending audit record to the log, then clears it from
// the document (and removes a document marked deleted).
func (c *Collection[T]) finish(ctx context.Context, s *Store, id string, rec *domain.AuditRecord) error {
	if err := s.AppendAudit(ctx, rec); err != nil {
		return err
	}
	match := bson.D{{Key: "_id", Value: id}, {Key: pendingField + "._id", Value: rec.ID}}
	defer s.locks.lock(c.coll.Name(), id)()
	if rec.Deleted {
		if _, err := c.coll.DeleteOne(ctx, match); err != nil {
			return c.wrap("remove deleted", err)
		}
		return nil
	}
	if _, err := c.coll.UpdateOne(ctx, match, bson.D{{Key: "$unset", Value: bson.D{{Key: pendingField, Value: ""}}}}); err != nil {
		return c.wrap("clear pending audit record", err)
	}
	return nil
}

// reconcile finishes every write in this collection whose writer did not.
func (c *Collection[T]) reconcile(ctx context.Context, s *Store) (int, error) {
	cur, err := c.coll.Find(ctx, bson.D{{Key: pendingField, Value: bson.D{{Key: "$exists", Value: true}}}})
	if err != nil {
		return 0, c.wrap("find pending writes", err)
	}
	var docs []bson.Raw
	if err := cur.All(ctx, &docs); err != nil {
		return 0, c.wrap("find pending writes", err)
	}
	for _, d := range docs {
		var rec domain.AuditRecord
		if err := d.Lookup(pendingField).Unmarshal(&rec); err != nil {
			return 0, c.wrap("decode pending audit record", err)
		}
		if err := c.finish(ctx, s, d.Lookup("_id").StringValue(), &rec); err != nil {
			return 0, err
		}
	}
	return len(docs), nil
}

// Reconcile finishes writes whose writers died between changing a document
// and appending its audit record. Run it at start and now and then.
func (s *Store) Reconcile(ctx context.Context) (int, error) {
	total := 0
	for _, r := range []func(context.Context, *Store) (int, error){
		s.People.reconcile, s.Enterprises.reconcile, s.Memberships.reconcile, s.Unions.reconcile,
		s.Figures.reconcile, s.Activities.reconcile, s.Meetings.reconcile, s.Plans.reconcile,
		s.Tasks.reconcile, s.ProgressUpdates.reconcile,
	} {
		n, err := r(ctx, s)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func toDoc(v any) (bson.D, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	return d, nil
}

// diff returns the top-level fields to set and to unset to turn before
// into after.
func diff(before, after bson.D) (set bson.D, unset bson.D) {
	b := index(before)
	a := index(after)
	for _, e := range after {
		if e.Key == "_id" {
			continue
		}
		if old, ok := b[e.Key]; !ok || !sameValue(old, e.Value) {
			set = append(set, e)
		}
	}
	for _, e := range before {
		if _, ok := a[e.Key]; !ok {
			unset = append(unset, bson.E{Key: e.Key, Value: ""})
		}
	}
	return set, unset
}

// changes lists the fields whose values differ, bookkeeping left out.
func changes(before, after bson.D) []domain.FieldChange {
	b := index(before)
	a := index(after)
	var out []domain.FieldChange
	for _, e := range after {
		if slices.Contains(bookkeeping, e.Key) {
			continue
		}
		if old, ok := b[e.Key]; !ok || !sameValue(old, e.Value) {
			out = append(out, domain.FieldChange{Field: e.Key, Before: b[e.Key], After: e.Value})
		}
	}
	for _, e := range before {
		if _, ok := a[e.Key]; !ok && !slices.Contains(bookkeeping, e.Key) {
			out = append(out, domain.FieldChange{Field: e.Key, Before: e.Value})
		}
	}
	return out
}

func index(d bson.D) map[string]any {
	m := make(map[string]any, len(d))
	for _, e := range d {
		m[e.Key] = e.Value
	}
	return m
}

// sameValue compares two decoded BSON values by their encoding.
func sameValue(x, y any) bool {
	bx, errx := bson.Marshal(bson.D{{Key: "v", Value: x}})
	by, erry := bson.Marshal(bson.D{{Key: "v", Value: y}})
	return errx == nil && erry == nil && bytes.Equal(bx, by)
}

func lookupInt(d any, key string) int {
	switch d := d.(type) {
	case bson.D:
		if v, ok := index(d)[key]; ok {
			return toInt(v)
		}
	case bson.Raw:
		if v, err := d.LookupErr(key); err == nil {
			if n, ok := v.AsInt64OK(); ok {
				return int(n)
			}
		}
	}
	return -1
}

func toInt(v any) int {
	switch n := v.(type) {
	case int32:
		return int(n)
	case int64:
		return int(n)
	case int:
		return n
	}
	return -1
}
