package webhook

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"sanfang/internal/domain"
)

// A receiver that answers 500 to its first three requests, then lets one
// time out, then recovers, ends with every event acknowledged exactly
// once, every request correctly signed, and the failures in the log.
func TestFlakyReceiverGetsEveryEventOnce(t *testing.T) {
	const failures = 3
	rc := newReceiver(t, func(n int, r *http.Request) int {
		switch {
		case n <= failures:
			return http.StatusInternalServerError
		case n == failures+1:
			<-r.Context().Done() // the attempt times out: the sender never sees an answer
			return http.StatusGatewayTimeout
		}
		return http.StatusNoContent
	})
	src := newSource()
	opts := testOptions()
	opts.AttemptTimeout = 300 * time.Millisecond
	svc := New(freshDB(t), src, opts)
	sub, secret := create(t, svc, Spec{URL: rc.URL + "/hook"})
	rc.setSecret(secret)
	if !strings.HasPrefix(secret, SecretPrefix) || len(secret) != len(SecretPrefix)+64 {
		t.Fatalf("secret %q: want %s and 64 hex digits", secret, SecretPrefix)
	}
	run(t, svc)
	seqs := src.add(
		change("Task", "task-1", func(r *domain.AuditRecord) {
			r.PlanID = "plan-1"
			r.Bodies = []domain.BodyCode{"POSTAL", "UNION", "POSTAL"}
		}),
		change("Enterprise", "ent-1", func(r *domain.AuditRecord) { r.Body = "POSTAL"; r.EnterpriseID = "ent-1" }),
		change("Union", "union-1"),
		change("Meeting", "meeting-1", func(r *domain.AuditRecord) { r.Deleted = true; r.Version = 5 }),
		change("Person", "person-1"),
	)
	waitFor(t, "every delivery DELIVERED", func() bool {
		return len(deliveries(t, svc, sub.ID, StatusDelivered)) == len(seqs)
	})

	log := deliveries(t, svc, sub.ID, "")
	if len(log) != len(seqs) {
		t.Fatalf("%d deliveries, want %d", len(log), len(seqs))
	}
	acked := rc.acked()
	var got []int64
	for i, d := range log {
		if n := acked[d.ID]; n != 1 {
			t.Errorf("delivery %s (event %d) acknowledged %d times, want once", d.ID, d.EventSeq, n)
		}
		if d.DeliveredAt == nil || d.Status != StatusDelivered {
			t.Errorf("delivery %s: status %s, deliveredAt %v", d.ID, d.Status, d.DeliveredAt)
		}
		if i > 0 && log[i-1].EventSeq < d.EventSeq {
			t.Errorf("log not newest first: event %d before %d", log[i-1].EventSeq, d.EventSeq)
		}
		got = append(got, d.EventSeq)
	}
	slices.Sort(got)
	if !slices.Equal(got, seqs) {
		t.Errorf("delivered events %v, want %v", got, seqs)
	}

	// Every request, failed or not, was signed correctly and carried the
	// same id in its header and body.
	reqs := rc.all()
	if len(reqs) < len(seqs)+failures+1 {
		t.Errorf("%d requests; want at least %d", len(reqs), len(seqs)+failures+1)
	}
	for _, r := range reqs {
		if r.verifyErr != nil {
			t.Errorf("request %s: %v", r.id, r.verifyErr)
		}
		if r.payload.ID != r.id {
			t.Errorf("header id %q, body id %q", r.id, r.payload.ID)
		}
	}

	// The log shows the failed attempts.
	var with500, timeouts int
	for _, d := range log {
		for _, a := range d.Attempts {
			switch {
			case a.StatusCode == 500:
				with500++
				if !strings.Contains(a.Error, "500") {
					t.Errorf("attempt with status 500 has error %q", a.Error)
				}
			case a.StatusCode == 0 && strings.Contains(a.Error, "timeout"):
				timeouts++
			case a.StatusCode/100 == 2 && a.Error == "":
			default:
				t.Errorf("unexpected attempt %+v", a)
			}
		}
	}
	if with500 != failures || timeouts != 1 {
		t.Errorf("log shows %d attempts answered 500 and %d timeouts; want %d and 1", with500, timeouts, failures)
	}

	// The payload.
	for _, r := range reqs {
		e := r.payload.Event
		if e.Kind != "Task" {
			continue
		}
		gid, _ := base64.RawURLEncoding.DecodeString(e.GlobalID)
		if e.ID != "task-1" || string(gid) != "Task:task-1" || e.PlanID != "plan-1" || e.Seq != 1 ||
			e.Operation != "updateTask" || e.Version != 2 || e.Actor.Name != "tester" || e.Actor.Role != "ADMIN" ||
			!slices.Equal(e.ChangedFields, []string{"name"}) || !slices.Equal(e.Bodies, []string{"POSTAL", "UNION"}) || e.At.IsZero() {
			t.Errorf("task event = %+v", e)
		}
		if strings.Contains(string(r.body), "key-1") || strings.Contains(string(r.body), `"before"`) {
			t.Errorf("the body leaks the credential id or field values: %s", r.body)
		}
	}
}

