package write_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/seed"
	"sanfang/internal/store"
	"sanfang/internal/storetest"
	"sanfang/internal/write"
)

// db is the one embedded database this package's tests share; each test
// opens its own store (its own database names) on it.
var db *storetest.Server

func TestMain(m *testing.M) {
	var err error
	if db, err = storetest.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	db.Stop()
	os.Exit(code)
}

// setup opens a store holding the joint-meeting data set and a write
// service over it.
func setup(t *testing.T) (*store.Store, *write.Service) {
	t.Helper()
	st := db.Open(t, nil)
	ds, err := seed.JointMeeting()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return st, write.New(st, auth.Policy{}, nil)
}

func ptr[T any](v T) *T { return &v }

func editor(body domain.BodyCode) *auth.Principal {
	return &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "key-" + strings.ToLower(string(body)) + "-editor",
		Name: string(body) + " editor", Role: auth.RoleEditor, Body: body}
}

func admin() *auth.Principal {
	return &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "key-admin", Name: "admin", Role: auth.RoleAdmin}
}

func partner(enterprise string) *auth.Principal {
	return &auth.Principal{Kind: auth.PrincipalAPIKey, ID: "key-partner-" + enterprise, Name: "partner " + enterprise,
		Role: auth.RolePartner, EnterpriseID: enterprise}
}

func as(p *auth.Principal) context.Context { return auth.WithPrincipal(context.Background(), p) }

// domainErr returns err as a client error with the given code, failing the
// test otherwise.
func domainErr(t *testing.T, err error, code domain.ErrorCode) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("err = %v (%T), want a domain error with code %s", err, err, code)
	}
	if de.Code != code {
		t.Fatalf("err code = %s (%v), want %s", de.Code, de, code)
	}
	return de
}

