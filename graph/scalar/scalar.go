// Package scalar marshals the graph's custom scalars.
package scalar

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"sanfang/internal/domain"
)

// A Date is stored as UTC midnight of its calendar date (the date as the
// bodies write it), so the same date compares equal everywhere.
const dateLayout = time.DateOnly

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
		return time.Time{}, domain.Errorf(domain.CodeBadUserInput, "a Date is a string YYYY-MM-DD, e.g. \"2025-12-30\"; got %T", v)
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, domain.Errorf(domain.CodeBadUserInput, "%q is not a date: write it as YYYY-MM-DD, e.g. \"2025-12-30\"", s)
	}
	return t, nil
}
