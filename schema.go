package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/vektah/gqlparser/v2/formatter"

	"sanfang/graph"
	"sanfang/internal/schemacheck"
)

// The schema as SDL is committed (schema.graphql) so that partners and CI
// see every change; schema/released.graphql is the last released version,
// and schema/intended-breaking-changes.txt lists the breaking changes made
// on purpose since then.
const (
	schemaFile   = "schema.graphql"
	releasedFile = "schema/released.graphql"
	intendedFile = "schema/intended-breaking-changes.txt"
)

// sdl is the served schema as SDL.
func sdl() string {
	var b bytes.Buffer
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(graph.NewExecutableSchema(graph.Config{}).Schema())
	return b.String()
}

// runSchema is "sanfang schema": print the SDL, write it to schema.graphql,
// check the committed file is current, or check for breaking changes
// against the last release.
//
//	sanfang schema              print the schema
//	sanfang schema --write      write schema.graphql
//	sanfang schema --check      fail if schema.graphql is not the served schema
//	sanfang schema --breaking   fail on breaking changes since schema/released.graphql
//	                            that schema/intended-breaking-changes.txt does not list
func runSchema(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("schema", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("write", false, "write "+schemaFile)
	check := fs.Bool("check", false, "fail if "+schemaFile+" is out of date")
	breaking := fs.Bool("breaking", false, "fail on unintended breaking changes since "+releasedFile)
	against := fs.String("against", releasedFile, "the released schema to compare with")
	intended := fs.String("intended", intendedFile, "the breaking changes recorded as intended")
	if err := fs.Parse(args); err != nil {
		return err
	}
	current := sdl()
	switch {
	case *write:
		return os.WriteFile(schemaFile, []byte(current), 0o644)
	case *check:
		committed, err := os.ReadFile(schemaFile)
		if err != nil {
			return fmt.Errorf("read %s: %w", schemaFile, err)
		}
		if string(committed) != current {
			return fmt.Errorf("%s is out of date: run 'go run . schema --write' and commit it", schemaFile)
		}
		fmt.Fprintf(stdout, "%s is current\n", schemaFile)
		return nil
	case *breaking:
		return checkBreaking(*against, *intended, current, stdout)
	}
	_, err := io.WriteString(stdout, current)
	return err
}

func checkBreaking(againstFile, intendedFile, current string, stdout io.Writer) error {
	released, err := os.ReadFile(againstFile)
	if err != nil {
		return fmt.Errorf("read the released schema: %w", err)
	}
	old, err := schemacheck.Load(againstFile, string(released))
	if err != nil {
		return err
	}
	now, err := schemacheck.Load("served schema", current)
	if err != nil {
		return err
	}
	allowed, err := os.ReadFile(intendedFile)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read %s: %w", intendedFile, err)
	}
	changes := schemacheck.Breaking(old, now)
	bad := schemacheck.Unintended(changes, string(allowed))
	for _, c := range bad {
		fmt.Fprintf(stdout, "BREAKING %s: %s\n", c, c.Detail)
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d breaking change(s) since %s; deprecate instead, or record each as intended in %s", len(bad), againstFile, intendedFile)
	}
	fmt.Fprintf(stdout, "no unintended breaking changes since %s (%d intended)\n", againstFile, len(changes))
	return nil
}
