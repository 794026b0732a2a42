package limits

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Fuzz tests of what the limits read from a client before anything else
// does: the query text (tokens, shape, cost) and the client address header.
// Run one with
// go test ./internal/limits -run '^$' -fuzz '^FuzzMeasure$' -parallel 1.

// fuzzQueries are seed documents: valid ones, cycles, bombs and junk.
var fuzzQueries = []string{
	`{ a }`,
	`query Q($n: Int = 3) { enterprises(first: $n) { nodes { name union { name } } } }`,
	`{ a { ...F } } fragment F on T { b { c } }`,
	`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`,
	`{ ...A } fragment A on Query { a ...A }`,
	`{ a: x b: x c: y x d { e: z f: z } }`,
	`query Q($v: Boolean! @d) @d { a @include(if: $v) ...F @d ... @d { b } } fragment F on Query @d { c }`,
	`{ __schema { types { fields { type { ...T } } } } } fragment T on __Type { ofType { ofType { name } } }`,
	fragmentBomb(8),
	`{ a(x: "unterminated }`,
	`{ a(s: """block""" n: 1.5e3 l: [1, {k: $v}]) } # comment`,
	`{{{{{{{{{{`,
	"\xff\xfe{ a }",
	"",
}

// FuzzCountTokens: the count stops exactly one past the limit, and under
// the limit it is the full count.
func FuzzCountTokens(f *testing.F) {
	for i, q := range fuzzQueries {
		f.Add(q, int16(i-2))
	}
	f.Fuzz(func(t *testing.T, q string, limit int16) {
		all, over := CountTokens(q, 0)
		if over || all < 0 {
			t.Fatalf("CountTokens(%q, 0) = %d, %v", q, all, over)
		}
		n, over := CountTokens(q, int(limit))
		switch {
		case limit <= 0:
			if n != all || over {
				t.Fatalf("CountTokens(%q, %d) = %d, %v; without a limit %d", q, limit, n, over, all)
			}
		case over:
			if n != int(limit)+1 || all <= int(limit) {
				t.Fatalf("CountTokens(%q, %d) = %d, over; the document has %d", q, limit, n, all)
			}
		default:
			if n != all || n > int(limit) {
				t.Fatalf("CountTokens(%q, %d) = %d, not over; the document has %d", q, limit, n, all)
			}
		}
	})
}

// FuzzMeasure: any document that parses is measured (or refused as a
// fragment cycle whose path starts and ends with the same fragment),
// deterministically, with consistent measures; the limiter's whole check
// of a query text never panics and refuses with a message.
func FuzzMeasure(f *testing.F) {
	for _, q := range fuzzQueries {
		f.Add(q)
	}
	l := New(Config{}, nil)
	f.Fuzz(func(t *testing.T, q string) {
		if e := l.checkQuery(q); e != nil && (e.Message == "" || e.Code == "") {
			t.Fatalf("checkQuery(%q) refused without a code or message: %#v", q, e)
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			return
		}
		m, err := Measure(doc)
		if err != nil {
			var ce *CycleError
			if !errors.As(err, &ce) || len(ce.Path) < 2 || ce.Path[0] != ce.Path[len(ce.Path)-1] {
				t.Fatalf("Measure(%q) = %v, want a cycle", q, err)
			}
			return
		}
		for _, v := range []int{m.Depth, m.Fields, m.RootFields, m.Aliases, m.AliasesTotal, m.Directives} {
			if v < 0 || v > saturate {
				t.Fatalf("Measure(%q) = %+v: out of range", q, m)
			}
		}
		if m.Depth > m.Fields || m.RootFields > m.Fields || m.Aliases > m.AliasesTotal {
			t.Fatalf("Measure(%q) = %+v: inconsistent", q, m)
		}
		if again, err := Measure(doc); err != nil || again != m {
			t.Fatalf("Measure(%q) = %+v, then %+v, %v", q, m, again, err)
		}
	})
}

