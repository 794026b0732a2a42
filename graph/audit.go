package graph

import (
	"encoding/json"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/graph/model"
	"sanfang/internal/store"
)

// auditFilter decodes the global ID an audit filter holds and hands it to
// the store.
func auditFilter(f *model.AuditFilter) (bson.D, error) {
	sf := store.AuditFilter{EntityKind: f.EntityKind, Actor: f.Actor, Operation: f.Operation, From: f.From, To: f.To}
	if f.EntityID != nil {
		typ, id, err := parseGlobalID("filter.entityId", *f.EntityID)
		if err != nil {
			return nil, err
		}
		sf.EntityKind, sf.EntityID = &typ, &id
	}
	if f.Body != nil {
		b := string(*f.Body)
		sf.Body = &b
	}
	for _, o := range f.Outcomes {
		sf.Outcomes = append(sf.Outcomes, string(o))
	}
	return store.AuditFilterD(sf), nil
}

// jsonValue turns a stored BSON value into plain JSON values (dates as
// RFC 3339 strings), for the JSON scalar.
func jsonValue(v any) any {
	if v == nil {
		return nil
	}
	b, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, false, false)
	if err != nil {
		return nil
	}
	var out struct{ V any }
	if err := json.Unmarshal(b, &out); err != nil {
		return nil
	}
	return simplify(out.V)
}

// simplify unwraps the one-key documents relaxed extended JSON uses for
// dates ({"$date": ...}).
func simplify(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if d, ok := x["$date"]; ok && len(x) == 1 {
			return d
		}
		for k, e := range x {
			x[k] = simplify(e)
		}
	case []any:
		for i, e := range x {
			x[i] = simplify(e)
		}
	}
	return v
}
