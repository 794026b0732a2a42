package store

import "go.mongodb.org/mongo-driver/v2/bson"

// Order is the sort of a page: a stored field and a direction. Every order
// ends with _id so that pages are stable and cursors unique.
type Order struct {
	// Name identifies the order in cursors (e.g. "NAME").
	Name  string
	Field string
	Desc  bool
}

func (o Order) sort(reverse bool) bson.D {
	dir := 1
	if o.Desc != reverse {
		dir = -1
	}
	if o.Field == "_id" {
		return bson.D{{Key: "_id", Value: dir}}
	}
	return bson.D{{Key: o.Field, Value: dir}, {Key: "_id", Value: dir}}
}

// key returns the name cursors carry: the order's name and direction.
func (o Order) key() string {
	if o.Desc {
		return o.Name + ":desc"
	}
	return o.Name + ":asc"
}

// after returns the filter for records after c in this order (before c when
// backwards is set).
func (o Order) after(c cursor, backwards bool) bson.D {
	op := "$gt"
	if o.Desc != backwards {
		op = "$lt"
	}
	if o.Field == "_id" {
		return bson.D{{Key: "_id", Value: bson.D{{Key: op, Value: c.ID}}}}
	}
	return bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: o.Field, Value: bson.D{{Key: op, Value: c.Value}}}},
		bson.D{{Key: o.Field, Value: c.Value}, {Key: "_id", Value: bson.D{{Key: op, Value: c.ID}}}},
	}}}
}
