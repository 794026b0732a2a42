package graph

import (
	"errors"
	"strings"
	"testing"

	"sanfang/internal/domain"
)

// The fuzz tests of this package are in package graph (the package's other
// tests are graph_test) because global ID decoding is unexported. The
// package's TestMain still starts its embedded database; these tests do not
// use it. Run one with
// go test ./graph -run '^$' -fuzz '^FuzzParseGlobalID$' -parallel 1.

// wantInputError fails unless err is a BAD_USER_INPUT error about arg.
func wantInputError(t *testing.T, err error, arg, input string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeBadUserInput || de.Field != arg || de.Message == "" {
		t.Fatalf("%q: got %#v, want a BAD_USER_INPUT error about %s", input, err, arg)
	}
}

// FuzzParseGlobalID: any string a client passes as an ID is either refused
// with a BAD_USER_INPUT error about the argument, or is exactly the global
// ID of a non-empty type (without ":") and id; localID accepts it as its
// own type only.
func FuzzParseGlobalID(f *testing.F) {
	for _, s := range []string{
		globalID("Enterprise", "ent-sf"), globalID("Union", "union:with:colons"), globalID("Region", "140100"),
		"", "=", "RW50ZXJwcmlzZTplbnQtc2Y=", "RW50ZXJwcmlzZQ", "OmVudC1zZg", "RW50ZXJwcmlzZTo", "not base64!",
		"RW50ZXJw\ncmlzZTplbnQtc2Y", "RW50ZXJwcmlzZTplbnQtc2Z", "/+/+", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, gid string) {
		typ, id, err := parseGlobalID("id", gid)
		if err != nil {
			wantInputError(t, err, "id", gid)
			if typ != "" || id != "" {
				t.Fatalf("parseGlobalID(%q) refused but returned %q, %q", gid, typ, id)
			}
			if _, lerr := localID("id", "Enterprise", gid); lerr == nil {
				t.Fatalf("localID accepted %q, which parseGlobalID refuses", gid)
			}
			return
		}
		if typ == "" || id == "" || strings.Contains(typ, ":") {
			t.Fatalf("parseGlobalID(%q) = %q, %q", gid, typ, id)
		}
		// Only the canonical spelling is accepted: one ID per record.
		if canon := globalID(typ, id); canon != gid {
			t.Fatalf("%q accepted as %q, %q, whose ID is %q", gid, typ, id, canon)
		}
		if got, err := localID("filter.id", typ, gid); err != nil || got != id {
			t.Fatalf("localID(%q, %q) = %q, %v; want %q", typ, gid, got, err, id)
		}
		_, err = localID("filter.id", typ+"X", gid)
		wantInputError(t, err, "filter.id", gid)
	})
}

// FuzzGlobalIDRoundTrip: the global ID of any type name (non-empty, no
// ":") and non-empty id decodes back to them, and is URL-safe.
func FuzzGlobalIDRoundTrip(f *testing.F) {
	f.Add("Enterprise", "ent-sf")
	f.Add("Task", "task:2026:01")
	f.Add("Person", "张三")
	f.Add("X", "\xff\x00")
	f.Add("", "ent-sf")
	f.Add("Enterprise", "")
	f.Fuzz(func(t *testing.T, typ, id string) {
		gid := globalID(typ, id)
		if strings.ContainsAny(gid, "+/=") {
			t.Fatalf("globalID(%q, %q) = %q is not URL-safe", typ, id, gid)
		}
		t2, id2, err := parseGlobalID("id", gid)
		if strings.Contains(typ, ":") {
			return // no type name has one
		}
		if typ == "" || id == "" {
			if err == nil {
				t.Fatalf("globalID(%q, %q) = %q accepted as %q, %q", typ, id, gid, t2, id2)
			}
			wantInputError(t, err, "id", gid)
			return
		}
		if err != nil || t2 != typ || id2 != id {
			t.Fatalf("globalID(%q, %q) = %q decodes to %q, %q, %v", typ, id, gid, t2, id2, err)
		}
		ids := []string{gid, gid}
		if err := localIDList("ids", typ, ids); err != nil || ids[0] != id || ids[1] != id {
			t.Fatalf("localIDList(%q) = %q, %v", gid, ids, err)
		}
	})
}
