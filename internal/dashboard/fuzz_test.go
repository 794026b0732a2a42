package dashboard

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"sanfang/internal/domain"
)

// The fuzz tests of this package are in package dashboard (the package's
// other tests are dashboard_test) because the month range is unexported.
// The package's TestMain still starts its embedded database; these tests do
// not use it. Run one with
// go test ./internal/dashboard -run '^$' -fuzz '^FuzzMonthRange$' -parallel 1.

// FuzzMonthRange: a coverage trend's from and to, as a client sends them,
// are refused with a BAD_USER_INPUT error about one of them, or give the
// consecutive months from from to to, at most maxTrendMonths of them; a
// range of at most maxTrendMonths months is never refused.
func FuzzMonthRange(f *testing.F) {
	for _, p := range [][2]string{
		{"2026-01", "2026-03"}, {"2026-03", "2026-03"}, {"2026-03", "2026-01"}, {"2016-01", "2025-12"},
		{"2016-01", "2026-01"}, {"0000-01", "9999-12"}, {"9999-01", "9999-12"}, {"2026-1", "2026-03"},
		{"2026-13", "2027-01"}, {"", ""}, {"2026-03-01", "2026-04"}, {"\xff", "2026-01"},
	} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		months, err := monthRange(from, to)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeBadUserInput || (de.Field != "from" && de.Field != "to") || de.Message == "" {
				t.Fatalf("monthRange(%q, %q) = %#v, want a BAD_USER_INPUT error about from or to", from, to, err)
			}
			if months != nil {
				t.Fatalf("monthRange(%q, %q) refused but gave %q", from, to, months)
			}
			if n, ok := fuzzMonths(from, to); ok && n >= 1 && n <= maxTrendMonths {
				t.Fatalf("monthRange(%q, %q) refused %d months: %v", from, to, n, err)
			}
			return
		}
		if n, _ := fuzzMonths(from, to); len(months) != n || len(months) > maxTrendMonths || months[0] != from || months[len(months)-1] != to {
			t.Fatalf("monthRange(%q, %q) = %q", from, to, months)
		}
		for i := 1; i < len(months); i++ {
			prev, _ := time.Parse("2006-01", months[i-1])
			if want := prev.AddDate(0, 1, 0).Format("2006-01"); months[i] != want {
				t.Fatalf("monthRange(%q, %q): %q follows %q", from, to, months[i], months[i-1])
			}
		}
	})
}

// fuzzMonths is the number of months from from to to, both included, if
// both are YYYY-MM months.
func fuzzMonths(from, to string) (int, bool) {
	if domain.ValidatePeriod(from) != nil || domain.ValidatePeriod(to) != nil {
		return 0, false
	}
	a, _ := time.Parse("2006-01", from)
	b, _ := time.Parse("2006-01", to)
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month()) + 1, true
}

// FuzzMonthLabel: a YYYY-MM month is written 2026年3月; anything else is
// left as it is.
func FuzzMonthLabel(f *testing.F) {
	for _, s := range []string{"2026-03", "2026-12", "2026-3x", "2026-+3", "2026--3", "abcd-ef", "", "2026年3月", "2026-003"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ym string) {
		got := MonthLabel(ym)
		if domain.ValidatePeriod(ym) == nil {
			m, _ := strconv.Atoi(ym[5:])
			if want := ym[:4] + "年" + strconv.Itoa(m) + "月"; got != want {
				t.Fatalf("MonthLabel(%q) = %q, want %q", ym, got, want)
			}
			return
		}
		if got != ym && !(len(ym) == 7 && strings.HasSuffix(got, "月")) {
			t.Fatalf("MonthLabel(%q) = %q", ym, got)
		}
	})
}
