// Package dashboard computes the aggregates the bodies' dashboards show:
// a plan's progress, union coverage and membership, activities and meetings.
//
// Every answer is computed in a small, fixed number of database commands,
// whatever the size of the data (each method's doc comment says how many;
// independent commands run at the same time). The database does what the
// MongoDB subset allows — $match, and $group with $sum to count and sum —
// and Go does the rest: rates, means, date buckets, "latest figures per
// union", and joins across databases, which are batched $in look-ups.
//
// Two rules shape the pipelines:
//
//   - A $group has one accumulator. FerretDB 1.24 feeds a group's documents
//     to its first accumulator only (store.Collection.Aggregate refuses more),
//     so where a count and a sum are both needed the summed value goes into
//     the group's _id and Go multiplies it out: the server still groups, and
//     returns one row per distinct value rather than one per record.
//   - Where an answer needs facts about single records that $group cannot
//     give without several more round trips (the ids of overdue tasks; each
//     union's latest figures, which would need $max or $first; which meetings
//     each body attended), it reads a narrow projection of the records in one
//     round trip instead, and says so.
//
// Every result says how fresh it is (AsOf, the newest updatedAt of the
// records it reflects, nil when there are none) and which databases it
// combines (Sources, e.g. ["postal", "union"]). Grouped results are rows
// with a Key, a Chinese Label as the bodies write it, and named numbers, and
// the main measures also come as []Datum series a chart can bind directly.
// A rate whose denominator is zero or unknown is nil, never NaN.
//
// Dates (Period, due dates, founding dates, months) are calendar dates in
// China Standard Time (UTC+8): a Date stored as UTC midnight falls on the
// same day there, and a time (reportedAt) is placed on its Beijing day.
package dashboard

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// Beijing is the time zone the bodies' dates are in (UTC+8).
var Beijing = time.FixedZone("UTC+8", 8*60*60)

// Service computes dashboard aggregates from a store.
type Service struct {
	st *store.Store
	// Now is the clock; overdue tasks are judged against its date in UTC+8.
	// Tests set it.
	Now func() time.Time
}

// New returns a service over st, with the system clock.
func New(st *store.Store) *Service {
	return &Service{st: st, Now: time.Now}
}

// Datum is one point of a chart series: a key (a code, an id or a month),
// the label the bodies would write, and the value (nil when unknown).
type Datum struct {
	Key   string
	Label string
	Value *float64
}

// Period is a range of calendar dates, both ends included. Only the year,
// month and day of From and To are read (in their own location). A zero
// From or To leaves that end open.
type Period struct {
	From, To time.Time
}

// check says what is wrong with the period, if anything.
func (p *Period) check(field string) error {
	if p == nil || p.From.IsZero() || p.To.IsZero() {
		return nil
	}
	from, to := dateOf(p.From), dateOf(p.To)
	if err := domain.CheckRange(&from, &to); err != nil {
		return domain.InputErrorf(field, "%s", err.Error())
	}
	return nil
}

// match restricts field (a date or a time) to the period's days in UTC+8.
func (p *Period) match(field string) bson.D {
	if p == nil {
		return nil
	}
	var r bson.D
	if !p.From.IsZero() {
		r = append(r, bson.E{Key: "$gte", Value: startOfDay(p.From)})
	}
	if !p.To.IsZero() {
		r = append(r, bson.E{Key: "$lt", Value: startOfDay(p.To).AddDate(0, 0, 1)})
	}
	if len(r) == 0 {
		return nil
	}
	return bson.D{{Key: field, Value: r}}
}

// dateOf is t's calendar date, as UTC midnight.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// startOfDay is the instant t's calendar date begins in UTC+8.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Beijing)
}

// day is the calendar date an instant falls on in UTC+8, as YYYY-MM-DD.
func day(t time.Time) string { return t.In(Beijing).Format(time.DateOnly) }

// month is the month an instant falls in in UTC+8, as YYYY-MM.
func month(t time.Time) string { return t.In(Beijing).Format("2006-01") }

// newest keeps the latest updatedAt seen.
type newest struct{ t *time.Time }

func (n *newest) see(t time.Time) {
	if t.IsZero() {
		return
	}
	if n.t == nil || t.After(*n.t) {
		c := t.UTC()
		n.t = &c
	}
}

func (n *newest) seePtr(t *time.Time) {
	if t != nil {
		n.see(*t)
	}
}

// parallel runs fns at once and returns the first error, cancelling the
// others when one fails.
func parallel(ctx context.Context, fns ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Go(func() {
			if errs[i] = fn(ctx); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if !errors.Is(err, context.Canceled) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// num is n as a chart value.
func num(n int) *float64 {
	f := float64(n)
	return &f
}

// ratio is part / whole, or nil when whole is zero.
func ratio(part, whole float64) *float64 {
	if whole == 0 {
		return nil
	}
	r := part / whole
	return &r
}

func sources(parts ...store.Part) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = string(p)
	}
	return out
}
