package graph

import (
	"context"
	"slices"

	"sanfang/graph/model"
	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// subscribe streams the change events that match kinds and filter and that
// the caller may read, each turned into a payload by build (a nil payload
// is skipped). Without after, it starts at the newest event.
func subscribe[P any](ctx context.Context, r *Resolver, kinds []string, filter *model.ChangeFilter, after *int,
	build func(context.Context, domain.AuditRecord, *model.ChangeEvent) (*P, error)) (<-chan *P, error) {
	principal := auth.FromContext(ctx)
	policy := r.Write.Policy()
	if err := policy.Authorize(principal, auth.ActionRead, auth.Resource{Kind: auth.KindTask}); err != nil {
		return nil, err
	}
	match, err := changeMatcher(kinds, filter)
	if err != nil {
		return nil, err
	}
	var start int64
	if after != nil {
		if *after < 0 {
			return nil, domain.InputErrorf("after", "after is the seq of the last event you saw (0 for the whole log); got %d", *after)
		}
		start = int64(*after)
	} else if start, err = r.Store.LastAuditSeq(ctx); err != nil {
		return nil, err
	}
	events := r.Events.Subscribe(ctx, start)
	out := make(chan *P)
	go func() {
		defer close(out)
		for rec := range events {
			if !match(rec) || policy.Authorize(principal, auth.ActionRead, auth.Resource{Kind: rec.EntityKind}) != nil {
				continue
			}
			payload, err := build(ctx, rec, changeEvent(rec))
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				r.Logger.ErrorContext(ctx, "build subscription event", "seq", rec.Seq, "err", err)
				continue
			}
			if payload == nil {
				continue
			}
			select {
			case out <- payload:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// changeMatcher decodes a change filter and returns the test an event must
// pass.
func changeMatcher(kinds []string, f *model.ChangeFilter) (func(domain.AuditRecord) bool, error) {
	if f == nil {
		f = &model.ChangeFilter{}
	}
	if len(f.Kinds) > 0 {
		for _, k := range f.Kinds {
			if !slices.Contains(auth.Kinds, k) {
				return nil, domain.InputErrorf("filter.kinds", "%q is not a kind of record: use one of %v", k, auth.Kinds)
			}
		}
		kinds = f.Kinds
	}
	var planID, enterpriseID string
	var err error
	if f.PlanID != nil {
		if planID, err = localID("filter.planId", "Plan", *f.PlanID); err != nil {
			return nil, err
		}
	}
	if f.EnterpriseID != nil {
		if enterpriseID, err = localID("filter.enterpriseId", "Enterprise", *f.EnterpriseID); err != nil {
			return nil, err
		}
	}
	return func(rec domain.AuditRecord) bool {
		switch {
		case len(kinds) > 0 && !slices.Contains(kinds, rec.EntityKind):
			return false
		case planID != "" && rec.PlanID != planID:
			return false
		case enterpriseID != "" && rec.EnterpriseID != enterpriseID:
			return false
		case f.Body != nil && rec.Body != *f.Body && !slices.Contains(rec.Bodies, *f.Body):
			return false
		}
		return true
	}, nil
}

func changeEvent(rec domain.AuditRecord) *model.ChangeEvent {
	e := &model.ChangeEvent{
		Seq: int(rec.Seq), At: rec.At, Kind: rec.EntityKind, ID: globalID(rec.EntityKind, rec.EntityID),
		Operation: rec.Operation, Version: rec.Version, Deleted: rec.Deleted, Actor: &rec.Actor, ChangedFields: []string{},
	}
	if rec.Body != "" {
		b := rec.Body
		e.Body = &b
	}
	for _, c := range rec.Changes {
		e.ChangedFields = append(e.ChangedFields, c.Field)
	}
	return e
}

// current reads a record as it is now (not through the request's loaders,
// which would keep an older copy); nil if it has been deleted since.
func current[T any](ctx context.Context, c *store.Collection[T], rec domain.AuditRecord) (*T, error) {
	if rec.Deleted {
		return nil, nil
	}
	v, err := c.Get(ctx, rec.EntityID)
	if domain.CodeOf(err) == domain.CodeNotFound {
		return nil, nil
	}
	return v, err
}

// dashboardTopics are the dashboards whose numbers a write to each kind
// can move.
var dashboardTopics = map[string][]model.DashboardTopic{
	auth.KindPlan:              {model.DashboardTopicPlanProgress},
	auth.KindTask:              {model.DashboardTopicPlanProgress, model.DashboardTopicActivities},
	auth.KindProgressUpdate:    {model.DashboardTopicPlanProgress},
	auth.KindEnterprise:        {model.DashboardTopicUnionCoverage, model.DashboardTopicMeetings},
	auth.KindUnion:             {model.DashboardTopicUnionCoverage},
	auth.KindMembershipFigures: {model.DashboardTopicUnionCoverage},
	auth.KindActivity:          {model.DashboardTopicActivities},
	auth.KindMeeting:           {model.DashboardTopicMeetings},
	auth.KindPerson:            {model.DashboardTopicMeetings},
}
