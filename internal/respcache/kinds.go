package respcache

import (
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"sanfang/internal/auth"
)

// The reference kinds: bodies and regions are records too, though no
// write names them today (regions are fixed data in code).
const (
	KindBody   = "Body"
	KindRegion = "Region"
)

// entityKinds are the kinds of record: those change events name
// (auth.Kinds) and the reference kinds. An answer that "depends on every
// kind" depends on all of these.
var entityKinds = func() []string {
	ks := append(slices.Clone(auth.Kinds), KindBody, KindRegion)
	slices.Sort(ks)
	return slices.Compact(ks)
}()

// AllKinds returns every entity kind, sorted: what an answer that cannot
// be narrowed down depends on.
func AllKinds() []string { return slices.Clone(entityKinds) }

// nestedTypes are object types stored inside a record of another kind:
// they change only when that record does.
var nestedTypes = map[string]string{
	"Participant":    auth.KindMeeting,
	"Speech":         auth.KindMeeting,
	"AgendaItem":     auth.KindMeeting,
	"Decision":       auth.KindMeeting,
	"SourceDocument": auth.KindMeeting,
	"Title":          auth.KindPerson,
	"Milestone":      auth.KindTask,
}

// neutralTypes belong to whatever record holds them (a record's
// provenance and who recorded it, a page's info, an audit record's
// changes) and add no kind of their own; _Service (Apollo Federation's
// _service { sdl }) is the schema, like introspection.
var neutralTypes = map[string]bool{
	"PageInfo":    true,
	"Provenance":  true,
	"Actor":       true,
	"FieldChange": true,
	"_Service":    true,
}

// uncacheableTypes are never answered from the cache, with why.
var uncacheableTypes = map[string]string{
	"AuditRecord": "the audit log also grows with refused writes and audited reads, which are not change events",
}

// personalFields are fields whose unmasked reading is audited.
var personalFields = map[string]map[string]bool{
	"Person": {"phone": true, "email": true},
}

// cacheKindsDirective is the name of an optional schema directive,
// `@cacheKinds(kinds: [String!]!)`, on an object type (the kinds the type
// stands for, like a typeKinds entry) or on a field (kinds its value
// depends on beyond its type's).
const cacheKindsDirective = "cacheKinds"

// Dependencies are what an operation's answer depends on.
type Dependencies struct {
	// Kinds are the entity kinds whose change may change the answer:
	// sorted, without duplicates.
	Kinds []string
	// Unmapped names the types (and unknown fields or fragments) that could
	// not be mapped to kinds; each made the answer depend on every kind.
	// Sorted, without duplicates.
	Unmapped []string
	// Uncacheable says why the answer must never be cached; empty if it
	// may be.
	Uncacheable string
	// PersonalData is set when the operation selects a field whose unmasked
	// reading is audited (a person's phone or email).
	PersonalData bool
}

// Kinds returns the entity kinds op's answer depends on, sorted and
// without duplicates: see [Analyze].
func Kinds(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, typeKinds map[string][]string) []string {
	return Analyze(schema, doc, op, typeKinds).Kinds
}

// Analyze walks op's selection set (fields, inline fragments and fragment
// spreads of doc, each fragment once, so cycles end) and maps every object
// type it reaches to the entity kinds its data comes from:
//
//   - typeKinds[T], when present, is T's kinds (for aggregate types such as
//     Dashboard* that the built-in rules cannot know); so is a
//     @cacheKinds(kinds: [...]) directive on T's definition;
//   - an entity type (Enterprise, Union, …, Body, Region) is its own kind;
//   - XConnection and XEdge are X's kinds;
//   - a type stored inside a record is that record's kind: Participant,
//     Speech, AgendaItem, Decision, SourceDocument → Meeting; Title →
//     Person; Milestone → Task;
//   - PageInfo, Provenance, Actor, FieldChange and the root types add
//     nothing (they belong to the record that holds them), nor does
//     _Service (federation's schema text);
//   - an interface or union (Node, hence node and nodes; federation's
//     _Entity, hence _entities) is every kind;
//   - any other type is every kind, and is listed in Unmapped.
//
// A relation between two kinds is always stored on one of them, and the
// walk reaches both whenever the answer shows the relation
// (enterprises { union { … } } depends on Enterprise and Union), so a
// change to either kind invalidates the answer. The walk follows the
// schema, not the data, so a relation absent today (an enterprise with no
// union yet) still makes the answer depend on the other kind, whose
// creation will change it. Introspection (__schema, __type, __typename)
// depends on no kind. Directives such as @skip and @include are ignored:
// the walk takes every branch, which can only add kinds.
//
// Reaching AuditRecord (the audit log) sets Uncacheable; selecting a
// person's phone or email sets PersonalData.
func Analyze(schema *ast.Schema, doc *ast.QueryDocument, op *ast.OperationDefinition, typeKinds map[string][]string) Dependencies {
	if schema == nil || op == nil {
		return Dependencies{Kinds: AllKinds(), Unmapped: []string{"(no schema or operation)"}}
	}
	w := &walker{
		schema:    schema,
		doc:       doc,
		typeKinds: typeKinds,
		kinds:     map[string]bool{},
		unmapped:  map[string]bool{},
		fragments: map[string]bool{},
	}
	var root *ast.Definition
	switch op.Operation {
	case ast.Mutation:
		root = schema.Mutation
	case ast.Subscription:
		root = schema.Subscription
	default:
		root = schema.Query
	}
	if root == nil {
		w.unknown("root type of " + string(op.Operation))
	} else {
		w.selections(root, op.SelectionSet)
	}
	d := Dependencies{Uncacheable: w.uncacheable, PersonalData: w.personal}
	if w.all {
		for _, k := range entityKinds {
			w.kinds[k] = true
		}
	}
	d.Kinds = sortedKeys(w.kinds)
	d.Unmapped = sortedKeys(w.unmapped)
	return d
}

