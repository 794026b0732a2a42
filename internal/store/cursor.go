package store

import (
	"encoding/base64"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/domain"
)

// A cursor is opaque to clients: base64url of a small BSON document holding
// the order it belongs to, the sort value of the record and the record's id.
// Keeping the BSON value keeps its type (string, int, date) for the keyset
// comparison.
type cursor struct {
	Order string        `bson:"o"`
	Value bson.RawValue `bson:"v"`
	ID    string        `bson:"i"`
}

// sortValueTypes are the BSON types of the fields pages are ordered by
// (texts, numbers, dates; null when a record lacks the field).
var sortValueTypes = []bson.Type{bson.TypeString, bson.TypeInt32, bson.TypeInt64, bson.TypeDouble, bson.TypeDateTime, bson.TypeNull}

func encodeCursor(c cursor) (string, error) {
	b, err := bson.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode cursor: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// decodeCursor parses a cursor from argument arg and checks it was made for
// the given order.
func decodeCursor(arg, s, order string) (cursor, error) {
	bad := domain.InputErrorf(arg, "%s is not a cursor this connection returned: pass an edge's cursor or pageInfo's startCursor/endCursor unchanged", arg)
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 5 || base64.RawURLEncoding.EncodeToString(b) != s {
		return cursor{}, bad
	}
	var c cursor
	// The value goes into the keyset filter as it is: only the types of the
	// fields pages are ordered by are taken, never a document (which the
	// database reads as operators), a regular expression or JavaScript.
	if err := bson.Unmarshal(b, &c); err != nil || c.ID == "" || !slices.Contains(sortValueTypes, c.Value.Type) {
		return cursor{}, bad
	}
	if c.Order != order {
		return cursor{}, domain.InputErrorf(arg, "%s was made for a different orderBy: keep orderBy the same while paging, or start again without %s", arg, arg)
	}
	return c, nil
}
