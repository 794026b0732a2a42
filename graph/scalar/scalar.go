// Package scalar marshals the graph's custom scalars.
package scalar

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// Shanghai is the zone the bodies write dates in. A Date is stored as UTC
// midnight of the calendar date, so the same date compares equal everywhere.
var dateLayout = time.DateOnly

// MarshalDate writes a time as its calendar date, YYYY-MM-DD.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.UTC().Format(dateLayout)))
	})
}

// UnmarshalDate reads a YYYY-MM-DD date as UTC midnight of that date.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("a Date is a string YYYY-MM-DD, e.g. \"2025-12-30\"; got %T", v)
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD, e.g. \"2025-12-30\"", s)
	}
	return t, nil
}
