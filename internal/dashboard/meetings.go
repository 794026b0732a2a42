package dashboard

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// MeetingStats counts meetings, and who attended them.
type MeetingStats struct {
	Period *Period
	// Meetings counts the meetings held within Period.
	Meetings int
	// ByYearKind has a row for each year (in UTC+8) from the first to the
	// last with meetings (or the period's years) and each kind, in kind
	// order 三方联席会议, 工作组会议, 其他会议.
	ByYearKind []*MeetingCount
	// ByBody counts, for each body, the meetings with at least one
	// participant entry naming it (bodyId): the four bodies always, in body
	// order, then any other id.
	ByBody []*Attendance
	// ByEnterprise counts, for each enterprise a participant entry names
	// (enterpriseId, usually its union's delegation), the meetings it
	// attended: most meetings first, then in pinyin order of name.
	ByEnterprise []*Attendance
	AsOf         *time.Time
	// Sources is ["joint"], with "postal" when enterprises were looked up
	// for their names.
	Sources []string
}

// MeetingCount is the meetings of one kind in one year.
type MeetingCount struct {
	// Key is e.g. "2025/TRIPARTITE_JOINT"; Label e.g. 2025年三方联席会议.
	Key      string
	Label    string
	Year     int
	Kind     domain.MeetingKind
	Meetings int
}

// Attendance is how many meetings a body or an enterprise attended.
type Attendance struct {
	// Key is the body's code or the enterprise's id; Label its short name or
	// its name.
	Key   string
	Label string
	// Meetings counts distinct meetings; Entries the participant entries
	// (people or delegations) naming it across them.
	Meetings int
	Entries  int
}

// Meetings counts the meetings held within period (all when nil) by year
// and kind, and the meetings each body and each enterprise attended.
//
// Round trips: 2, one after the other. One find of the meetings in the
// period, projected to date, kind and the participants' bodyId and
// enterpriseId: meetings are few (tens a year) and distinct meetings per
// body would take a $unwind and two $group stages per breakdown, three
// aggregates and a find for the newest updatedAt in all. Then one find by
// $in of the enterprises named, for their names (postal); skipped, leaving
// 1, when no participant names an enterprise.
func (s *Service) Meetings(ctx context.Context, period *Period) (*MeetingStats, error) {
	if err := period.check("period"); err != nil {
		return nil, err
	}
	meetings, err := s.st.Meetings.Select(ctx, period.match("date"), bson.D{
		{Key: "date", Value: 1}, {Key: "kind", Value: 1}, {Key: "updatedAt", Value: 1},
		{Key: "participants.bodyId", Value: 1}, {Key: "participants.enterpriseId", Value: 1},
	})
	if err != nil {
		return nil, err
	}
	out := &MeetingStats{Period: period, Meetings: len(meetings), ByYearKind: []*MeetingCount{}, ByEnterprise: []*Attendance{},
		Sources: sources(store.Joint)}
	var asOf newest
	type yk struct {
		year int
		kind domain.MeetingKind
	}
	counts := map[yk]int{}
	kinds := slices.Clone(MeetingKinds)
	firstYear, lastYear := 0, 0
	bodies, enterprises := map[string]*Attendance{}, map[string]*Attendance{}
	for _, b := range domain.BodyCodes {
		bodies[string(b)] = &Attendance{Key: string(b), Label: BodyLabel(string(b))}
	}
	attend := func(set map[string]*Attendance, key string, seen map[string]bool) {
		a := set[key]
		if a == nil {
			a = &Attendance{Key: key, Label: key}
			set[key] = a
		}
		a.Entries++
		if !seen[key] {
			seen[key] = true
			a.Meetings++
		}
	}
	for _, m := range meetings {
		asOf.see(m.UpdatedAt)
		y := m.Date.In(Beijing).Year()
		counts[yk{y, m.Kind}]++
		if !slices.Contains(kinds, m.Kind) {
			kinds = append(kinds, m.Kind)
		}
		if firstYear == 0 || y < firstYear {
			firstYear = y
		}
		lastYear = max(lastYear, y)
		seenBody, seenEnt := map[string]bool{}, map[string]bool{}
		for _, p := range m.Participants {
			if p.BodyID != nil && *p.BodyID != "" {
				attend(bodies, *p.BodyID, seenBody)
			}
			if p.EnterpriseID != nil && *p.EnterpriseID != "" {
				attend(enterprises, *p.EnterpriseID, seenEnt)
			}
		}
	}
	slices.SortStableFunc(kinds[len(MeetingKinds):], func(a, b domain.MeetingKind) int { return cmp.Compare(a, b) })
	if period != nil && !period.From.IsZero() && (firstYear == 0 || dateOf(period.From).Year() < firstYear) {
		firstYear = dateOf(period.From).Year()
	}
	if period != nil && !period.To.IsZero() && dateOf(period.To).Year() > lastYear {
		lastYear = dateOf(period.To).Year()
	}
	if firstYear == 0 {
		firstYear = lastYear
	}
	for y := firstYear; y != 0 && y <= lastYear; y++ {
		for _, k := range kinds {
			out.ByYearKind = append(out.ByYearKind, &MeetingCount{Key: fmt.Sprintf("%d/%s", y, k),
				Label: strconv.Itoa(y) + "年" + MeetingKindLabel(k), Year: y, Kind: k, Meetings: counts[yk{y, k}]})
		}
	}

	for _, a := range bodies {
		a.Label = BodyLabel(a.Key)
		out.ByBody = append(out.ByBody, a)
	}
	slices.SortFunc(out.ByBody, func(a, b *Attendance) int { return bodyOrder(a.Key, b.Key) })

	if len(enterprises) > 0 {
		out.Sources = sources(store.Joint, store.Postal)
		ids := make([]string, 0, len(enterprises))
		for id := range enterprises {
			ids = append(ids, id)
		}
		found, err := s.st.Enterprises.Select(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
			bson.D{{Key: "name", Value: 1}, {Key: "nameKey", Value: 1}, {Key: "updatedAt", Value: 1}})
		if err != nil {
			return nil, err
		}
		nameKeys := map[string]string{}
		for _, e := range found {
			enterprises[e.ID].Label = e.Name
			nameKeys[e.ID] = e.NameKey
			asOf.see(e.UpdatedAt)
		}
		for _, a := range enterprises {
			out.ByEnterprise = append(out.ByEnterprise, a)
		}
		slices.SortFunc(out.ByEnterprise, func(a, b *Attendance) int {
			return cmp.Or(cmp.Compare(b.Meetings, a.Meetings), cmp.Compare(nameKeys[a.Key], nameKeys[b.Key]), cmp.Compare(a.Key, b.Key))
		})
	}
	out.AsOf = asOf.t
	return out, nil
}
