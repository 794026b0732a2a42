package limits

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
)

// CountTokens counts the lexical tokens of a document (comments are not
// tokens), stopping once it has seen more than limit (limit <= 0: no stop).
// over reports that it stopped. A document that does not lex is counted up
// to its first error; the parser reports the error.
func CountTokens(query string, limit int) (n int, over bool) {
	lx := lexer.New(&ast.Source{Input: query})
	for {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return n, false
		}
		if tok.Kind == lexer.Comment {
			continue
		}
		n++
		if limit > 0 && n > limit {
			return n, true
		}
	}
}

// Measures are the shape of a parsed (not yet validated) document.
type Measures struct {
	// Depth is the deepest nesting of fields of any operation, counting
	// through fragment spreads and inline fragments (which add no level
	// themselves). Inside __schema and __type, ofType adds no level: the
	// introspection query's type references nest ofType seven or more
	// deep, yet each level is cheap.
	Depth int
	// Fields is the larger of the number of fields written in the document
	// and the number of fields of any operation with every fragment spread
	// expanded.
	Fields int
	// RootFields is the most top-level response names of any operation
	// (through fragments at the top level).
	RootFields int
	// Aliases is the most distinct aliases in one selection set (a field
	// whose response name differs from its name); AliasesTotal counts the
	// aliased fields written in the whole document.
	Aliases, AliasesTotal int
	// Directives counts every directive written in the document (on
	// operations, variables, fields, fragments and spreads).
	Directives int
}

// CycleError is a fragment that spreads itself, directly or through
// others; Path is the cycle, starting and ending with the same fragment.
type CycleError struct{ Path []string }

func (e *CycleError) Error() string {
	return fmt.Sprintf("fragment %s spreads itself (%s): fragments must not form cycles", e.Path[0], strings.Join(e.Path, " → "))
}

// saturate caps counts so that a fragment spread in a fragment spread in …
// cannot overflow them.
const saturate = 1 << 40

func satAdd(a, b int) int { return min(a+b, saturate) }

// Measure walks a parsed document. It follows fragment spreads (each
// fragment is measured once and remembered), and refuses a document whose
// fragments form a cycle with a *CycleError, before it could loop. Spreads
// of fragments the document does not define are ignored (validation
// reports them).
func Measure(doc *ast.QueryDocument) (Measures, error) {
	m := &measurer{doc: doc, frags: map[string]*ast.FragmentDefinition{}}
	for _, f := range doc.Fragments {
		if _, dup := m.frags[f.Name]; !dup {
			m.frags[f.Name] = f
		}
	}
	if err := m.findCycle(); err != nil {
		return Measures{}, err
	}
	m.depthMemo = map[fragKey]int{}
	m.fieldMemo = map[string]int{}
	var out Measures
	written := 0
	for _, op := range doc.Operations {
		out.Depth = max(out.Depth, m.depth(op.SelectionSet, false))
		out.Fields = max(out.Fields, m.fields(op.SelectionSet))
		out.RootFields = max(out.RootFields, m.rootFields(op.SelectionSet))
		out.Directives = satAdd(out.Directives, len(op.Directives))
		for _, v := range op.VariableDefinitions {
			out.Directives = satAdd(out.Directives, len(v.Directives))
		}
		written = satAdd(written, m.written(op.SelectionSet, &out))
	}
	for _, f := range doc.Fragments {
		out.Directives = satAdd(out.Directives, len(f.Directives))
		written = satAdd(written, m.written(f.SelectionSet, &out))
	}
	out.Fields = max(out.Fields, written)
	return out, nil
}

type fragKey struct {
	name  string
	intro bool
}

type measurer struct {
	doc       *ast.QueryDocument
	frags     map[string]*ast.FragmentDefinition
	depthMemo map[fragKey]int
	fieldMemo map[string]int
}

