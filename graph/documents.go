package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sanfang/internal/auth"
	"sanfang/internal/documents"
)

// Codes of the trusted documents' errors.
const (
	codePersistedQueryNotAllowed = "PERSISTED_QUERY_NOT_ALLOWED"
	codeIntrospectionDisabled    = "INTROSPECTION_DISABLED"
)

// apqCacheSize is how many documents automatic persisted queries remember.
const apqCacheSize = 1000

// trustedDocuments is the handler extension for persisted and trusted
// documents:
//
//   - Automatic persisted queries (gqlgen's extension, sha256 hashes in
//     extensions.persistedQuery, an LRU cache): a client sends a hash
//     alone, gets PersistedQueryNotFound the first time, then sends the
//     document with its hash once, and the hash alone afterwards.
//   - Registered documents (the registry) may always be sent by hash
//     alone: the hash is the SHA-256 of the registered (normalised) text.
//   - With only set (production), a document runs only if it is
//     registered (as sent, or written differently but the same once
//     normalised), and what runs is the registered text itself; any other
//     is refused with PERSISTED_QUERY_NOT_ALLOWED before it is parsed,
//     validated or run, and before the APQ cache keeps it. An unknown hash
//     alone gets PersistedQueryNotFound, so APQ clients send the text,
//     which is then checked.
//   - A supergraph router makes up its _entities operations per client
//     query, so they cannot be registered ahead. With only set, a request
//     from one of the gateway credentials may run an unregistered
//     operation if every field at its root is _service, _entities or
//     __typename (checked once it is parsed); any other unregistered
//     operation is refused to it as to everyone. Limits and the
//     credential's permissions apply as usual.
//   - With introspection off, an operation asking for __schema or __type
//     is refused with INTROSPECTION_DISABLED; a registered or gateway
//     operation selecting Apollo Federation's _service (a gateway's or a
//     schema registry's) gets introspection for that request, since
//     _service needs it to give the SDL.
type trustedDocuments struct {
	registry *documents.Registry
	apq      extension.AutomaticPersistedQuery
	only     bool
	gateways map[string]bool
}

func newTrustedDocuments(registry *documents.Registry, only bool, gateways []string) trustedDocuments {
	if registry == nil {
		registry = documents.NewRegistry()
	}
	t := trustedDocuments{registry: registry, apq: extension.AutomaticPersistedQuery{Cache: lru.New[string](apqCacheSize)}, only: only, gateways: map[string]bool{}}
	for _, id := range gateways {
		t.gateways[id] = true
	}
	return t
}

// gatewayStats is kept in the operation's stats when an unregistered
// operation of a gateway credential was let through, to be checked once
// parsed.
const gatewayStats = "GatewayOperation"

// federationRootFields are the root fields a gateway credential's
// unregistered operation may select.
var federationRootFields = map[string]bool{"_service": true, "_entities": true, "__typename": true}