// One endpoint hangs (its attempts would take a minute to time out); the
// other still receives every event while the hanging one holds its first
// request open.
func TestHangingEndpointDoesNotDelayOthers(t *testing.T) {
	release := make(chan struct{})
	hanging := newReceiver(t, func(_ int, r *http.Request) int {
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return http.StatusServiceUnavailable
	})
	healthy := newReceiver(t, nil)
	src := newSource()
	opts := testOptions()
	opts.AttemptTimeout = time.Minute
	svc := New(freshDB(t), src, opts)
	hangSub, _ := create(t, svc, Spec{Name: "hanging", URL: hanging.URL})
	create(t, svc, Spec{Name: "healthy", URL: healthy.URL})
	stop := run(t, svc)
	t.Cleanup(func() { stop(); close(release) })

	const n = 6
	for i := range n {
		src.add(change("Task", "task-"+string(rune('a'+i))))
	}
	waitFor(t, "the healthy endpoint to acknowledge every event", func() bool { return len(healthy.acked()) == n })
	waitFor(t, "the hanging endpoint's first request", func() bool { return len(hanging.all()) >= 1 })
	if reqs := hanging.all(); len(reqs) != 1 {
		t.Errorf("the hanging endpoint saw %d requests; want its first still open", len(reqs))
	}
	for _, d := range deliveries(t, svc, hangSub.ID, "") {
		if len(d.Attempts) != 0 {
			t.Errorf("a hanging delivery has a finished attempt %+v: the healthy endpoint waited for a timeout", d.Attempts)
		}
	}
}

func TestProductionRefusesInternalTargets(t *testing.T) {
	svc := New(freshDB(t), newSource(), Options{Logger: quiet})
	svc.lookup = func(ctx context.Context, host string) ([]net.IPAddr, error) {
		switch host {
		case "intranet.example":
			return []net.IPAddr{{IP: net.ParseIP("93.184.216.34")}, {IP: net.ParseIP("192.168.1.10")}}, nil
		case "partner.example":
			return []net.IPAddr{{IP: net.ParseIP("93.184.216.34")}}, nil
		case "nat64.example":
			return []net.IPAddr{{IP: net.ParseIP("64:ff9b::a00:1")}}, nil
		}
		return net.DefaultResolver.LookupIPAddr(ctx, host)
	}
	ctx := context.Background()
	for _, tc := range []struct{ url, want string }{
		{"http://partner.example/hook", "https://"},
		{"https://127.0.0.1/hook", "loopback"},
		{"https://10.1.2.3/hook", "private"},
		{"https://localhost/hook", "loopback"},
		{"https://localhost:8443/hook", "loopback"},
		{"https://[::1]/hook", "loopback"},
		{"https://[::ffff:10.0.0.1]/hook", "private"},
		{"https://[fd00::1]/hook", "private"},
		{"https://169.254.169.254/latest/meta-data", "link-local"},
		{"https://[fe80::1%25eth0]/hook", "link-local"},
		{"https://100.64.1.1/hook", "CGNAT"},
		{"https://0.0.0.0/hook", "unspecified"},
		{"https://224.0.0.1/hook", "multicast"},
		{"https://intranet.example/hook", "private"},
		{"https://nat64.example/hook", "NAT64"},
		{"https://user:pw@partner.example/hook", "password"},
		{"ftp://partner.example/hook", "https://"},
		{"partner.example/hook", "absolute"},
	} {
		_, _, err := svc.Create(ctx, Spec{Name: "x", URL: tc.url})
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeBadUserInput || de.Field != "input.url" || !strings.Contains(de.Message, tc.want) {
			t.Errorf("Create(%q) = %v; want a BAD_USER_INPUT on input.url saying %q", tc.url, err, tc.want)
		}
	}
	if _, _, err := svc.Create(ctx, Spec{Name: "partner", URL: "https://partner.example/hook"}); err != nil {
		t.Errorf("a public https URL was refused: %v", err)
	}

	// Every problem at once.
	_, _, err := svc.Create(ctx, Spec{Name: " ", URL: "http://10.0.0.1/", Kinds: []string{"Task", "Nope", "Task"}, BodyCode: "NOPE",
		PlanID: strings.Repeat("p", 101)})
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("Create = %v, want a domain error", err)
	}
	var fields []string
	for _, f := range de.Fields {
		fields = append(fields, f.Field)
	}
	if want := []string{"input.name", "input.url", "input.kinds[1]", "input.bodyCode", "input.planId"}; !slices.Equal(fields, want) {
		t.Errorf("problems on %v, want %v (%v)", fields, want, de.Fields)
	}
	if subs, _ := svc.List(ctx); len(subs) != 1 {
		t.Errorf("%d subscriptions stored, want only the valid one", len(subs))
	}
}

