package graph_test

import (
	"strings"
	"testing"
)

// Contact details are masked for those the policy does not entitle, shown
// to an editor of a body the person holds a title in, and every unmasked
// reading is in the audit trail.
func TestPersonalDataIsMaskedAndUnmaskedReadsAreAudited(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	admin := s.key(t, roles["admin"])
	dong := gid("Person", "person-dong-gang")
	r := s.doAs(t, admin, `mutation($id: ID!) { updatePerson(id: $id, version: 1, patch: {phone: "13812345678", email: "dong.gang@example.org"}) { version } }`, map[string]any{"id": dong})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	tests := []struct {
		role      string
		wantPhone string
		wantEmail string
	}{
		{"anonymous", "138****5678", "d***@example.org"},
		{"viewer", "138****5678", "d***@example.org"},
		{"partner-sf", "138****5678", "d***@example.org"},
		{"union", "138****5678", "d***@example.org"},
		{"postal", "13812345678", "dong.gang@example.org"},
		{"admin", "13812345678", "dong.gang@example.org"},
	}
	for _, tt := range tests {
		key := ""
		if tt.role != "anonymous" {
			key = s.key(t, roles[tt.role])
		}
		r := s.doAs(t, key, `query($id: ID!) { node(id: $id) { ... on Person { phone email } } }`, map[string]any{"id": dong})
		want := `"phone":"` + tt.wantPhone + `","email":"` + tt.wantEmail + `"`
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data), want) {
			t.Errorf("%s sees %s %v, want %s", tt.role, r.Data, r.Errors, want)
		}
	}
	r = s.doAs(t, admin, `{ auditLog(filter: {operation: "readPersonalData"}) { totalCount nodes { actor { name } changes { field } } } }`, nil)
	got := string(r.Data)
	for _, who := range []string{"postal-staff", "admin"} {
		if strings.Count(got, `"name":"`+who+`"`) != 2 {
			t.Errorf("audit of unmasked reads by %s: %s", who, got)
		}
	}
	if strings.Contains(got, "viewer") || strings.Contains(got, "union-staff") {
		t.Errorf("masked reads were audited as unmasked: %s", got)
	}
}