type walker struct {
	schema      *ast.Schema
	doc         *ast.QueryDocument
	typeKinds   map[string][]string
	kinds       map[string]bool
	all         bool
	unmapped    map[string]bool
	fragments   map[string]bool // fragments already walked
	uncacheable string
	personal    bool
}

func (w *walker) unknown(what string) {
	w.all = true
	w.unmapped[what] = true
}

func (w *walker) selections(parent *ast.Definition, set ast.SelectionSet) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			w.field(parent, s)
		case *ast.InlineFragment:
			t := parent
			if s.TypeCondition != "" {
				if t = w.schema.Types[s.TypeCondition]; t == nil {
					w.unknown(s.TypeCondition)
					continue
				}
				w.addType(t)
			}
			w.selections(t, s.SelectionSet)
		case *ast.FragmentSpread:
			if w.fragments[s.Name] {
				continue
			}
			w.fragments[s.Name] = true
			def := s.Definition
			if def == nil && w.doc != nil {
				def = w.doc.Fragments.ForName(s.Name)
			}
			if def == nil {
				w.unknown("fragment " + s.Name)
				continue
			}
			t := w.schema.Types[def.TypeCondition]
			if t == nil {
				w.unknown(def.TypeCondition)
				continue
			}
			w.addType(t)
			w.selections(t, def.SelectionSet)
		}
	}
}

func (w *walker) field(parent *ast.Definition, f *ast.Field) {
	switch f.Name {
	case "__typename", "__schema", "__type":
		return // introspection: the schema, not the data
	}
	var def *ast.FieldDefinition
	if parent != nil {
		def = parent.Fields.ForName(f.Name)
	}
	if def == nil {
		def = f.Definition
	}
	if def == nil || def.Type == nil {
		where := "?"
		if parent != nil {
			where = parent.Name
		}
		w.unknown(where + "." + f.Name)
		return
	}
	if parent != nil && personalFields[parent.Name][f.Name] {
		w.personal = true
	}
	if ks, ok := directiveKinds(def.Directives); ok {
		w.add(ks)
	}
	t := w.schema.Types[def.Type.Name()]
	if t == nil {
		w.unknown(def.Type.Name())
		return
	}
	w.addType(t)
	if len(f.SelectionSet) > 0 {
		w.selections(t, f.SelectionSet)
	}
}

func (w *walker) add(kinds []string) {
	for _, k := range kinds {
		w.kinds[k] = true
	}
}

// addType records the kinds of a type the answer reaches.
func (w *walker) addType(t *ast.Definition) {
	switch t.Kind {
	case ast.Scalar, ast.Enum, ast.InputObject:
		return
	}
	if reason := uncacheableReason(t.Name); reason != "" && w.uncacheable == "" {
		w.uncacheable = t.Name + ": " + reason
	}
	if ks, ok := w.typeKinds[t.Name]; ok {
		w.add(ks)
		return
	}
	if ks, ok := directiveKinds(t.Directives); ok {
		w.add(ks)
		return
	}
	if t.Kind == ast.Interface || t.Kind == ast.Union {
		w.all = true // any record may come back
		return
	}
	if t == w.schema.Query || t == w.schema.Mutation || t == w.schema.Subscription {
		return
	}
	if ks, ok := w.objectKinds(t.Name); ok {
		w.add(ks)
		return
	}
	w.unknown(t.Name)
}

// objectKinds maps an object type's name to kinds by the built-in rules
// (and typeKinds for the X of an XConnection or XEdge).
func (w *walker) objectKinds(name string) ([]string, bool) {
	if slices.Contains(entityKinds, name) {
		return []string{name}, true
	}
	if k, ok := nestedTypes[name]; ok {
		return []string{k}, true
	}
	if neutralTypes[name] || strings.HasPrefix(name, "__") {
		return nil, true
	}
	if _, ok := uncacheableTypes[name]; ok {
		return nil, true // never stored, so its kinds do not matter
	}
	for _, suffix := range []string{"Connection", "Edge"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && base != "" {
			if ks, ok := w.typeKinds[base]; ok {
				return ks, true
			}
			if t := w.schema.Types[base]; t != nil {
				if ks, ok := directiveKinds(t.Directives); ok {
					return ks, true
				}
			}
			return w.objectKinds(base)
		}
	}
	return nil, false
}

func uncacheableReason(name string) string {
	for _, suffix := range []string{"Connection", "Edge"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && base != "" {
			name = base
			break
		}
	}
	return uncacheableTypes[name]
}

// directiveKinds reads @cacheKinds(kinds: [...]) from a definition's
// directives.
func directiveKinds(ds ast.DirectiveList) ([]string, bool) {
	d := ds.ForName(cacheKindsDirective)
	if d == nil {
		return nil, false
	}
	a := d.Arguments.ForName("kinds")
	if a == nil || a.Value == nil {
		return nil, false
	}
	var out []string
	switch a.Value.Kind {
	case ast.ListValue:
		for _, c := range a.Value.Children {
			if c.Value != nil && (c.Value.Kind == ast.StringValue || c.Value.Kind == ast.EnumValue) {
				out = append(out, c.Value.Raw)
			}
		}
	case ast.StringValue, ast.EnumValue:
		out = append(out, a.Value.Raw)
	default:
		return nil, false
	}
	return out, true
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
