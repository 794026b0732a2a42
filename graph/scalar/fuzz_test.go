package scalar

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"sanfang/internal/domain"
)

// FuzzUnmarshalDate: a Date a client sends is either refused with a
// BAD_USER_INPUT error, or is UTC midnight and marshals back to exactly the
// string sent (so YYYY-MM-DD is the only form accepted). Run it with
// go test ./graph/scalar -run '^$' -fuzz '^FuzzUnmarshalDate$'.
func FuzzUnmarshalDate(f *testing.F) {
	for _, s := range []string{
		"2025-12-30", "2024-02-29", "2025-02-29", "2025-13-01", "2025-1-2", "0000-01-01", "9999-12-31",
		"2025-12-30T00:00:00Z", " 2025-12-30", "", "\xff", "２０２５-12-30", "+2025-12-30", "-001-01-01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := UnmarshalDate(s)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeBadUserInput || de.Message == "" {
				t.Fatalf("UnmarshalDate(%q) = %v, want a BAD_USER_INPUT error", s, err)
			}
			if !d.IsZero() {
				t.Fatalf("UnmarshalDate(%q) refused but returned %v", s, d)
			}
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("UnmarshalDate(%q) = %v, not UTC midnight", s, d)
		}
		var b bytes.Buffer
		MarshalDate(d).MarshalGQL(&b)
		if want := strconv.Quote(s); b.String() != want {
			t.Fatalf("UnmarshalDate(%q) marshals back as %s", s, b.String())
		}
		again, err := UnmarshalDate(d.Format(time.DateOnly))
		if err != nil || !again.Equal(d) {
			t.Fatalf("UnmarshalDate(%q) = %v, but its own form gives %v, %v", s, d, again, err)
		}
	})
}

// FuzzUnmarshalDateValue: a Date variable that is not a string (a number,
// an object, null, as a JSON decoder gives them) is refused with a
// BAD_USER_INPUT error, never accepted as the zero date.
func FuzzUnmarshalDateValue(f *testing.F) {
	for _, s := range []string{`"2025-12-30"`, `20251230`, `null`, `{"y":2025}`, `["2025-12-30"]`, `true`, `1e400`, `"2025-12-30"x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, js string) {
		dec := json.NewDecoder(bytes.NewReader([]byte(js)))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		d, err := UnmarshalDate(v)
		if _, isString := v.(string); isString {
			return // FuzzUnmarshalDate covers strings
		}
		var de *domain.Error
		if err == nil || !errors.As(err, &de) || de.Code != domain.CodeBadUserInput {
			t.Fatalf("UnmarshalDate(%#v) = %v, %v; want a BAD_USER_INPUT error", v, d, err)
		}
	})
}