// FuzzCost: a document the limits and validation let through has a cost,
// with the variables a client sends (any JSON); a connection never costs
// less than its selections counted once.
func FuzzCost(f *testing.F) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: costSDL})
	es := CostSchema(fakeSchema{schema}, 20, 100)
	l := New(Config{}, nil)
	f.Add(`query($n: Int) { enterprises(first: $n) { nodes { name meetings(last: $n) { nodes { title } } } } }`, `{"n": 7}`)
	f.Add(`query($n: Int) { enterprises(first: $n) { nodes { name } } }`, `{"n": 1e300}`)
	f.Add(`query($n: Int) { enterprises(first: $n) { nodes { name } } }`, `{"n": -99999999999999999999}`)
	f.Add(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, `{"ids": ["a", "b", "c"]}`)
	f.Add(`{ node(id: "x") { ... on Enterprise { meetings { nodes { title } } } } }`, `{}`)
	f.Add(`{ bodies { name } __schema { types { name } } }`, `null`)
	f.Add(`query($n: Int) { enterprises(first: $n) { totalCount } }`, `{"n": "7"}`)
	f.Fuzz(func(t *testing.T, q, varsJSON string) {
		if l.checkQuery(q) != nil {
			return
		}
		doc, errs := gqlparser.LoadQuery(schema, q)
		if len(errs) > 0 {
			return
		}
		var vars map[string]any
		dec := json.NewDecoder(bytes.NewReader([]byte(varsJSON)))
		dec.UseNumber()
		if dec.Decode(&vars) != nil {
			vars = nil
		}
		for _, op := range doc.Operations {
			coerced, err := validator.VariableValues(schema, op, vars)
			if err != nil {
				continue
			}
			cost := Cost(context.Background(), es, op, coerced)
			if cost < 0 {
				t.Fatalf("Cost(%q, %s) = %d", q, varsJSON, cost)
			}
			if len(op.SelectionSet) > 0 && cost < 1 && !onlyIntrospection(op.SelectionSet) {
				t.Fatalf("Cost(%q, %s) = %d for an operation with fields", q, varsJSON, cost)
			}
		}
	})
}

// onlyIntrospection reports whether a selection set holds nothing but
// introspection and __typename (which cost nothing, or may).
func onlyIntrospection(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.Name) < 2 || s.Name[:2] != "__" {
				return false
			}
		case *ast.InlineFragment:
			if !onlyIntrospection(s.SelectionSet) {
				return false
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && !onlyIntrospection(s.Definition.SelectionSet) {
				return false
			}
		}
	}
	return true
}

// FuzzClientIP: the client address is the last address of the trusted
// proxy header when that is an IP, and otherwise the connection's.
func FuzzClientIP(f *testing.F) {
	f.Add("203.0.113.7", "10.0.0.1:443")
	f.Add("198.51.100.1, 203.0.113.7", "[::1]:80")
	f.Add("203.0.113.7, evil", "10.0.0.1:443")
	f.Add("", "not an address")
	f.Add(",,,", "")
	f.Add("2001:db8::1", "[2001:db8::2]:8080")
	l := New(Config{ClientIPHeader: "X-Forwarded-For"}, nil)
	f.Fuzz(func(t *testing.T, header, remote string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header["X-Forwarded-For"] = []string{header}
		ip := l.clientIP(r)
		if net.ParseIP(ip) != nil {
			if host, _, err := net.SplitHostPort(remote); ip == remote || (err == nil && ip == host) {
				return
			}
			if !slices.Contains(splitTrim(header), ip) {
				t.Fatalf("clientIP(%q, %q) = %q, from neither", header, remote, ip)
			}
			return
		}
		host, _, err := net.SplitHostPort(remote)
		if (err == nil && ip != host) || (err != nil && ip != remote) {
			t.Fatalf("clientIP(%q, %q) = %q, not the connection's address", header, remote, ip)
		}
	})
}

func splitTrim(s string) []string {
	var out []string
	for _, p := range bytes.Split([]byte(s), []byte(",")) {
		out = append(out, string(bytes.TrimSpace(p)))
	}
	return out
}
