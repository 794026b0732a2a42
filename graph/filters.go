package graph

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/graph/model"
	"sanfang/internal/dashboard"
	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// The functions here decode the global IDs a filter holds and check its
// values, then hand it to the store. A nil filter matches everything.

func enterpriseFilter(f *domain.EnterpriseFilter) (bson.D, error) {
	if f == nil {
		return nil, nil
	}
	if err := checkRegions("filter.regionCodes", f.RegionCodes); err != nil {
		return nil, err
	}
	return store.EnterpriseFilter(f), nil
}

func unionFilter(f *domain.UnionFilter) (bson.D, error) {
	if f == nil {
		return nil, nil
	}
	if err := checkRegions("filter.regionCodes", f.RegionCodes); err != nil {
		return nil, err
	}
	if err := localIDList("filter.enterpriseIds", "Enterprise", f.EnterpriseIDs); err != nil {
		return nil, err
	}
	if err := localIDs("filter.parentId", "Union", f.ParentID); err != nil {
		return nil, err
	}
	if err := checkRange("filter.foundedFrom", f.FoundedFrom, f.FoundedTo); err != nil {
		return nil, err
	}
	return store.UnionFilter(f), nil
}

func meetingFilter(f *domain.MeetingFilter) (bson.D, error) {
	if f == nil {
		return nil, nil
	}
	if err := localIDs("filter.personId", "Person", f.PersonID); err != nil {
		return nil, err
	}
	if err := localIDs("filter.enterpriseId", "Enterprise", f.EnterpriseID); err != nil {
		return nil, err
	}
	if err := checkRange("filter.from", f.From, f.To); err != nil {
		return nil, err
	}
	return store.MeetingFilter(f), nil
}

func planFilter(f *domain.PlanFilter) (bson.D, error) {
	if f == nil {
		return nil, nil
	}
	return store.PlanFilter(f), nil
}

func taskFilter(f *domain.TaskFilter) (bson.D, error) {
	if f == nil {
		return nil, nil
	}
	if err := localIDs("filter.planId", "Plan", f.PlanID); err != nil {
		return nil, err
	}
	if err := localIDs("filter.enterpriseId", "Enterprise", f.EnterpriseID); err != nil {
		return nil, err
	}
	if err := localIDs("filter.unionId", "Union", f.UnionID); err != nil {
		return nil, err
	}
	if err := checkRange("filter.dueFrom", f.DueFrom, f.DueTo); err != nil {
		return nil, err
	}
	return store.TaskFilter(f), nil
}

func activityFilter(f *domain.ActivityFilter) (bson.D, error) {
	if f == nil {
		return nil, nil
	}
	if err := checkRegions("filter.regionCodes", f.RegionCodes); err != nil {
		return nil, err
	}
	if err := localIDs("filter.enterpriseId", "Enterprise", f.EnterpriseID); err != nil {
		return nil, err
	}
	if err := localIDs("filter.taskId", "Task", f.TaskID); err != nil {
		return nil, err
	}
	if err := checkRange("filter.from", f.From, f.To); err != nil {
		return nil, err
	}
	return store.ActivityFilter(f), nil
}

func figuresFilter(f *domain.FiguresFilter) (bson.D, error) {
	if f == nil {
		return nil, nil
	}
	for _, p := range []struct {
		arg string
		v   *string
	}{{"filter.periodFrom", f.PeriodFrom}, {"filter.periodTo", f.PeriodTo}} {
		if p.v != nil {
			if err := domain.ValidatePeriod(*p.v); err != nil {
				return nil, domain.InputErrorf(p.arg, "%s: %v", p.arg, err)
			}
		}
	}
	return store.FiguresFilter(f), nil
}

func checkRegions(arg string, codes []string) error {
	for _, c := range codes {
		if _, ok := domain.RegionByCode(c); !ok {
			return domain.InputErrorf(arg, "%q is not the code of one of Shanxi's 11 cities: use a code from the regions query, e.g. 140100 for 太原市", c)
		}
	}
	return nil
}

func checkRange(arg string, from, to *time.Time) error {
	if err := domain.CheckRange(from, to); err != nil {
		return domain.InputErrorf(arg, "%s: %v", arg, err)
	}
	return nil
}

// dashboardPeriod turns a date range argument into the dashboards' period.
func dashboardPeriod(r *model.DateRange) *dashboard.Period {
	if r == nil {
		return nil
	}
	p := &dashboard.Period{}
	if r.From != nil {
		p.From = *r.From
	}
	if r.To != nil {
		p.To = *r.To
	}
	return p
}
