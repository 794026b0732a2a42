package graph

import (
	"context"

	"sanfang/graph/model"
	"sanfang/internal/write"
)

// The mutation resolvers are one line each over these: decode the input,
// hand it to the write service, encode the answer.

func createWith[T, In any](ctx context.Context, r *Resolver, k write.Kind[T], in In, convert func(In) (*T, error)) (*T, error) {
	rec, err := convert(in)
	if err != nil {
		return nil, err
	}
	return write.Create(ctx, r.Write, k, rec)
}

func updateWith[T, P any](ctx context.Context, r *Resolver, k write.Kind[T], typ, gid string, version int, patch P, apply func(*T, P) error) (*T, error) {
	id, err := localID("id", typ, gid)
	if err != nil {
		return nil, err
	}
	return write.Update(ctx, r.Write, k, id, version, func(t *T) error { return apply(t, patch) })
}

func deleteWith[T any](ctx context.Context, r *Resolver, k write.Kind[T], typ, gid string, version int) (*model.DeletePayload, error) {
	id, err := localID("id", typ, gid)
	if err != nil {
		return nil, err
	}
	if err := write.Delete(ctx, r.Write, k, id, version); err != nil {
		return nil, err
	}
	return &model.DeletePayload{ID: gid}, nil
}

func upsertWith[T, In any](ctx context.Context, r *Resolver, k write.Kind[T], typ string, in In, convert func(In) (*T, error)) (*model.Receipt, error) {
	rec, err := convert(in)
	var res write.Receipt
	if err != nil {
		res, err = write.Reject(ctx, r.Write, k, err)
	} else {
		res, err = write.Upsert(ctx, r.Write, k, rec)
	}
	if err != nil {
		return nil, err
	}
	return receipt(typ, res), nil
}

func bulkWith[T, In any](ctx context.Context, r *Resolver, k write.Kind[T], typ string, in []*In, key *string, convert func(In) (*T, error)) (*model.BulkPayload, error) {
	items := make([]write.Item[T], len(in))
	for i, x := range in {
		items[i].Rec, items[i].Err = convert(*x)
	}
	idem := ""
	if key != nil {
		idem = *key
	}
	rs, err := write.UpsertMany(ctx, r.Write, k, items, idem)
	if err != nil {
		return nil, err
	}
	return bulk(typ, rs), nil
}
