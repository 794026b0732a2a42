package graph_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/store"
)

// digest is a fingerprint of every record in the store, the audit log and
// counters left out (a refused write adds to the log and changes nothing else).
func digest(t testing.TB, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	h := sha256.New()
	for _, p := range store.Parts {
		db := st.Database(p)
		names, err := db.ListCollectionNames(ctx, bson.D{})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(names)
		for _, name := range names {
			if name == "auditLog" || name == "counters" || name == "apiKeys" || name == "apiKeysUsage" {
				continue
			}
			cur, err := db.Collection(name).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
			if err != nil {
				t.Fatal(err)
			}
			var docs []bson.Raw
			if err := cur.All(ctx, &docs); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%s.%s:%d\n", p, name, len(docs))
			for _, d := range docs {
				h.Write(d)
			}
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// badInputCases sends, for every mutation, input with several things wrong
// at once, and names the input paths the answer must report.
func badInputCases() map[string]struct {
	query  string
	fields []string
} {
	sf, usf := gid("Enterprise", "ent-sf"), gid("Union", "union-sf")
	task, plan, meeting := gid("Task", "task-2026-01"), gid("Plan", "plan-2026"), gid("Meeting", "meeting-joint-2025-2")
	return map[string]struct {
		query  string
		fields []string
	}{
		"createEnterprise":  {`mutation { r: createEnterprise(input: {name: " ", brand: "顺丰", creditCode: "91350100M000100Y44", couriers: -1}) { id } }`, []string{"input.name", "input.creditCode", "input.couriers"}},
		"updateEnterprise":  {fmt.Sprintf(`mutation { r: updateEnterprise(id: %q, version: 1, patch: {name: null, regionCodes: ["999999"]}) { id } }`, sf), []string{"input.name"}},
		"deleteEnterprise":  {`mutation { r: deleteEnterprise(id: "not-an-id", version: 1) { id } }`, []string{"id"}},
		"upsertEnterprise":  {`mutation { r: upsertEnterprise(input: {name: "x", brand: "x"}) { status error { code fields { field } } } }`, []string{"input.creditCode"}},
		"upsertEnterprises": {`mutation { r: upsertEnterprises(items: [{name: "", brand: "x", creditCode: "123"}]) { receipts { status error { code fields { field } } } } }`, []string{"items[0].name", "items[0].creditCode"}},

		"createAssociationMembership": {fmt.Sprintf(`mutation { r: createAssociationMembership(input: {enterpriseId: %q, level: MEMBER, since: "2026-05-01", until: "2026-01-01"}) { id } }`, gid("Enterprise", "ent-none")), []string{"input.enterpriseId", "input.until"}},
		"updateAssociationMembership": {`mutation { r: updateAssociationMembership(id: "bad", version: 1, patch: {level: DIRECTOR}) { id } }`, []string{"id"}},
		"deleteAssociationMembership": {fmt.Sprintf(`mutation { r: deleteAssociationMembership(id: %q, version: 1) { id } }`, sf), []string{"id"}},

		"createUnion": {fmt.Sprintf(`mutation { r: createUnion(input: {name: "", kind: ENTERPRISE, parentId: %q}) { id } }`, usf), []string{"input.name", "input.enterpriseId", "input.parentId"}},
		"updateUnion": {fmt.Sprintf(`mutation { r: updateUnion(id: %q, version: 1, patch: {kind: null, chairId: %q}) { id } }`, usf, sf), []string{"input.kind", "input.chairId"}},
		"deleteUnion": {`mutation { r: deleteUnion(id: "", version: 1) { id } }`, []string{"id"}},
		"upsertUnion": {fmt.Sprintf(`mutation { r: upsertUnion(input: {name: "", kind: ENTERPRISE, enterpriseId: %q}) { status error { code fields { field } } } }`, sf), []string{"input.name"}},

		"createMembershipFigures":     {fmt.Sprintf(`mutation { r: createMembershipFigures(input: {unionId: %q, period: "2026-13", members: 10, employees: 5}) { id } }`, usf), []string{"input.period", "input.members"}},
		"updateMembershipFigures":     {fmt.Sprintf(`mutation { r: updateMembershipFigures(id: %q, version: 1, patch: {members: 1}) { id } }`, usf), []string{"id"}},
		"deleteMembershipFigures":     {`mutation { r: deleteMembershipFigures(id: "x", version: 1) { id } }`, []string{"id"}},
		"upsertMembershipFigures":     {fmt.Sprintf(`mutation { r: upsertMembershipFigures(input: {unionId: %q, period: "26-1", couriers: -3}) { status error { code fields { field } } } }`, usf), []string{"input.period", "input.couriers"}},
		"upsertManyMembershipFigures": {fmt.Sprintf(`mutation { r: upsertManyMembershipFigures(items: [{unionId: %q, period: "2026-1"}, {unionId: "bad", period: "2026-01"}]) { receipts { status error { code fields { field } } } } }`, usf), []string{"items[0].period", "items[1].unionId"}},

		"createActivity":   {`mutation { r: createActivity(input: {kind: SKILLS_TRAINING, title: "", date: "2026-03-05", endDate: "2026-03-01", regionCode: "1"}) { id } }`, []string{"input.title", "input.endDate", "input.regionCode"}},
		"updateActivity":   {`mutation { r: updateActivity(id: "x", version: 1, patch: {title: "t"}) { id } }`, []string{"id"}},
		"deleteActivity":   {`mutation { r: deleteActivity(id: "x", version: 1) { id } }`, []string{"id"}},
		"upsertActivity":   {`mutation { r: upsertActivity(input: {kind: CARE_SERVICE, title: "t", date: "2026-07-01", participantCount: -5}) { status error { code fields { field } } } }`, []string{"input.externalId"}},
		"upsertActivities": {`mutation { r: upsertActivities(items: [{kind: CARE_SERVICE, title: "", date: "2026-07-01", externalId: "E1", participantCount: -5}]) { receipts { status error { code fields { field } } } } }`, []string{"items[0].title", "items[0].participantCount"}},

		"createPerson": {`mutation { r: createPerson(input: {name: "", phone: "12", email: "nobody"}) { id } }`, []string{"input.name", "input.phone", "input.email"}},
		"updatePerson": {fmt.Sprintf(`mutation { r: updatePerson(id: %q, version: 1, patch: {name: null}) { id } }`, gid("Person", "person-dong-gang")), []string{"input.name"}},
		"deletePerson": {`mutation { r: deletePerson(id: "x", version: 1) { id } }`, []string{"id"}},

		"createMeeting": {`mutation { r: createMeeting(input: {kind: OTHER, title: "", date: "2026-01-01", hostBodies: [], participants: [{role: ATTENDED}]}) { id } }`, []string{"input.title", "input.hostBodyIds", "input.participants[0]"}},
		"updateMeeting": {fmt.Sprintf(`mutation { r: updateMeeting(id: %q, version: 1, patch: {title: null, sequence: 0}) { id } }`, meeting), []string{"input.title"}},
		"deleteMeeting": {`mutation { r: deleteMeeting(id: "x", version: 1) { id } }`, []string{"id"}},

		"createPlan": {`mutation { r: createPlan(input: {year: 1900, title: "", status: DRAFT, bodies: []}) { id } }`, []string{"input.year", "input.title", "input.bodyIds"}},
		"updatePlan": {fmt.Sprintf(`mutation { r: updatePlan(id: %q, version: 1, patch: {year: 3000}) { id } }`, plan), []string{"input.year"}},
		"deletePlan": {`mutation { r: deletePlan(id: "x", version: 1) { id } }`, []string{"id"}},

		"createTask":            {fmt.Sprintf(`mutation { r: createTask(input: {planId: %q, number: 0, title: "", theme: OTHER, leadBody: FEDERATION, progress: 150}) { id } }`, plan), []string{"input.number", "input.title", "input.progress"}},
		"updateTask":            {fmt.Sprintf(`mutation { r: updateTask(id: %q, version: 1, patch: {progress: 101, status: DONE}) { id } }`, task), []string{"input.progress"}},
		"deleteTask":            {`mutation { r: deleteTask(id: "x", version: 1) { id } }`, []string{"id"}},
		"createWebhook":         {`mutation { r: createWebhook(input: {name: "", url: "ftp://example.org", kinds: ["Nothing"]}) { secret } }`, []string{"input.name", "input.url", "input.kinds[0]"}},
		"setWebhookActive":      {`mutation { r: setWebhookActive(id: "", active: true) { id } }`, []string{"id"}},
		"deleteWebhook":         {`mutation { r: deleteWebhook(id: "") { id } }`, []string{"id"}},
		"replayWebhookDelivery": {`mutation { r: replayWebhookDelivery(id: "") { id } }`, []string{"id"}},
		"reportProgress":        {fmt.Sprintf(`mutation { r: reportProgress(input: {taskId: %q, progress: -1, status: DONE, text: ""}) { task { id } } }`, task), []string{"input.progress", "input.text"}},
	}
}

// Every mutation refuses bad input with BAD_USER_INPUT, names each problem's
// input path, and changes no record.
func TestEveryMutationRejectsBadInputAndChangesNothing(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	admin := s.key(t, roles["admin"])
	cases := badInputCases()
	var covered []string
	for _, c := range mutationCases(t) {
		covered = append(covered, c.field)
	}
	for _, field := range covered {
		if _, ok := cases[field]; !ok {
			t.Errorf("no bad-input case for %s", field)
		}
	}
	before := digest(t, s.Store)
	for _, field := range covered {
		c := cases[field]
		t.Run(field, func(t *testing.T) {
			r := s.doAs(t, admin, c.query, nil)
			code, fields := badInputAnswer(r)
			if code != "BAD_USER_INPUT" {
				t.Fatalf("code %q, want BAD_USER_INPUT (errors %+v, data %s)", code, r.Errors, r.Data)
			}
			for _, want := range c.fields {
				if !slices.ContainsFunc(fields, func(f string) bool { return f == want || len(f) > len(want) && f[:len(want)] == want }) {
					t.Errorf("problems at %v, want one at %s", fields, want)
				}
			}
		})
	}
	if after := digest(t, s.Store); after != before {
		t.Errorf("bad input changed the store")
	}
}

// badInputAnswer finds the error code and the reported field paths, in a
// top-level error or in a receipt.
func badInputAnswer(r response) (string, []string) {
	if len(r.Errors) > 0 {
		e := r.Errors[0]
		code, _ := e.Extensions["code"].(string)
		var fields []string
		if f, ok := e.Extensions["field"].(string); ok {
			fields = append(fields, f)
		}
		if list, ok := e.Extensions["fields"].([]any); ok {
			for _, x := range list {
				if m, ok := x.(map[string]any); ok {
					fields = append(fields, fmt.Sprint(m["field"]))
				}
			}
		}
		return code, fields
	}
	var data struct {
		R struct {
			Error *struct {
				Code   string
				Fields []struct{ Field string }
			}
			Receipts []struct {
				Error *struct {
					Code   string
					Fields []struct{ Field string }
				}
			}
		}
	}
	_ = json.Unmarshal(r.Data, &data)
	errs := []*struct {
		Code   string
		Fields []struct{ Field string }
	}{data.R.Error}
	for _, rc := range data.R.Receipts {
		errs = append(errs, rc.Error)
	}
	code := ""
	var fields []string
	for _, e := range errs {
		if e == nil {
			continue
		}
		code = e.Code
		for _, f := range e.Fields {
			fields = append(fields, f.Field)
		}
	}
	return code, fields
}