// findCycle looks for a cycle of fragment spreads, depth first.
func (m *measurer) findCycle() error {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[string]int{}
	var path []string
	var visit func(name string) error
	var spreads func(set ast.SelectionSet, yield func(string) error) error
	spreads = func(set ast.SelectionSet, yield func(string) error) error {
		for _, sel := range set {
			var err error
			switch s := sel.(type) {
			case *ast.Field:
				err = spreads(s.SelectionSet, yield)
			case *ast.InlineFragment:
				err = spreads(s.SelectionSet, yield)
			case *ast.FragmentSpread:
				err = yield(s.Name)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	visit = func(name string) error {
		f := m.frags[name]
		if f == nil {
			return nil
		}
		switch state[name] {
		case done:
			return nil
		case onPath:
			start := 0
			for i, n := range path {
				if n == name {
					start = i
					break
				}
			}
			return &CycleError{Path: append(append([]string{}, path[start:]...), name)}
		}
		state[name] = onPath
		path = append(path, name)
		if err := spreads(f.SelectionSet, visit); err != nil {
			return err
		}
		path = path[:len(path)-1]
		state[name] = done
		return nil
	}
	for _, f := range m.doc.Fragments {
		if err := visit(f.Name); err != nil {
			return err
		}
	}
	return nil
}

// isIntrospectionRoot reports whether a field opens an introspection
// subtree.
func isIntrospectionRoot(name string) bool { return name == "__schema" || name == "__type" }

// depth is the deepest nesting of fields under set.
func (m *measurer) depth(set ast.SelectionSet, intro bool) int {
	d := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			level := 1
			if intro && s.Name == "ofType" {
				level = 0
			}
			d = max(d, level+m.depth(s.SelectionSet, intro || isIntrospectionRoot(s.Name)))
		case *ast.InlineFragment:
			d = max(d, m.depth(s.SelectionSet, intro))
		case *ast.FragmentSpread:
			f := m.frags[s.Name]
			if f == nil {
				continue
			}
			k := fragKey{s.Name, intro}
			fd, ok := m.depthMemo[k]
			if !ok {
				fd = m.depth(f.SelectionSet, intro)
				m.depthMemo[k] = fd
			}
			d = max(d, fd)
		}
	}
	return d
}

// fields counts the fields under set with every spread expanded.
func (m *measurer) fields(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n = satAdd(n, satAdd(1, m.fields(s.SelectionSet)))
		case *ast.InlineFragment:
			n = satAdd(n, m.fields(s.SelectionSet))
		case *ast.FragmentSpread:
			f := m.frags[s.Name]
			if f == nil {
				continue
			}
			fn, ok := m.fieldMemo[s.Name]
			if !ok {
				fn = m.fields(f.SelectionSet)
				m.fieldMemo[s.Name] = fn
			}
			n = satAdd(n, fn)
		}
	}
	return n
}

// rootFields counts the distinct response names of an operation's top
// level, looking through fragments.
func (m *measurer) rootFields(set ast.SelectionSet) int {
	names := map[string]bool{}
	seen := map[string]bool{}
	var walk func(set ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				names[s.Alias] = true
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if f := m.frags[s.Name]; f != nil && !seen[s.Name] {
					seen[s.Name] = true
					walk(f.SelectionSet)
				}
			}
		}
	}
	walk(set)
	return len(names)
}

// written walks the selections as written (no spread expanded): it counts
// their fields (returned) and adds their aliases and directives to out.
func (m *measurer) written(set ast.SelectionSet, out *Measures) int {
	n := 0
	aliases := map[string]bool{}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n = satAdd(n, 1)
			if s.Alias != "" && s.Alias != s.Name {
				aliases[s.Alias] = true
				out.AliasesTotal = satAdd(out.AliasesTotal, 1)
			}
			out.Directives = satAdd(out.Directives, len(s.Directives))
			n = satAdd(n, m.written(s.SelectionSet, out))
		case *ast.InlineFragment:
			out.Directives = satAdd(out.Directives, len(s.Directives))
			n = satAdd(n, m.written(s.SelectionSet, out))
		case *ast.FragmentSpread:
			out.Directives = satAdd(out.Directives, len(s.Directives))
		}
	}
	out.Aliases = max(out.Aliases, len(aliases))
	return n
}

// checkDocument measures a parsed document against the limits and returns
// the first one it exceeds (nil if none).
func (c Config) checkDocument(doc *ast.QueryDocument) *Error {
	m, err := Measure(doc)
	if err != nil {
		return &Error{Code: CodeValidationFailed, Message: err.Error()}
	}
	switch {
	case on(c.MaxDepth) && m.Depth > c.MaxDepth:
		return exceeded(NameMaxDepth, c.MaxDepth, m.Depth,
			"the query nests fields %d deep; at most %d levels are allowed (limit %s): ask for less at once and follow deeper relationships in another request", m.Depth, c.MaxDepth, NameMaxDepth)
	case on(c.MaxAliases) && m.Aliases > c.MaxAliases:
		return exceeded(NameMaxAliases, c.MaxAliases, m.Aliases,
			"a selection set has %d aliases; at most %d are allowed in one selection set (limit %s)", m.Aliases, c.MaxAliases, NameMaxAliases)
	case on(c.MaxAliasesTotal) && m.AliasesTotal > c.MaxAliasesTotal:
		return exceeded(NameMaxAliasesTotal, c.MaxAliasesTotal, m.AliasesTotal,
			"the document has %d aliased fields; at most %d are allowed (limit %s)", m.AliasesTotal, c.MaxAliasesTotal, NameMaxAliasesTotal)
	case on(c.MaxRootFields) && m.RootFields > c.MaxRootFields:
		return exceeded(NameMaxRootFields, c.MaxRootFields, m.RootFields,
			"the operation asks for %d top-level fields; at most %d are allowed (limit %s): split it into several requests", m.RootFields, c.MaxRootFields, NameMaxRootFields)
	case on(c.MaxDirectives) && m.Directives > c.MaxDirectives:
		return exceeded(NameMaxDirectives, c.MaxDirectives, m.Directives,
			"the document uses %d directives; at most %d are allowed (limit %s)", m.Directives, c.MaxDirectives, NameMaxDirectives)
	case on(c.MaxFields) && m.Fields > c.MaxFields:
		return exceeded(NameMaxFields, c.MaxFields, m.Fields,
			"the document selects %d fields (a fragment counts each time it is spread); at most %d are allowed (limit %s)", m.Fields, c.MaxFields, NameMaxFields)
	}
	return nil
}
