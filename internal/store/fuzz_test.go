package store

import (
	"bytes"
	"encoding/base64"
	"errors"
	"math"
	"testing"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/domain"
)

// The fuzz tests of this package are in package store (the package's other
// tests are store_test) because cursors are unexported. The package's
// TestMain still starts its embedded database; these tests do not use it.
// Run one with
// go test ./internal/store -run '^$' -fuzz '^FuzzDecodeCursor$' -parallel 1.

const fuzzOrder = "NAME:asc"

// fuzzCursorValue is a sort value of the kind the stored order fields hold,
// chosen by kind.
func fuzzCursorValue(t *testing.T, kind uint8, s string, n int64) bson.RawValue {
	t.Helper()
	var v any
	switch kind % 6 {
	case 0:
		v = s
	case 1:
		v = int32(n)
	case 2:
		v = n
	case 3:
		v = bson.DateTime(n)
	case 4:
		v = float64(n) / 7
	case 5:
		return bson.RawValue{Type: bson.TypeNull}
	}
	typ, data, err := bson.MarshalValue(v)
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	return bson.RawValue{Type: typ, Value: data}
}

func sameCursor(a, b cursor) bool {
	return a.Order == b.Order && a.ID == b.ID && a.Value.Type == b.Value.Type && bytes.Equal(a.Value.Value, b.Value.Value)
}

// FuzzDecodeCursor: any string a client passes as after/before is either
// refused with a BAD_USER_INPUT error about that argument, or is a cursor
// of the connection's order with an id and a value of a type sort fields
// have (the value goes into the keyset filter as it is), which encodes and
// decodes back to itself.
func FuzzDecodeCursor(f *testing.F) {
	for _, c := range []cursor{
		{Order: fuzzOrder, ID: "ent-sf", Value: bson.RawValue{Type: bson.TypeString, Value: bsoncoreString("5b89")}},
		{Order: fuzzOrder, ID: "x", Value: bson.RawValue{Type: bson.TypeNull}},
		{Order: "SEQ:desc", ID: "a1", Value: bson.RawValue{Type: bson.TypeInt64, Value: []byte{1, 0, 0, 0, 0, 0, 0, 0}}},
		{Order: fuzzOrder, ID: "", Value: bson.RawValue{Type: bson.TypeNull}},
	} {
		s, err := encodeCursor(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
		f.Add(s[:len(s)/2])
	}
	// Values that are not sort values: a document the database would read
	// as operators, a regular expression, JavaScript, MinKey, an array.
	// Each was once accepted and changed the query (the first three match
	// every record; JavaScript and MinKey held the request until its
	// timeout and dropped the database connection).
	for _, v := range []any{
		bson.D{{Key: "$exists", Value: true}}, bson.D{{Key: "$ne", Value: nil}}, bson.D{{Key: "$regex", Value: "^"}},
		bson.Regex{Pattern: ".*"}, bson.JavaScript("1"), bson.MinKey{}, bson.MaxKey{}, bson.A{1}, bson.Binary{Data: []byte{1}}, true,
	} {
		b, err := bson.Marshal(bson.D{{Key: "o", Value: fuzzOrder}, {Key: "v", Value: v}, {Key: "i", Value: "!"}})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(base64.RawURLEncoding.EncodeToString(b))
	}
	for _, s := range []string{"", "AAAA", "BQAAAAA", "////", "e30", "not a cursor", "\xff", "BQAAAAA=", base64.RawURLEncoding.EncodeToString([]byte{0xff, 0xff, 0xff, 0x7f, 0})} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := decodeCursor("after", s, fuzzOrder)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeBadUserInput || de.Field != "after" || de.Message == "" {
				t.Fatalf("decodeCursor(%q) = %#v, want a BAD_USER_INPUT error about after", s, err)
			}
			return
		}
		if c.Order != fuzzOrder || c.ID == "" {
			t.Fatalf("decodeCursor(%q) accepted %+v", s, c)
		}
		switch c.Value.Type {
		case bson.TypeString, bson.TypeInt32, bson.TypeInt64, bson.TypeDouble, bson.TypeDateTime, bson.TypeNull:
		default:
			t.Fatalf("decodeCursor(%q) accepted a value of type %s, which no sort field has: %v", s, c.Value.Type, c.Value)
		}
		again, err := encodeCursor(c)
		if err != nil {
			t.Fatalf("decodeCursor(%q) = %+v, which does not encode: %v", s, c, err)
		}
		c2, err := decodeCursor("after", again, fuzzOrder)
		if err != nil || !sameCursor(c, c2) {
			t.Fatalf("%q decodes to %+v; re-encoded as %q it decodes to %+v, %v", s, c, again, c2, err)
		}
		if _, err := decodeCursor("before", s, "NAME:desc"); err == nil {
			t.Fatalf("cursor %q of order %s accepted for another order", s, fuzzOrder)
		}
		// The keyset filter is built from any accepted cursor.
		_ = Order{Name: "NAME", Field: "nameKey"}.after(c, false)
	})
}

// FuzzCursorRoundTrip: every cursor a page hands out (an order, a non-empty
// id and a sort value of a stored field's kind) decodes back to itself for
// its own order only.
func FuzzCursorRoundTrip(f *testing.F) {
	f.Add("NAME:asc", "ent-sf", uint8(0), "5b89", int64(0))
	f.Add("PERIOD:desc", "fig-1", uint8(0), "2026-03", int64(0))
	f.Add("SEQ:desc", "a1", uint8(2), "", int64(math.MaxInt64))
	f.Add("REPORTED_AT:desc", "p1", uint8(3), "", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	f.Add("X:asc", "id", uint8(4), "", int64(-1))
	f.Add("X:asc", "id", uint8(5), "", int64(0))
	f.Fuzz(func(t *testing.T, order, id string, kind uint8, s string, n int64) {
		if id == "" || !utf8.ValidString(order) || !utf8.ValidString(id) || !utf8.ValidString(s) {
			return // ids and orders are never empty or not UTF-8
		}
		c := cursor{Order: order, ID: id, Value: fuzzCursorValue(t, kind, s, n)}
		enc, err := encodeCursor(c)
		if err != nil {
			t.Fatalf("encodeCursor(%+v): %v", c, err)
		}
		got, err := decodeCursor("after", enc, order)
		if err != nil || !sameCursor(c, got) {
			t.Fatalf("cursor %+v encodes as %q, which decodes to %+v, %v", c, enc, got, err)
		}
		if _, err := decodeCursor("after", enc, order+"x"); err == nil {
			t.Fatalf("cursor %q of order %q accepted for order %q", enc, order, order+"x")
		}
	})
}

// bsoncoreString is the BSON encoding of a string value.
func bsoncoreString(s string) []byte {
	_, b, err := bson.MarshalValue(s)
	if err != nil {
		panic(err)
	}
	return b
}
