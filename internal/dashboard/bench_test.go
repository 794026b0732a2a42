package dashboard_test

import (
	"context"
	"testing"
	"time"

	"sanfang/internal/dashboard"
)

// The benchmarks run on the province-scale synthetic data set (400
// enterprises, 2,000 unions, ~2,600 figures, 1,000 activities, 40 meetings,
// 60 tasks), loaded once into the embedded database.

func benchService(b *testing.B) *dashboard.Service {
	st, _ := provinceStore(b)
	svc := dashboard.New(st)
	svc.Now = func() time.Time { return fixed }
	return svc
}

func BenchmarkPlanProgress(b *testing.B) {
	svc := benchService(b)
	period := &dashboard.Period{From: date(2026, 1, 1), To: date(2026, 6, 30)}
	for b.Loop() {
		if _, err := svc.PlanProgress(context.Background(), "syn-plan-0002", period); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUnionCoverage(b *testing.B) {
	svc := benchService(b)
	for b.Loop() {
		if _, err := svc.UnionCoverage(context.Background(), dashboard.GroupByCity, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkActivities(b *testing.B) {
	svc := benchService(b)
	for b.Loop() {
		if _, err := svc.Activities(context.Background(), dashboard.ActivitiesByKind, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMeetings(b *testing.B) {
	svc := benchService(b)
	for b.Loop() {
		if _, err := svc.Meetings(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
	}
}
