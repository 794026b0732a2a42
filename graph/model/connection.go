// Package model holds the graph's own types: connections over the store's
// pages. Entities themselves are the domain types, autobound by gqlgen.
package model

import (
	"context"

	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// PageInfo is Relay page information.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// Connection is one page of records with a lazily counted total: the count
// runs only when a client asks for totalCount.
type Connection[T any] struct {
	Edges    []store.Edge[T]
	PageInfo PageInfo
	count    func(context.Context) (int, error)
}

// NewConnection wraps a page and the function that counts all its records.
func NewConnection[T any](p *store.Page[T], count func(context.Context) (int, error)) *Connection[T] {
	c := &Connection[T]{Edges: p.Edges, PageInfo: PageInfo{HasNextPage: p.HasNextPage, HasPreviousPage: p.HasPreviousPage}, count: count}
	if n := len(p.Edges); n > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &p.Edges[0].Cursor, &p.Edges[n-1].Cursor
	}
	return c
}

// Nodes returns the page's records.
func (c *Connection[T]) Nodes() []*T {
	nodes := make([]*T, len(c.Edges))
	for i := range c.Edges {
		nodes[i] = c.Edges[i].Node
	}
	return nodes
}

// TotalCount counts every record the connection's filter matches.
func (c *Connection[T]) TotalCount(ctx context.Context) (int, error) { return c.count(ctx) }

// The connection and edge types of the schema, one pair per entity.
type (
	EnterpriseConnection        = Connection[domain.Enterprise]
	EnterpriseEdge              = store.Edge[domain.Enterprise]
	UnionConnection             = Connection[domain.Union]
	UnionEdge                   = store.Edge[domain.Union]
	MembershipFiguresConnection = Connection[domain.MembershipFigures]
	MembershipFiguresEdge       = store.Edge[domain.MembershipFigures]
	MeetingConnection           = Connection[domain.Meeting]
	MeetingEdge                 = store.Edge[domain.Meeting]
	PlanConnection              = Connection[domain.Plan]
	PlanEdge                    = store.Edge[domain.Plan]
	TaskConnection              = Connection[domain.Task]
	TaskEdge                    = store.Edge[domain.Task]
	ProgressUpdateConnection    = Connection[domain.ProgressUpdate]
	ProgressUpdateEdge          = store.Edge[domain.ProgressUpdate]
	ActivityConnection          = Connection[domain.Activity]
	ActivityEdge                = store.Edge[domain.Activity]
	PersonConnection            = Connection[domain.Person]
	AuditRecordConnection       = Connection[domain.AuditRecord]
	AuditRecordEdge             = store.Edge[domain.AuditRecord]
	PersonEdge                  = store.Edge[domain.Person]
)

// Node is any record with a global ID. The domain types know nothing of
// global IDs; each type's id field is resolved by the graph.
type Node any
