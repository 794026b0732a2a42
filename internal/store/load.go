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
// time. Writes go in unordered batches, one per collection and 500 records.
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
			models := make([]mongo.WriteModel, 0, end-start)
			for i := start; i < end; i++ {
				models = append(models, mongo.NewUpdateOneModel().
					SetFilter(bson.D{{Key: "_id", Value: st.ids[i]}}).
					SetUpdate(bson.D{{Key: "$setOnInsert", Value: st.docs[i]}}).
					SetUpsert(true))
			}
			res, err := st.coll.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
			if err != nil {
				return total, fmt.Errorf("load %s: %w", st.coll.Name(), err)
			}
			total.Inserted += int(res.UpsertedCount)
			total.Existing += len(models) - int(res.UpsertedCount)
		}
	}
	return total, nil
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