// auditLog reads the whole audit log.
func auditLog(t *testing.T, st *store.Store) []domain.AuditRecord {
	t.Helper()
	recs, err := st.AuditAfter(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(recs); i++ {
		if recs[i].Seq <= recs[i-1].Seq {
			t.Fatalf("audit log out of order: seq %d after %d", recs[i].Seq, recs[i-1].Seq)
		}
	}
	return recs
}

// recordsOf filters audit records by operation and entity id ("" for any).
func recordsOf(recs []domain.AuditRecord, op, entityID string) []domain.AuditRecord {
	var out []domain.AuditRecord
	for _, r := range recs {
		if (op == "" || r.Operation == op) && (entityID == "" || r.EntityID == entityID) {
			out = append(out, r)
		}
	}
	return out
}

func fieldPaths(de *domain.Error) []string {
	var out []string
	for _, f := range de.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	st, svc := setup(t)
	const writers = 20
	const id = "task-2026-01"
	var retries atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := as(editor(domain.BodyUnion))
			title := fmt.Sprintf("milestone from writer %02d", w)
			<-start
			for attempt := 0; ; attempt++ {
				if attempt > 500 {
					errs <- fmt.Errorf("writer %d: still conflicting after %d attempts", w, attempt)
					return
				}
				task, err := st.Tasks.Get(ctx, id)
				if err != nil {
					errs <- fmt.Errorf("writer %d: get: %w", w, err)
					return
				}
				_, err = write.Update(ctx, svc, write.Tasks, id, task.Version, func(t *domain.Task) error {
					t.Milestones = append(t.Milestones, domain.Milestone{Title: title})
					return nil
				})
				if domain.CodeOf(err) == domain.CodeConflict {
					retries.Add(1)
					continue
				}
				if err != nil {
					errs <- fmt.Errorf("writer %d: update: %w", w, err)
				}
				return
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("%d writers made %d retries", writers, retries.Load())

	task, err := st.Tasks.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if task.Version != writers+1 {
		t.Errorf("version = %d, want %d", task.Version, writers+1)
	}
	titles := map[string]bool{}
	for _, m := range task.Milestones {
		if titles[m.Title] {
			t.Errorf("milestone %q appears twice", m.Title)
		}
		titles[m.Title] = true
	}
	if len(task.Milestones) != writers || len(titles) != writers {
		t.Errorf("task has %d milestones (%d distinct), want %d", len(task.Milestones), len(titles), writers)
	}
	for w := range writers {
		if !titles[fmt.Sprintf("milestone from writer %02d", w)] {
			t.Errorf("the milestone of writer %d is lost", w)
		}
	}

	recs := recordsOf(auditLog(t, st), "updateTask", id)
	versions := map[int]int{}
	var lastAccepted int
	conflicts := 0
	for _, r := range recs {
		switch r.Outcome {
		case domain.OutcomeAccepted:
			versions[r.Version]++
			// An entity's records reach the log in the order of its versions.
			if r.Version <= lastAccepted {
				t.Errorf("accepted version %d logged after version %d", r.Version, lastAccepted)
			}
			lastAccepted = r.Version
			if r.Actor.Body != domain.BodyUnion || r.Actor.Role != string(auth.RoleEditor) {
				t.Errorf("accepted record actor = %+v, want the UNION editor", r.Actor)
			}
		case domain.OutcomeConflict:
			conflicts++
			if r.Version != 0 || len(r.Changes) != 0 {
				t.Errorf("a CONFLICT record carries version %d and %d changes, want none", r.Version, len(r.Changes))
			}
		default:
			t.Errorf("unexpected outcome %s (%s)", r.Outcome, r.Reason)
		}
	}
	for v := 2; v <= writers+1; v++ {
		if versions[v] != 1 {
			t.Errorf("accepted updateTask records of version %d: %d, want exactly 1", v, versions[v])
		}
	}
	if len(versions) != writers {
		t.Errorf("accepted versions = %v, want exactly 2..%d", versions, writers+1)
	}
	if int64(conflicts) != retries.Load() {
		t.Errorf("CONFLICT audit records = %d, want one per retry (%d)", conflicts, retries.Load())
	}
}

func TestStaleVersionConflictsAndChangesNothing(t *testing.T) {
	st, svc := setup(t)
	ctx := as(editor(domain.BodyUnion))
	const id = "task-2026-02"
	first, err := write.Update(ctx, svc, write.Tasks, id, 1, func(t *domain.Task) error {
		t.Title = "first edit"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if first.Version != 2 {
		t.Fatalf("version after the first edit = %d, want 2", first.Version)
	}
	before := len(auditLog(t, st))
	_, err = write.Update(ctx, svc, write.Tasks, id, 1, func(t *domain.Task) error {
		t.Title = "stale edit"
		return nil
	})
	domainErr(t, err, domain.CodeConflict)
	got, err := st.Tasks.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Title != "first edit" {
		t.Fatalf("after a stale edit: version %d title %q, want 2 %q", got.Version, got.Title, "first edit")
	}
	recs := auditLog(t, st)[before:]
	if len(recs) != 1 || recs[0].Outcome != domain.OutcomeConflict || recs[0].EntityID != id {
		t.Fatalf("audit records of the stale edit = %+v, want one CONFLICT", recs)
	}
}

func TestInvalidInputReportsEveryProblemAndWritesNothing(t *testing.T) {
	st, svc := setup(t)
	p := editor(domain.BodyUnion)
	ctx := as(p)
	bg := context.Background()
	countBefore, err := st.Tasks.Count(bg, nil)
	if err != nil {
		t.Fatal(err)
	}
	logBefore := len(auditLog(t, st))

	_, err = write.Create(ctx, svc, write.Tasks, &domain.Task{
		PlanID: "plan-nope", Number: 0, Title: "  ", Theme: "BOGUS", LeadBodyID: "UNION",
		SupportingBodyIDs: []string{"UNION"}, Status: domain.TaskDone, Progress: 50,
		Milestones: []domain.Milestone{{Title: ""}},
	})
	de := domainErr(t, err, domain.CodeBadUserInput)
	want := []string{"input.planId", "input.number", "input.title", "input.theme", "input.supportingBodyIds[0]", "input.progress", "input.milestones[0].title"}
	got := fieldPaths(de)
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("problems %v lack %s", got, w)
		}
	}
	if countAfter, err := st.Tasks.Count(bg, nil); err != nil || countAfter != countBefore {
		t.Errorf("tasks after an invalid create = %d (%v), want %d", countAfter, err, countBefore)
	}

	// An invalid update leaves the record as it was.
	_, err = write.Update(ctx, svc, write.Tasks, "task-2026-03", 1, func(t *domain.Task) error {
		t.Title, t.Progress, t.Status = "", 150, domain.TaskInProgress
		return nil
	})
	de = domainErr(t, err, domain.CodeBadUserInput)
	got = fieldPaths(de)
	for _, w := range []string{"input.title", "input.progress"} {
		if !slices.Contains(got, w) {
			t.Errorf("update problems %v lack %s", got, w)
		}
	}
	task, err := st.Tasks.Get(bg, "task-2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if task.Version != 1 || task.Title == "" || task.Progress != 0 || task.Status != domain.TaskNotStarted {
		t.Errorf("task after an invalid update = version %d title %q progress %d status %s, want it unchanged",
			task.Version, task.Title, task.Progress, task.Status)
	}

	recs := auditLog(t, st)[logBefore:]
	if len(recs) != 2 {
		t.Fatalf("audit records of two invalid writes = %d, want 2: %+v", len(recs), recs)
	}
	for i, op := range []string{"createTask", "updateTask"} {
		r := recs[i]
		if r.Operation != op || r.Outcome != domain.OutcomeInvalid || r.Actor.CredentialID != p.ID || r.Version != 0 || r.Reason == "" {
			t.Errorf("audit record %d = %s %s by %s version %d reason %q, want %s INVALID by %s", i, r.Operation, r.Outcome, r.Actor.CredentialID, r.Version, r.Reason, op, p.ID)
		}
	}
	if recs[0].EntityID != "" {
		t.Errorf("a refused create names entity %q, want none", recs[0].EntityID)
	}
}

func TestAuthorisationThroughTheService(t *testing.T) {
	st, svc := setup(t)
	bg := context.Background()

	t.Run("postal editor may not update a union", func(t *testing.T) {
		p := editor(domain.BodyPostal)
		logBefore := len(auditLog(t, st))
		_, err := write.Update(as(p), svc, write.Unions, "union-sf", 1, func(u *domain.Union) error {
			u.Name = "renamed by POSTAL"
			return nil
		})
		domainErr(t, err, domain.CodeForbidden)
		u, err := st.Unions.Get(bg, "union-sf")
		if err != nil {
			t.Fatal(err)
		}
		if u.Version != 1 || u.Name != "山西顺丰工会" {
			t.Errorf("union after a forbidden update: version %d name %q", u.Version, u.Name)
		}
		recs := auditLog(t, st)[logBefore:]
		if len(recs) != 1 {
			t.Fatalf("audit records = %+v, want one", recs)
		}
		r := recs[0]
		if r.Outcome != domain.OutcomeForbidden || r.Operation != "updateUnion" || r.EntityID != "union-sf" ||
			r.Actor.CredentialID != p.ID || r.Actor.Body != domain.BodyPostal || r.Actor.Role != string(auth.RoleEditor) || r.Actor.Name != p.Name {
			t.Errorf("audit record = %+v, want FORBIDDEN updateUnion of union-sf by %s", r, p.ID)
		}
		if r.Body != domain.BodyUnion || r.EnterpriseID != "ent-sf" {
			t.Errorf("audit record names body %q enterprise %q, want UNION ent-sf", r.Body, r.EnterpriseID)
		}
	})

	t.Run("anonymous create", func(t *testing.T) {
		n, _ := st.Enterprises.Count(bg, nil)
		logBefore := len(auditLog(t, st))
		_, err := write.Create(bg, svc, write.Enterprises, &domain.Enterprise{Name: "匿名快递", Brand: "匿名"})
		domainErr(t, err, domain.CodeUnauthenticated)
		if m, _ := st.Enterprises.Count(bg, nil); m != n {
			t.Errorf("enterprises after an anonymous create = %d, want %d", m, n)
		}
		recs := auditLog(t, st)[logBefore:]
		if len(recs) != 1 || recs[0].Outcome != domain.OutcomeUnauthenticated || recs[0].Actor.Kind != auth.PrincipalAnonymous {
			t.Errorf("audit records = %+v, want one UNAUTHENTICATED by the anonymous principal", recs)
		}
	})

	t.Run("partner upserts only its own enterprise's figures", func(t *testing.T) {
		ent, err := write.Create(as(admin()), svc, write.Enterprises, &domain.Enterprise{Name: "测试快递", Brand: "测试"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := write.Create(as(admin()), svc, write.Unions, &domain.Union{Name: "测试快递工会", Kind: domain.UnionEnterprise, EnterpriseID: &ent.ID})
		if err != nil {
			t.Fatal(err)
		}
		ctx := as(partner("ent-sf"))
		r, err := write.Upsert(ctx, svc, write.Figures, &domain.MembershipFigures{UnionID: "union-sf", Period: "2026-01", Employees: ptr(100), Members: ptr(60)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != write.Created || r.ID == "" || r.Version != 1 {
			t.Errorf("own union's figures: receipt %+v, want CREATED version 1", r)
		}
		own := r
		logBefore := len(auditLog(t, st))
		r, err = write.Upsert(ctx, svc, write.Figures, &domain.MembershipFigures{UnionID: other.ID, Period: "2026-01", Employees: ptr(10), Members: ptr(5)})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != write.Rejected || r.Error == nil || r.Error.Code != domain.CodeForbidden {
			t.Errorf("another enterprise's union's figures: receipt %+v, want REJECTED FORBIDDEN", r)
		}
		if n, _ := st.Figures.Count(bg, bson.D{{Key: "unionId", Value: other.ID}}); n != 0 {
			t.Errorf("figures stored for the other union: %d", n)
		}
		recs := auditLog(t, st)[logBefore:]
		if len(recs) != 1 || recs[0].Outcome != domain.OutcomeForbidden || recs[0].Actor.EnterpriseID != "ent-sf" {
			t.Errorf("audit records = %+v, want one FORBIDDEN by the ent-sf partner", recs)
		}
		// Nor may a partner delete its own figures.
		domainErr(t, write.Delete(ctx, svc, write.Figures, own.ID, 1), domain.CodeForbidden)
		if _, err := st.Figures.Get(bg, own.ID); err != nil {
			t.Errorf("figures after a partner's refused delete: %v", err)
		}
	})

	t.Run("participants report progress", func(t *testing.T) {
		const id = "task-2026-01"
		task0, err := st.Tasks.Get(bg, id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(task0.SupportingBodyIDs, "ASSOCIATION") || task0.LeadBodyID != "UNION" {
			t.Fatalf("seed task %s: lead %s supporting %v; the test expects UNION leading, ASSOCIATION supporting", id, task0.LeadBodyID, task0.SupportingBodyIDs)
		}
		up, task, err := write.ReportProgress(as(editor(domain.BodyUnion)), svc, &domain.ProgressUpdate{TaskID: id, Progress: 30, Status: domain.TaskInProgress, Text: "三成完成"})
		if err != nil {
			t.Fatal(err)
		}
		if up.ID == "" || up.BodyID != "UNION" || task.Progress != 30 || task.Status != domain.TaskInProgress || task.Version != task0.Version+1 {
			t.Errorf("UNION report: update %+v, task progress %d status %s version %d", up, task.Progress, task.Status, task.Version)
		}
		// An ASSOCIATION editor may not edit the task but may report on it.
		_, err = write.Update(as(editor(domain.BodyAssociation)), svc, write.Tasks, id, task.Version, func(t *domain.Task) error {
			t.Title = "edited by ASSOCIATION"
			return nil
		})
		domainErr(t, err, domain.CodeForbidden)
		up, task, err = write.ReportProgress(as(editor(domain.BodyAssociation)), svc, &domain.ProgressUpdate{TaskID: id, Progress: 55, Status: domain.TaskInProgress, Text: "过半"})
		if err != nil {
			t.Fatal(err)
		}
		if up.BodyID != "ASSOCIATION" || task.Progress != 55 || task.Version != task0.Version+2 {
			t.Errorf("ASSOCIATION report: update %+v, task progress %d version %d", up, task.Progress, task.Version)
		}
		stored, err := st.Tasks.Get(bg, id)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Progress != 55 || stored.Status != domain.TaskInProgress || stored.Title != task0.Title {
			t.Errorf("stored task: progress %d status %s title %q", stored.Progress, stored.Status, stored.Title)
		}
		// An editor reports for its own body only.
		_, _, err = write.ReportProgress(as(editor(domain.BodyPostal)), svc, &domain.ProgressUpdate{TaskID: id, BodyID: "UNION", Progress: 60, Status: domain.TaskInProgress, Text: "冒名"})
		domainErr(t, err, domain.CodeForbidden)
		if n, _ := st.ProgressUpdates.Count(bg, bson.D{{Key: "taskId", Value: id}}); n != 2 {
			t.Errorf("progress updates stored = %d, want 2", n)
		}
		if stored, _ := st.Tasks.Get(bg, id); stored.Progress != 55 {
			t.Errorf("task progress after a refused report = %d, want 55", stored.Progress)
		}
	})
}

// A body that takes no part in a task may not report progress on it, and
// a refused report leaves no progress update behind.
func TestNonParticipantMayNotReportProgress(t *testing.T) {
	st, svc := setup(t)
	bg := context.Background()
	const id = "task-2026-04"
	// FEDERATION is neither the lead (UNION) nor a supporting body
	// (POSTAL, ASSOCIATION) of the seed's tasks.
	_, _, err := write.ReportProgress(as(editor(domain.BodyFederation)), svc, &domain.ProgressUpdate{TaskID: id, Progress: 10, Status: domain.TaskInProgress, Text: "not ours"})
	if domain.CodeOf(err) != domain.CodeForbidden {
		t.Errorf("FEDERATION report: err = %v, want FORBIDDEN", err)
	}
	n, err := st.ProgressUpdates.Count(bg, bson.D{{Key: "taskId", Value: id}})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("a refused progress report left %d progress updates stored, want 0", n)
	}
	for _, r := range recordsOf(auditLog(t, st), "reportProgress", "") {
		if r.Outcome == domain.OutcomeAccepted {
			t.Errorf("accepted %s record of %s %s by %s: a refused report must not be an accepted change", r.Operation, r.EntityKind, r.EntityID, r.Actor.Body)
		}
	}
}

func TestUpsertFigures(t *testing.T) {
	st, svc := setup(t)
	ctx := as(partner("ent-sf"))
	bg := context.Background()
	figures := func(members int) *domain.MembershipFigures {
		return &domain.MembershipFigures{UnionID: "union-sf", Period: "2026-02", Employees: ptr(200), Couriers: ptr(150), Members: ptr(members), CourierMembers: ptr(100)}
	}
	first, err := write.Upsert(ctx, svc, write.Figures, figures(120))
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != write.Created || first.Version != 1 || first.ID == "" {
		t.Fatalf("first upsert = %+v, want CREATED version 1", first)
	}
	logLen := len(auditLog(t, st))
	again, err := write.Upsert(ctx, svc, write.Figures, figures(120))
	if err != nil {
		t.Fatal(err)
	}
	if again.Status != write.Unchanged || again.ID != first.ID || again.Version != 1 {
		t.Errorf("same figures again = %+v, want UNCHANGED %s version 1", again, first.ID)
	}
	if n := len(auditLog(t, st)); n != logLen {
		t.Errorf("an unchanged upsert appended %d audit records, want none", n-logLen)
	}
	changed, err := write.Upsert(ctx, svc, write.Figures, figures(130))
	if err != nil {
		t.Fatal(err)
	}
	if changed.Status != write.Updated || changed.ID != first.ID || changed.Version != 2 {
		t.Errorf("changed figures = %+v, want UPDATED %s version 2", changed, first.ID)
	}
	stored, err := st.Figures.Get(bg, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Version != 2 || stored.Members == nil || *stored.Members != 130 {
		t.Errorf("stored figures: version %d members %v", stored.Version, stored.Members)
	}
	recs := recordsOf(auditLog(t, st), "upsertMembershipFigures", first.ID)
	if len(recs) != 2 || recs[0].Version != 1 || recs[1].Version != 2 {
		t.Errorf("accepted audit records of the figures = %d, want versions 1 and 2", len(recs))
	}
	if len(recs) == 2 {
		var fields []string
		for _, c := range recs[1].Changes {
			fields = append(fields, c.Field)
		}
		if !slices.Equal(fields, []string{"members"}) {
			t.Errorf("changes of the update = %v, want [members]", fields)
		}
	}
}

func TestConcurrentUpsertsMakeOneRecord(t *testing.T) {
	st, svc := setup(t)
	ctx := as(partner("ent-sf"))
	bg := context.Background()
	for round := range 4 {
		period := fmt.Sprintf("2025-%02d", round+1)
		var wg sync.WaitGroup
		start := make(chan struct{})
		receipts := make([]write.Receipt, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				receipts[i], errs[i] = write.Upsert(ctx, svc, write.Figures, &domain.MembershipFigures{UnionID: "union-sf", Period: period, Employees: ptr(50), Members: ptr(40)})
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d upsert %d: %v", round, i, err)
			}
		}
		n, err := st.Figures.Count(bg, bson.D{{Key: "unionId", Value: "union-sf"}, {Key: "period", Value: period}})
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("round %d: %d figures for (union-sf, %s), want 1", round, n, period)
		}
		statuses := []string{string(receipts[0].Status), string(receipts[1].Status)}
		sort.Strings(statuses)
		if statuses[0] != string(write.Created) || (statuses[1] != string(write.Unchanged) && statuses[1] != string(write.Updated)) {
			t.Errorf("round %d: receipts %+v, want CREATED and UNCHANGED/UPDATED", round, receipts)
		}
		if receipts[0].ID != receipts[1].ID {
			t.Errorf("round %d: receipts name %s and %s, want one record", round, receipts[0].ID, receipts[1].ID)
		}
	}
}

func TestUpsertMany(t *testing.T) {
	st, svc := setup(t)
	ctx := as(partner("ent-sf"))
	bg := context.Background()
	items := []write.Item[domain.MembershipFigures]{
		{Rec: &domain.MembershipFigures{UnionID: "union-sf", Period: "2026-05", Employees: ptr(10), Members: ptr(5)}},
		{Rec: &domain.MembershipFigures{UnionID: "union-sf", Period: "2026-13", Employees: ptr(10), Members: ptr(20), Couriers: ptr(-1)}},
		{Rec: &domain.MembershipFigures{UnionID: "union-sf", Period: "2026-06", Employees: ptr(12), Members: ptr(6)}},
		{Err: domain.InputErrorf("input.employees", "employees must be a number")},
	}
	receipts, err := write.UpsertMany(ctx, svc, write.Figures, items, "batch-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(receipts) != len(items) {
		t.Fatalf("receipts = %d, want %d", len(receipts), len(items))
	}
	wantStatus := []write.ReceiptStatus{write.Created, write.Rejected, write.Created, write.Rejected}
	for i, r := range receipts {
		if r.Index != i || r.Status != wantStatus[i] {
			t.Errorf("receipt %d = index %d status %s, want index %d %s", i, r.Index, r.Status, i, wantStatus[i])
		}
	}
	if e := receipts[1].Error; e == nil || e.Code != domain.CodeBadUserInput {
		t.Fatalf("bad item's error = %+v, want BAD_USER_INPUT", e)
	} else {
		paths := fieldPaths(e)
		for _, w := range []string{"items[1].period", "items[1].members", "items[1].couriers"} {
			if !slices.Contains(paths, w) {
				t.Errorf("bad item's problems %v lack %s", paths, w)
			}
		}
		for _, p := range paths {
			if !strings.HasPrefix(p, "items[1].") {
				t.Errorf("problem path %q is not under items[1]", p)
			}
		}
		if !strings.HasPrefix(e.Field, "items[1].") || !strings.HasPrefix(e.Message, "items[1].") {
			t.Errorf("bad item's error field %q message %q, want them under items[1]", e.Field, e.Message)
		}
	}
	if e := receipts[3].Error; e == nil || e.Code != domain.CodeBadUserInput || e.Field != "items[3].employees" {
		t.Errorf("unreadable item's error = %+v, want BAD_USER_INPUT about items[3].employees", e)
	}
	n, _ := st.Figures.Count(bg, bson.D{{Key: "unionId", Value: "union-sf"}})
	if n != 2 {
		t.Errorf("figures stored = %d, want 2", n)
	}

	logLen := len(auditLog(t, st))
	seq, _ := st.LastAuditSeq(bg)
	// The same items again, even changed, return the first call's receipts.
	items[0].Rec.Members = ptr(7)
	retry, err := write.UpsertMany(ctx, svc, write.Figures, items, "batch-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(retry) != len(receipts) {
		t.Fatalf("retry receipts = %d, want %d", len(retry), len(receipts))
	}
	for i := range receipts {
		a, b := receipts[i], retry[i]
		if a.Index != b.Index || a.Status != b.Status || a.ID != b.ID || a.Version != b.Version || (a.Error == nil) != (b.Error == nil) {
			t.Errorf("retry receipt %d = %+v, want %+v", i, b, a)
			continue
		}
		if a.Error != nil && (a.Error.Code != b.Error.Code || a.Error.Message != b.Error.Message || a.Error.Field != b.Error.Field ||
			!slices.Equal(a.Error.Fields, b.Error.Fields) && !(len(a.Error.Fields) == 0 && len(b.Error.Fields) == 0)) {
			t.Errorf("retry receipt %d error = %+v, want %+v", i, b.Error, a.Error)
		}
	}
	if m := len(auditLog(t, st)); m != logLen {
		t.Errorf("a retry with the same key appended %d audit records, want none", m-logLen)
	}
	if s, _ := st.LastAuditSeq(bg); s != seq {
		t.Errorf("a retry with the same key moved the audit sequence from %d to %d", seq, s)
	}
	f, err := st.Figures.Get(bg, receipts[0].ID)
	if err != nil || *f.Members != 5 || f.Version != 1 {
		t.Errorf("figures after the retry: %+v, %v; want members 5 version 1", f, err)
	}

	// The key is the caller's: another partner's call with the same key is
	// its own.
	other, err := write.UpsertMany(as(partner("ent-jd")), svc, write.Figures, []write.Item[domain.MembershipFigures]{
		{Rec: &domain.MembershipFigures{UnionID: "union-jd", Period: "2026-05", Employees: ptr(3), Members: ptr(1)}},
	}, "batch-1")
	if err != nil || len(other) != 1 || other[0].Status != write.Created {
		t.Errorf("another partner with the same key: %+v, %v; want one CREATED", other, err)
	}

	tooMany := make([]write.Item[domain.MembershipFigures], write.MaxBulkItems+1)
	for i := range tooMany {
		tooMany[i] = write.Item[domain.MembershipFigures]{Rec: &domain.MembershipFigures{UnionID: "union-sf", Period: fmt.Sprintf("%04d-01", 2100+i), Employees: ptr(1)}}
	}
	before, _ := st.Figures.Count(bg, nil)
	_, err = write.UpsertMany(ctx, svc, write.Figures, tooMany, "")
	domainErr(t, err, domain.CodeBadUserInput)
	if after, _ := st.Figures.Count(bg, nil); after != before {
		t.Errorf("an oversized batch stored %d figures", after-before)
	}
}

func TestDelete(t *testing.T) {
	st, svc := setup(t)
	bg := context.Background()
	ctx := as(editor(domain.BodyPostal))

	err := write.Delete(ctx, svc, write.Enterprises, "ent-sf", 1)
	de := domainErr(t, err, domain.CodeConflict)
	if !strings.Contains(de.Message, "unions") {
		t.Errorf("refusal %q does not say what refers to the enterprise", de.Message)
	}
	if _, err := st.Enterprises.Get(bg, "ent-sf"); err != nil {
		t.Fatalf("ent-sf after a refused delete: %v", err)
	}
	recs := recordsOf(auditLog(t, st), "deleteEnterprise", "ent-sf")
	if len(recs) != 1 || recs[0].Outcome != domain.OutcomeConflict || recs[0].Deleted {
		t.Errorf("audit of the refused delete = %+v, want one CONFLICT", recs)
	}

	ent, err := write.Create(ctx, svc, write.Enterprises, &domain.Enterprise{Name: "待删快递", Brand: "待删"})
	if err != nil {
		t.Fatal(err)
	}
	count, _ := st.Enterprises.Count(bg, nil)
	if count != 9 {
		t.Fatalf("enterprises after a create = %d, want 9", count)
	}
	err = write.Delete(ctx, svc, write.Enterprises, ent.ID, 1)
	if err != nil {
		t.Fatalf("delete an unreferenced enterprise: %v", err)
	}
	_, err = st.Enterprises.Get(bg, ent.ID)
	domainErr(t, err, domain.CodeNotFound)
	if n, _ := st.Enterprises.Count(bg, nil); n != 8 {
		t.Errorf("enterprises after the delete = %d, want 8", n)
	}
	page, err := st.Enterprises.Page(bg, nil, domain.PageArgs{First: ptr(50)}, store.EnterpriseOrder(nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Nodes() {
		if e.ID == ent.ID {
			t.Errorf("the deleted enterprise is still listed")
		}
	}
	if len(page.Edges) != 8 {
		t.Errorf("listed enterprises = %d, want 8", len(page.Edges))
	}
	if raw := st.Database(store.Postal).Collection("enterprises").FindOne(bg, bson.D{{Key: "_id", Value: ent.ID}}); raw.Err() == nil {
		t.Errorf("the deleted enterprise's document is still stored")
	}
	recs = recordsOf(auditLog(t, st), "deleteEnterprise", ent.ID)
	if len(recs) != 1 || recs[0].Outcome != domain.OutcomeAccepted || !recs[0].Deleted || recs[0].Version != 1 {
		t.Errorf("audit of the delete = %+v, want one ACCEPTED record with Deleted", recs)
	}
	// Deleting again, or updating the deleted record, finds nothing.
	domainErr(t, write.Delete(ctx, svc, write.Enterprises, ent.ID, 1), domain.CodeNotFound)
	_, err = write.Update(ctx, svc, write.Enterprises, ent.ID, 1, func(e *domain.Enterprise) error { e.Brand = "x"; return nil })
	domainErr(t, err, domain.CodeNotFound)
}
