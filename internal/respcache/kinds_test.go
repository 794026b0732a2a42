package respcache_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"sanfang/graph"
	"sanfang/internal/respcache"
)

// realSchema is the project's schema, as the server has it.
func realSchema() *ast.Schema { return graph.NewExecutableSchema(graph.Config{}).Schema() }

// analyze validates query against schema, as the server does, and analyzes
// its first operation.
func analyze(t *testing.T, schema *ast.Schema, query string, typeKinds map[string][]string) respcache.Dependencies {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(schema, query)
	if len(errs) > 0 {
		t.Fatalf("invalid query %s: %v", query, errs)
	}
	return respcache.Analyze(schema, doc, doc.Operations[0], typeKinds)
}

// analyzeUnvalidated parses query without validating it (fragment cycles
// and unknown fragments do not validate) and analyzes its first operation.
func analyzeUnvalidated(t *testing.T, schema *ast.Schema, query string) respcache.Dependencies {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatal(err)
	}
	return respcache.Analyze(schema, doc, doc.Operations[0], graph.CacheTypeKinds)
}

func k(kinds ...string) []string { return kinds }

var all = respcache.AllKinds()

func TestAllKinds(t *testing.T) {
	want := k("Activity", "AssociationMembership", "Body", "Enterprise", "Meeting", "MembershipFigures",
		"Person", "Plan", "ProgressUpdate", "Region", "Task", "Union")
	if !slices.Equal(all, want) {
		t.Errorf("AllKinds = %v, want %v", all, want)
	}
}

func TestKindsOfRealQueries(t *testing.T) {
	schema := realSchema()
	tests := []struct {
		name, query string
		want        []string
	}{
		{"enterprise, its union, its figures",
			`{ enterprises { nodes { name union { latestFigures { members } } } } }`,
			k("Enterprise", "MembershipFigures", "Union")},
		{"connection, edges, page info and provenance add nothing",
			`{ enterprises(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name provenance { basis recordedBy { name } } } } } }`,
			k("Enterprise")},
		{"a meeting's nested records are the meeting",
			`{ meetings { nodes { title agenda { title } decisions { text } source { title } speeches { summary } participants { capacity role } } } }`,
			k("Meeting")},
		{"…but what they refer to is not",
			`{ meetings { nodes { participants { person { name titles { title body { code } } } union { name } } decisions { plan { title } } } } }`,
			k("Body", "Meeting", "Person", "Plan", "Union")},
		{"milestones are the task", `{ tasks { nodes { number milestones { title doneOn } } } }`, k("Task")},
		{"titles are the person", `{ people { nodes { name titles { title } } } }`, k("Person")},
		{"a plan's progress",
			`{ plans { nodes { title tasks { nodes { progress leadBody { shortName } progressUpdates { nodes { text reporter { name } } } } } } } }`,
			k("Body", "Person", "Plan", "ProgressUpdate", "Task")},
		{"regions are fixed, their enterprises are not",
			`{ regions { code name enterprises { totalCount } } }`, k("Enterprise", "Region")},
		{"a scalar-only root field", `{ enterprise(creditCode: "91140100MA0HXXXX1X") { name couriers } }`, k("Enterprise")},
		{"two roots", `{ bodies { code } activities { nodes { title } } }`, k("Activity", "Body")},
		{"aliases change nothing", `{ a: unions { nodes { name } } b: unions { totalCount } }`, k("Union")},
		{"skipped branches still count",
			`query($x: Boolean!) { unions { nodes { name chair @include(if: $x) { name } } } }`, k("Person", "Union")},
		{"association membership", `{ enterprises { nodes { associationMembership { level } } } }`, k("AssociationMembership", "Enterprise")},
		{"node is every kind", `{ node(id: "RW50ZXJwcmlzZTplbnQtc2Y") { id } }`, all},
		{"nodes is every kind, fragments or not", `{ nodes(ids: ["x"]) { id ... on Enterprise { name } } }`, all},
		{"node below a field is every kind too", `{ enterprises { nodes { name } } node(id: "x") { id } }`, all},
		{"__schema depends on no kind", `{ __schema { queryType { name } types { name fields { name } } } }`, nil},
		{"__type depends on no kind", `{ __type(name: "Enterprise") { name kind } }`, nil},
		{"__typename depends on no kind", `{ __typename }`, nil},
		{"introspection beside data", `{ __typename __type(name: "Union") { name } unions { nodes { __typename name } } }`, k("Union")},
		{"named fragments",
			`query { unions { nodes { ...U } } } fragment U on Union { name enterprise { ...E } } fragment E on Enterprise { name tasks { nodes { title } } }`,
			k("Enterprise", "Task", "Union")},
		{"inline fragments, with and without a type",
			`{ plans { nodes { ... on Plan { adoptedAt { title } } ... @include(if: true) { bodies { code } } } } }`,
			k("Body", "Meeting", "Plan")},
		{"a fragment spread twice is walked once",
			`{ enterprises { nodes { ...E union { enterprise { ...E } } } } } fragment E on Enterprise { name activities { totalCount } }`,
			k("Activity", "Enterprise", "Union")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := analyze(t, schema, tt.query, nil)
			if !slices.Equal(d.Kinds, tt.want) {
				t.Errorf("kinds %v, want %v", d.Kinds, tt.want)
			}
			if d.Uncacheable != "" || d.PersonalData {
				t.Errorf("uncacheable %q, personal %v", d.Uncacheable, d.PersonalData)
			}
			// Kinds is Analyze's kinds.
			doc, _ := gqlparser.LoadQuery(schema, tt.query)
			if got := respcache.Kinds(schema, doc, doc.Operations[0], nil); !slices.Equal(got, tt.want) {
				t.Errorf("Kinds = %v", got)
			}
		})
	}
}

