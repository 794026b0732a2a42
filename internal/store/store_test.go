package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sanfang/internal/domain"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/storetest"
)

var db *storetest.Server

func TestMain(m *testing.M) { storetest.Main(m, &db) }

func ptr[T any](v T) *T { return &v }

// seeded opens a store holding the joint-meeting data set.
func seeded(t *testing.T) *store.Store {
	t.Helper()
	st := db.Open(t, nil)
	ds, err := seed.JointMeeting()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestLoadIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st := db.Open(t, nil)
	ds, err := seed.JointMeeting()
	if err != nil {
		t.Fatal(err)
	}
	first, err := st.Load(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	if first.Inserted != 37 || first.Existing != 0 {
		t.Fatalf("first load = %+v, want 37 inserted", first)
	}
	second, err := st.Load(ctx, ds)
	if err != nil {
		t.Fatal(err)
	}
	if second.Inserted != 0 || second.Existing != 37 {
		t.Fatalf("second load = %+v, want nothing inserted", second)
	}
	n, err := st.Enterprises.Count(ctx, nil)
	if err != nil || n != 8 {
		t.Fatalf("enterprises after two loads = %d, %v; want 8", n, err)
	}
}

func TestPagesWalkForwardAndBack(t *testing.T) {
	ctx := context.Background()
	st := seeded(t)
	order := store.EnterpriseOrder(nil)
	var names []string
	var after *string
	for page := 0; ; page++ {
		p, err := st.Enterprises.Page(ctx, nil, domain.PageArgs{First: ptr(3), After: after}, order)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Edges {
			names = append(names, e.Node.Name)
		}
		if !p.HasNextPage {
			break
		}
		if page > 5 {
			t.Fatal("paging does not end")
		}
		after = &p.Edges[len(p.Edges)-1].Cursor
	}
	want := []string{"极兔", "京东", "山西顺丰", "山西邮政", "山西韵达", "山西中通", "申通", "圆通"}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Fatalf("forward = %v, want pinyin order %v", names, want)
	}

	last, err := st.Enterprises.Page(ctx, nil, domain.PageArgs{Last: ptr(2)}, order)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{last.Edges[0].Node.Name, last.Edges[1].Node.Name}; fmt.Sprint(got) != "[申通 圆通]" || !last.HasPreviousPage {
		t.Fatalf("last 2 = %v (hasPrevious %v), want [申通 圆通] with more before", got, last.HasPreviousPage)
	}
	before, err := st.Enterprises.Page(ctx, nil, domain.PageArgs{Last: ptr(2), Before: &last.Edges[0].Cursor}, order)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{before.Edges[0].Node.Name, before.Edges[1].Node.Name}; fmt.Sprint(got) != "[山西韵达 山西中通]" || !before.HasNextPage {
		t.Fatalf("2 before 申通 = %v, want [山西韵达 山西中通]", got)
	}
}

func TestPageArgumentErrors(t *testing.T) {
	ctx := context.Background()
	st := seeded(t)
	first, err := st.Enterprises.Page(ctx, nil, domain.PageArgs{First: ptr(1)}, store.EnterpriseOrder(nil))
	if err != nil {
		t.Fatal(err)
	}
	byDate := store.EnterpriseOrder(&domain.EnterpriseOrder{Field: domain.EnterpriseByCreatedAt, Direction: domain.Desc})
	tests := []struct {
		name  string
		args  domain.PageArgs
		order store.Order
		field string
	}{
		{"over the cap", domain.PageArgs{First: ptr(101)}, store.EnterpriseOrder(nil), "first"},
		{"negative", domain.PageArgs{Last: ptr(-1)}, store.EnterpriseOrder(nil), "last"},
		{"first and last", domain.PageArgs{First: ptr(1), Last: ptr(1)}, store.EnterpriseOrder(nil), "first"},
		{"garbage cursor", domain.PageArgs{After: ptr("not-a-cursor")}, store.EnterpriseOrder(nil), "after"},
		{"base64 but not a cursor", domain.PageArgs{Before: ptr("aGVsbG8gd29ybGQ")}, store.EnterpriseOrder(nil), "before"},
		{"cursor of another order", domain.PageArgs{After: &first.Edges[0].Cursor}, byDate, "after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := st.Enterprises.Page(ctx, nil, tt.args, tt.order)
			var de *domain.Error
			if !asDomain(err, &de) || de.Code != domain.CodeBadUserInput || de.Field != tt.field {
				t.Fatalf("err = %v, want BAD_USER_INPUT about %s", err, tt.field)
			}
		})
	}
}

