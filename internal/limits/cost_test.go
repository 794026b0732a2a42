package limits

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

const costSDL = `
type Query {
  enterprises(first: Int, after: String, last: Int, before: String): EnterpriseConnection!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  bodies: [Body!]!
}
interface Node { id: ID! }
type EnterpriseConnection { totalCount: Int! nodes: [Enterprise!]! }
type Enterprise implements Node {
  id: ID!
  name: String!
  union: Union
  meetings(first: Int, last: Int): MeetingConnection!
}
type Union implements Node { id: ID! name: String! enterprise: Enterprise }
type MeetingConnection { nodes: [Meeting!]! }
type Meeting implements Node { id: ID! title: String! }
type Body { name: String! }
`

// fakeSchema is an executable schema without resolvers or costs of its
// own: enough for the complexity walker.
type fakeSchema struct{ s *ast.Schema }

func (f fakeSchema) Schema() *ast.Schema { return f.s }
func (fakeSchema) Complexity(context.Context, string, string, int, map[string]any) (int, bool) {
	return 0, false
}
func (fakeSchema) Exec(context.Context) graphql.ResponseHandler { return nil }

func TestCost(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: costSDL})
	es := CostSchema(fakeSchema{schema}, 20, 100)
	cases := []struct {
		name  string
		query string
		vars  string
		want  int
	}{
		{"a page of 10", `{ enterprises(first: 10) { nodes { name } } }`, ``, 1 + 10*(1+1)},
		{"no first: the default page", `{ enterprises { nodes { name } } }`, ``, 1 + 20*2},
		{"last counts like first", `{ enterprises(last: 5) { nodes { name } } }`, ``, 1 + 5*2},
		{"first over the page cap counts as the cap", `{ enterprises(first: 99999999) { nodes { name } } }`, ``, 1 + 100*2},
		{"first 0 counts as 1", `{ enterprises(first: 0) { nodes { name } } }`, ``, 1 + 1*2},
		{"negative first counts as 1", `{ enterprises(first: -5) { nodes { name } } }`, ``, 1 + 1*2},
		{"first from a variable", `query($n: Int) { enterprises(first: $n) { nodes { name } } }`, `{"n": 7}`, 1 + 7*2},
		{"every selection of the page is multiplied", `{ enterprises(first: 10) { totalCount nodes { id name union { name } } } }`, ``, 1 + 10*(1+(1+1+1+2))},
		{"nested connections multiply", `{ enterprises(first: 10) { nodes { meetings(first: 5) { nodes { title } } } } }`, ``, 1 + 10*(1+(1+5*(1+1)))},
		{"nested, at the caps", `{ enterprises(first: 100) { nodes { meetings(first: 100) { nodes { title } } } } }`, ``, 1 + 100*(1+(1+100*(1+1)))},
		{"through a fragment", `{ enterprises(first: 2) { ...F } } fragment F on EnterpriseConnection { nodes { name } }`, ``, 1 + 2*2},
		{"nodes(ids:) counts its ids", `{ nodes(ids: ["a", "b", "c"]) { id } }`, ``, 1 + 3*1},
		{"nodes(ids:) from a variable", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, `{"ids": ["a", "b", "c", "d"]}`, 1 + 4*1},
		{"nodes(ids: []) counts as 1", `{ nodes(ids: []) { id } }`, ``, 1 + 1},
		{"a list without arguments is not multiplied", `{ bodies { name } }`, ``, 2},
		{"an interface field: the costliest implementor", `{ node(id: "x") { ... on Enterprise { meetings(first: 3) { nodes { title } } } } }`, ``, 1 + (1 + 3*2)},
		{"__typename", `{ __typename }`, ``, 1},
		{"introspection costs nothing", `{ __schema { types { name fields { name } } } }`, ``, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQuery(schema, c.query)
			if errs != nil {
				t.Fatal(errs)
			}
			op := doc.Operations[0]
			var raw map[string]any
			if c.vars != "" {
				if err := json.Unmarshal([]byte(c.vars), &raw); err != nil {
					t.Fatal(err)
				}
			}
			vars, err := validator.VariableValues(schema, op, raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := Cost(context.Background(), es, op, vars); got != c.want {
				t.Errorf("cost %d, want %d", got, c.want)
			}
		})
	}
}

// The schema's own costs win; multipliers never drop below 1 (gqlgen would
// replace a cost below 1 by its default) and costs saturate.
func TestCostSchemaClampsAndSaturates(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: costSDL})
	es := CostSchema(fakeSchema{schema}, 20, 100)
	ctx := context.Background()
	if n, ok := es.Complexity(ctx, "Query", "enterprises", 3, map[string]any{"first": int64(0)}); !ok || n != 1+3 {
		t.Errorf("first 0: %d %v, want 4", n, ok)
	}
	if n, _ := es.Complexity(ctx, "Query", "enterprises", saturate, map[string]any{"first": int64(100)}); n != saturate {
		t.Errorf("huge child: %d, want the saturated %d", n, saturate)
	}
	if n, _ := es.Complexity(ctx, "Query", "enterprises", 1, map[string]any{"first": json.Number("30")}); n != 31 {
		t.Errorf("first as json.Number: %d, want 31", n)
	}
	if _, ok := es.Complexity(ctx, "Nope", "x", 1, nil); ok {
		t.Error("an unknown type has a cost")
	}
}
