package graph_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
)

func gid(typ, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + id))
}

func validCreditCode(t testing.TB, first17 string) string {
	t.Helper()
	c, err := domain.CreditCodeCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

// The roles the permission matrix runs as.
var roles = map[string]auth.KeySpec{
	"viewer":      {Name: "viewer", Role: auth.RoleViewer},
	"postal":      {Name: "postal-staff", Role: auth.RoleEditor, Body: domain.BodyPostal},
	"union":       {Name: "union-staff", Role: auth.RoleEditor, Body: domain.BodyUnion},
	"association": {Name: "association-staff", Role: auth.RoleEditor, Body: domain.BodyAssociation},
	"partner-sf":  {Name: "sf-union-system", Role: auth.RolePartner, EnterpriseID: "ent-sf"},
	"partner-zto": {Name: "zto-union-system", Role: auth.RolePartner, EnterpriseID: "ent-zto"},
	"admin":       {Name: "admin", Role: auth.RoleAdmin},
}

// mutationCase is one mutation as the matrix sends it, and who may send it.
type mutationCase struct {
	field   string
	query   string
	vars    func(ids map[string]string) map[string]any
	allowed []string
	// okCode is an answer besides success that an allowed role may get
	// (e.g. NOT_FOUND when the matrix has nothing to act on).
	okCode string
}

func mutationCases(t testing.TB) []mutationCase {
	sf, jt, zto, jd := gid("Enterprise", "ent-sf"), gid("Enterprise", "ent-jt"), gid("Enterprise", "ent-zto"), gid("Enterprise", "ent-jd")
	usf := gid("Union", "union-sf")
	plan, meeting := gid("Plan", "plan-2026"), gid("Meeting", "meeting-joint-2025-2")
	code := validCreditCode(t, "91140100MA0TEXT01")
	none := func(map[string]string) map[string]any { return nil }
	with := func(id string) func(map[string]string) map[string]any {
		return func(ids map[string]string) map[string]any { return map[string]any{"id": ids[id]} }
	}
	fixed := func(id string) func(map[string]string) map[string]any {
		return func(map[string]string) map[string]any { return map[string]any{"id": id} }
	}
	postal, union, parties := []string{"postal", "admin"}, []string{"union", "admin"}, []string{"postal", "union", "association", "admin"}
	unionOrSF := []string{"union", "admin", "partner-sf"}
	return []mutationCase{
		{"createEnterprise", fmt.Sprintf(`mutation { r: createEnterprise(input: {name: "测试快递", brand: "测试", creditCode: %q}) { id } }`, code), none, postal, ""},
		{"updateEnterprise", `mutation($id: ID!) { r: updateEnterprise(id: $id, version: 1, patch: {outlets: 10}) { id } }`, fixed(sf), postal, ""},
		{"deleteEnterprise", `mutation($id: ID!) { r: deleteEnterprise(id: $id, version: 1) { id } }`, fixed(jt), postal, ""},
		{"upsertEnterprise", fmt.Sprintf(`mutation { r: upsertEnterprise(input: {name: "测试快递", brand: "测试", creditCode: %q}) { status error { code } } }`, code), none, postal, ""},
		{"upsertEnterprises", fmt.Sprintf(`mutation { r: upsertEnterprises(items: [{name: "测试快递", brand: "测试", creditCode: %q}]) { receipts { status error { code } } } }`, code), none, postal, ""},
		{"createAssociationMembership", fmt.Sprintf(`mutation { r: createAssociationMembership(input: {enterpriseId: %q, level: MEMBER}) { id } }`, zto), none, []string{"association", "admin"}, ""},
		{"updateAssociationMembership", `mutation($id: ID!) { r: updateAssociationMembership(id: $id, version: 1, patch: {level: DIRECTOR}) { id } }`, with("membership"), []string{"association", "admin"}, ""},
		{"deleteAssociationMembership", `mutation($id: ID!) { r: deleteAssociationMembership(id: $id, version: 1) { id } }`, with("membership"), []string{"association", "admin"}, ""},
		{"createUnion", fmt.Sprintf(`mutation { r: createUnion(input: {name: "测试工会", kind: ENTERPRISE, enterpriseId: %q}) { id } }`, jd), none, union, ""},
		{"updateUnion", `mutation($id: ID!) { r: updateUnion(id: $id, version: 1, patch: {name: "山西顺丰工会委员会"}) { id } }`, fixed(usf), union, ""},
		{"deleteUnion", `mutation($id: ID!) { r: deleteUnion(id: $id, version: 1) { id } }`, fixed(gid("Union", "union-jt")), union, ""},
		{"upsertUnion", fmt.Sprintf(`mutation { r: upsertUnion(input: {name: "山西顺丰工会", kind: ENTERPRISE, enterpriseId: %q}) { status error { code } } }`, sf), none, unionOrSF, ""},
		{"createMembershipFigures", fmt.Sprintf(`mutation { r: createMembershipFigures(input: {unionId: %q, period: "2026-02", members: 5}) { id } }`, usf), none, unionOrSF, ""},
		{"updateMembershipFigures", `mutation($id: ID!) { r: updateMembershipFigures(id: $id, version: 1, patch: {members: 6}) { id } }`, with("figures"), unionOrSF, ""},
		{"deleteMembershipFigures", `mutation($id: ID!) { r: deleteMembershipFigures(id: $id, version: 1) { id } }`, with("figures"), union, ""},
		{"upsertMembershipFigures", fmt.Sprintf(`mutation { r: upsertMembershipFigures(input: {unionId: %q, period: "2026-05", members: 5}) { status error { code } } }`, usf), none, unionOrSF, ""},
		{"upsertManyMembershipFigures", fmt.Sprintf(`mutation { r: upsertManyMembershipFigures(items: [{unionId: %q, period: "2026-06", members: 5}]) { receipts { status error { code } } } }`, usf), none, unionOrSF, ""},
		{"createActivity", fmt.Sprintf(`mutation { r: createActivity(input: {kind: SKILLS_TRAINING, title: "培训", date: "2026-03-01", enterpriseIds: [%q]}) { id } }`, sf), none, unionOrSF, ""},
		{"updateActivity", `mutation($id: ID!) { r: updateActivity(id: $id, version: 1, patch: {participantCount: 3}) { id } }`, with("activity"), unionOrSF, ""},
		{"deleteActivity", `mutation($id: ID!) { r: deleteActivity(id: $id, version: 1) { id } }`, with("activity"), union, ""},
		{"upsertActivity", fmt.Sprintf(`mutation { r: upsertActivity(input: {kind: CARE_SERVICE, title: "送清凉", date: "2026-07-01", enterpriseIds: [%q], externalId: "M-1"}) { status error { code } } }`, sf), none, unionOrSF, ""},
		{"upsertActivities", fmt.Sprintf(`mutation { r: upsertActivities(items: [{kind: CARE_SERVICE, title: "送清凉", date: "2026-07-01", enterpriseIds: [%q], externalId: "M-2"}]) { receipts { status error { code } } } }`, sf), none, unionOrSF, ""},
		{"createPerson", `mutation { r: createPerson(input: {name: "王五", titles: [{body: POSTAL, title: "处长"}]}) { id } }`, none, postal, ""},
		{"updatePerson", `mutation($id: ID!) { r: updatePerson(id: $id, version: 1, patch: {phone: "13812345678"}) { id } }`, fixed(gid("Person", "person-dong-gang")), postal, ""},
		{"deletePerson", `mutation($id: ID!) { r: deletePerson(id: $id, version: 1) { id } }`, with("person"), postal, ""},
		{"createMeeting", `mutation { r: createMeeting(input: {kind: WORKING_GROUP, title: "工作组会", date: "2026-02-01", hostBodies: [POSTAL, UNION, ASSOCIATION]}) { id } }`, none, parties, ""},
		{"updateMeeting", `mutation($id: ID!) { r: updateMeeting(id: $id, version: 1, patch: {place: "太原"}) { id } }`, fixed(meeting), parties, ""},
		{"deleteMeeting", `mutation($id: ID!) { r: deleteMeeting(id: $id, version: 1) { id } }`, fixed(meeting), parties, ""},
		{"createPlan", `mutation { r: createPlan(input: {year: 2027, title: "2027年三方联合工作方案", status: DRAFT, bodies: [POSTAL, UNION, ASSOCIATION]}) { id } }`, none, parties, ""},
		{"updatePlan", `mutation($id: ID!) { r: updatePlan(id: $id, version: 1, patch: {weightedProgress: true}) { id } }`, fixed(plan), parties, ""},
		{"deletePlan", `mutation($id: ID!) { r: deletePlan(id: $id, version: 1) { id } }`, fixed(plan), parties, ""},
		{"createTask", fmt.Sprintf(`mutation { r: createTask(input: {planId: %q, number: 11, title: "新任务", theme: OTHER, leadBody: UNION}) { id } }`, plan), none, union, ""},
		{"updateTask", `mutation($id: ID!) { r: updateTask(id: $id, version: 1, patch: {progress: 10, status: IN_PROGRESS}) { id } }`, fixed(gid("Task", "task-2026-01")), union, ""},
		{"deleteTask", `mutation($id: ID!) { r: deleteTask(id: $id, version: 1) { id } }`, fixed(gid("Task", "task-2026-10")), union, ""},
		{"reportProgress", fmt.Sprintf(`mutation { r: reportProgress(input: {taskId: %q, progress: 20, status: IN_PROGRESS, text: "已启动"}) { task { progress } } }`, gid("Task", "task-2026-02")), none, parties, ""},
		{"createWebhook", `mutation { r: createWebhook(input: {name: "sf-hr", url: "http://127.0.0.1:9/hook", kinds: ["MembershipFigures"]}) { secret } }`, none, []string{"admin"}, ""},
		{"setWebhookActive", `mutation($id: ID!) { r: setWebhookActive(id: $id, active: false) { active } }`, with("webhook"), []string{"admin"}, ""},
		{"deleteWebhook", `mutation($id: ID!) { r: deleteWebhook(id: $id) { id } }`, with("webhook"), []string{"admin"}, ""},
		{"replayWebhookDelivery", `mutation { r: replayWebhookDelivery(id: "no-such-delivery") { id } }`, none, []string{"admin"}, "NOT_FOUND"},
	}
}

// outcomeCode is the code a mutation's answer carries: a top-level error's,
// a receipt's error's, or "" for success.
func outcomeCode(r response) string {
	if len(r.Errors) > 0 {
		c, _ := r.Errors[0].Extensions["code"].(string)
		return c
	}
	var data struct {
		R struct {
			Error    *struct{ Code string }
			Receipts []struct{ Error *struct{ Code string } }
		}
	}
	_ = json.Unmarshal(r.Data, &data)
	if data.R.Error != nil {
		return data.R.Error.Code
	}
	for _, rc := range data.R.Receipts {
		if rc.Error != nil {
			return rc.Error.Code
		}
	}
	return ""
}

// Every mutation, sent by every role: the allowed roles are never refused
// for who they are (they may still meet CONFLICT, e.g. a record in use),
// the others get FORBIDDEN, or UNAUTHENTICATED without a credential.
func TestPermissionMatrixCoversEveryMutation(t *testing.T) {
	cases := mutationCases(t)
	probe := newServer(t, jointMeeting(t))
	var schema struct {
		Type struct{ Fields []struct{ Name string } } `json:"__type"`
	}
	probe.query(t, `{ __type(name: "Mutation") { fields { name } } }`, nil, &schema)
	var fields, covered []string
	for _, f := range schema.Type.Fields {
		fields = append(fields, f.Name)
	}
	for _, c := range cases {
		covered = append(covered, c.field)
	}
	sort.Strings(fields)
	sort.Strings(covered)
	if !slices.Equal(fields, covered) {
		t.Fatalf("the matrix covers %v\nbut Mutation has %v", covered, fields)
	}

	for _, role := range append([]string{"anonymous"}, sortedKeys(roles)...) {
		t.Run(role, func(t *testing.T) {
			s := newServer(t, jointMeeting(t))
			admin := s.key(t, roles["admin"])
			ids := setUpRecords(t, s, admin)
			key := ""
			if role != "anonymous" {
				key = s.key(t, roles[role])
			}
			for _, c := range cases {
				got := outcomeCode(s.doAs(t, key, c.query, c.vars(ids)))
				allowed := slices.Contains(c.allowed, role)
				switch {
				case allowed && (got == "FORBIDDEN" || got == "UNAUTHENTICATED"):
					t.Errorf("%s as %s: refused with %s, want allowed", c.field, role, got)
				case allowed && got != "" && got != "CONFLICT" && got != c.okCode:
					t.Errorf("%s as %s: %s, want success (or CONFLICT)", c.field, role, got)
				case !allowed && role == "anonymous" && got != "UNAUTHENTICATED":
					t.Errorf("%s as anonymous: %q, want UNAUTHENTICATED", c.field, got)
				case !allowed && role != "anonymous" && got != "FORBIDDEN":
					t.Errorf("%s as %s: %q, want FORBIDDEN", c.field, role, got)
				}
			}
		})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// setUpRecords creates, as admin, the records the update and delete cases
// need, and returns their global IDs.
func setUpRecords(t testing.TB, s *testServer, admin string) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for name, q := range map[string]string{
		"membership": fmt.Sprintf(`mutation { r: createAssociationMembership(input: {enterpriseId: %q, level: MEMBER}) { id } }`, gid("Enterprise", "ent-sf")),
		"figures":    fmt.Sprintf(`mutation { r: createMembershipFigures(input: {unionId: %q, period: "2026-01", members: 1}) { id } }`, gid("Union", "union-sf")),
		"activity":   fmt.Sprintf(`mutation { r: createActivity(input: {kind: SKILLS_TRAINING, title: "培训", date: "2026-01-10", enterpriseIds: [%q]}) { id } }`, gid("Enterprise", "ent-sf")),
		"person":     `mutation { r: createPerson(input: {name: "赵六", titles: [{body: POSTAL, title: "科长"}]}) { id } }`,
		"webhook":    `mutation { r: createWebhook(input: {name: "setup", url: "http://127.0.0.1:9/setup"}) { webhook { id } } }`,
	} {
		r := s.doAs(t, admin, q, nil)
		var data struct {
			R struct {
				ID      string
				Webhook struct{ ID string }
			}
		}
		if len(r.Errors) > 0 || json.Unmarshal(r.Data, &data) != nil || data.R.ID+data.R.Webhook.ID == "" {
			t.Fatalf("set up %s: %+v", name, r.Errors)
		}
		ids[name] = data.R.ID + data.R.Webhook.ID
	}
	return ids
}
