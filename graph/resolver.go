package graph

//go:generate go tool gqlgen generate

import (
	"sanfang/internal/store"
	"sanfang/internal/write"
)

// Resolver is the root resolver. It holds the services resolvers call; it
// keeps no per-request state (that lives in the request's loaders).
type Resolver struct {
	Store *store.Store
	Write *write.Service
}