func TestKindsOfFragmentCycles(t *testing.T) {
	schema := realSchema()
	tests := []struct {
		name, query string
		want        []string
		unmapped    []string
	}{
		{"a cycle through two fragments",
			`query { enterprises { nodes { ...A } } } fragment A on Enterprise { name union { ...B } } fragment B on Union { name enterprise { ...A } chair { name } }`,
			k("Enterprise", "Person", "Union"), nil},
		{"a fragment that spreads itself",
			`query { unions { nodes { ...U } } } fragment U on Union { ...U parent { ...U } latestFigures { members } }`,
			k("MembershipFigures", "Union"), nil},
		{"an unknown fragment is every kind",
			`query { unions { nodes { ...Missing } } }`, all, k("fragment Missing")},
		{"an unknown field is every kind",
			`query { unions { nodes { nonsense { x } } } }`, all, k("Union.nonsense")},
		{"an unknown type condition is every kind",
			`query { unions { nodes { ... on Nonsense { x } } } }`, all, k("Nonsense")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := analyzeUnvalidated(t, schema, tt.query)
			if !slices.Equal(d.Kinds, tt.want) || !slices.Equal(d.Unmapped, tt.unmapped) {
				t.Errorf("kinds %v unmapped %v, want %v and %v", d.Kinds, d.Unmapped, tt.want, tt.unmapped)
			}
		})
	}
}

func TestAuditLogIsUncacheable(t *testing.T) {
	schema := realSchema()
	for _, query := range []string{
		`{ auditLog { nodes { seq actor { name } } } }`,
		`{ auditLog { edges { node { entityKind changes { field } } } } }`,
		`{ enterprises { totalCount } auditLog { totalCount } }`,
	} {
		if d := analyze(t, schema, query, nil); d.Uncacheable == "" {
			t.Errorf("%s: cacheable", query)
		}
	}
	// Provenance's actor is not the audit log.
	if d := analyze(t, schema, `{ unions { nodes { provenance { recordedBy { name } recordedAt } } } }`, nil); d.Uncacheable != "" {
		t.Errorf("provenance is uncacheable: %s", d.Uncacheable)
	}
}

func TestPersonalData(t *testing.T) {
	schema := realSchema()
	tests := []struct {
		query    string
		personal bool
	}{
		{`{ people { nodes { name phone } } }`, true},
		{`{ unions { nodes { chair { email } } } }`, true},
		{`{ node(id: "x") { ... on Person { phone } } }`, true},
		{`{ meetings { nodes { chair { ...P } } } } fragment P on Person { name email }`, true},
		{`{ people { nodes { name titles { title } } } }`, false},
	}
	for _, tt := range tests {
		if d := analyze(t, schema, tt.query, nil); d.PersonalData != tt.personal {
			t.Errorf("%s: personal data %v, want %v", tt.query, d.PersonalData, tt.personal)
		}
	}
}

// TestEveryTypeIsMapped selects every field of every type reachable from
// Query and checks each type maps to kinds by a rule, not by the "every
// kind" fallback. A failure names the new type: add it to the rules
// (kinds.go). Dashboard* aggregates are expected to be mapped by the
// Extension's TypeKinds, so they are only logged here.
func TestEveryTypeIsMapped(t *testing.T) {
	schema := realSchema()
	query := selectAll(schema, schema.Query, map[string]bool{schema.Query.Name: true})
	d := analyzeUnvalidated(t, schema, query)
	var unmapped, aggregates []string
	for _, name := range d.Unmapped {
		if strings.HasPrefix(name, "Dashboard") {
			aggregates = append(aggregates, name)
		} else {
			unmapped = append(unmapped, name)
		}
	}
	if len(aggregates) > 0 {
		t.Logf("aggregate types for the Extension's TypeKinds: %v", aggregates)
	}
	if len(unmapped) > 0 {
		t.Errorf("types reachable from Query with no kinds (each makes a query depend on every kind): %v", unmapped)
	}
}

