package graph

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/ast"

	"sanfang/internal/auth"
	"sanfang/internal/loader"
	"sanfang/internal/store"
	"sanfang/internal/write"
)

// Options configure the GraphQL endpoint.
type Options struct {
	Store *store.Store
	// Write makes every write; Auth finds who is asking.
	Write  *write.Service
	Auth   *auth.Authenticator
	Logger *slog.Logger
	// LoaderWait is how long a loader gathers keys before it sends a batch.
	LoaderWait time.Duration
	// MaxBodyBytes caps a request body.
	MaxBodyBytes int64
	// Introspection allows schema introspection (on for development).
	Introspection bool
}

// NewHandler returns the GraphQL endpoint: POST and GET (queries only) on
// its path, and GraphiQL for a browser that GETs it asking for HTML.
func NewHandler(o Options) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LoaderWait <= 0 {
		o.LoaderWait = 2 * time.Millisecond
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Store: o.Store, Write: o.Write}}))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if o.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.AroundRootFields(authorizeReads(o.Write.Policy()))
	srv.SetErrorPresenter(presentError(o.Logger))
	srv.SetRecoverFunc(recoverPanic(o.Logger))

	graphiql := playground.Handler("sanfang", "/graphql")
	api := o.Auth.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, o.MaxBodyBytes)
		ctx := loader.With(r.Context(), loader.New(o.Store, o.LoaderWait))
		srv.ServeHTTP(w, r.WithContext(ctx))
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.RawQuery == "" && strings.Contains(r.Header.Get("Accept"), "text/html") {
			graphiql.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// authorizeReads asks the policy whether the caller may read before any
// query field runs (anonymous callers may not when anonymous reads are off).
// Reads are allowed or refused alike for every kind of record.
func authorizeReads(policy auth.Policy) graphql.RootFieldMiddleware {
	return func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation != ast.Mutation {
			if err := policy.Authorize(auth.FromContext(ctx), auth.ActionRead, auth.Resource{Kind: auth.KindEnterprise}); err != nil {
				graphql.AddError(ctx, err)
				return graphql.Null
			}
		}
		return next(ctx)
	}
}
