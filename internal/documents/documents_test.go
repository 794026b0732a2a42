package documents

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"sanfang/internal/store"
	"sanfang/internal/storetest"
)

var db *storetest.Server

func TestMain(m *testing.M) { storetest.Main(m, &db) }

// The same document however it is spaced, broken into lines or commented
// has one hash; the normalised text is its own normal form, and its hash is
// the SHA-256 of the text kept.
func TestNormalizeIgnoresLayoutAndComments(t *testing.T) {
	variants := []string{
		`query Bodies($first: Int = 5) { bodies { code people(first: $first) { nodes { name } } } }`,
		"# the bodies and their people\nquery Bodies(\n  $first: Int = 5\n) {\n  bodies {\n    code # the body's code\n    people(first: $first) { nodes { name } }\n  }\n}\n",
		"query Bodies($first:Int=5){bodies{code,people(first:$first){nodes{name}}}}",
	}
	first, err := New(variants[0], "")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range variants[1:] {
		d, err := New(v, "")
		if err != nil {
			t.Fatal(err)
		}
		if d.Hash != first.Hash || d.Text != first.Text {
			t.Errorf("%q normalised to\n%s\nnot\n%s", v, d.Text, first.Text)
		}
	}
	if first.Hash != Hash(first.Text) || len(first.Hash) != 64 {
		t.Errorf("hash %s is not the SHA-256 of the text", first.Hash)
	}
	if again, _ := Normalize(first.Text); again != first.Text {
		t.Errorf("the normal form is not stable:\n%s\n%s", first.Text, again)
	}
	if strings.Contains(first.Text, "#") {
		t.Errorf("comments kept: %s", first.Text)
	}
	other, _ := New(`query Bodies($first: Int = 5) { bodies { code people(first: $first) { nodes { id } } } }`, "")
	if other.Hash == first.Hash {
		t.Error("two different documents have one hash")
	}
	// Literals survive: strings with escapes and Chinese, block strings,
	// lists, objects, enums, directives, fragments.
	tricky := `query Find($skip: Boolean!) {
		enterprises(filter: {nameContains: "山西\"顺丰\"\n", regionCodes: ["140100"]}, orderBy: {field: NAME, direction: ASC}) @skip(if: $skip) {
			nodes { ...E }
		}
		b: bodies { note: shortName description(text: """a
  block""") }
	}
	fragment E on Enterprise { name brand }`
	d, err := New(tricky, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"山西\"顺丰\"\n"`, "... E", "fragment E on Enterprise", "@skip(if: $skip)", "NAME"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("normalised text lacks %q:\n%s", want, d.Text)
		}
	}
}

func TestNewNamesAndRefuses(t *testing.T) {
	for _, c := range []struct{ text, source, name string }{
		{`query A { a } query B { b }`, "x.graphql", "A,B"},
		{`{ a }`, "dir/dashboard-overview.graphql", "dashboard-overview"},
		{`{ a }`, "", "(anonymous)"},
		{`mutation Save { a }`, "", "Save"},
	} {
		d, err := New(c.text, c.source)
		if err != nil || d.Name != c.name || d.Source != c.source {
			t.Errorf("New(%q, %q) = %+v, %v; want name %q", c.text, c.source, d, err, c.name)
		}
	}
	for _, bad := range []string{``, `{`, `fragment F on Query { a }`, `type Query { a: Int }`} {
		if _, err := New(bad, ""); err == nil {
			t.Errorf("New(%q) succeeded", bad)
		}
	}
}

func testSchema(t *testing.T) *ast.Schema {
	t.Helper()
	return gqlparser.MustLoadSchema(&ast.Source{Input: `type Query { bodies: [Body!]! } type Body { code: String! shortName: String! }`})
}

func TestValidateAgainstTheSchema(t *testing.T) {
	s := testSchema(t)
	good, _ := New(`query B { bodies { code shortName } }`, "")
	if err := good.Validate(s); err != nil {
		t.Errorf("a valid document: %v", err)
	}
	bad, _ := New(`query B { bodies { code shortNam } }`, "")
	if err := bad.Validate(s); err == nil || !strings.Contains(err.Error(), "shortNam") {
		t.Errorf("a typo'd field: %v", err)
	}
}

func TestRegistryLookupAndMatch(t *testing.T) {
	a, _ := New("query A { bodies { code } }", "")
	b, _ := New("query B { bodies { shortName } }", "")
	r := NewRegistry(a, b)
	if r.Len() != 2 {
		t.Fatalf("Len %d", r.Len())
	}
	if d, ok := r.Lookup(a.Hash); !ok || d.Hash != a.Hash {
		t.Error("Lookup by hash failed")
	}
	if _, ok := r.Lookup("sha256:" + strings.ToUpper(a.Hash)); !ok {
		t.Error("Lookup with a sha256: prefix in upper case failed")
	}
	for _, q := range []string{a.Text, "query A { bodies { code } }", "query A {\n bodies {\n  code # c\n }\n}"} {
		for range 2 { // the second time from the memo
			if d, ok := r.Match(q); !ok || d.Hash != a.Hash {
				t.Errorf("Match(%q) = %v, %v", q, d.Name, ok)
			}
		}
	}
	for _, q := range []string{"query A { bodies { code shortName } }", "{ bodies { code } }", "query A {", ""} {
		if _, ok := r.Match(q); ok {
			t.Errorf("Match(%q) matched", q)
		}
	}
	if names := r.List(); len(names) != 2 || names[0].Name != "A" || names[1].Name != "B" {
		t.Errorf("List = %+v", names)
	}
	r.Set([]Document{b})
	if _, ok := r.Match("query A { bodies { code } }"); ok {
		t.Error("a document removed by Set still matches (from the memo)")
	}
	if _, ok := r.Lookup(b.Hash); !ok || r.Len() != 1 {
		t.Error("Set did not keep b")
	}
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b.graphql", "query B { b }")
	write("a.gql", "{ a }")
	write("notes.txt", "not a document")
	if err := os.Mkdir(filepath.Join(dir, "sub.graphql"), 0o755); err != nil {
		t.Fatal(err)
	}
	docs, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].Name != "a" || docs[1].Name != "B" || docs[0].Source != filepath.Join(dir, "a.gql") {
		t.Fatalf("ReadDir = %+v", docs)
	}
	write("c.graphql", "query C {")
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), "c.graphql") {
		t.Fatalf("a broken file: %v; want an error naming it", err)
	}
}

func TestStoreAddListFindRemoveGather(t *testing.T) {
	ctx := context.Background()
	st := db.Open(t, nil)
	ds := NewStore(st.Database(store.Joint))
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ds.Now = func() time.Time { now = now.Add(time.Minute); return now }

	a, _ := New("query A { a }", "a.graphql")
	b, _ := New("query B { b }", "b.graphql")
	first, added, err := ds.Add(ctx, a)
	if err != nil || !added || !first.AddedAt.Equal(time.Date(2026, 3, 1, 9, 1, 0, 0, time.UTC)) {
		t.Fatalf("Add a: %+v %v %v", first, added, err)
	}
	if _, added, err := ds.Add(ctx, b); err != nil || !added {
		t.Fatalf("Add b: %v %v", added, err)
	}
	again, _ := New("query A {\n  a\n}", "elsewhere.graphql")
	stored, added, err := ds.Add(ctx, again)
	if err != nil || added || stored.Source != "a.graphql" || !stored.AddedAt.Equal(first.AddedAt) {
		t.Fatalf("Add a again: %+v %v %v; want the first one, not added", stored, added, err)
	}
	bad := a
	bad.Text += " "
	if _, _, err := ds.Add(ctx, bad); err == nil {
		t.Fatal("a document whose hash is not its text's was added")
	}
	list, err := ds.List(ctx)
	if err != nil || len(list) != 2 || list[0].Hash != a.Hash || list[1].Hash != b.Hash || list[0].Text != a.Text {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if d, err := ds.Find(ctx, b.Hash[:10]); err != nil || d.Hash != b.Hash {
		t.Errorf("Find by prefix: %+v %v", d, err)
	}
	if _, err := ds.Find(ctx, "abc"); err == nil || !strings.Contains(err.Error(), "8") {
		t.Errorf("Find with 3 digits: %v", err)
	}
	if _, err := ds.Find(ctx, "zzzzzzzzzz"); err == nil {
		t.Error("Find with non-hex digits succeeded")
	}
	if _, err := ds.Find(ctx, strings.Repeat("0", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Find of an unknown hash: %v", err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "c.graphql"), []byte("query C { c }"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.graphql"), []byte("query A { a }"), 0o644); err != nil {
		t.Fatal(err)
	}
	all, err := Gather(ctx, dir, ds)
	if err != nil || len(all) != 3 {
		t.Fatalf("Gather = %+v, %v; want a and c from the directory and b from the store", all, err)
	}

	removed, err := ds.Remove(ctx, "sha256:"+a.Hash)
	if err != nil || removed.Hash != a.Hash {
		t.Fatalf("Remove: %+v %v", removed, err)
	}
	if _, err := ds.Remove(ctx, a.Hash); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Remove again: %v", err)
	}
	if list, _ := ds.List(ctx); len(list) != 1 || list[0].Hash != b.Hash {
		t.Fatalf("after Remove: %+v", list)
	}
}
