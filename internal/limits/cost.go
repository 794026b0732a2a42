package limits

import (
	"context"
	"encoding/json"
	"math"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// CostSchema wraps an executable schema so that gqlgen's complexity
// calculation (complexity.Calculate, which asks the schema for each field's
// cost) counts lists by their size:
//
//   - a field costs 1 plus the cost of its selections, as in gqlgen;
//   - a connection (a field with a first or last argument) multiplies its
//     selections by first or last, by defaultPage when neither is given, at
//     most maxPage (a larger page is refused by the connection anyway), at
//     least 1; nested connections multiply;
//   - another list field with a list argument (nodes(ids:),
//     _entities(representations:)) multiplies by that list's length.
//
// A cost the wrapped schema defines itself (gqlgen's Config.Complexity)
// wins when it is at least 1. Every multiplier is clamped to at least 1,
// since gqlgen silently replaces a custom cost below 1 by its default.
// Costs saturate instead of overflowing.
func CostSchema(es graphql.ExecutableSchema, defaultPage, maxPage int) graphql.ExecutableSchema {
	return costSchema{ExecutableSchema: es, defaultPage: max(1, defaultPage), maxPage: max(1, maxPage)}
}

type costSchema struct {
	graphql.ExecutableSchema
	defaultPage, maxPage int
}

// Complexity implements graphql.ExecutableSchema.
func (c costSchema) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	if n, ok := c.ExecutableSchema.Complexity(ctx, typeName, field, child, args); ok && n >= 1 {
		return n, true
	}
	def := c.Schema().Types[typeName]
	if def == nil {
		return 0, false
	}
	fd := def.Fields.ForName(field)
	if fd == nil {
		return 0, false
	}
	return satAdd(1, satMul(c.multiplier(fd, args), max(child, 0))), true
}

// multiplier is how many times a field's selections are counted.
func (c costSchema) multiplier(fd *ast.FieldDefinition, args map[string]any) int {
	if fd.Arguments.ForName("first") != nil || fd.Arguments.ForName("last") != nil {
		first, okF := intArg(args["first"])
		last, okL := intArg(args["last"])
		n := c.defaultPage
		switch {
		case okF && okL:
			n = max(first, last)
		case okF:
			n = first
		case okL:
			n = last
		}
		return min(max(n, 1), c.maxPage)
	}
	if fd.Type.Elem == nil {
		return 1
	}
	n := 1
	for _, a := range fd.Arguments {
		if a.Type.Elem == nil {
			continue
		}
		if v, ok := args[a.Name].([]any); ok {
			n = max(n, len(v))
		}
	}
	return n
}

// intArg reads an integer argument, however the parser or the variables
// decoder typed it; ok is false when it is absent or not a number.
func intArg(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int32:
		return int(n), true
	case int64:
		return int(max(min(n, math.MaxInt32), math.MinInt32)), true
	case float64:
		return int(max(min(n, math.MaxInt32), math.MinInt32)), true
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return intArg(i)
		}
		if f, err := n.Float64(); err == nil {
			return intArg(f)
		}
	}
	return 0, false
}

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > saturate/b {
		return saturate
	}
	return min(a*b, saturate)
}

// Cost is the cost of an operation of a validated document (see
// CostSchema): es must be a cost schema.
func Cost(ctx context.Context, es graphql.ExecutableSchema, op *ast.OperationDefinition, vars map[string]any) int {
	if op == nil {
		return 0
	}
	return complexity.Calculate(ctx, es, op, vars)
}
