package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The committed schema.graphql is the served schema.
func TestSchemaFileIsCurrent(t *testing.T) {
	committed, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != sdl() {
		t.Fatal("schema.graphql is out of date: run 'go run . schema --write' and commit it")
	}
}

// The served schema breaks nothing since the last release that is not
// recorded as intended; and removing a field without marking it is caught
// (shown on a copy of the released schema, not by breaking the real one).
func TestBreakingChangesAreCaught(t *testing.T) {
	var out bytes.Buffer
	if err := checkBreaking(releasedFile, intendedFile, sdl(), &out); err != nil {
		t.Fatalf("the served schema: %v\n%s", err, out.String())
	}
	released, err := os.ReadFile(releasedFile)
	if err != nil {
		t.Fatal(err)
	}
	const field = "  \"\"\"\n  The express brand, e.g. 顺丰.\n  \"\"\"\n  brand: String!\n"
	if !strings.Contains(string(released), field) {
		t.Fatalf("fixture: Enterprise.brand not found as expected in %s", releasedFile)
	}
	withoutBrand := strings.Replace(string(released), field, "", 1)
	out.Reset()
	err = checkBreaking(releasedFile, filepath.Join(t.TempDir(), "none.txt"), withoutBrand, &out)
	if err == nil || !strings.Contains(out.String(), "BREAKING FIELD_REMOVED Enterprise.brand") {
		t.Fatalf("removing Enterprise.brand: err %v, output %q; want it reported as breaking", err, out.String())
	}
	intended := filepath.Join(t.TempDir(), "intended.txt")
	os.WriteFile(intended, []byte("FIELD_REMOVED Enterprise.brand\n"), 0o644)
	out.Reset()
	if err := checkBreaking(releasedFile, intended, withoutBrand, &out); err != nil {
		t.Fatalf("a removal recorded as intended still fails: %v", err)
	}
}
