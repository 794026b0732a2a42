package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// scanBatch is the batch size of the reads below, which feed dashboards:
// they return a few small fields per record (or one row per group), so a
// large batch keeps a whole answer in one round trip as the data grow. The
// server still caps a batch at 16 MiB.
const scanBatch = 50_000

// Aggregate runs an aggregation pipeline over the live records matching
// filter and decodes every result into out (a pointer to a slice). The
// pipeline starts with a $match of filter that also skips records being
// deleted; stages follow it. Only the subset of
// ../shared/design/mongodb-subset.md works on every server ($group with $sum
// and $count, $unwind, $project, $sort, $skip, $limit), and a $group may
// have at most one accumulator: FerretDB 1.24 hands a group's documents to
// its first accumulator only, so any other sums nothing and says 0 (a $group
// with {n: {$sum: 1}, p: {$sum: "$x"}} gives p = 0). Aggregate refuses such a
// stage rather than return a wrong number; put the value in the group's _id
// and sum in Go, or run a second pipeline. One round trip unless there are
// more than 50,000 results.
func (c *Collection[T]) Aggregate(ctx context.Context, filter bson.D, stages []bson.D, out any) error {
	pipeline := make(mongo.Pipeline, 0, len(stages)+1)
	pipeline = append(pipeline, bson.D{{Key: "$match", Value: live(filter)}})
	for i, st := range stages {
		if err := checkStage(st); err != nil {
			return c.wrap("aggregate", fmt.Errorf("stage %d: %w", i+1, err))
		}
		pipeline = append(pipeline, st)
	}
	cur, err := c.coll.Aggregate(ctx, pipeline, options.Aggregate().SetBatchSize(scanBatch))
	if err != nil {
		return c.wrap("aggregate", err)
	}
	if err := cur.All(ctx, out); err != nil {
		return c.wrap("aggregate", err)
	}
	return nil
}

// Select returns the live records matching filter with only the fields of
// projection set (and _id), in no particular order. One round trip unless
// more than 50,000 match.
func (c *Collection[T]) Select(ctx context.Context, filter, projection bson.D) ([]*T, error) {
	var out []*T
	opts := options.Find().SetBatchSize(scanBatch)
	if len(projection) > 0 {
		opts.SetProjection(projection)
	}
	err := c.each(ctx, filter, opts, func(_ bson.Raw, t *T) { out = append(out, t) })
	return out, err
}

// Newest returns the latest updatedAt of the live records matching filter,
// or nil if none match. One round trip.
func (c *Collection[T]) Newest(ctx context.Context, filter bson.D) (*time.Time, error) {
	var doc struct {
		UpdatedAt time.Time `bson:"updatedAt"`
	}
	opts := options.FindOne().
		SetSort(bson.D{{Key: "updatedAt", Value: -1}}).
		SetProjection(bson.D{{Key: "updatedAt", Value: 1}})
	err := c.coll.FindOne(ctx, live(filter), opts).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, c.wrap("find newest", err)
	}
	return &doc.UpdatedAt, nil
}

// checkStage refuses a $group stage with more than one accumulator (see
// Aggregate).
func checkStage(stage bson.D) error {
	for _, e := range stage {
		if e.Key != "$group" {
			continue
		}
		spec, ok := e.Value.(bson.D)
		if !ok {
			continue
		}
		n := 0
		for _, f := range spec {
			if f.Key != "_id" {
				n++
			}
		}
		if n > 1 {
			return errors.New("a $group with more than one accumulator: FerretDB 1.24 feeds only the first, the others say 0")
		}
	}
	return nil
}
