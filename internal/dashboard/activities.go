package dashboard

import (
	"cmp"
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// ActivityGroup says how activities are broken down.
type ActivityGroup string

const (
	// ActivitiesByKind: one group per kind, all five always present
	// (劳动竞赛, 技能培训, 关爱服务, 维权服务, 其他).
	ActivitiesByKind ActivityGroup = "KIND"
	// ActivitiesByMonth: one group per month (YYYY-MM in UTC+8, labelled
	// 2026年3月), every month from the period's start (or the first
	// activity's) to its end (or the last activity's), 0 where none.
	ActivitiesByMonth ActivityGroup = "MONTH"
	// ActivitiesByCity: one group per city, all 11 always present, then
	// 全省 (key 140000) for activities with no region.
	ActivitiesByCity ActivityGroup = "CITY"
	// ActivitiesByOrganiser: one group per organising body, the four bodies
	// always present.
	ActivitiesByOrganiser ActivityGroup = "ORGANISER"
	// ActivitiesByTask: one group per plan task the activities serve (Task
	// says which), in plan and task-number order, then NONE (未关联任务)
	// for activities that serve none.
	ActivitiesByTask ActivityGroup = "TASK"
)

// Valid reports whether g is a known grouping.
func (g ActivityGroup) Valid() bool {
	switch g {
	case ActivitiesByKind, ActivitiesByMonth, ActivitiesByCity, ActivitiesByOrganiser, ActivitiesByTask:
		return true
	}
	return false
}

// NoTaskKey and NoTaskLabel mark the activities that serve no task.
const (
	NoTaskKey   = "NONE"
	NoTaskLabel = "未关联任务"
)

// ActivityStats counts activities and their participants per group and in
// total.
type ActivityStats struct {
	GroupBy ActivityGroup
	Period  *Period
	Groups  []*ActivityBucket
	// Total has key TOTAL, label 合计.
	Total *ActivityBucket
	// Activities and Participants are the groups' counts as series.
	Activities   []Datum
	Participants []Datum
	AsOf         *time.Time
	Sources      []string
}

// ActivityBucket is one group's activities.
type ActivityBucket struct {
	Key        string
	Label      string
	Activities int
	// Participants adds up the activities' participant counts; an activity
	// whose count is not recorded adds 0, and UnknownParticipants counts
	// those activities, so a chart can say the sum is a lower bound.
	Participants        int
	UnknownParticipants int
	// Task is the task a TASK group's activities serve (nil otherwise, and
	// for a task that no longer exists).
	Task *TaskRef
}

// TaskRef names a plan task.
type TaskRef struct {
	ID          string
	PlanID      string
	Number      int
	Title       string
	Status      domain.TaskStatus
	StatusLabel string
}

// Activities counts the activities dated within period (all when nil) and
// adds up their participants, per group and in total.
//
// Round trips: 2, at once, in the union database: one aggregate, $group by
// the grouping field and the participant count with {$sum: 1} (FerretDB
// sums only a group's first accumulator, so the count goes in the group's
// _id and Go multiplies it out; MONTH groups by date and buckets in Go,
// FerretDB having no $month), and one find for the newest updatedAt. TASK
// adds a third, after them: the served tasks by $in in the joint database.
func (s *Service) Activities(ctx context.Context, groupBy ActivityGroup, period *Period) (*ActivityStats, error) {
	if !groupBy.Valid() {
		return nil, domain.InputErrorf("groupBy", "groupBy %q is not one of KIND, MONTH, CITY, ORGANISER, TASK", groupBy)
	}
	if err := period.check("period"); err != nil {
		return nil, err
	}
	field := map[ActivityGroup]string{ActivitiesByKind: "$kind", ActivitiesByMonth: "$date", ActivitiesByCity: "$regionCode",
		ActivitiesByOrganiser: "$organiserBodyId", ActivitiesByTask: "$taskId"}[groupBy]
	filter := period.match("date")
	var rows []struct {
		ID struct {
			Key          bson.RawValue `bson:"k"`
			Participants *int          `bson:"p"`
		} `bson:"_id"`
		N int `bson:"n"`
	}
	var asOf *time.Time
	err := parallel(ctx,
		func(ctx context.Context) error {
			return s.st.Activities.Aggregate(ctx, filter, []bson.D{{{Key: "$group", Value: bson.D{
				{Key: "_id", Value: bson.D{{Key: "k", Value: field}, {Key: "p", Value: "$participantCount"}}},
				{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
			}}}}, &rows)
		},
		func(ctx context.Context) (err error) {
			asOf, err = s.st.Activities.Newest(ctx, filter)
			return err
		})
	if err != nil {
		return nil, err
	}

	out := &ActivityStats{GroupBy: groupBy, Period: period, Total: &ActivityBucket{Key: TotalKey, Label: TotalLabel},
		Groups: []*ActivityBucket{}, Activities: []Datum{}, Participants: []Datum{}, Sources: sources(store.Union)}
	buckets := map[string]*ActivityBucket{}
	bucket := func(key string) *ActivityBucket {
		b := buckets[key]
		if b == nil {
			b = &ActivityBucket{Key: key, Label: key}
			buckets[key] = b
		}
		return b
	}
	for _, r := range rows {
		key := activityKey(groupBy, r.ID.Key)
		for _, b := range []*ActivityBucket{out.Total, bucket(key)} {
			b.Activities += r.N
			if p := r.ID.Participants; p != nil {
				b.Participants += *p * r.N
			} else {
				b.UnknownParticipants += r.N
			}
		}
	}

	var keys []string
	switch groupBy {
	case ActivitiesByKind:
		keys = fixedFirst(domain.Strings(ActivityKinds), buckets, func(a, b string) int { return cmp.Compare(a, b) })
		for _, k := range keys {
			bucket(k).Label = ActivityKindLabel(domain.ActivityKind(k))
		}
	case ActivitiesByOrganiser:
		keys = fixedFirst(domain.Strings(domain.BodyCodes), buckets, bodyOrder)
		for _, k := range keys {
			bucket(k).Label = BodyLabel(k)
		}
	case ActivitiesByCity:
		fixed := make([]string, 0, len(domain.Regions)+1)
		for _, r := range domain.Regions {
			fixed = append(fixed, r.Code)
		}
		keys = fixedFirst(append(fixed, ProvinceKey), buckets, func(a, b string) int { return cmp.Compare(a, b) })
		for _, k := range keys {
			bucket(k).Label = RegionLabel(k)
		}
	case ActivitiesByMonth:
		keys = monthKeys(period, buckets)
		for _, k := range keys {
			bucket(k).Label = MonthLabel(k)
		}
	case ActivitiesByTask:
		out.Sources = sources(store.Union, store.Joint)
		if keys, err = s.taskGroups(ctx, buckets, &asOf); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		b := buckets[k]
		out.Groups = append(out.Groups, b)
		out.Activities = append(out.Activities, Datum{Key: k, Label: b.Label, Value: num(b.Activities)})
		out.Participants = append(out.Participants, Datum{Key: k, Label: b.Label, Value: num(b.Participants)})
	}
	out.AsOf = asOf
	return out, nil
}

// activityKey is the group key of a grouping field's value.
func activityKey(groupBy ActivityGroup, v bson.RawValue) string {
	switch groupBy {
	case ActivitiesByMonth:
		if t, ok := v.TimeOK(); ok {
			return month(t)
		}
		return ""
	case ActivitiesByCity:
		if s, ok := v.StringValueOK(); ok && s != "" {
			return s
		}
		return ProvinceKey
	case ActivitiesByTask:
		if s, ok := v.StringValueOK(); ok && s != "" {
			return s
		}
		return NoTaskKey
	}
	s, _ := v.StringValueOK()
	return s
}

// fixedFirst returns the fixed keys, creating their buckets, then any other
// key with a bucket, sorted by less.
func fixedFirst(fixed []string, buckets map[string]*ActivityBucket, less func(a, b string) int) []string {
	var others []string
	for k := range buckets {
		if !slices.Contains(fixed, k) {
			others = append(others, k)
		}
	}
	slices.SortFunc(others, less)
	for _, k := range fixed {
		if buckets[k] == nil {
			buckets[k] = &ActivityBucket{Key: k}
		}
	}
	return append(slices.Clone(fixed), others...)
}

// monthKeys lists every month from the period's start (or the first month
// with activities) to its end (or the last), creating empty buckets.
func monthKeys(period *Period, buckets map[string]*ActivityBucket) []string {
	var first, last string
	for k := range buckets {
		if k == "" {
			continue
		}
		if first == "" || k < first {
			first = k
		}
		if k > last {
			last = k
		}
	}
	if period != nil && !period.From.IsZero() {
		first = dateOf(period.From).Format("2006-01")
	}
	if period != nil && !period.To.IsZero() {
		last = dateOf(period.To).Format("2006-01")
	}
	var keys []string
	if first != "" && last != "" {
		start, _ := time.Parse("2006-01", first)
		for t := start; t.Format("2006-01") <= last; t = t.AddDate(0, 1, 0) {
			k := t.Format("2006-01")
			keys = append(keys, k)
			if buckets[k] == nil {
				buckets[k] = &ActivityBucket{Key: k}
			}
		}
	}
	if buckets[""] != nil { // activities without a date, which validation does not allow
		keys = append(keys, "")
	}
	return keys
}

// taskGroups looks up the tasks the buckets name (one find by $in), labels
// the buckets with them and returns the keys in plan and task order, with
// NONE last.
func (s *Service) taskGroups(ctx context.Context, buckets map[string]*ActivityBucket, asOf **time.Time) ([]string, error) {
	var ids []string
	for k := range buckets {
		if k != NoTaskKey {
			ids = append(ids, k)
		}
	}
	tasks := map[string]*domain.Task{}
	if len(ids) > 0 {
		found, err := s.st.Tasks.Select(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}, bson.D{
			{Key: "planId", Value: 1}, {Key: "number", Value: 1}, {Key: "title", Value: 1}, {Key: "status", Value: 1}, {Key: "updatedAt", Value: 1},
		})
		if err != nil {
			return nil, err
		}
		n := newest{t: *asOf}
		for _, t := range found {
			tasks[t.ID] = t
			n.see(t.UpdatedAt)
		}
		*asOf = n.t
	}
	for _, id := range ids {
		if t := tasks[id]; t != nil {
			buckets[id].Label = t.Title
			buckets[id].Task = &TaskRef{ID: t.ID, PlanID: t.PlanID, Number: t.Number, Title: t.Title, Status: t.Status, StatusLabel: TaskStatusLabel(t.Status)}
		}
	}
	slices.SortFunc(ids, func(a, b string) int {
		ta, tb := tasks[a], tasks[b]
		switch {
		case ta != nil && tb != nil:
			return cmp.Or(cmp.Compare(ta.PlanID, tb.PlanID), cmp.Compare(ta.Number, tb.Number), cmp.Compare(a, b))
		case ta != nil:
			return -1
		case tb != nil:
			return 1
		}
		return cmp.Compare(a, b)
	})
	if b := buckets[NoTaskKey]; b != nil {
		b.Label = NoTaskLabel
		ids = append(ids, NoTaskKey)
	}
	return ids, nil
}