// insertSubscription stores a subscription directly, as if its host had
// resolved to a public address at creation.
func insertSubscription(t *testing.T, svc *Service, name, rawURL string) stored {
	t.Helper()
	doc := stored{Subscription: Subscription{ID: newID(), Name: name, URL: rawURL, Active: true,
		CreatedAt: time.Now().UTC().Add(-time.Second), CreatedBy: "test"}, Secret: newSecret()}
	if _, err := svc.subs.InsertOne(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	svc.subscriptionsChanged()
	return doc
}

// In production mode the dialler refuses internal addresses at delivery
// time (a host that re-resolves to loopback, an internal address), and a
// redirect is never followed, even from a permitted endpoint to an
// internal one.
func TestDeliveryRefusesInternalAddressesAndRedirects(t *testing.T) {
	internal := newReceiver(t, nil)
	redirector := httptest.NewServer(http.RedirectHandler(internal.URL+"/internal", http.StatusFound))
	t.Cleanup(redirector.Close)
	redirectorAddr := strings.TrimPrefix(redirector.URL, "http://")

	src := newSource()
	opts := testOptions()
	opts.AllowInsecure = false
	svc := New(freshDB(t), src, opts)
	// Only the redirector counts as public here.
	svc.permitDial = func(address string) bool { return address == redirectorAddr }

	_, port, _ := net.SplitHostPort(strings.TrimPrefix(internal.URL, "http://"))
	direct := insertSubscription(t, svc, "internal address", internal.URL+"/hook")
	rebound := insertSubscription(t, svc, "rebound name", "http://localhost:"+port+"/hook")
	redirected := insertSubscription(t, svc, "redirect", redirector.URL+"/hook")
	run(t, svc)
	src.add(change("Task", "task-1"))

	attempted := func(id string) func() bool {
		return func() bool {
			ds := deliveries(t, svc, id, "")
			return len(ds) == 1 && len(ds[0].Attempts) >= 1
		}
	}
	for _, sub := range []stored{direct, rebound, redirected} {
		waitFor(t, "an attempt for "+sub.Name, attempted(sub.ID))
	}
	if n := len(internal.all()); n != 0 {
		t.Errorf("the internal endpoint received %d requests", n)
	}
	for _, sub := range []stored{direct, rebound} {
		d := deliveries(t, svc, sub.ID, "")[0]
		if a := d.Attempts[0]; a.StatusCode != 0 || !strings.Contains(a.Error, "refusing to dial") || d.Status != StatusRetrying {
			t.Errorf("%s: status %s, attempt %+v; want a refused dial", sub.Name, d.Status, a)
		}
	}
	d := deliveries(t, svc, redirected.ID, "")[0]
	if a := d.Attempts[0]; a.StatusCode != http.StatusFound || !strings.Contains(a.Error, "redirect") || d.Status != StatusRetrying {
		t.Errorf("redirect: status %s, attempt %+v; want a failed 302", d.Status, a)
	}
}

func TestFilters(t *testing.T) {
	rc := newReceiver(t, nil)
	src := newSource()
	svc := New(freshDB(t), src, testOptions())
	// An event before any subscription existed goes nowhere.
	src.add(change("Task", "old", func(r *domain.AuditRecord) { r.At = time.Now().Add(-time.Hour); r.PlanID = "plan-1" }))
	subs := map[string]Subscription{}
	for name, spec := range map[string]Spec{
		"all":        {},
		"tasks":      {Kinds: []string{"Task"}},
		"enterprise": {EnterpriseID: "ent-a"},
		"union":      {BodyCode: "UNION"},
		"plan":       {PlanID: "plan-1"},
		"planTasks":  {Kinds: []string{"Task"}, PlanID: "plan-1"},
		"inactive":   {},
	} {
		spec.Name, spec.URL = name, rc.URL
		subs[name], _ = create(t, svc, spec)
	}
	if _, err := svc.Deactivate(context.Background(), subs["inactive"].ID); err != nil {
		t.Fatal(err)
	}
	run(t, svc)
	last := src.add(
		change("Enterprise", "ent-a", func(r *domain.AuditRecord) { r.Body = "POSTAL"; r.EnterpriseID = "ent-a" }), // 2
		change("Union", "u1", func(r *domain.AuditRecord) { r.Body = "UNION"; r.EnterpriseID = "ent-a" }),          // 3
		change("Union", "u2", func(r *domain.AuditRecord) { r.Body = "UNION"; r.EnterpriseID = "ent-b" }),          // 4
		change("Task", "t1", func(r *domain.AuditRecord) {
			r.Bodies = []domain.BodyCode{"POSTAL", "UNION"}
			r.PlanID = "plan-1"
		}), // 5
		change("Task", "t2", func(r *domain.AuditRecord) { r.Bodies = []domain.BodyCode{"ASSOCIATION"}; r.PlanID = "plan-2" }), // 6
		change("Plan", "plan-1", func(r *domain.AuditRecord) { r.Bodies = []domain.BodyCode{"POSTAL"} }),                       // 7
		change("Meeting", "m1", func(r *domain.AuditRecord) { r.Bodies = []domain.BodyCode{"POSTAL"} }),                        // 8
		change("Enterprise", "ent-a", func(r *domain.AuditRecord) { r.Body = "POSTAL" }),                                       // 9: the enterprise itself
	)
	waitFor(t, "the cursor to reach the last event", func() bool { return cursor(t, svc) == last[len(last)-1] })
	for name, want := range map[string][]int64{
		"all":        {2, 3, 4, 5, 6, 7, 8, 9},
		"tasks":      {5, 6},
		"enterprise": {2, 3, 9},
		"union":      {3, 4, 5},
		"plan":       {5, 7},
		"planTasks":  {5},
		"inactive":   nil,
	} {
		var got []int64
		for _, d := range deliveries(t, svc, subs[name].ID, "") {
			got = append(got, d.EventSeq)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: events %v, want %v", name, got, want)
		}
	}
}

// A new service over the same database resumes after the cursor, and
// replaying events already queued (a crash before the cursor was saved)
// adds no deliveries.
func TestRestartResumesWithoutDuplicates(t *testing.T) {
	rc := newReceiver(t, nil)
	src := newSource()
	db := freshDB(t)
	svc := New(db, src, testOptions())
	sub, secret := create(t, svc, Spec{URL: rc.URL})
	rc.setSecret(secret)
	stop := run(t, svc)
	src.add(change("Task", "t1"), change("Task", "t2"), change("Task", "t3"))
	waitFor(t, "three acknowledgements", func() bool { return len(rc.acked()) == 3 })
	waitFor(t, "the cursor at 3", func() bool { return cursor(t, svc) == 3 })
	stop()

	src.add(change("Task", "t4"), change("Task", "t5"))
	svc2 := New(db, src, testOptions())
	stop2 := run(t, svc2)
	waitFor(t, "five acknowledgements", func() bool { return len(rc.acked()) == 5 })
	if after := src.lastAfter(); after != 3 {
		t.Errorf("the restarted service subscribed after %d, want 3", after)
	}
	waitFor(t, "the cursor at 5", func() bool { return cursor(t, svc2) == 5 })
	stop2()

	// Lose the cursor, as if the process died before saving it.
	if _, err := db.Collection(StateCollection).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: "cursor"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "seq", Value: int64(0)}}}}); err != nil {
		t.Fatal(err)
	}
	svc3 := New(db, src, testOptions())
	run(t, svc3)
	waitFor(t, "the replayed cursor at 5", func() bool { return cursor(t, svc3) == 5 })
	if ds := deliveries(t, svc3, sub.ID, ""); len(ds) != 5 {
		t.Errorf("%d deliveries after replaying the stream, want 5", len(ds))
	}
	for id, n := range rc.acked() {
		if n != 1 {
			t.Errorf("delivery %s acknowledged %d times", id, n)
		}
	}
	for _, r := range rc.all() {
		if r.verifyErr != nil {
			t.Error(r.verifyErr)
		}
	}
}

