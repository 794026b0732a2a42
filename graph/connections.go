package graph

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/graph/model"
	"sanfang/internal/domain"
	"sanfang/internal/loader"
	"sanfang/internal/store"
)

// rootConnection pages through a whole collection; totalCount, when asked
// for, is one more round trip.
func rootConnection[T any](ctx context.Context, c *store.Collection[T], filter bson.D, args domain.PageArgs, order store.Order) (*model.Connection[T], error) {
	page, err := c.Page(ctx, filter, args, order)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(page, func(ctx context.Context) (int, error) { return c.Count(ctx, filter) }), nil
}

// childConnection is one parent's page of a relation; the pages and counts
// of all parents at one level of a query share a round trip each.
func childConnection[T any](ctx context.Context, rel loader.Relation[T], parentID string, filter bson.D, err error, args domain.PageArgs) (*model.Connection[T], error) {
	if err != nil {
		return nil, err
	}
	l := loader.For(ctx)
	page, err := loader.Page(ctx, l, rel, parentID, filter, args)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(page, func(ctx context.Context) (int, error) {
		return loader.Count(ctx, l, rel, parentID, filter)
	}), nil
}

func forward(first *int, after *string) domain.PageArgs {
	return domain.PageArgs{First: first, After: after}
}

// The relations nested connections follow: children whose field names the
// parent.
func (r *Resolver) meetingsHostedBy() loader.Relation[domain.Meeting] {
	return loader.Relation[domain.Meeting]{Name: "meetingsHostedBy", Coll: r.Store.Meetings, Path: "hostBodyIds", Order: store.MeetingOrder(nil)}
}

func (r *Resolver) meetingsAttendedBy(path string) loader.Relation[domain.Meeting] {
	return loader.Relation[domain.Meeting]{Name: "meetingsAttendedBy:" + path, Coll: r.Store.Meetings, Path: path, Order: store.MeetingOrder(nil)}
}

func (r *Resolver) tasksBy(path string) loader.Relation[domain.Task] {
	return loader.Relation[domain.Task]{Name: "tasksBy:" + path, Coll: r.Store.Tasks, Path: path, Order: store.TaskOrder(nil)}
}

func (r *Resolver) activitiesBy(path string) loader.Relation[domain.Activity] {
	return loader.Relation[domain.Activity]{Name: "activitiesBy:" + path, Coll: r.Store.Activities, Path: path, Order: store.ActivityOrder(nil)}
}

func (r *Resolver) peopleOf() loader.Relation[domain.Person] {
	return loader.Relation[domain.Person]{Name: "peopleOf", Coll: r.Store.People, Path: "titles.bodyId", Order: store.PersonOrder}
}

func (r *Resolver) enterprisesIn() loader.Relation[domain.Enterprise] {
	return loader.Relation[domain.Enterprise]{Name: "enterprisesIn", Coll: r.Store.Enterprises, Path: "regionCodes", Order: store.EnterpriseOrder(nil)}
}

func (r *Resolver) unionsBy(path string) loader.Relation[domain.Union] {
	return loader.Relation[domain.Union]{Name: "unionsBy:" + path, Coll: r.Store.Unions, Path: path, Order: store.UnionOrder(nil)}
}

func (r *Resolver) figuresOf() loader.Relation[domain.MembershipFigures] {
	return loader.Relation[domain.MembershipFigures]{Name: "figuresOf", Coll: r.Store.Figures, Path: "unionId", Order: store.FiguresOrder}
}

func (r *Resolver) progressOf() loader.Relation[domain.ProgressUpdate] {
	return loader.Relation[domain.ProgressUpdate]{Name: "progressOf", Coll: r.Store.ProgressUpdates, Path: "taskId", Order: store.ProgressOrder}
}

// one loads the record a reference names; nil when there is no reference or
// the record no longer exists.
func one[T any](ctx context.Context, ld interface {
	Load(context.Context, string) (*T, error)
}, id *string) (*T, error) {
	if id == nil || *id == "" {
		return nil, nil
	}
	return required(ctx, ld, *id)
}

// required loads a record a reference names; nil if it no longer exists.
func required[T any](ctx context.Context, ld interface {
	Load(context.Context, string) (*T, error)
}, id string) (*T, error) {
	v, err := ld.Load(ctx, id)
	if loader.IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// many loads the records a list of references names, in order, skipping
// any that no longer exist.
func many[T any](ctx context.Context, ld interface {
	LoadAll(context.Context, []string) ([]*T, error)
}, ids []string) ([]*T, error) {
	if len(ids) == 0 {
		return []*T{}, nil
	}
	vals, err := ld.LoadAll(ctx, ids)
	if err != nil && !onlyNotFound(err) {
		return nil, err
	}
	out := make([]*T, 0, len(vals))
	for _, v := range vals {
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

func onlyNotFound(err error) bool {
	var errs interface{ Unwrap() []error }
	if !errors.As(err, &errs) {
		return loader.IsNotFound(err)
	}
	for _, e := range errs.Unwrap() {
		if e != nil && !loader.IsNotFound(e) {
			return false
		}
	}
	return true
}

func regions(codes []string) []*domain.Region {
	out := make([]*domain.Region, 0, len(codes))
	for _, c := range codes {
		if r, ok := domain.RegionByCode(c); ok {
			out = append(out, &r)
		}
	}
	return out
}
