package limits

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func parse(t *testing.T, q string) *ast.QueryDocument {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	return doc
}

// fragmentBomb is a chain of n fragments, each spreading the next twice.
func fragmentBomb(n int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { a }\n", n)
	return b.String()
}

func TestMeasure(t *testing.T) {
	cases := []struct {
		name  string
		query string
		want  Measures
	}{
		{"one field", `{ a }`, Measures{Depth: 1, Fields: 1, RootFields: 1}},
		{"nested", `{ a { b { c } d } }`, Measures{Depth: 3, Fields: 4, RootFields: 1}},
		{"through a fragment", `{ a { ...F } } fragment F on T { b { c } }`, Measures{Depth: 3, Fields: 3, RootFields: 1}},
		{"through an inline fragment", `{ a { ... on T { b { c } } } }`, Measures{Depth: 3, Fields: 3, RootFields: 1}},
		{"fragment used at two depths", `{ a { ...F } b { c { ...F } } } fragment F on T { x { y } }`, Measures{Depth: 4, Fields: 7, RootFields: 2}},
		{"cyclic relationship", `{ enterprises { nodes { union { enterprise { union { enterprise { name } } } } } } }`, Measures{Depth: 7, Fields: 7, RootFields: 1}},
		{"introspection ofType is free", `{ __schema { types { fields { type { ...TypeRef } } } } }
			fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind } } } } }`,
			Measures{Depth: 5, Fields: 17, RootFields: 1}},
		{"ofType elsewhere counts", `{ a { ofType { ofType { b } } } }`, Measures{Depth: 4, Fields: 4, RootFields: 1}},
		{"introspection still counts other fields", `{ __type(name: "X") { fields { type { fields { type { name } } } } } }`, Measures{Depth: 6, Fields: 6, RootFields: 1}},
		{"aliases per selection set and in total", `{ a: x b: x c: y x d { e: z f: z } }`, Measures{Depth: 2, Fields: 7, RootFields: 5, Aliases: 3, AliasesTotal: 5}},
		{"a repeated alias is one response name", `{ a: x a: x a: x }`, Measures{Depth: 1, Fields: 3, RootFields: 1, Aliases: 1, AliasesTotal: 3}},
		{"root fields through fragments", `{ a ...F ... on Query { d } } fragment F on Query { b c a }`, Measures{Depth: 1, Fields: 5, RootFields: 4}},
		{"root fields: the largest operation", `query A { a b } query B { a b c }`, Measures{Depth: 1, Fields: 5, RootFields: 3}},
		{"directives everywhere", `query Q($v: Boolean! @d) @d { a @include(if: $v) @skip(if: false) ...F @d ... @d { b } } fragment F on Query @d { c }`,
			Measures{Depth: 1, Fields: 3, RootFields: 3, Directives: 7}},
		{"fields with spreads expanded", `{ ...F ...F x: __typename } fragment F on Query { a b }`, Measures{Depth: 1, Fields: 5, RootFields: 3, Aliases: 1, AliasesTotal: 1}},
		{"fragment bomb", fragmentBomb(30), Measures{Depth: 1, Fields: 1 << 30, RootFields: 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Measure(parse(t, c.query))
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("Measure:\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestMeasureRefusesFragmentCycles(t *testing.T) {
	cases := []struct {
		query string
		path  []string
	}{
		{`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, []string{"A", "B", "A"}},
		{`{ a { ...A } } fragment A on T { b { ...A } }`, []string{"A", "A"}},
		{`{ ...A } fragment A on Query { ...B } fragment B on Query { ... on Query { x { ...C } } } fragment C on X { ...B }`, []string{"B", "C", "B"}},
	}
	for _, c := range cases {
		start := time.Now()
		_, err := Measure(parse(t, c.query))
		var ce *CycleError
		if !errors.As(err, &ce) {
			t.Fatalf("%s: got %v, want a cycle", c.query, err)
		}
		if !slices.Equal(ce.Path, c.path) {
			t.Errorf("%s: cycle %v, want %v", c.query, ce.Path, c.path)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: took %s", c.query, d)
		}
	}
}

func TestCountTokens(t *testing.T) {
	cases := []struct {
		query string
		limit int
		n     int
		over  bool
	}{
		{`{ a }`, 0, 3, false},
		{`# a comment is no token
		{ a(x: 1) @include(if: true) }`, 0, 15, false},
		{`{ a b c d e }`, 3, 4, true},
		{`{ a b c }`, 5, 5, false},
		{strings.Repeat("__typename ", 20000), 5000, 5001, true},
		{`{ a "unterminated`, 0, 2, false},
	}
	for _, c := range cases {
		n, over := CountTokens(c.query, c.limit)
		if n != c.n || over != c.over {
			t.Errorf("CountTokens(%.40q, %d) = %d, %v; want %d, %v", c.query, c.limit, n, over, c.n, c.over)
		}
	}
}

// Each document limit refuses with its own name, and a document within
// every limit passes.
func TestCheckDocumentNamesTheLimit(t *testing.T) {
	many := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i) + " ")
		}
		return b.String()
	}
	deep := func(n int) string {
		return strings.Repeat("a { ", n-1) + "b" + strings.Repeat(" }", n-1)
	}
	c := Defaults().withDefaults()
	cases := []struct {
		name, query, limit string
	}{
		{"within every limit", `{ enterprises(first: 3) { nodes { name union { name } } } }`, ""},
		{"depth 12 passes", "{ " + deep(12) + " }", ""},
		{"depth 13", "{ " + deep(13) + " }", NameMaxDepth},
		{"depth through fragments", `{ a { ...F } } fragment F on T { ` + deep(12) + ` }`, NameMaxDepth},
		{"root fields", "{ " + many(11, func(i int) string { return fmt.Sprintf("f%d", i) }) + " }", NameMaxRootFields},
		{"aliases in one set", "{ a { " + many(31, func(i int) string { return fmt.Sprintf("a%d: x", i) }) + " } }", NameMaxAliases},
		{"aliases in the document", "{ " + many(5, func(i int) string {
			return fmt.Sprintf("r%d: a { %s }", i, many(25, func(j int) string { return fmt.Sprintf("a%d: x", j) }))
		}) + " }", NameMaxAliasesTotal},
		{"directives", "{ a " + strings.Repeat("@include(if: true) ", 21) + "}", NameMaxDirectives},
		{"fields", "{ " + strings.Repeat("__typename ", 1001) + "}", NameMaxFields},
		{"fragment bomb", fragmentBomb(20), NameMaxFields},
		{"fragment cycle", `{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := c.checkDocument(parse(t, tc.query))
			switch {
			case tc.name == "fragment cycle":
				if e == nil || e.Code != CodeValidationFailed || !strings.Contains(e.Message, "A → B → A") {
					t.Errorf("got %+v, want GRAPHQL_VALIDATION_FAILED naming the cycle", e)
				}
			case tc.limit == "" && e != nil:
				t.Errorf("refused: %v", e)
			case tc.limit != "" && (e == nil || e.Limit != tc.limit || e.Code != CodeLimitExceeded):
				t.Errorf("got %+v, want %s refused by %s", e, CodeLimitExceeded, tc.limit)
			case e != nil && !strings.Contains(e.Message, tc.limit):
				t.Errorf("message %q does not name %s", e.Message, tc.limit)
			}
		})
	}
}

// An off limit (negative) never refuses.
func TestOffLimitsDoNotRefuse(t *testing.T) {
	c := Config{MaxDepth: Off, MaxFields: Off, MaxRootFields: Off}.withDefaults()
	q := "{ " + strings.Repeat("a { ", 40) + "b" + strings.Repeat(" }", 40) + " }"
	if e := c.checkDocument(parse(t, q)); e != nil {
		t.Errorf("refused with max-depth off: %v", e)
	}
}
