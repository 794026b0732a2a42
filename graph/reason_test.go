package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"sanfang/internal/domain"
)

// Every problem with an input says its kind in reason — in a top-level
// error's extensions.fields and in a bulk receipt's fields — so a form can
// show its own words; the schema's enum lists exactly the domain's reasons.
func TestInputProblemsSayTheirReason(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	admin := s.key(t, roles["admin"])
	usf, plan := gid("Union", "union-sf"), gid("Plan", "plan-2026")

	tests := []struct {
		name, query string
		want        map[string]domain.FieldProblemReason
	}{
		{"enterprise", `mutation { createEnterprise(input: {name: " ", legalName: " ", brand: "顺丰", creditCode: "91350100M000100Y44", couriers: 9, employees: 3, regionCodes: ["140100", "140100"]}) { id } }`,
			map[string]domain.FieldProblemReason{"input.name": domain.ReasonRequired, "input.legalName": domain.ReasonBlank, "input.creditCode": domain.ReasonInvalidFormat,
				"input.couriers": domain.ReasonConflict, "input.regionCodes[1]": domain.ReasonDuplicate}},
		{"activity", `mutation { createActivity(input: {kind: SKILLS_TRAINING, title: "", date: "2026-03-05", endDate: "2026-03-01", regionCode: "1"}) { id } }`,
			map[string]domain.FieldProblemReason{"input.title": domain.ReasonRequired, "input.endDate": domain.ReasonOrder, "input.regionCode": domain.ReasonUnknownValue}},
		{"task", fmt.Sprintf(`mutation { createTask(input: {planId: %q, number: 0, title: "%s", theme: OTHER, leadBody: UNION, progress: 150}) { id } }`, plan, strings.Repeat("长", 201)),
			map[string]domain.FieldProblemReason{"input.number": domain.ReasonOutOfRange, "input.title": domain.ReasonTooLong, "input.progress": domain.ReasonOutOfRange}},
		{"union references", fmt.Sprintf(`mutation { createUnion(input: {name: "某工会", kind: ENTERPRISE, enterpriseId: %q, parentId: %q}) { id } }`, gid("Enterprise", "ent-none"), usf),
			map[string]domain.FieldProblemReason{"input.enterpriseId": domain.ReasonNotFound, "input.parentId": domain.ReasonConflict}},
		{"cleared", fmt.Sprintf(`mutation { updateUnion(id: %q, version: 1, patch: {name: null}) { id } }`, usf),
			map[string]domain.FieldProblemReason{"input.name": domain.ReasonNotAllowed}},
		{"bulk receipt", fmt.Sprintf(`mutation { upsertManyMembershipFigures(items: [{unionId: %q, period: "2026-13", members: -1}]) { receipts { error { fields { field reason } } } } }`, usf),
			map[string]domain.FieldProblemReason{"items[0].period": domain.ReasonInvalidFormat, "items[0].members": domain.ReasonOutOfRange}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.doAs(t, admin, tt.query, nil)
			got := map[string]domain.FieldProblemReason{}
			if len(r.Errors) > 0 {
				list, _ := r.Errors[0].Extensions["fields"].([]any)
				for _, x := range list {
					m, _ := x.(map[string]any)
					got[fmt.Sprint(m["field"])] = domain.FieldProblemReason(fmt.Sprint(m["reason"]))
				}
			} else {
				var data struct {
					UpsertManyMembershipFigures struct {
						Receipts []struct {
							Error *struct {
								Fields []struct {
									Field  string
									Reason domain.FieldProblemReason
								}
							}
						}
					}
				}
				if err := json.Unmarshal(r.Data, &data); err != nil {
					t.Fatalf("decode %s: %v", r.Data, err)
				}
				for _, rc := range data.UpsertManyMembershipFigures.Receipts {
					if rc.Error != nil {
						for _, f := range rc.Error.Fields {
							got[f.Field] = f.Reason
						}
					}
				}
			}
			for field, reason := range tt.want {
				if got[field] != reason {
					t.Errorf("%s: reason %q, want %q (all: %v)", field, got[field], reason, got)
				}
			}
		})
	}

	var schema struct {
		Type struct{ EnumValues []struct{ Name string } } `json:"__type"`
	}
	s.query(t, `{ __type(name: "FieldProblemReason") { enumValues { name } } }`, nil, &schema)
	var names []domain.FieldProblemReason
	for _, v := range schema.Type.EnumValues {
		names = append(names, domain.FieldProblemReason(v.Name))
	}
	if !slices.Equal(names, domain.FieldProblemReasons) {
		t.Errorf("the schema's FieldProblemReason is %v; the domain's reasons are %v", names, domain.FieldProblemReasons)
	}
}
