package graph

import (
	"context"

	"sanfang/internal/store"
)

// entitiesByID resolves a federated gateway's representations of one type,
// keyed by global ID, with one query, in the order asked; an ID that is
// malformed or names no record gives null in its place.
func entitiesByID[T, R any](ctx context.Context, c *store.Collection[T], typ string, reps []R, gidOf func(R) string) ([]*T, error) {
	ids := make([]string, len(reps))
	for i, rep := range reps {
		ids[i], _ = localID("representations", typ, gidOf(rep))
	}
	found, err := c.ByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*T, len(reps))
	for i, id := range ids {
		out[i] = found[id]
	}
	return out, nil
}
