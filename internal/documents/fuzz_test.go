package documents

import (
	"strings"
	"testing"
)

// FuzzNormalize: any text is either refused or normalised; a document New
// accepts has the hash of its text, is its own normal form (so its hash is
// stable under re-normalisation), and the registry finds it by its hash
// (any case, "sha256:" prefix) and by the text as sent. The package's
// TestMain starts its embedded database; this test does not use it. Run
// it with
// go test ./internal/documents -run '^$' -fuzz '^FuzzNormalize$' -parallel 1.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		`query Bodies($first: Int = 5) { bodies { code people(first: $first) { nodes { name } } } }`,
		"# comment\nquery A {\n  a # c\n}\n",
		`query A { a } query B { b }`,
		`{ a(s: "山西\"顺丰\"\n", b: """a
  block""", f: 1.50e3, l: [1, {k: $v}], e: ENUM, n: null) @skip(if: $x) ...F ... on T { c } } fragment F on Query { d }`,
		`subscription S { changed { id } }`,
		`fragment F on Query { a }`,
		`type Query { a: Int }`,
		`{`, ``, "\xff", `{ a(s: "\u0000\uD800") }`, `{ a(s: """\""" """) }`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		norm, nerr := Normalize(text)
		d, err := New(text, "fuzz.graphql")
		if nerr != nil {
			if err == nil {
				t.Fatalf("New(%q) accepted a text Normalize refuses (%v)", text, nerr)
			}
			return
		}
		if err != nil {
			// Accepted only if the normal form is not stable.
			if again, aerr := Normalize(norm); aerr == nil && again == norm {
				t.Fatalf("New(%q) = %v, but its normal form is stable", text, err)
			}
			return
		}
		if d.Text != norm || d.Hash != Hash(d.Text) || len(d.Hash) != 64 || d.Name == "" || d.Source != "fuzz.graphql" {
			t.Fatalf("New(%q) = %+v (normal form %q)", text, d, norm)
		}
		if again, err := Normalize(d.Text); err != nil || again != d.Text {
			t.Fatalf("the normal form of %q is not stable: %q, then %q, %v", text, d.Text, again, err)
		}
		if d2, err := New(d.Text, ""); err != nil || d2.Hash != d.Hash {
			t.Fatalf("New of the normal form of %q: %+v, %v; want hash %s", text, d2, err, d.Hash)
		}
		r := NewRegistry(d)
		for _, h := range []string{d.Hash, strings.ToUpper(d.Hash), "sha256:" + d.Hash} {
			if got, ok := r.Lookup(h); !ok || got.Hash != d.Hash {
				t.Fatalf("Lookup(%q) failed", h)
			}
		}
		for range 2 { // the second time from the memo
			if got, ok := r.Match(text); !ok || got.Hash != d.Hash {
				t.Fatalf("Match(%q) failed for the document it is", text)
			}
		}
		if _, ok := NewRegistry().Match(text); ok {
			t.Fatalf("an empty registry matched %q", text)
		}
	})
}
