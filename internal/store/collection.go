package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/domain"
)

// lookupBatch is the first batch size of batched look-ups: a look-up for a
// whole level of a query returns in one round trip unless it finds more
// than this many records (then the driver fetches the rest with getMore).
const lookupBatch = 5000

// Collection reads records of type T from one MongoDB collection.
type Collection[T any] struct {
	coll  *mongo.Collection
	limit PageLimits
}

// PageLimits are the default and the largest page size.
type PageLimits struct {
	Default int
	Max     int
}

// Edge is a record on a page with its cursor.
type Edge[T any] struct {
	Node   *T
	Cursor string
}

// Page is one page of a connection.
type Page[T any] struct {
	Edges           []Edge[T]
	HasNextPage     bool
	HasPreviousPage bool
}

// Nodes returns the page's records in order.
func (p *Page[T]) Nodes() []*T {
	nodes := make([]*T, len(p.Edges))
	for i, e := range p.Edges {
		nodes[i] = e.Node
	}
	return nodes
}

// Name is the collection's name.
func (c *Collection[T]) Name() string { return c.coll.Name() }

// Get returns the record with the given id, or a NOT_FOUND error.
func (c *Collection[T]) Get(ctx context.Context, id string) (*T, error) {
	var t T
	err := c.coll.FindOne(ctx, live(bson.D{{Key: "_id", Value: id}})).Decode(&t)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, domain.Errorf(domain.CodeNotFound, "no record %q in %s", id, c.coll.Name())
	}
	if err != nil {
		return nil, c.wrap("get", err)
	}
	return &t, nil
}

// ByIDs returns the records with the given ids, keyed by id; missing ids are
// absent from the map. One round trip.
func (c *Collection[T]) ByIDs(ctx context.Context, ids []string) (map[string]*T, error) {
	out := make(map[string]*T, len(ids))
	err := c.each(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, options.Find().SetBatchSize(lookupBatch), func(raw bson.Raw, t *T) {
		out[raw.Lookup("_id").StringValue()] = t
	})
	return out, err
}

// FindIn returns the records whose field at path (dotted, through arrays) is
// one of values and that match filter, sorted by sort (in no particular
// order when sort is empty). One round trip.
func (c *Collection[T]) FindIn(ctx context.Context, path string, values []string, filter bson.D, sort bson.D) ([]*T, error) {
	var out []*T
	f := and(filter, bson.D{{Key: path, Value: bson.D{{Key: "$in", Value: values}}}})
	opts := options.Find().SetBatchSize(lookupBatch)
	if len(sort) > 0 {
		opts.SetSort(sort)
	}
	err := c.each(ctx, f, opts, func(_ bson.Raw, t *T) { out = append(out, t) })
	return out, err
}

// Count counts the records matching filter.
func (c *Collection[T]) Count(ctx context.Context, filter bson.D) (int, error) {
	n, err := c.coll.CountDocuments(ctx, live(filter))
	if err != nil {
		return 0, c.wrap("count", err)
	}
	return int(n), nil
}

// Page returns one page of the records matching filter, in order. One round
// trip.
func (c *Collection[T]) Page(ctx context.Context, filter bson.D, args domain.PageArgs, order Order) (*Page[T], error) {
	q, err := c.pageQuery(filter, args, order)
	if err != nil {
		return nil, err
	}
	var rows []row[T]
	opts := options.Find().SetSort(order.sort(q.backwards)).SetLimit(int64(q.limit) + 1)
	err = c.each(ctx, q.filter, opts, func(raw bson.Raw, t *T) { rows = append(rows, row[T]{raw, t}) })
	if err != nil {
		return nil, err
	}
	return makePage(q, rows, order)
}

