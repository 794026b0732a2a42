package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/domain"
	"sanfang/internal/seed"
)

// LoadResult counts what a load wrote.
type LoadResult struct {
	Inserted int
	Existing int
}

// Load writes every record of ds that the store does not hold yet, matching
// by _id; records already there are left as they are (they may have been
// edited since). Loading the same data set twice writes nothing the second
// time. Per collection and 500 records: one find for the ids already there,
// then one unordered insert of the rest. (Not upserts: FerretDB 1.24 keeps
// every matched document's cursor open until an update command ends, so an
// update command of more than 100 upserts that match deadlocks its SQLite
// connection pool.)
func (s *Store) Load(ctx context.Context, ds *seed.Dataset) (LoadResult, error) {
	for i := range ds.People {
		ds.People[i].NameKey = domain.NameKey(ds.People[i].Name)
	}
	for i := range ds.Enterprises {
		ds.Enterprises[i].NameKey = domain.NameKey(ds.Enterprises[i].Name)
	}
	for i := range ds.Unions {
		ds.Unions[i].NameKey = domain.NameKey(ds.Unions[i].Name)
	}
	var total LoadResult
	steps := []loadStep{
		batch(s.Bodies, ds.Bodies, func(r domain.Body) string { return r.ID }),
		batch(s.People, ds.People, func(r domain.Person) string { return r.ID }),
		batch(s.Enterprises, ds.Enterprises, func(r domain.Enterprise) string { return r.ID }),
		batch(s.Memberships, ds.Memberships, func(r domain.AssociationMembership) string { return r.ID }),
		batch(s.Unions, ds.Unions, func(r domain.Union) string { return r.ID }),
		batch(s.Figures, ds.Figures, func(r domain.MembershipFigures) string { return r.ID }),
		batch(s.Meetings, ds.Meetings, func(r domain.Meeting) string { return r.ID }),
		batch(s.Plans, ds.Plans, func(r domain.Plan) string { return r.ID }),
		batch(s.Tasks, ds.Tasks, func(r domain.Task) string { return r.ID }),
		batch(s.ProgressUpdates, ds.ProgressUpdates, func(r domain.ProgressUpdate) string { return r.ID }),
		batch(s.Activities, ds.Activities, func(r domain.Activity) string { return r.ID }),
	}
	for _, st := range steps {
		for start := 0; start < len(st.docs); start += 500 {
			end := min(start+500, len(st.docs))
			res, err := st.insertMissing(ctx, st.ids[start:end], st.docs[start:end])
			if err != nil {
				return total, fmt.Errorf("load %s: %w", st.coll.Name(), err)
			}
			total.Inserted += res.Inserted
			total.Existing += res.Existing
		}
	}
	return total, nil
}

// insertMissing inserts the documents whose ids are not in the collection.
func (st loadStep) insertMissing(ctx context.Context, ids []string, docs []any) (LoadResult, error) {
	cur, err := st.coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(int32(len(ids))))
	if err != nil {
		return LoadResult{}, err
	}
	var found []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &found); err != nil {
		return LoadResult{}, err
	}
	have := make(map[string]bool, len(found))
	for _, f := range found {
		have[f.ID] = true
	}
	var missing []any
	for i, id := range ids {
		if !have[id] {
			missing = append(missing, docs[i])
		}
	}
	res := LoadResult{Existing: len(have)}
	if len(missing) == 0 {
		return res, nil
	}
	_, err = st.coll.InsertMany(ctx, missing, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	switch {
	case err == nil:
		res.Inserted = len(missing)
	case errors.As(err, &bwe) && allDuplicates(bwe):
		// Another loader got there first: those records exist now.
		res.Inserted = len(missing) - len(bwe.WriteErrors)
		res.Existing += len(bwe.WriteErrors)
	default:
		return LoadResult{}, err
	}
	return res, nil
}

func allDuplicates(e mongo.BulkWriteException) bool {
	if e.WriteConcernError != nil {
		return false
	}
	for _, we := range e.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return false
		}
	}
	return true
}

// loadStep is one collection's records to load, with their ids.
type loadStep struct {
	coll *mongo.Collection
	docs []any
	ids  []string
}

func batch[T any](c *Collection[T], records []T, id func(T) string) loadStep {
	docs := make([]any, len(records))
	ids := make([]string, len(records))
	for i, r := range records {
		docs[i], ids[i] = r, id(r)
	}
	return loadStep{c.coll, docs, ids}
}

// seedMark is the joint database's record that a data set was loaded.
type seedMark struct {
	ID       string    `bson:"_id"`
	LoadedAt time.Time `bson:"loadedAt"`
	Inserted int       `bson:"inserted"`
}

// Seeded reports whether the data set called name was loaded completely.
func (s *Store) Seeded(ctx context.Context, name string) (bool, error) {
	err := s.dbs[Joint].Collection("meta").FindOne(ctx, bson.D{{Key: "_id", Value: "seed:" + name}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check seed mark %q: %w", name, err)
	}
	return true, nil
}

// MarkSeeded records that the data set called name was loaded completely, so
// that later starts skip it (and do not bring back records deleted since).
func (s *Store) MarkSeeded(ctx context.Context, name string, res LoadResult, now time.Time) error {
	_, err := s.dbs[Joint].Collection("meta").UpdateOne(ctx,
		bson.D{{Key: "_id", Value: "seed:" + name}},
		bson.D{{Key: "$setOnInsert", Value: seedMark{ID: "seed:" + name, LoadedAt: now, Inserted: res.Inserted}}},
		options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("mark seed %q loaded: %w", name, err)
	}
	return nil
}