// TestFederation: when the schema has Apollo Federation's fields,
// _service (the schema text) depends on no kind and _entities (any record)
// on every kind.
func TestFederation(t *testing.T) {
	schema := realSchema()
	if schema.Query.Fields.ForName("_service") == nil || schema.Query.Fields.ForName("_entities") == nil {
		t.Skip("the schema has no federation fields")
	}
	if d := analyze(t, schema, `{ _service { sdl } }`, nil); len(d.Kinds) != 0 || len(d.Unmapped) != 0 {
		t.Errorf("_service: kinds %v unmapped %v", d.Kinds, d.Unmapped)
	}
	d := analyze(t, schema, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { name } } }`, nil)
	if !slices.Equal(d.Kinds, all) {
		t.Errorf("_entities: kinds %v, want every kind", d.Kinds)
	}
}

// selectAll writes a selection of every field of t, expanding each object
// type once (arguments left out: the walk does not validate).
func selectAll(s *ast.Schema, t *ast.Definition, seen map[string]bool) string {
	var b strings.Builder
	b.WriteString("{ __typename")
	for _, f := range t.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		ft := s.Types[f.Type.Name()]
		switch {
		case ft.Kind != ast.Object && ft.Kind != ast.Interface && ft.Kind != ast.Union:
			b.WriteString(" " + f.Name)
		case !seen[ft.Name]:
			seen[ft.Name] = true
			b.WriteString(" " + f.Name + " " + selectAll(s, ft, seen))
		}
	}
	if t.Kind == ast.Interface || t.Kind == ast.Union {
		for _, pt := range s.GetPossibleTypes(t) {
			if !seen[pt.Name] {
				seen[pt.Name] = true
				b.WriteString(" ... on " + pt.Name + " " + selectAll(s, pt, seen))
			}
		}
	}
	b.WriteString(" }")
	return b.String()
}

// dashboardSchema has aggregate types the built-in rules cannot know.
const dashboardSchema = `
directive @cacheKinds(kinds: [String!]!) on OBJECT | FIELD_DEFINITION

type Query {
  unionCoverage: DashboardUnionCoverage!
  planProgress: DashboardPlanProgress!
  rows: DashboardRowConnection!
  annotated: Annotated!
  computed: Int! @cacheKinds(kinds: ["Task"])
  mystery: Mystery!
  enterprises: [Enterprise!]!
}
type DashboardUnionCoverage { covered: Int! byRegion: [DashboardRegionCoverage!]! }
type DashboardRegionCoverage { rate: Float region: Region! }
type DashboardPlanProgress { percent: Float! }
type DashboardRowConnection { nodes: [DashboardRow!]! edges: [DashboardRowEdge!]! }
type DashboardRowEdge { node: DashboardRow! }
type DashboardRow { label: String! }
type Annotated @cacheKinds(kinds: ["Plan", "Task"]) { x: Int }
type Mystery { x: Int }
type Enterprise { name: String! }
type Region { name: String! }
`

func TestTypeKinds(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: dashboardSchema})
	typeKinds := map[string][]string{
		"DashboardUnionCoverage":  {"Enterprise", "MembershipFigures", "Union"},
		"DashboardRegionCoverage": {},
		"DashboardPlanProgress":   {"Plan", "ProgressUpdate", "Task"},
		"DashboardRow":            {"Activity"},
	}
	tests := []struct {
		name, query string
		typeKinds   map[string][]string
		want        []string
		unmapped    []string
	}{
		{"an aggregate and what it reaches", `{ unionCoverage { covered byRegion { rate region { name } } } }`, typeKinds,
			k("Enterprise", "MembershipFigures", "Region", "Union"), nil},
		{"an aggregate of scalars", `{ planProgress { percent } }`, typeKinds, k("Plan", "ProgressUpdate", "Task"), nil},
		{"an aggregate's connection and edge", `{ rows { nodes { label } edges { node { label } } } }`, typeKinds, k("Activity"), nil},
		{"an aggregate nobody mapped is every kind", `{ planProgress { percent } }`, nil, all, k("DashboardPlanProgress")},
		{"a type of no known kind is every kind", `{ mystery { x } }`, typeKinds, all, k("Mystery")},
		{"@cacheKinds on a type", `{ annotated { x } }`, nil, k("Plan", "Task"), nil},
		{"@cacheKinds on a field", `{ computed }`, nil, k("Task"), nil},
		{"typeKinds overrides a built-in rule", `{ enterprises { name } }`, map[string][]string{"Enterprise": {"Enterprise", "Union"}},
			k("Enterprise", "Union"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := analyze(t, schema, tt.query, tt.typeKinds)
			if !slices.Equal(d.Kinds, tt.want) || !slices.Equal(d.Unmapped, tt.unmapped) {
				t.Errorf("kinds %v unmapped %v, want %v and %v", d.Kinds, d.Unmapped, tt.want, tt.unmapped)
			}
		})
	}
}
