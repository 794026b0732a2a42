package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// pendingRecord is the audit record a writer leaves in a document before
// it appends it to the log.
func pendingRecord(id, entityID string, version int) domain.AuditRecord {
	return domain.AuditRecord{ID: id, At: time.Now().UTC().Truncate(time.Millisecond), Operation: "updateTask", Outcome: domain.OutcomeAccepted,
		EntityKind: "Task", EntityID: entityID, Version: version,
		Actor: domain.Actor{CredentialID: "key-test", Kind: "apikey", Name: "test", Role: "editor", Body: domain.BodyUnion}}
}

// crashAfterWrite changes a task as a writer would and leaves its pending
// audit record in the document, as if the writer died before appending it.
func crashAfterWrite(t *testing.T, st *store.Store, taskID, title string, version int, rec domain.AuditRecord) {
	t.Helper()
	res, err := st.Database(store.Joint).Collection("tasks").UpdateOne(context.Background(), bson.D{{Key: "_id", Value: taskID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "title", Value: title}, {Key: "version", Value: version}, {Key: "_pendingAudit", Value: rec}}}})
	if err != nil || res.MatchedCount != 1 {
		t.Fatalf("leave a pending record in %s: %v (matched %d)", taskID, err, res.MatchedCount)
	}
}

func rawDoc(t *testing.T, st *store.Store, part store.Part, coll, id string) bson.Raw {
	t.Helper()
	var raw bson.Raw
	if err := st.Database(part).Collection(coll).FindOne(context.Background(), bson.D{{Key: "_id", Value: id}}).Decode(&raw); err != nil {
		t.Fatalf("read %s %s: %v", coll, id, err)
	}
	return raw
}

