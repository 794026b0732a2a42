// Package schemacheck finds the changes between two versions of a GraphQL
// schema that would break a client written against the older one.
package schemacheck

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Change is one breaking change, e.g. "FIELD_REMOVED Enterprise.brand".
type Change struct {
	Kind   string
	Path   string
	Detail string
}

// String is the change as CI prints it and as an allow-list names it:
// "KIND path".
func (c Change) String() string { return c.Kind + " " + c.Path }

// federationDirectives define the Apollo Federation directives a subgraph's
// SDL uses but, as served, does not define.
var federationDirectives = map[string]string{
	"link":      `directive @link(url: String!, import: [String!]) repeatable on SCHEMA`,
	"key":       `directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE`,
	"shareable": `directive @shareable repeatable on OBJECT | FIELD_DEFINITION`,
}

// Load parses an SDL document into a schema.
func Load(name, sdl string) (*ast.Schema, error) {
	var prelude []string
	for d, def := range federationDirectives {
		if !strings.Contains(sdl, "directive @"+d+"(") && !strings.Contains(sdl, "directive @"+d+" ") {
			prelude = append(prelude, def)
		}
	}
	sort.Strings(prelude)
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "federation directives", Input: strings.Join(prelude, "\n")}, &ast.Source{Name: name, Input: sdl})
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return s, nil
}

// Breaking lists what a client of old would find broken in new: types,
// fields, enum values, arguments or input fields removed; a field's or
// argument's type changed in an incompatible way; a new required argument
// or input field. Additions that clients may ignore are not listed.
func Breaking(old, new *ast.Schema) []Change {
	var out []Change
	add := func(kind, path, format string, args ...any) {
		out = append(out, Change{Kind: kind, Path: path, Detail: fmt.Sprintf(format, args...)})
	}
	for name, ot := range old.Types {
		if ot.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		nt, ok := new.Types[name]
		if !ok {
			add("TYPE_REMOVED", name, "type %s was removed", name)
			continue
		}
		if ot.Kind != nt.Kind {
			add("TYPE_KIND_CHANGED", name, "%s changed from %s to %s", name, ot.Kind, nt.Kind)
			continue
		}
		switch ot.Kind {
		case ast.Object, ast.Interface:
			for _, of := range ot.Fields {
				if strings.HasPrefix(of.Name, "__") {
					continue
				}
				path := name + "." + of.Name
				nf := nt.Fields.ForName(of.Name)
				if nf == nil {
					if of.Directives.ForName("deprecated") != nil {
						add("DEPRECATED_FIELD_REMOVED", path, "deprecated field %s was removed", path)
					} else {
						add("FIELD_REMOVED", path, "field %s was removed without being deprecated first", path)
					}
					continue
				}
				if !outputCompatible(of.Type, nf.Type) {
					add("FIELD_TYPE_CHANGED", path, "%s changed type from %s to %s", path, of.Type, nf.Type)
				}
				for _, oa := range of.Arguments {
					na := nf.Arguments.ForName(oa.Name)
					if na == nil {
						add("ARGUMENT_REMOVED", path+"("+oa.Name+")", "argument %s of %s was removed", oa.Name, path)
					} else if !inputCompatible(oa.Type, na.Type) {
						add("ARGUMENT_TYPE_CHANGED", path+"("+oa.Name+")", "argument %s of %s changed type from %s to %s", oa.Name, path, oa.Type, na.Type)
					}
				}
				for _, na := range nf.Arguments {
					if of.Arguments.ForName(na.Name) == nil && na.Type.NonNull && na.DefaultValue == nil {
						add("REQUIRED_ARGUMENT_ADDED", path+"("+na.Name+")", "new required argument %s on %s", na.Name, path)
					}
				}
			}
			for _, iface := range ot.Interfaces {
				if !contains(nt.Interfaces, iface) {
					add("INTERFACE_REMOVED", name, "%s no longer implements %s", name, iface)
				}
			}
		case ast.InputObject:
			for _, of := range ot.Fields {
				path := name + "." + of.Name
				nf := nt.Fields.ForName(of.Name)
				if nf == nil {
					add("INPUT_FIELD_REMOVED", path, "input field %s was removed", path)
				} else if !inputCompatible(of.Type, nf.Type) {
					add("INPUT_FIELD_TYPE_CHANGED", path, "input field %s changed type from %s to %s", path, of.Type, nf.Type)
				}
			}
			for _, nf := range nt.Fields {
				if ot.Fields.ForName(nf.Name) == nil && nf.Type.NonNull && nf.DefaultValue == nil {
					add("REQUIRED_INPUT_FIELD_ADDED", name+"."+nf.Name, "new required input field %s.%s", name, nf.Name)
				}
			}
		case ast.Enum:
			for _, ov := range ot.EnumValues {
				if nt.EnumValues.ForName(ov.Name) == nil {
					add("ENUM_VALUE_REMOVED", name+"."+ov.Name, "enum value %s.%s was removed", name, ov.Name)
				}
			}
		case ast.Union:
			for _, m := range ot.Types {
				if !contains(nt.Types, m) {
					add("UNION_MEMBER_REMOVED", name+"."+m, "%s is no longer a member of union %s", m, name)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// outputCompatible: a client reading a field still gets what it expects if
// the type is the same, or became non-null.
func outputCompatible(old, new *ast.Type) bool {
	if old.NonNull && !new.NonNull {
		return false
	}
	if (old.Elem == nil) != (new.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return outputCompatible(old.Elem, new.Elem)
	}
	return old.NamedType == new.NamedType
}

// inputCompatible: a client sending a value still sends a valid one if the
// type is the same, or became nullable.
func inputCompatible(old, new *ast.Type) bool {
	if !old.NonNull && new.NonNull {
		return false
	}
	if (old.Elem == nil) != (new.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return inputCompatible(old.Elem, new.Elem)
	}
	return old.NamedType == new.NamedType
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Unintended returns the changes not named in allowed (one "KIND path" a
// line; blank lines and lines starting with # are ignored).
func Unintended(changes []Change, allowed string) []Change {
	ok := map[string]bool{}
	for _, line := range strings.Split(allowed, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			ok[line] = true
		}
	}
	var out []Change
	for _, c := range changes {
		if !ok[c.String()] {
			out = append(out, c)
		}
	}
	return out
}