// fromGateway reports whether the request's credential is a gateway's.
func (t trustedDocuments) fromGateway(ctx context.Context) bool {
	p := auth.FromContext(ctx)
	return len(t.gateways) > 0 && !p.IsAnonymous() && t.gateways[p.ID]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = trustedDocuments{}

func (trustedDocuments) ExtensionName() string { return "TrustedDocuments" }

func (t trustedDocuments) Validate(schema graphql.ExecutableSchema) error {
	return t.apq.Validate(schema)
}

// trustedStats is kept in the operation's stats: the registered document
// the request runs, if any.
const trustedStats = "TrustedDocument"

// TrustedDocument is the registered document an operation runs, or nil.
func TrustedDocument(ctx context.Context) *documents.Document {
	if !graphql.HasOperationContext(ctx) {
		return nil
	}
	d, _ := graphql.GetOperationContext(ctx).Stats.GetExtension(trustedStats).(*documents.Document)
	return d
}

func (t trustedDocuments) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	hash := persistedHash(p.Extensions)
	sent := p.Query != ""
	if !sent && hash != "" {
		if d, ok := t.registry.Lookup(hash); ok {
			p.Query = d.Text
		}
	}
	var doc *documents.Document
	gateway := t.only && t.fromGateway(ctx)
	if t.only && p.Query != "" && !gateway {
		// Refuse before the APQ cache keeps the text.
		if doc = t.match(p.Query); doc == nil {
			return notAllowed()
		}
	}
	if err := t.apq.MutateOperationParameters(ctx, p); err != nil {
		if err.Extensions["code"] == nil {
			// "invalid APQ extension data", "provided APQ hash does not
			// match query", "unsupported APQ version".
			err.Extensions = map[string]any{"code": codeBadRequest}
		}
		return err
	}
	if t.only && doc == nil {
		// The text came from the APQ cache, or a gateway sent it.
		if doc = t.match(p.Query); doc == nil {
			if !gateway {
				return notAllowed()
			}
			graphql.GetOperationContext(ctx).Stats.SetExtension(gatewayStats, true)
		}
	}
	if doc != nil {
		if t.only {
			// Run exactly the registered text (the same operation as sent,
			// bar layout and comments).
			p.Query = doc.Text
		}
		graphql.GetOperationContext(ctx).Stats.SetExtension(trustedStats, doc)
	}
	return nil
}

func (t trustedDocuments) match(query string) *documents.Document {
	if d, ok := t.registry.Match(query); ok {
		return &d
	}
	return nil
}

func notAllowed() *gqlerror.Error {
	return &gqlerror.Error{
		Message:    "this server runs only registered operations (production mode), and this document is not registered: register it with \"sanfang documents add FILE\" (or put it in SANFANG_DOCUMENTS_DIR), then send it or its hash",
		Extensions: map[string]any{"code": codePersistedQueryNotAllowed},
	}
}

// persistedHash is the sha256Hash of extensions.persistedQuery, or "".
func persistedHash(ext map[string]any) string {
	pq, ok := ext["persistedQuery"].(map[string]any)
	if !ok {
		return ""
	}
	h, _ := pq["sha256Hash"].(string)
	return h
}

func (t trustedDocuments) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	gateway := opCtx.Stats.GetExtension(gatewayStats) == true
	if !opCtx.DisableIntrospection && !gateway {
		return nil
	}
	root := rootFields(opCtx.Doc, opCtx.Operation.SelectionSet, map[string]bool{})
	if gateway {
		var others []string
		for name := range root {
			if !federationRootFields[name] {
				others = append(others, name)
			}
		}
		if len(others) > 0 {
			slices.Sort(others)
			return &gqlerror.Error{
				Message:    fmt.Sprintf("this server runs only registered operations (production mode); a gateway credential may also run operations on _service and _entities alone, and this one selects %s: register it with \"sanfang documents add FILE\"", strings.Join(others, ", ")),
				Extensions: map[string]any{"code": codePersistedQueryNotAllowed},
			}
		}
	}
	if !opCtx.DisableIntrospection {
		return nil
	}
	if root["__schema"] || root["__type"] {
		return &gqlerror.Error{
			Message:    "introspection is off on this server (__schema and __type); the schema is published as schema.graphql",
			Extensions: map[string]any{"code": codeIntrospectionDisabled},
		}
	}
	if root["_service"] && (TrustedDocument(ctx) != nil || gateway) {
		opCtx.DisableIntrospection = false
	}
	return nil
}

// rootFields names the fields an operation selects at its root, through
// fragments.
func rootFields(doc *ast.QueryDocument, set ast.SelectionSet, seen map[string]bool) map[string]bool {
	names := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				names[s.Name] = true
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if seen[s.Name] {
					continue
				}
				seen[s.Name] = true
				if f := doc.Fragments.ForName(s.Name); f != nil {
					walk(f.SelectionSet)
				}
			}
		}
	}
	walk(set)
	return names
}