func TestReplaySendsTheSameDeliveryAgain(t *testing.T) {
	rc := newReceiver(t, nil)
	src := newSource()
	svc := New(freshDB(t), src, testOptions())
	sub, secret := create(t, svc, Spec{URL: rc.URL})
	rc.setSecret(secret)
	run(t, svc)
	src.add(change("Plan", "plan-1"))
	waitFor(t, "the delivery", func() bool { return len(deliveries(t, svc, sub.ID, StatusDelivered)) == 1 })
	d := deliveries(t, svc, sub.ID, "")[0]

	replayed, err := svc.Replay(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if replayed.ID != d.ID || replayed.Status != StatusPending || len(replayed.Attempts) != 1 || replayed.DeliveredAt != nil {
		t.Errorf("replayed = %+v; want PENDING with its one attempt kept", replayed)
	}
	waitFor(t, "the replay to be delivered", func() bool {
		ds := deliveries(t, svc, sub.ID, StatusDelivered)
		return len(ds) == 1 && len(ds[0].Attempts) == 2
	})
	reqs := rc.all()
	if len(reqs) != 2 || reqs[0].id != d.ID || reqs[1].id != d.ID || string(reqs[0].body) != string(reqs[1].body) {
		t.Fatalf("requests %+v; want the same delivery twice", reqs)
	}
	for _, r := range reqs {
		if r.verifyErr != nil {
			t.Error(r.verifyErr)
		}
	}
	if _, err := svc.Replay(context.Background(), "nope"); domain.CodeOf(err) != domain.CodeNotFound {
		t.Errorf("Replay(unknown) = %v, want NOT_FOUND", err)
	}
}

func TestGivesUp(t *testing.T) {
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusBadGateway })
	src := newSource()
	opts := testOptions()
	opts.MaxAttempts = 3
	svc := New(freshDB(t), src, opts)
	byCount, _ := create(t, svc, Spec{URL: rc.URL + "/count"})
	opts2 := testOptions()
	opts2.RetryFor = 200 * time.Millisecond
	db2 := freshDB(t)
	svc2 := New(db2, src, opts2)
	byTime, _ := create(t, svc2, Spec{URL: rc.URL + "/time"})
	run(t, svc)
	run(t, svc2)
	src.add(change("Task", "t1"))
	waitFor(t, "both deliveries FAILED", func() bool {
		return len(deliveries(t, svc, byCount.ID, StatusFailed)) == 1 && len(deliveries(t, svc2, byTime.ID, StatusFailed)) == 1
	})
	if d := deliveries(t, svc, byCount.ID, "")[0]; len(d.Attempts) != 3 || d.LastError != "HTTP 502 Bad Gateway" {
		t.Errorf("after MaxAttempts: %d attempts, last error %q; want 3, HTTP 502", len(d.Attempts), d.LastError)
	}
	if d := deliveries(t, svc2, byTime.ID, "")[0]; len(d.Attempts) < 2 || d.Attempts[len(d.Attempts)-1].At.Before(d.RetryFrom.Add(opts2.RetryFor)) {
		t.Errorf("after RetryFor: attempts %+v; want the last at or after the window's end", d.Attempts)
	}
}

