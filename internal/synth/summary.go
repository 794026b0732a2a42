package synth

import (
	"sanfang/internal/domain"
	"sanfang/internal/seed"
)

// Totals summarises a data set, so tests elsewhere can compare the
// aggregates the service computes with totals known from the data.
type Totals struct {
	// Records per collection.
	Bodies, People, Enterprises, Memberships, Unions, Figures int
	Meetings, Plans, Tasks, ProgressUpdates, Activities       int

	EnterpriseUnions    int // unions of kind ENTERPRISE
	RegionalFederations int // unions of kind REGIONAL_FEDERATION

	// EnterprisesWithUnion have at least one union naming them;
	// EnterprisesWithoutUnion have none.
	EnterprisesWithUnion, EnterprisesWithoutUnion int

	// Sums over each union's latest period (the greatest YYYY-MM it has
	// figures for); a figure not given counts as 0.
	LatestEmployees, LatestCouriers, LatestMembers, LatestCourierMembers int

	// ActivitiesByKind counts activities of each kind; kinds with none are absent.
	ActivitiesByKind map[domain.ActivityKind]int
	// Participants is the sum of the activities' participant counts, where given.
	Participants int
}

// Summarise counts and sums ds by plain loops.
func Summarise(ds *seed.Dataset) Totals {
	t := Totals{
		Bodies: len(ds.Bodies), People: len(ds.People), Enterprises: len(ds.Enterprises),
		Memberships: len(ds.Memberships), Unions: len(ds.Unions), Figures: len(ds.Figures),
		Meetings: len(ds.Meetings), Plans: len(ds.Plans), Tasks: len(ds.Tasks),
		ProgressUpdates: len(ds.ProgressUpdates), Activities: len(ds.Activities),
		ActivitiesByKind: map[domain.ActivityKind]int{},
	}

	unionised := map[string]bool{}
	for _, u := range ds.Unions {
		switch u.Kind {
		case domain.UnionEnterprise:
			t.EnterpriseUnions++
		case domain.UnionRegionalFederation:
			t.RegionalFederations++
		}
		if u.EnterpriseID != nil {
			unionised[*u.EnterpriseID] = true
		}
	}
	for _, e := range ds.Enterprises {
		if unionised[e.ID] {
			t.EnterprisesWithUnion++
		} else {
			t.EnterprisesWithoutUnion++
		}
	}

	latest := map[string]string{} // union id -> latest period
	for _, f := range ds.Figures {
		if f.Period > latest[f.UnionID] {
			latest[f.UnionID] = f.Period
		}
	}
	for _, f := range ds.Figures {
		if f.Period != latest[f.UnionID] {
			continue
		}
		t.LatestEmployees += deref(f.Employees)
		t.LatestCouriers += deref(f.Couriers)
		t.LatestMembers += deref(f.Members)
		t.LatestCourierMembers += deref(f.CourierMembers)
	}

	for _, a := range ds.Activities {
		t.ActivitiesByKind[a.Kind]++
		t.Participants += deref(a.ParticipantCount)
	}
	return t
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