func TestTextFiltersAreLiteral(t *testing.T) {
	ctx := context.Background()
	st := seeded(t)
	tests := []struct {
		text string
		want int
	}{
		{"山西", 4},
		{"顺丰", 1},
		{".*", 0},
		{"山西.", 0},
		{"^京", 0},
		{"[", 0},
	}
	for _, tt := range tests {
		n, err := st.Enterprises.Count(ctx, store.EnterpriseFilter(&domain.EnterpriseFilter{NameContains: ptr(tt.text)}))
		if err != nil {
			t.Fatalf("%q: %v", tt.text, err)
		}
		if n != tt.want {
			t.Errorf("nameContains %q matched %d, want %d", tt.text, n, tt.want)
		}
	}
}

func TestChildPagesAndCountsByParent(t *testing.T) {
	ctx := context.Background()
	st := seeded(t)
	meetings, err := st.Meetings.ChildPages(ctx, "participants.enterpriseId", []string{"ent-sf", "ent-jd", "ent-none"}, nil, domain.PageArgs{First: ptr(5)}, store.MeetingOrder(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(meetings["ent-sf"].Edges) != 1 || len(meetings["ent-jd"].Edges) != 1 || len(meetings["ent-none"].Edges) != 0 {
		t.Fatalf("pages = sf %d, jd %d, none %d; want 1, 1, 0", len(meetings["ent-sf"].Edges), len(meetings["ent-jd"].Edges), len(meetings["ent-none"].Edges))
	}
	tasks, err := st.Tasks.ChildPages(ctx, "planId", []string{"plan-2026"}, nil, domain.PageArgs{First: ptr(4)}, store.TaskOrder(nil))
	if err != nil {
		t.Fatal(err)
	}
	p := tasks["plan-2026"]
	if len(p.Edges) != 4 || p.Edges[0].Node.Number != 1 || p.Edges[3].Node.Number != 4 || !p.HasNextPage {
		t.Fatalf("first 4 tasks: %d edges, hasNext %v", len(p.Edges), p.HasNextPage)
	}
	counts, err := st.Tasks.CountIn(ctx, "planId", []string{"plan-2026", "plan-none"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if counts["plan-2026"] != 10 || counts["plan-none"] != 0 {
		t.Fatalf("counts = %v", counts)
	}
	byBody, err := st.Meetings.CountIn(ctx, "participants.bodyId", []string{"POSTAL", "FEDERATION"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if byBody["POSTAL"] != 1 || byBody["FEDERATION"] != 1 {
		t.Fatalf("a meeting counts once per body however many of its people attend: %v", byBody)
	}
}

func TestDateRangeFilter(t *testing.T) {
	ctx := context.Background()
	st := seeded(t)
	day := time.Date(2025, 12, 30, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		from, to time.Time
		want     int
	}{
		{day, day, 1},
		{day.AddDate(0, 0, 1), day.AddDate(1, 0, 0), 0},
		{day.AddDate(-1, 0, 0), day.AddDate(0, 0, -1), 0},
	} {
		n, err := st.Meetings.Count(ctx, store.MeetingFilter(&domain.MeetingFilter{From: &tt.from, To: &tt.to}))
		if err != nil || n != tt.want {
			t.Errorf("meetings %s..%s = %d, %v; want %d", tt.from.Format(time.DateOnly), tt.to.Format(time.DateOnly), n, err, tt.want)
		}
	}
}
