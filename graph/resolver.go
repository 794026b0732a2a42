package graph

//go:generate go tool gqlgen generate

import (
	"log/slog"

	"sanfang/internal/dashboard"
	"sanfang/internal/events"
	"sanfang/internal/store"
	"sanfang/internal/webhook"
	"sanfang/internal/write"
)

// Resolver is the root resolver. It holds the services resolvers call; it
// keeps no per-request state (that lives in the request's loaders).
type Resolver struct {
	Store     *store.Store
	Dashboard *dashboard.Service
	Write     *write.Service
	Events    events.Source
	// Webhooks registers partners' endpoints and keeps their delivery log.
	Webhooks *webhook.Service
	Logger   *slog.Logger
}