// ChildPages returns, for each parent id, the first page of the records whose
// field at parentPath names that parent: one round trip for all parents. The
// records are fetched for all parents at once and cut into pages here, so the
// same arguments apply to every parent's page.
func (c *Collection[T]) ChildPages(ctx context.Context, parentPath string, parentIDs []string, filter bson.D, args domain.PageArgs, order Order) (map[string]*Page[T], error) {
	q, err := c.pageQuery(filter, args, order)
	if err != nil {
		return nil, err
	}
	want := make(map[string][]row[T], len(parentIDs))
	for _, id := range parentIDs {
		want[id] = nil
	}
	opts := options.Find().SetSort(order.sort(q.backwards)).SetBatchSize(lookupBatch)
	if len(parentIDs) == 1 {
		opts.SetLimit(int64(q.limit) + 1)
	}
	f := and(q.filter, bson.D{{Key: parentPath, Value: bson.D{{Key: "$in", Value: parentIDs}}}})
	err = c.each(ctx, f, opts, func(raw bson.Raw, t *T) {
		for _, parent := range valuesAt(raw, parentPath) {
			if rows, ok := want[parent]; ok && len(rows) <= q.limit {
				want[parent] = append(rows, row[T]{raw, t})
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Page[T], len(parentIDs))
	for parent, rows := range want {
		if out[parent], err = makePage(q, rows, order); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CountIn counts, for each parent id, the records matching filter whose field
// at parentPath names that parent. One round trip: only the parent field is
// fetched and the counting is done here, which stays right when the field is
// an array or sits inside an array of subdocuments.
func (c *Collection[T]) CountIn(ctx context.Context, parentPath string, parentIDs []string, filter bson.D) (map[string]int, error) {
	out := make(map[string]int, len(parentIDs))
	for _, id := range parentIDs {
		out[id] = 0
	}
	f := and(filter, bson.D{{Key: parentPath, Value: bson.D{{Key: "$in", Value: parentIDs}}}})
	opts := options.Find().SetProjection(bson.D{{Key: parentPath, Value: 1}}).SetBatchSize(lookupBatch)
	cur, err := c.coll.Find(ctx, live(f), opts)
	if err != nil {
		return nil, c.wrap("count by parent", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		seen := map[string]bool{}
		for _, parent := range valuesAt(cur.Current, parentPath) {
			if _, ok := out[parent]; ok && !seen[parent] {
				seen[parent] = true
				out[parent]++
			}
		}
	}
	if err := cur.Err(); err != nil {
		return nil, c.wrap("count by parent", err)
	}
	return out, nil
}

type row[T any] struct {
	raw bson.Raw
	t   *T
}

// pageQuery is a validated page request.
type pageQuery struct {
	filter        bson.D
	limit         int
	backwards     bool
	after, before bool
}

func (c *Collection[T]) pageQuery(filter bson.D, args domain.PageArgs, order Order) (pageQuery, error) {
	q := pageQuery{filter: filter, limit: c.limit.Default}
	var problems []error
	switch {
	case args.First != nil && args.Last != nil:
		problems = append(problems, domain.InputErrorf("first", "pass first or last, not both"))
	case args.First != nil:
		q.limit = *args.First
		problems = append(problems, c.checkSize("first", q.limit))
	case args.Last != nil:
		q.limit, q.backwards = *args.Last, true
		problems = append(problems, c.checkSize("last", q.limit))
	}
	for _, a := range []struct {
		name      string
		value     *string
		backwards bool
	}{{"after", args.After, false}, {"before", args.Before, true}} {
		if a.value == nil {
			continue
		}
		cur, err := decodeCursor(a.name, *a.value, order.key())
		if err != nil {
			problems = append(problems, err)
			continue
		}
		q.filter = and(q.filter, order.after(cur, a.backwards))
	}
	q.after, q.before = args.After != nil, args.Before != nil
	return q, firstError(problems)
}

func (c *Collection[T]) checkSize(arg string, n int) error {
	if n < 0 || n > c.limit.Max {
		return domain.InputErrorf(arg, "%s must be between 0 and %d (the page-size cap); got %d: page through larger sets with cursors", arg, c.limit.Max, n)
	}
	return nil
}

// page turns up to limit+1 rows, in query order, into a page.
func makePage[T any](q pageQuery, rows []row[T], order Order) (*Page[T], error) {
	more := len(rows) > q.limit
	if more {
		rows = rows[:q.limit]
	}
	if q.backwards {
		slices.Reverse(rows)
	}
	p := &Page[T]{Edges: make([]Edge[T], len(rows))}
	for i, r := range rows {
		cur, err := encodeCursor(cursor{Order: order.key(), Value: lookup(r.raw, order.Field), ID: r.raw.Lookup("_id").StringValue()})
		if err != nil {
			return nil, err
		}
		p.Edges[i] = Edge[T]{Node: r.t, Cursor: cur}
	}
	if q.backwards {
		p.HasPreviousPage, p.HasNextPage = more, q.before
	} else {
		p.HasNextPage, p.HasPreviousPage = more, q.after
	}
	return p, nil
}

// each runs a find and decodes every document, handing it to fn with its raw form.
func (c *Collection[T]) each(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder, fn func(bson.Raw, *T)) error {
	filter = live(filter)
	var cur *mongo.Cursor
	var err error
	if opts == nil {
		cur, err = c.coll.Find(ctx, filter)
	} else {
		cur, err = c.coll.Find(ctx, filter, opts)
	}
	if err != nil {
		return c.wrap("find", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		raw := slices.Clone(cur.Current)
		t := new(T)
		if err := bson.Unmarshal(raw, t); err != nil {
			return c.wrap("decode", err)
		}
		fn(raw, t)
	}
	if err := cur.Err(); err != nil {
		return c.wrap("find", err)
	}
	return nil
}

func (c *Collection[T]) wrap(op string, err error) error {
	db := c.coll.Database().Name()
	return annotate(fmt.Sprintf("%s %s.%s", op, db, c.coll.Name()), db, err)
}

// lookup returns the value at a dotted path, or null if there is none.
func lookup(raw bson.Raw, path string) bson.RawValue {
	v, err := raw.LookupErr(strings.Split(path, ".")...)
	if err != nil {
		return bson.RawValue{Type: bson.TypeNull}
	}
	return v
}

// valuesAt returns the strings at a dotted path, descending through arrays of
// subdocuments and collecting arrays of strings.
func valuesAt(doc bson.Raw, path string) []string {
	var out []string
	var walk func(v bson.RawValue, rest []string)
	walk = func(v bson.RawValue, rest []string) {
		switch v.Type {
		case bson.TypeString:
			if len(rest) == 0 {
				out = append(out, v.StringValue())
			}
		case bson.TypeArray:
			vals, _ := v.Array().Values()
			for _, e := range vals {
				walk(e, rest)
			}
		case bson.TypeEmbeddedDocument:
			if len(rest) > 0 {
				if next, err := v.Document().LookupErr(rest[0]); err == nil {
					walk(next, rest[1:])
				}
			}
		}
	}
	walk(bson.RawValue{Type: bson.TypeEmbeddedDocument, Value: doc}, strings.Split(path, "."))
	return out
}

// live restricts a filter to records not being deleted.
func live(filter bson.D) bson.D {
	return and(filter, bson.D{{Key: deletedField, Value: bson.D{{Key: "$exists", Value: false}}}})
}

// and combines filters with $and, dropping empty ones.
func and(filters ...bson.D) bson.D {
	var parts bson.A
	for _, f := range filters {
		if len(f) > 0 {
			parts = append(parts, f)
		}
	}
	switch len(parts) {
	case 0:
		return bson.D{}
	case 1:
		return parts[0].(bson.D)
	}
	return bson.D{{Key: "$and", Value: parts}}
}

func firstError(errs []error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}
