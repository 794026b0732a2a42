package webhook

import (
	"context"
	"testing"
	"time"

	"sanfang/internal/domain"
	"sanfang/internal/events"
	"sanfang/internal/store"
)

// With the real events bus over a store: the records the store appends to
// its audit log reach the endpoint, refused writes and reads do not.
func TestDeliversFromTheAuditLog(t *testing.T) {
	st := server.Open(t, nil)
	bus := events.NewBus(st)
	rc := newReceiver(t, nil)
	svc := New(st.Database(store.Joint), bus, testOptions())
	sub, secret := create(t, svc, Spec{URL: rc.URL, Kinds: []string{"Task"}})
	rc.setSecret(secret)
	run(t, svc)
	ctx := context.Background()
	for i, r := range []domain.AuditRecord{
		change("Task", "task-1"),
		change("Task", "task-2", func(r *domain.AuditRecord) { r.Outcome, r.Version = domain.OutcomeForbidden, 0 }),
		change("Task", "task-3", func(r *domain.AuditRecord) { r.Version = 0 }), // an audited read
		change("Plan", "plan-1"),
		change("Task", "task-4", func(r *domain.AuditRecord) { r.Version = 3 }),
	} {
		r.ID = newID()
		r.At = time.Now().UTC()
		if err := st.AppendAudit(ctx, &r); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	waitFor(t, "two deliveries", func() bool { return len(deliveries(t, svc, sub.ID, StatusDelivered)) == 2 })
	var ids []string
	for _, r := range rc.all() {
		if r.verifyErr != nil {
			t.Error(r.verifyErr)
		}
		ids = append(ids, r.payload.Event.ID)
	}
	if len(ids) != 2 || ids[0] != "task-1" || ids[1] != "task-4" {
		t.Errorf("the endpoint received %v, want task-1 then task-4", ids)
	}
}
