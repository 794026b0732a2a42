// Package loader batches the look-ups of one request: every relationship a
// query follows costs one round trip per level, however many parents the
// level has. Loaders are made per request (they cache what they load) and
// reach resolvers through the context.
package loader

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/vikstrous/dataloadgen"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// Loaders are one request's batched look-ups.
type Loaders struct {
	st   *store.Store
	opts []dataloadgen.Option
	// tracer, if set, makes a span for each batch, a child of the span of
	// the field that asked first, under which its database command shows.
	tracer trace.Tracer

	Body       *dataloadgen.Loader[string, *domain.Body]
	Person     *dataloadgen.Loader[string, *domain.Person]
	Enterprise *dataloadgen.Loader[string, *domain.Enterprise]
	Membership *dataloadgen.Loader[string, *domain.AssociationMembership]
	Union      *dataloadgen.Loader[string, *domain.Union]
	Figures    *dataloadgen.Loader[string, *domain.MembershipFigures]
	Meeting    *dataloadgen.Loader[string, *domain.Meeting]
	Plan       *dataloadgen.Loader[string, *domain.Plan]
	Task       *dataloadgen.Loader[string, *domain.Task]
	Progress   *dataloadgen.Loader[string, *domain.ProgressUpdate]
	Activity   *dataloadgen.Loader[string, *domain.Activity]
	AllBodies  *dataloadgen.Loader[string, []*domain.Body]

	// UnionOfEnterprise is an enterprise's own (ENTERPRISE kind) union.
	UnionOfEnterprise *dataloadgen.Loader[string, *domain.Union]
	// MembershipOfEnterprise is an enterprise's association membership.
	MembershipOfEnterprise *dataloadgen.Loader[string, *domain.AssociationMembership]
	// LatestFigures is a union's figures for its newest period.
	LatestFigures *dataloadgen.Loader[string, *domain.MembershipFigures]
	// UnionsChairedBy lists the unions a person chairs.
	UnionsChairedBy *dataloadgen.Loader[string, []*domain.Union]
	// PlansAdoptedAt lists the plans a meeting adopted.
	PlansAdoptedAt *dataloadgen.Loader[string, []*domain.Plan]

	mu       sync.Mutex
	children map[childKey]any
}

// New makes the loaders for one request. wait is how long a loader gathers
// keys before it sends its batch; tracer, if not nil, traces each batch.
func New(st *store.Store, wait time.Duration, tracer trace.Tracer) *Loaders {
	l := &Loaders{st: st, opts: []dataloadgen.Option{dataloadgen.WithWait(wait)}, tracer: tracer, children: map[childKey]any{}}
	l.Body = byID(l, "Body", st.Bodies)
	l.Person = byID(l, "Person", st.People)
	l.Enterprise = byID(l, "Enterprise", st.Enterprises)
	l.Membership = byID(l, "AssociationMembership", st.Memberships)
	l.Union = byID(l, "Union", st.Unions)
	l.Figures = byID(l, "MembershipFigures", st.Figures)
	l.Meeting = byID(l, "Meeting", st.Meetings)
	l.Plan = byID(l, "Plan", st.Plans)
	l.Task = byID(l, "Task", st.Tasks)
	l.Progress = byID(l, "ProgressUpdate", st.ProgressUpdates)
	l.Activity = byID(l, "Activity", st.Activities)
	l.AllBodies = newLoader(l, "bodies", func(ctx context.Context, keys []string) (map[string][]*domain.Body, error) {
		all, err := st.Bodies.FindIn(ctx, "code", domain.Strings(domain.BodyCodes), nil, nil)
		slices.SortFunc(all, func(a, b *domain.Body) int {
			return slices.Index(domain.BodyCodes, a.Code) - slices.Index(domain.BodyCodes, b.Code)
		})
		out := map[string][]*domain.Body{}
		for _, k := range keys {
			out[k] = all
		}
		return out, err
	})
	l.UnionOfEnterprise = firstBy(l, "union of enterprise", st.Unions, "enterpriseId", bson.D{{Key: "kind", Value: domain.UnionEnterprise}},
		bson.D{{Key: "createdAt", Value: 1}}, func(u *domain.Union) string { return deref(u.EnterpriseID) })
	l.MembershipOfEnterprise = firstBy(l, "membership of enterprise", st.Memberships, "enterpriseId", nil,
		bson.D{{Key: "_id", Value: 1}}, func(m *domain.AssociationMembership) string { return m.EnterpriseID })
	l.LatestFigures = firstBy(l, "latest figures of union", st.Figures, "unionId", nil,
		bson.D{{Key: "period", Value: -1}}, func(f *domain.MembershipFigures) string { return f.UnionID })
	l.UnionsChairedBy = allBy(l, "unions chaired by person", st.Unions, "chairId", store.UnionOrder(nil), func(u *domain.Union) []string { return []string{deref(u.ChairID)} })
	l.PlansAdoptedAt = allBy(l, "plans adopted at meeting", st.Plans, "adoptedAtMeetingId", store.PlanOrder(nil), func(p *domain.Plan) []string { return []string{deref(p.AdoptedAtMeetingID)} })
	return l
}

type ctxKey struct{}

