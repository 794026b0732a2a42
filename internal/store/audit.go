package store

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/domain"
)

// auditLog appends audit records to the joint database in Seq order. The
// records of accepted writes are also the change events: a consumer reads
// them back by Seq and resumes after the last it saw.
type auditLog struct {
	records  *mongo.Collection
	counters *mongo.Collection
	// mu makes taking a Seq and inserting its record one step within this
	// process, so a reader never sees Seq n+1 before n. (Several instances
	// writing one log need more: see docs/architecture.md.)
	mu sync.Mutex
	// published are called with every newly appended record.
	published []func(domain.AuditRecord)
}

// OnAudit adds a function called after each audit record is appended (in
// Seq order, on the appending goroutine, before the write returns to its
// client; it must not block).
func (s *Store) OnAudit(fn func(domain.AuditRecord)) {
	s.audit.mu.Lock()
	defer s.audit.mu.Unlock()
	s.audit.published = append(s.audit.published, fn)
}

// AppendAudit appends rec to the audit log, giving it the next Seq. Appending
// a record whose ID is already in the log does nothing (the pending record of
// a write may be appended by its writer and by the reconciler).
func (s *Store) AppendAudit(ctx context.Context, rec *domain.AuditRecord) error {
	a := s.audit
	a.mu.Lock()
	defer a.mu.Unlock()
	var counter struct {
		Seq int64 `bson:"seq"`
	}
	err := a.counters.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "audit"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&counter)
	if err != nil {
		return annotate("take the next audit sequence number", a.counters.Database().Name(), err)
	}
	rec.Seq = counter.Seq
	if _, err := a.records.InsertOne(ctx, rec); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return nil
		}
		return annotate("append audit record "+rec.ID, a.records.Database().Name(), err)
	}
	for _, fn := range a.published {
		fn(*rec)
	}
	return nil
}

// AuditAfter returns up to limit audit records with Seq greater than after,
// in Seq order: how a change-event consumer catches up or resumes.
func (s *Store) AuditAfter(ctx context.Context, after int64, limit int) ([]domain.AuditRecord, error) {
	cur, err := s.audit.records.Find(ctx, bson.D{{Key: "seq", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetLimit(int64(limit)).SetBatchSize(int32(limit)))
	if err != nil {
		return nil, fmt.Errorf("read audit log after %d: %w", after, err)
	}
	var out []domain.AuditRecord
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("read audit log after %d: %w", after, err)
	}
	return out, nil
}

// LastAuditSeq is the Seq of the newest audit record (0 if none).
func (s *Store) LastAuditSeq(ctx context.Context) (int64, error) {
	var counter struct {
		Seq int64 `bson:"seq"`
	}
	err := s.audit.counters.FindOne(ctx, bson.D{{Key: "_id", Value: "audit"}}).Decode(&counter)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the audit sequence: %w", err)
	}
	return counter.Seq, nil
}