func readLog(t *testing.T, st *store.Store) []domain.AuditRecord {
	t.Helper()
	recs, err := st.AuditAfter(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func findRecord(recs []domain.AuditRecord, id string) (domain.AuditRecord, int) {
	n := 0
	var found domain.AuditRecord
	for _, r := range recs {
		if r.ID == id {
			found = r
			n++
		}
	}
	return found, n
}

func TestReconcileFinishesAWriteWhoseWriterDied(t *testing.T) {
	ctx := context.Background()
	st := seeded(t)
	if n := len(readLog(t, st)); n != 0 {
		t.Fatalf("a freshly loaded store has %d audit records, want 0", n)
	}
	crashAfterWrite(t, st, "task-2026-03", "changed before the crash", 2, pendingRecord("crash-1", "task-2026-03", 2))

	n, err := st.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("Reconcile = %d, want 1", n)
	}
	recs := readLog(t, st)
	rec, count := findRecord(recs, "crash-1")
	if count != 1 || rec.Seq < 1 || rec.Version != 2 || rec.Outcome != domain.OutcomeAccepted || rec.EntityID != "task-2026-03" {
		t.Fatalf("log after Reconcile = %+v, want the pending record once", recs)
	}
	raw := rawDoc(t, st, store.Joint, "tasks", "task-2026-03")
	if _, err := raw.LookupErr("_pendingAudit"); err == nil {
		t.Errorf("the document still has its pending audit record")
	}
	task, err := st.Tasks.Get(ctx, "task-2026-03")
	if err != nil || task.Version != 2 || task.Title != "changed before the crash" {
		t.Errorf("task after Reconcile = %+v, %v; want the crashed write kept", task, err)
	}

	seq, _ := st.LastAuditSeq(ctx)
	n, err = st.Reconcile(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second Reconcile = %d, %v; want 0", n, err)
	}
	if again := readLog(t, st); len(again) != len(recs) {
		t.Errorf("second Reconcile appended %d records", len(again)-len(recs))
	}
	if s, _ := st.LastAuditSeq(ctx); s != seq {
		t.Errorf("second Reconcile moved the audit sequence from %d to %d", seq, s)
	}
}

func TestReconcileFinishesADeleteWhoseWriterDied(t *testing.T) {
	ctx := context.Background()
	st := seeded(t)
	rec := pendingRecord("crash-delete", "task-2026-09", 1)
	rec.Operation, rec.Deleted = "deleteTask", true
	_, err := st.Database(store.Joint).Collection("tasks").UpdateOne(ctx, bson.D{{Key: "_id", Value: "task-2026-09"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "_deleted", Value: true}, {Key: "_pendingAudit", Value: rec}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Tasks.Get(ctx, "task-2026-09"); domain.CodeOf(err) != domain.CodeNotFound {
		t.Errorf("a task marked deleted: Get err = %v, want NOT_FOUND", err)
	}
	if n, err := st.Reconcile(ctx); err != nil || n != 1 {
		t.Fatalf("Reconcile = %d, %v; want 1", n, err)
	}
	if got, count := findRecord(readLog(t, st), "crash-delete"); count != 1 || !got.Deleted {
		t.Errorf("log has the delete %d times (deleted %v), want once", count, got.Deleted)
	}
	if err := st.Database(store.Joint).Collection("tasks").FindOne(ctx, bson.D{{Key: "_id", Value: "task-2026-09"}}).Err(); err == nil {
		t.Errorf("the deleted task's document is still stored after Reconcile")
	}
}

func TestWriteFinishesAPendingRecordFirst(t *testing.T) {
	ctx := context.Background()
	st := seeded(t)
	crashAfterWrite(t, st, "task-2026-04", "left by a dead writer", 2, pendingRecord("crash-2", "task-2026-04", 2))

	before, err := st.Tasks.Get(ctx, "task-2026-04")
	if err != nil {
		t.Fatal(err)
	}
	if before.Version != 2 {
		t.Fatalf("version = %d, want 2", before.Version)
	}
	after := *before
	after.Title = "the next write"
	after.Version = 3
	rec := pendingRecord("write-3", "task-2026-04", 3)
	changed, err := st.Tasks.Save(ctx, st, before, &after, &rec)
	if err != nil || !changed {
		t.Fatalf("Save = %v, %v; want a change", changed, err)
	}
	recs := readLog(t, st)
	left, n1 := findRecord(recs, "crash-2")
	next, n2 := findRecord(recs, "write-3")
	if n1 != 1 || n2 != 1 {
		t.Fatalf("log holds the pending record %d times and the new one %d times, want each once", n1, n2)
	}
	if left.Seq >= next.Seq {
		t.Errorf("pending record seq %d, new record seq %d: the pending one must come first", left.Seq, next.Seq)
	}
	if len(next.Changes) != 1 || next.Changes[0].Field != "title" {
		t.Errorf("new record's changes = %+v, want the title", next.Changes)
	}
	task, err := st.Tasks.Get(ctx, "task-2026-04")
	if err != nil || task.Version != 3 || task.Title != "the next write" {
		t.Errorf("task = %+v, %v; want version 3 with the new title", task, err)
	}
	if _, err := rawDoc(t, st, store.Joint, "tasks", "task-2026-04").LookupErr("_pendingAudit"); err == nil {
		t.Errorf("the document still has a pending audit record")
	}

	// A write from the old version now conflicts and changes nothing.
	stale := *before
	stale.Title = "stale"
	stale.Version = 3
	staleRec := pendingRecord("write-stale", "task-2026-04", 3)
	if _, err := st.Tasks.Save(ctx, st, before, &stale, &staleRec); domain.CodeOf(err) != domain.CodeConflict {
		t.Errorf("stale Save err = %v, want CONFLICT", err)
	}
	if _, n := findRecord(readLog(t, st), "write-stale"); n != 0 {
		t.Errorf("a refused Save appended its record")
	}
	if task, _ := st.Tasks.Get(ctx, "task-2026-04"); task.Title != "the next write" {
		t.Errorf("title after a stale Save = %q", task.Title)
	}
}

// Of several writers saving from the same version, exactly one wins.
func TestConcurrentSavesFromOneVersion(t *testing.T) {
	ctx := context.Background()
	st := seeded(t)
	before, err := st.Tasks.Get(ctx, "task-2026-05")
	if err != nil {
		t.Fatal(err)
	}
	const writers = 8
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			after := *before
			after.Title = fmt.Sprintf("writer %d", i)
			after.Version = 2
			rec := pendingRecord(fmt.Sprintf("race-%d", i), "task-2026-05", 2)
			<-start
			_, errs[i] = st.Tasks.Save(ctx, st, before, &after, &rec)
		}()
	}
	close(start)
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch domain.CodeOf(err) {
		case domain.CodeConflict:
		case domain.CodeInternal:
			if err == nil {
				wins++
				continue
			}
			t.Errorf("writer %d: %v", i, err)
		default:
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if wins != 1 {
		t.Errorf("%d of %d Saves from version 1 succeeded, want exactly 1", wins, writers)
	}
	accepted := 0
	for _, r := range readLog(t, st) {
		if r.EntityID == "task-2026-05" && r.Version == 2 {
			accepted++
		}
	}
	if accepted != 1 {
		t.Errorf("log holds %d records of version 2, want 1", accepted)
	}
}

// Writers that each read, change and save, retrying on CONFLICT, lose
// nothing: every change is in the record and in the log once.
func TestConcurrentReadModifySaveLosesNothing(t *testing.T) {
	ctx := context.Background()
	st := seeded(t)
	const writers, id = 20, "task-2026-06"
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for attempt := 0; attempt < 200; attempt++ {
				before, err := st.Tasks.Get(ctx, id)
				if err != nil {
					errs[w] = err
					return
				}
				after := *before
				after.Milestones = append(slices.Clone(before.Milestones), domain.Milestone{Title: fmt.Sprintf("writer %d", w)})
				after.Version = before.Version + 1
				rec := pendingRecord(fmt.Sprintf("w%d-a%d", w, attempt), id, after.Version)
				_, err = st.Tasks.Save(ctx, st, before, &after, &rec)
				if domain.CodeOf(err) == domain.CodeConflict {
					continue
				}
				errs[w] = err
				return
			}
			errs[w] = fmt.Errorf("writer %d still conflicting after 200 attempts", w)
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	task, err := st.Tasks.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if task.Version != writers+1 || len(task.Milestones) != writers {
		t.Errorf("task at version %d with %d milestones, want version %d with %d", task.Version, len(task.Milestones), writers+1, writers)
	}
	versions := map[int]int{}
	for _, r := range readLog(t, st) {
		if r.EntityID == id {
			versions[r.Version]++
		}
	}
	for v := 2; v <= writers+1; v++ {
		if versions[v] != 1 {
			t.Errorf("log holds %d records of version %d, want 1 (all: %v)", versions[v], v, versions)
			break
		}
	}
}

func TestAppendAuditIsIdempotentByID(t *testing.T) {
	ctx := context.Background()
	st := db.Open(t, nil)
	rec := pendingRecord("same-id", "task-x", 1)
	first := rec
	if err := st.AppendAudit(ctx, &first); err != nil {
		t.Fatal(err)
	}
	second := rec
	if err := st.AppendAudit(ctx, &second); err != nil {
		t.Fatalf("second append of the same id: %v", err)
	}
	recs := readLog(t, st)
	if len(recs) != 1 || recs[0].ID != "same-id" || recs[0].Seq != first.Seq {
		t.Fatalf("log = %+v, want the record once with seq %d", recs, first.Seq)
	}
	// The next record follows the first in Seq order.
	next := pendingRecord("next-id", "task-x", 2)
	if err := st.AppendAudit(ctx, &next); err != nil {
		t.Fatal(err)
	}
	recs = readLog(t, st)
	if len(recs) != 2 || recs[1].ID != "next-id" || recs[1].Seq <= recs[0].Seq {
		t.Errorf("log = %+v, want next-id after same-id", recs)
	}
}

func TestAuditSeqUnderConcurrentAppenders(t *testing.T) {
	ctx := context.Background()
	st := db.Open(t, nil)
	const appenders, each = 10, 15
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, appenders*each+1)
	for a := range appenders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			var last int64
			for i := range each {
				rec := pendingRecord(fmt.Sprintf("a%02d-%02d", a, i), fmt.Sprintf("task-%d", a), i+1)
				if err := st.AppendAudit(ctx, &rec); err != nil {
					errs <- err
					return
				}
				if rec.Seq <= last {
					errs <- fmt.Errorf("appender %d got seq %d after %d", a, rec.Seq, last)
				}
				last = rec.Seq
			}
		}()
	}
	// A reader polling while the appenders run must only ever see a prefix
	// of the log: 1..k without a hole.
	done := make(chan struct{})
	readerDone := make(chan struct{})
	reads := 0
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-done:
				return
			default:
			}
			recs, err := st.AuditAfter(ctx, 0, 1000)
			if err != nil {
				errs <- err
				return
			}
			reads++
			for i, r := range recs {
				if r.Seq != int64(i+1) {
					errs <- fmt.Errorf("a reader during the appends saw seq %d at position %d", r.Seq, i)
					return
				}
			}
		}
	}()
	close(start)
	wg.Wait()
	close(done)
	<-readerDone
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("the reader read the log %d times during the appends", reads)

	recs := readLog(t, st)
	if len(recs) != appenders*each {
		t.Fatalf("log holds %d records, want %d", len(recs), appenders*each)
	}
	ids := map[string]bool{}
	for i, r := range recs {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d, want %d: seqs must be 1..N each once", i, r.Seq, i+1)
		}
		if ids[r.ID] {
			t.Errorf("record %s appears twice", r.ID)
		}
		ids[r.ID] = true
	}
	if last, err := st.LastAuditSeq(ctx); err != nil || last != appenders*each {
		t.Errorf("LastAuditSeq = %d, %v; want %d", last, err, appenders*each)
	}
	// Each appender's records are in the order it appended them.
	for a := range appenders {
		prev := int64(0)
		for i := range each {
			for _, r := range recs {
				if r.ID == fmt.Sprintf("a%02d-%02d", a, i) {
					if r.Seq <= prev {
						t.Errorf("appender %d record %d has seq %d after %d", a, i, r.Seq, prev)
					}
					prev = r.Seq
				}
			}
		}
	}
}
