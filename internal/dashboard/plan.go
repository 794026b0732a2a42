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

// PlanProgress is where a plan's tasks stand.
type PlanProgress struct {
	PlanID    string
	PlanTitle string
	Year      int
	// Weighted says whether the plan weighs tasks by their weight.
	Weighted bool
	// Tasks counts the plan's tasks.
	Tasks int
	// ByStatus counts tasks per status: all five statuses, in the order
	// 未开始, 进行中, 已完成, 受阻, 已取消, with 0 where none.
	ByStatus []Datum
	// ByLeadBody has a row for each party to the plan and any other body
	// that leads a task, in body order.
	ByLeadBody []*LeadBodyProgress
	// MeanProgress is the mean of every task's progress (0-100; cancelled
	// tasks included), nil for a plan without tasks.
	MeanProgress *float64
	// WeightedProgress is the mean of task progress weighted by task weight
	// (a task without a weight weighs 1); nil unless the plan is Weighted,
	// or when the weights add up to 0.
	WeightedProgress *float64
	// Progress is the plan's overall progress: WeightedProgress for a
	// weighted plan, MeanProgress otherwise.
	Progress *float64
	// Today is the date, in UTC+8, that overdue is judged against.
	Today time.Time
	// Overdue counts the tasks due before Today that are neither done nor
	// cancelled; OverdueTaskIDs are they, in task-number order. A task with
	// no due date is never overdue.
	Overdue        int
	OverdueTaskIDs []string
	// Updated counts the tasks with at least one progress update reported
	// within Period (any time when Period is nil); UpdatedTaskIDs are they,
	// in task-number order.
	Updated        int
	UpdatedTaskIDs []string
	Period         *Period
	AsOf           *time.Time
	Sources        []string
}

// LeadBodyProgress is the tasks one body leads.
type LeadBodyProgress struct {
	// Key is the body's code; Label its short name, e.g. 省邮政管理局.
	Key   string
	Label string
	Tasks int
	Done  int
	// MeanProgress is the mean progress of the tasks it leads (0-100), nil
	// when it leads none.
	MeanProgress *float64
}

