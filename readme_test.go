package main

import (
	"os"
	"strings"
	"testing"
)

// README's configuration table names every setting, so that what --help
// lists and what the README documents do not drift apart.
func TestReadmeListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range settings() {
		if !strings.Contains(string(readme), "`"+s.env+"`") || !strings.Contains(string(readme), "`--"+s.name+"`") {
			t.Errorf("README.md does not document %s (--%s)", s.env, s.name)
		}
	}
}
