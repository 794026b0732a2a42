package graph

import (
	"context"

	"sanfang/graph/model"
	"sanfang/internal/domain"
	"sanfang/internal/loader"
)

// maxNodes caps nodes(ids:).
const maxNodes = 100

// node fetches any record by its global ID.
func (r *Resolver) node(ctx context.Context, arg, gid string) (model.Node, error) {
	typ, id, err := parseGlobalID(arg, gid)
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	switch typ {
	case "Body":
		return asNode(required(ctx, l.Body, id))
	case "Region":
		if reg, ok := domain.RegionByCode(id); ok {
			return &reg, nil
		}
		return nil, nil
	case "Person":
		return asNode(required(ctx, l.Person, id))
	case "Enterprise":
		return asNode(required(ctx, l.Enterprise, id))
	case "AssociationMembership":
		return asNode(required(ctx, l.Membership, id))
	case "Union":
		return asNode(required(ctx, l.Union, id))
	case "MembershipFigures":
		return asNode(required(ctx, l.Figures, id))
	case "Meeting":
		return asNode(required(ctx, l.Meeting, id))
	case "Plan":
		return asNode(required(ctx, l.Plan, id))
	case "Task":
		return asNode(required(ctx, l.Task, id))
	case "ProgressUpdate":
		return asNode(required(ctx, l.Progress, id))
	case "Activity":
		return asNode(required(ctx, l.Activity, id))
	}
	return nil, domain.InputErrorf(arg, "%q is not a sanfang ID: pass the id field of a record unchanged", gid)
}

// nodes fetches records by global ID; the loaders batch them by type.
func (r *Resolver) nodes(ctx context.Context, gids []string) ([]model.Node, error) {
	out := make([]model.Node, len(gids))
	errs := make([]error, len(gids))
	done := make(chan int, len(gids))
	for i, gid := range gids {
		go func() {
			out[i], errs[i] = r.node(ctx, "ids", gid)
			done <- i
		}()
	}
	for range gids {
		<-done
	}
	return out, firstError(errs)
}

// asNode turns a loaded record into a node; a record not found (a nil
// pointer) becomes a nil node, not a typed nil.
func asNode[T any](v *T, err error) (model.Node, error) {
	if v == nil || err != nil {
		return nil, err
	}
	return v, nil
}

func firstError(errs []error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
