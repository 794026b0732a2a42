package respcache

import (
	"context"
	"encoding/json"
	"errors"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
)

// ExtensionKey is the response extension that says whether the answer came
// from the cache: "HIT" or "MISS". It is absent when the cache was not
// consulted (mutations, subscriptions, skipped or uncacheable operations,
// requests with errors).
const ExtensionKey = "cache"

// The values of the ExtensionKey response extension.
const (
	Hit  = "HIT"
	Miss = "MISS"
)

// Extension is a gqlgen handler extension that answers query operations
// from a [Cache]. Register it with a pointer, after the schema is known:
//
//	srv.Use(&respcache.Extension{Cache: cache})
//
// It looks the answer up under Key(raw query, operation name, coerced
// variables, Scope(auth.FromContext(ctx))), so the request's context must
// carry the principal before the gqlgen server runs (the auth middleware
// wraps the server). On a hit the stored answer is returned and nothing
// is executed (no resolver, no root-field middleware); on a miss the
// operation runs and its answer, if it has no errors, is stored with
// [Kinds] as its dependencies. The answer carries the extension
// "cache": "HIT" or "MISS".
//
// Never cached: mutations, subscriptions, requests that fail to parse or
// validate, answers with errors (including refusals such as reads by an
// anonymous caller when anonymous reads are off), deferred (incremental)
// answers, operations Skip says to skip, operations reaching the audit log,
// and operations selecting a person's phone or email when the caller may
// read personal data unmasked (admins, editors): each such reading is
// audited with the reader's credential, which a cached answer would
// bypass. For every other caller those fields are masked by role and body,
// which the scope covers.
type Extension struct {
	Cache *Cache
	// TypeKinds maps aggregate types to the kinds they depend on; see
	// [Analyze].
	TypeKinds map[string][]string
	// Skip, if set, is asked for every query operation; true bypasses the
	// cache (neither looked up nor stored).
	Skip func(ctx context.Context, op *ast.OperationDefinition) bool

	schema *ast.Schema // set by Validate
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = (*Extension)(nil)

// ExtensionName implements graphql.HandlerExtension.
func (*Extension) ExtensionName() string { return "ResponseCache" }

// Validate implements graphql.HandlerExtension: it is called once by
// Server.Use, and keeps the schema to walk operations against.
func (e *Extension) Validate(schema graphql.ExecutableSchema) error {
	if e.Cache == nil {
		return errors.New("respcache: Extension.Cache is nil")
	}
	e.schema = schema.Schema()
	return nil
}

// opState is one cacheable operation's lookup, carried in the context from
// InterceptOperation to InterceptResponse.
type opState struct {
	key   string
	kinds []string
	since uint64            // the cache's generation before the miss executed
	hit   *graphql.Response // the stored answer, on a hit

	mu    sync.Mutex
	calls int // responses asked for so far
}

type stateKey struct{}

// InterceptOperation implements graphql.OperationInterceptor: it decides
// whether the operation may be cached and looks it up.
func (e *Extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if st := e.lookup(ctx); st != nil {
		ctx = context.WithValue(ctx, stateKey{}, st)
	}
	return next(ctx)
}

func (e *Extension) lookup(ctx context.Context) *opState {
	if e.Cache == nil || !graphql.HasOperationContext(ctx) {
		return nil
	}
	opCtx := graphql.GetOperationContext(ctx)
	op := opCtx.Operation
	if op == nil || op.Operation != ast.Query {
		return nil
	}
	if e.Skip != nil && e.Skip(ctx, op) {
		return nil
	}
	deps := Analyze(e.schema, opCtx.Doc, op, e.TypeKinds)
	if deps.Uncacheable != "" {
		return nil
	}
	p := auth.FromContext(ctx)
	if deps.PersonalData && mayReadPersonalData(p) {
		return nil
	}
	key := Key(opCtx.RawQuery, opCtx.OperationName, opCtx.Variables, Scope(p))
	if key == "" {
		return nil
	}
	st := &opState{key: key, kinds: deps.Kinds}
	if body, ok := e.Cache.Get(key); ok {
		var resp graphql.Response
		if json.Unmarshal(body, &resp) == nil {
			st.hit = &resp
			return st
		}
	}
	st.since = e.Cache.Generation()
	return st
}

// InterceptResponse implements graphql.ResponseInterceptor. The handler is
// asked for responses until it returns nil (once over HTTP POST or GET,
// until nil over WebSocket or SSE): on a hit the first call returns the
// stored answer without calling next, so nothing executes, and later calls
// end the stream; on a miss every call goes to next, and only the first
// response, if complete and without errors, is stored.
func (e *Extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	st, _ := ctx.Value(stateKey{}).(*opState)
	if st == nil {
		return next(ctx)
	}
	st.mu.Lock()
	n := st.calls
	st.calls++
	st.mu.Unlock()
	if n > 0 {
		if st.hit != nil {
			return nil
		}
		return next(ctx)
	}
	if st.hit != nil {
		setExtension(ctx, Hit)
		resp := *st.hit
		resp.Errors = graphql.GetErrors(ctx)
		resp.Extensions = graphql.GetExtensions(ctx)
		return &resp
	}
	setExtension(ctx, Miss)
	resp := next(ctx)
	if resp != nil && len(resp.Errors) == 0 && resp.HasNext == nil && resp.Label == "" && len(resp.Path) == 0 && len(resp.Data) > 0 {
		// Only the data is stored: extensions (tracing, this one) belong to
		// the request that made them.
		if body, err := json.Marshal(&graphql.Response{Data: resp.Data}); err == nil {
			e.Cache.PutIfUnchanged(st.key, body, st.kinds, st.since)
		}
	}
	return resp
}

func setExtension(ctx context.Context, value string) {
	if graphql.GetExtension(ctx, ExtensionKey) == nil {
		graphql.RegisterExtension(ctx, ExtensionKey, value)
	}
}

// mayReadPersonalData reports whether the policy lets p see some person's
// phone or email unmasked (an admin, or an editor of any body): those
// readings are audited, so they are never answered from the cache.
func mayReadPersonalData(p *auth.Principal) bool {
	res := auth.Resource{Kind: auth.KindPerson, PersonBodies: domain.BodyCodes}
	return auth.Policy{}.Authorize(p, auth.ActionReadPersonalData, res) == nil
}