// PlanProgress reports where the plan's tasks stand: by status, by lead
// body, overall progress, overdue tasks, and the tasks updated in period.
//
// Round trips: 3, in two steps, all in the joint database. First, at once:
// the plan (find by _id) and its tasks (one find, projected to the fields
// used). A plan has tens of tasks, and the overdue ids need them one by one,
// so reading them is one round trip where $group would add two (the
// overdue ids and the newest updatedAt). Then one aggregate over the
// progress updates of those tasks in the period, grouped by task and
// updatedAt (so the newest updatedAt needs no extra command). 2 when the
// plan has no tasks. Unknown plan: NOT_FOUND.
func (s *Service) PlanProgress(ctx context.Context, planID string, period *Period) (*PlanProgress, error) {
	if err := period.check("period"); err != nil {
		return nil, err
	}
	var plan *domain.Plan
	var tasks []*domain.Task
	err := parallel(ctx,
		func(ctx context.Context) (err error) {
			plan, err = s.st.Plans.Get(ctx, planID)
			return err
		},
		func(ctx context.Context) (err error) {
			tasks, err = s.st.Tasks.Select(ctx, bson.D{{Key: "planId", Value: planID}}, bson.D{
				{Key: "number", Value: 1}, {Key: "leadBodyId", Value: 1}, {Key: "status", Value: 1},
				{Key: "progress", Value: 1}, {Key: "weight", Value: 1}, {Key: "dueOn", Value: 1}, {Key: "updatedAt", Value: 1},
			})
			return err
		})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(tasks, func(a, b *domain.Task) int { return cmp.Or(cmp.Compare(a.Number, b.Number), cmp.Compare(a.ID, b.ID)) })

	var asOf newest
	asOf.see(plan.UpdatedAt)
	now := s.Now().In(Beijing)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	out := &PlanProgress{
		PlanID: plan.ID, PlanTitle: plan.Title, Year: plan.Year, Weighted: plan.WeightedProgress,
		Tasks: len(tasks), Today: today, OverdueTaskIDs: []string{}, UpdatedTaskIDs: []string{},
		Period: period, Sources: sources(store.Joint),
	}

	byStatus := map[domain.TaskStatus]int{}
	type bodyAcc struct{ tasks, done, progress int }
	byBody := map[string]*bodyAcc{}
	for _, b := range plan.BodyIDs {
		byBody[b] = &bodyAcc{}
	}
	var sum, wsum, wtotal float64
	for _, t := range tasks {
		asOf.see(t.UpdatedAt)
		byStatus[t.Status]++
		b := byBody[t.LeadBodyID]
		if b == nil {
			b = &bodyAcc{}
			byBody[t.LeadBodyID] = b
		}
		b.tasks++
		b.progress += t.Progress
		if t.Status == domain.TaskDone {
			b.done++
		}
		sum += float64(t.Progress)
		w := 1.0
		if t.Weight != nil {
			w = *t.Weight
		}
		wsum += w * float64(t.Progress)
		wtotal += w
		if t.DueOn != nil && dateOf(t.DueOn.In(Beijing)).Before(today) &&
			t.Status != domain.TaskDone && t.Status != domain.TaskCancelled {
			out.OverdueTaskIDs = append(out.OverdueTaskIDs, t.ID)
		}
	}
	out.Overdue = len(out.OverdueTaskIDs)

	statuses := slices.Clone(TaskStatuses)
	for st := range byStatus {
		if !slices.Contains(statuses, st) {
			statuses = append(statuses, st)
		}
	}
	slices.SortStableFunc(statuses[len(TaskStatuses):], func(a, b domain.TaskStatus) int { return cmp.Compare(a, b) })
	for _, st := range statuses {
		out.ByStatus = append(out.ByStatus, Datum{Key: string(st), Label: TaskStatusLabel(st), Value: num(byStatus[st])})
	}
	bodies := make([]string, 0, len(byBody))
	for b := range byBody {
		bodies = append(bodies, b)
	}
	slices.SortFunc(bodies, bodyOrder)
	for _, id := range bodies {
		b := byBody[id]
		out.ByLeadBody = append(out.ByLeadBody, &LeadBodyProgress{Key: id, Label: BodyLabel(id), Tasks: b.tasks, Done: b.done,
			MeanProgress: ratio(float64(b.progress), float64(b.tasks))})
	}
	out.MeanProgress = ratio(sum, float64(len(tasks)))
	if plan.WeightedProgress {
		out.WeightedProgress = ratio(wsum, wtotal)
		out.Progress = out.WeightedProgress
	} else {
		out.Progress = out.MeanProgress
	}

	if len(tasks) > 0 {
		ids := make([]string, len(tasks))
		for i, t := range tasks {
			ids[i] = t.ID
		}
		filter := bson.D{{Key: "taskId", Value: bson.D{{Key: "$in", Value: ids}}}}
		filter = append(filter, period.match("reportedAt")...)
		var rows []struct {
			ID struct {
				TaskID    string    `bson:"t"`
				UpdatedAt time.Time `bson:"u"`
			} `bson:"_id"`
		}
		err := s.st.ProgressUpdates.Aggregate(ctx, filter, []bson.D{{{Key: "$group", Value: bson.D{
			{Key: "_id", Value: bson.D{{Key: "t", Value: "$taskId"}, {Key: "u", Value: "$updatedAt"}}},
		}}}}, &rows)
		if err != nil {
			return nil, err
		}
		updated := map[string]bool{}
		for _, r := range rows {
			updated[r.ID.TaskID] = true
			asOf.see(r.ID.UpdatedAt)
		}
		for _, t := range tasks {
			if updated[t.ID] {
				out.UpdatedTaskIDs = append(out.UpdatedTaskIDs, t.ID)
			}
		}
		out.Updated = len(out.UpdatedTaskIDs)
	}
	out.AsOf = asOf.t
	return out, nil
}