// With returns a context carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of the request ctx belongs to.
func For(ctx context.Context) *Loaders {
	l, _ := ctx.Value(ctxKey{}).(*Loaders)
	if l == nil {
		panic("loader.For: no loaders in context; wrap the handler with the loader middleware")
	}
	return l
}

// IsNotFound reports whether a loader found nothing for a key.
func IsNotFound(err error) bool { return errors.Is(err, dataloadgen.ErrNotFound) }

// newLoader makes a loader whose batches fetch does, each in a span named
// "load <what>" when the loaders are traced.
func newLoader[V any](l *Loaders, what string, fetch func(ctx context.Context, keys []string) (map[string]V, error)) *dataloadgen.Loader[string, V] {
	if l.tracer == nil {
		return dataloadgen.NewMappedLoader(fetch, l.opts...)
	}
	name := "load " + what
	return dataloadgen.NewMappedLoader(func(ctx context.Context, keys []string) (map[string]V, error) {
		ctx, span := l.tracer.Start(ctx, name, trace.WithAttributes(attribute.Int("sanfang.loader.keys", len(keys))))
		defer span.End()
		out, err := fetch(ctx, keys)
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		return out, err
	}, l.opts...)
}

func byID[T any](l *Loaders, what string, c *store.Collection[T]) *dataloadgen.Loader[string, *T] {
	return newLoader(l, what, c.ByIDs)
}

// firstBy loads, per key, the first record (in sort order) whose field
// equals the key.
func firstBy[T any](l *Loaders, what string, c *store.Collection[T], field string, filter, sort bson.D, key func(*T) string) *dataloadgen.Loader[string, *T] {
	return newLoader(l, what, func(ctx context.Context, keys []string) (map[string]*T, error) {
		rows, err := c.FindIn(ctx, field, keys, filter, sort)
		out := map[string]*T{}
		for _, r := range rows {
			if _, seen := out[key(r)]; !seen {
				out[key(r)] = r
			}
		}
		return out, err
	})
}

// allBy loads, per key, every record whose field holds the key, in order.
// Only for small sets (a person's chaired unions); pages go through Children.
func allBy[T any](l *Loaders, what string, c *store.Collection[T], field string, order store.Order, keys func(*T) []string) *dataloadgen.Loader[string, []*T] {
	return newLoader(l, what, func(ctx context.Context, ks []string) (map[string][]*T, error) {
		rows, err := c.FindIn(ctx, field, ks, nil, bson.D{{Key: order.Field, Value: 1}, {Key: "_id", Value: 1}})
		out := make(map[string][]*T, len(ks))
		for _, k := range ks {
			out[k] = []*T{}
		}
		for _, r := range rows {
			for _, k := range keys(r) {
				if _, ok := out[k]; ok {
					out[k] = append(out[k], r)
				}
			}
		}
		return out, err
	})
}

// childKey identifies one nested connection: the relation and the arguments
// its pages are asked with. Parents asking with the same arguments share a
// batch.
type childKey struct {
	kind string
	args string
}

// Relation is a parent-child link: children in a collection whose field at
// Path names the parent.
type Relation[T any] struct {
	Name  string
	Coll  *store.Collection[T]
	Path  string
	Order store.Order
}

// Page loads one parent's page of children; every parent asking with the
// same filter and arguments in this request shares one round trip.
func Page[T any](ctx context.Context, l *Loaders, rel Relation[T], parentID string, filter bson.D, args domain.PageArgs) (*store.Page[T], error) {
	key := childKey{kind: "page:" + rel.Name, args: fmt.Sprintf("%v|%s", filter, argsKey(args))}
	ld := child(l, key, func() *dataloadgen.Loader[string, *store.Page[T]] {
		return newLoader(l, "pages of "+rel.Name, func(ctx context.Context, parents []string) (map[string]*store.Page[T], error) {
			return rel.Coll.ChildPages(ctx, rel.Path, parents, filter, args, rel.Order)
		})
	})
	return ld.Load(ctx, parentID)
}

// Count counts one parent's children; every parent asking with the same
// filter in this request shares one round trip.
func Count[T any](ctx context.Context, l *Loaders, rel Relation[T], parentID string, filter bson.D) (int, error) {
	key := childKey{kind: "count:" + rel.Name, args: fmt.Sprintf("%v", filter)}
	ld := child(l, key, func() *dataloadgen.Loader[string, int] {
		return newLoader(l, "count of "+rel.Name, func(ctx context.Context, parents []string) (map[string]int, error) {
			return rel.Coll.CountIn(ctx, rel.Path, parents, filter)
		})
	})
	return ld.Load(ctx, parentID)
}

func child[V any](l *Loaders, key childKey, build func() *dataloadgen.Loader[string, V]) *dataloadgen.Loader[string, V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ld, ok := l.children[key].(*dataloadgen.Loader[string, V]); ok {
		return ld
	}
	ld := build()
	l.children[key] = ld
	return ld
}

func argsKey(a domain.PageArgs) string {
	return fmt.Sprintf("%s|%s|%s|%s", intKey(a.First), deref(a.After), intKey(a.Last), deref(a.Before))
}

func intKey(n *int) string {
	if n == nil {
		return "-"
	}
	return fmt.Sprint(*n)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
