package schemacheck

import (
	"slices"
	"strings"
	"testing"
)

const base = `
type Query { enterprises(first: Int): [Enterprise!]! node(id: ID!): Enterprise }
type Enterprise { id: ID! name: String! brand: String old: String @deprecated(reason: "use name") kind: Kind! }
enum Kind { A B }
input EnterpriseInput { name: String! brand: String }
union Thing = Enterprise | Other
type Other { id: ID! }
`

func TestBreaking(t *testing.T) {
	tests := []struct {
		name string
		new  string
		want []string
	}{
		{"nothing changed", base, nil},
		{"additions break nothing", base + `
			type Extra { x: Int }
			extend type Enterprise { added: String }
			extend enum Kind { C }
			extend input EnterpriseInput { optional: Int }`, nil},
		{"field removed", replace(base, "brand: String old:", "old:"), []string{"FIELD_REMOVED Enterprise.brand"}},
		{"deprecated field removed", replace(base, `old: String @deprecated(reason: "use name") `, ""), []string{"DEPRECATED_FIELD_REMOVED Enterprise.old"}},
		{"field made nullable", replace(base, "name: String! brand: String old", "name: String brand: String old"), []string{"FIELD_TYPE_CHANGED Enterprise.name"}},
		{"field made non-null is fine", replace(base, "brand: String old", "brand: String! old"), nil},
		{"type removed", replace(replace(base, "type Other { id: ID! }", ""), "union Thing = Enterprise | Other", "union Thing = Enterprise"), []string{"TYPE_REMOVED Other", "UNION_MEMBER_REMOVED Thing.Other"}},
		{"enum value removed", replace(base, "enum Kind { A B }", "enum Kind { A }"), []string{"ENUM_VALUE_REMOVED Kind.B"}},
		{"required argument added", replace(base, "enterprises(first: Int)", "enterprises(first: Int, region: String!)"), []string{"REQUIRED_ARGUMENT_ADDED Query.enterprises(region)"}},
		{"optional argument added is fine", replace(base, "enterprises(first: Int)", "enterprises(first: Int, region: String)"), nil},
		{"argument made required", replace(base, "enterprises(first: Int)", "enterprises(first: Int!)"), []string{"ARGUMENT_TYPE_CHANGED Query.enterprises(first)"}},
		{"required input field added", replace(base, "input EnterpriseInput { name: String! brand: String }", "input EnterpriseInput { name: String! brand: String code: String! }"), []string{"REQUIRED_INPUT_FIELD_ADDED EnterpriseInput.code"}},
		{"input field removed", replace(base, "input EnterpriseInput { name: String! brand: String }", "input EnterpriseInput { name: String! }"), []string{"INPUT_FIELD_REMOVED EnterpriseInput.brand"}},
	}
	old, err := Load("old", base)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, err := Load("new", tt.new)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range Breaking(old, now) {
				got = append(got, c.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("breaking = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnintendedHonoursTheRecord(t *testing.T) {
	changes := []Change{{Kind: "FIELD_REMOVED", Path: "Enterprise.brand"}, {Kind: "ENUM_VALUE_REMOVED", Path: "Kind.B"}}
	got := Unintended(changes, "# removed on purpose in 2026-12\nFIELD_REMOVED Enterprise.brand\n\n")
	if len(got) != 1 || got[0].String() != "ENUM_VALUE_REMOVED Kind.B" {
		t.Errorf("unintended = %v", got)
	}
}

func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("not found: " + old)
	}
	return strings.Replace(s, old, new, 1)
}