func TestDeactivateAndDelete(t *testing.T) {
	rc := newReceiver(t, func(int, *http.Request) int { return http.StatusInternalServerError })
	src := newSource()
	opts := testOptions()
	opts.BaseBackoff, opts.MaxBackoff = time.Hour, time.Hour
	svc := New(freshDB(t), src, opts)
	ctx := context.Background()
	sub, _ := create(t, svc, Spec{URL: rc.URL})
	run(t, svc)
	src.add(change("Task", "t1"))
	waitFor(t, "a failed attempt", func() bool { return len(deliveries(t, svc, sub.ID, StatusRetrying)) == 1 })

	got, err := svc.Deactivate(ctx, sub.ID)
	if err != nil || got.Active {
		t.Fatalf("Deactivate = %+v, %v", got, err)
	}
	src.add(change("Task", "t2"))
	waitFor(t, "the cursor at 2", func() bool { return cursor(t, svc) == 2 })
	if ds := deliveries(t, svc, sub.ID, ""); len(ds) != 1 {
		t.Errorf("an inactive subscription got %d deliveries, want the 1 from before", len(ds))
	}
	if _, err := svc.Replay(ctx, deliveries(t, svc, sub.ID, "")[0].ID); domain.CodeOf(err) != domain.CodeConflict {
		t.Errorf("Replay for an inactive subscription = %v, want CONFLICT", err)
	}

	if err := svc.Delete(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Get(ctx, sub.ID); domain.CodeOf(err) != domain.CodeNotFound {
		t.Errorf("Get after Delete = %v, want NOT_FOUND", err)
	}
	if err := svc.Delete(ctx, sub.ID); domain.CodeOf(err) != domain.CodeNotFound {
		t.Errorf("second Delete = %v, want NOT_FOUND", err)
	}
	d := deliveries(t, svc, sub.ID, "")[0]
	if d.Status != StatusFailed || d.LastError != "subscription deleted" {
		t.Errorf("after Delete the delivery is %s (%q), want FAILED", d.Status, d.LastError)
	}
	if _, err := svc.Deliveries(ctx, DeliveryFilter{Status: "LOST"}, 10); domain.CodeOf(err) != domain.CodeBadUserInput {
		t.Errorf("Deliveries(status LOST) = %v, want BAD_USER_INPUT", err)
	}
}

func TestSecretIsNotShownAgain(t *testing.T) {
	svc := New(freshDB(t), newSource(), testOptions())
	ctx := context.Background()
	sub, secret := create(t, svc, Spec{URL: "http://127.0.0.1:1/hook", Kinds: []string{"Task"}, CreatedBy: "admin"})
	got, err := svc.Get(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != sub.URL || !slices.Equal(got.Kinds, []string{"Task"}) || got.CreatedBy != "admin" || !got.Active || !got.CreatedAt.Equal(sub.CreatedAt) {
		t.Errorf("Get = %+v, want %+v", got, sub)
	}
	raw, err := svc.subs.FindOne(ctx, bson.D{{Key: "_id", Value: sub.ID}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if v, err := raw.LookupErr("secret"); err != nil || v.StringValue() != secret {
		t.Errorf("stored secret %v, %v", v, err)
	}
	list, err := svc.List(ctx)
	if err != nil || len(list) != 1 || list[0].ID != sub.ID {
		t.Errorf("List = %+v, %v", list, err)
	}
}

func TestBackoffIsBoundedFullJitter(t *testing.T) {
	svc := New(freshDB(t), newSource(), Options{BaseBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	for n := 1; n < 200; n++ {
		ceiling := min(100*time.Millisecond, 10*time.Millisecond<<min(n-1, 20))
		for range 20 {
			if b := svc.backoff(n); b < 0 || b > ceiling {
				t.Fatalf("backoff(%d) = %v, want within [0, %v]", n, b, ceiling)
			}
		}
	}
}

func TestBlocked(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "10.1.2.3": true, "172.16.0.1": true, "172.31.255.255": true, "192.168.0.1": true,
		"169.254.169.254": true, "100.64.0.1": true, "100.127.255.255": true, "0.0.0.0": true, "224.0.0.1": true,
		"255.255.255.255": true, "::1": true, "::": true, "fc00::1": true, "fe80::1": true, "ff02::1": true,
		"::ffff:127.0.0.1": true, "64:ff9b::7f00:1": true,
		"93.184.216.34": false, "172.32.0.1": false, "100.128.0.1": false, "2606:4700::1111": false, "64:ff9b::5db8:d822": false,
	} {
		if got := blocked(netip.MustParseAddr(addr)); (got != "") != want {
			t.Errorf("blocked(%s) = %q, want blocked=%v", addr, got, want)
		}
	}
}
