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
	"go.opentelemetry.io/otel/trace"

	"sanfang/internal/auth"
	"sanfang/internal/dashboard"
	"sanfang/internal/documents"
	"sanfang/internal/events"
	"sanfang/internal/limits"
	"sanfang/internal/loader"
	"sanfang/internal/respcache"
	"sanfang/internal/store"
	"sanfang/internal/webhook"
	"sanfang/internal/write"
)

// Options configure the GraphQL endpoint.
type Options struct {
	Store *store.Store
	// Write makes every write; Auth finds who is asking.
	Write *write.Service
	Auth  *auth.Authenticator
	// Events feed the subscriptions.
	Events events.Source
	// Webhooks registers partners' endpoints.
	Webhooks *webhook.Service
	Logger   *slog.Logger
	// KeepAlive is how often a WebSocket or SSE subscription is pinged.
	KeepAlive time.Duration
	// WebSocketOrigins are the origins besides the endpoint's own whose
	// pages may open a WebSocket (the CORS allow-list's dashboards).
	WebSocketOrigins []string
	// WebSocketInitTimeout is how long a client has to send
	// connection_init (10 s when zero).
	WebSocketInitTimeout time.Duration
	// Cache, if set, answers repeated read-only operations (per scope of
	// what the caller may see) until a write changes what they read.
	Cache *respcache.Cache
	// LoaderWait is how long a loader gathers keys before it sends a batch.
	LoaderWait time.Duration
	// MaxBodyBytes caps a request body.
	MaxBodyBytes int64
	// Introspection allows schema introspection (on for development).
	Introspection bool
	// Limits are the abuse limits (zero fields: their defaults; see
	// internal/limits and installLimits).
	Limits limits.Config
	// Documents are the registered (trusted) documents: each may be sent
	// by its hash alone, and with TrustedDocumentsOnly only they run.
	Documents *documents.Registry
	// TrustedDocumentsOnly (production mode) refuses every document that is
	// not registered, before it runs.
	TrustedDocumentsOnly bool
	// GatewayCredentials are the credential ids (auth.Principal.ID) of the
	// supergraph routers: with TrustedDocumentsOnly they may still run
	// unregistered operations that select only Apollo Federation's
	// _service and _entities, whose shapes a router makes up per query.
	GatewayCredentials []string
	// Tracer, if set, makes a span for each loader batch (the round trip a
	// level of the query costs), under the field that asked first.
	Tracer trace.Tracer
	// DisableSuggestions leaves "did you mean" hints out of validation
	// errors (production mode).
	DisableSuggestions bool
	// Extensions are used first, before every other extension, so that
	// they see all the others' work (observability: internal/obs).
	Extensions []graphql.HandlerExtension
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
	if o.KeepAlive <= 0 {
		o.KeepAlive = 15 * time.Second
	}
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{Store: o.Store, Dashboard: dashboard.New(o.Store), Write: o.Write, Events: o.Events, Webhooks: o.Webhooks, Logger: o.Logger}}))
	for _, e := range o.Extensions {
		srv.Use(e)
	}
	srv.AddTransport(transport.Websocket{
		Implementation: newGuardedWebsocket(o.WebSocketOrigins, o.WebSocketInitTimeout),
		InitFunc:       authenticateInit(o.Auth, o.Write.Policy()),
		// graphql-transport-ws keeps alive with ping and pong (and closes a
		// connection whose client stops answering); the older graphql-ws
		// protocol with keep-alive messages.
		PingPongInterval:      o.KeepAlive,
		KeepAlivePingInterval: o.KeepAlive,
	})
	srv.AddTransport(transport.SSE{KeepAlivePingInterval: o.KeepAlive})
	srv.AddTransport(httpTransport{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	lim := installLimits(srv, &o)
	srv.SetDisableSuggestion(o.DisableSuggestions)
	if o.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(newTrustedDocuments(o.Documents, o.TrustedDocumentsOnly, o.GatewayCredentials))
	if o.Cache != nil {
		srv.Use(&respcache.Extension{Cache: o.Cache, TypeKinds: CacheTypeKinds, Skip: notCacheable})
	}
	// Every response (each event of a subscription too) gets loaders of its
	// own, so an event never shows what an earlier one loaded.
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		return next(loader.With(ctx, loader.New(o.Store, o.LoaderWait, o.Tracer)))
	})
	srv.AroundRootFields(authorizeReads(o.Write.Policy()))
	srv.SetErrorPresenter(presentError(o.Logger))
	srv.SetRecoverFunc(recoverPanic(o.Logger))

	graphiql := playground.Handler("sanfang", "/graphql")
	api := lim.Middleware(o.Auth.Middleware, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, o.MaxBodyBytes)
		srv.ServeHTTP(w, r)
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

// authenticateInit reads the credential a WebSocket client sends in its
// connection_init payload (browsers cannot set headers on a WebSocket), as
// "Authorization": "Bearer <key or token>" or "apiKey": "<key>". A
// credential there replaces the anonymous principal of the upgrade request.
// A bad credential, or none when anonymous reads are off, closes the
// connection with 4401.
func authenticateInit(a *auth.Authenticator, policy auth.Policy) transport.WebsocketInitFunc {
	return func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
		refuse := func(err error) (context.Context, *transport.InitPayload, error) {
			return transport.AppendCloseReason(transport.WithWebsocketCloseCode(ctx, closeUnauthorized), "Unauthorized"), nil, err
		}
		header := payload.Authorization()
		if key, ok := payload["apiKey"].(string); ok && header == "" {
			header = "Bearer " + key
		}
		if header != "" {
			r, _ := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
			r.Header.Set("Authorization", header)
			p, err := a.Authenticate(ctx, r)
			if err != nil {
				return refuse(err)
			}
			ctx = auth.WithPrincipal(ctx, p)
		}
		if err := policy.Authorize(auth.FromContext(ctx), auth.ActionRead, auth.Resource{Kind: auth.KindTask}); err != nil {
			return refuse(err)
		}
		return ctx, nil, nil
	}
}

// CacheTypeKinds names the kinds of record the graph's own types read, for
// the response cache (it maps entity types by itself). Webhooks and their
// deliveries change without change events, so answers reading them are
// never cached (notCacheable); their kind here only keeps the mapping whole.
var CacheTypeKinds = map[string][]string{
	"Webhook":          {"Webhook"},
	"WebhookDelivery":  {"Webhook"},
	"WebhookAttempt":   {"Webhook"},
	"PlanProgress":     {"Plan", "Task", "ProgressUpdate", "Body"},
	"LeadBodyProgress": {"Task", "Body"},
	"UnionCoverage":    {"Enterprise", "Union", "MembershipFigures"},
	"CoverageGroup":    {"Enterprise", "Union", "MembershipFigures"},
	"UnionGrowth":      {"Union", "MembershipFigures"},
	"GrowthGroup":      {"Union", "MembershipFigures"},
	"ActivityStats":    {"Activity", "Task", "Body"},
	"ActivityBucket":   {"Activity", "Task"},
	"MeetingStats":     {"Meeting", "Enterprise", "Body"},
	"MeetingCount":     {"Meeting"},
	"Attendance":       {"Meeting", "Enterprise", "Body"},
	"Datum":            {},
}

// notCacheable keeps out of the response cache the operations whose answers
// change without a change event: the webhook admin queries.
func notCacheable(_ context.Context, op *ast.OperationDefinition) bool {
	for _, sel := range op.SelectionSet {
		if f, ok := sel.(*ast.Field); ok && (f.Name == "webhooks" || f.Name == "webhookDeliveries") {
			return true
		}
	}
	return false
}
