package limits

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// BudgetExtensionKey is the response extension with the caller's cost
// budget ({limit, remaining, resetInSeconds, cost}); BudgetHeader is the
// response header with the remaining budget.
const (
	BudgetExtensionKey = "costBudget"
	BudgetHeader       = "X-Cost-Budget-Remaining"
)

// Extension returns the gqlgen handler extension. Add it to the server
// before any extension that may answer without executing (a response
// cache), so that its checks, its budget and its timeout apply to every
// operation; add it once.
func (l *Limiter) Extension() graphql.HandlerExtension { return extension{l} }

type extension struct{ l *Limiter }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = extension{}

func (extension) ExtensionName() string { return "Limits" }

func (e extension) Validate(schema graphql.ExecutableSchema) error {
	e.l.cost = CostSchema(schema, e.l.cfg.DefaultPageSize, e.l.cfg.MaxPageSize)
	return nil
}

// MutateOperationParameters checks the request before gqlgen parses and
// validates it: over WebSocket the connection's credential slot and the
// rate limit (per message), then the document's size, its tokens, its
// shape (depth, aliases, root fields, directives, fields, fragment cycles)
// and the variables' size.
func (e extension) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if err := e.l.checkParams(ctx, params); err != nil {
		e.l.refused(ctx, err)
		return err.GQL()
	}
	return nil
}

func (l *Limiter) checkParams(ctx context.Context, params *graphql.RawParams) *Error {
	c := l.cfg
	if cs, _ := ctx.Value(connStateKey{}).(*connState); cs != nil {
		// A credential sent in connection_init takes its connection slot
		// at the connection's first operation.
		key := callerKey(ctx)
		if id, ok := strings.CutPrefix(key, "cred:"); ok {
			if err := cs.bind(l, id); err != nil {
				return err
			}
		}
		// Over HTTP the middleware counted the request; a WebSocket
		// carries many operations on one upgrade.
		rate, b, name := l.cfg.RateLimit, l.credRate, NameRateLimit
		if strings.HasPrefix(key, "ip:") {
			rate, b, name = l.cfg.IPRateLimit, l.ipRate, NameIPRateLimit
		}
		if ok, wait := b.take(key, l.now()); !ok {
			return l.rateError(name, rate, "this caller", wait)
		}
	}
	q := params.Query
	if on(c.MaxQueryBytes) && len(q) > c.MaxQueryBytes {
		return exceeded(NameMaxQueryBytes, c.MaxQueryBytes, len(q),
			"the query document is %d bytes; at most %d are allowed (limit %s)", len(q), c.MaxQueryBytes, NameMaxQueryBytes)
	}
	if q != "" {
		key := hashQuery(q)
		verdict, seen := l.verdicts.Get(ctx, key)
		if !seen {
			verdict = l.checkQuery(q)
			l.verdicts.Add(ctx, key, verdict)
		}
		if verdict != nil {
			return verdict
		}
	}
	if on(c.MaxVariablesBytes) && len(params.Variables) > 0 {
		b, err := json.Marshal(params.Variables)
		if err == nil && len(b) > c.MaxVariablesBytes {
			return exceeded(NameMaxVariablesBytes, c.MaxVariablesBytes, len(b),
				"the variables are %d bytes of JSON; at most %d are allowed (limit %s): send large data in several requests", len(b), c.MaxVariablesBytes, NameMaxVariablesBytes)
		}
	}
	return nil
}

// checkQuery counts a document's tokens, parses it and measures it. A
// document that does not parse passes: gqlgen's parser reports it.
func (l *Limiter) checkQuery(q string) *Error {
	c := l.cfg
	if on(c.MaxTokens) {
		if _, over := CountTokens(q, c.MaxTokens); over {
			return exceeded(NameMaxTokens, c.MaxTokens, nil,
				"the query document has more than %d tokens (limit %s): ask for less at once", c.MaxTokens, NameMaxTokens)
		}
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		return nil
	}
	return c.checkDocument(doc)
}

// opInfo is what the extension learned of an operation, kept in its
// OperationContext's stats.
type opInfo struct {
	cost   int
	budget *BudgetState
}

const statsKey = "sanfang.limits"

// MutateOperationContext computes the validated operation's cost, refuses
// it over max-cost, and charges it to the caller's budget (refused with
// 429 and Retry-After when the budget cannot pay for it).
func (e extension) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	if err := e.l.checkOperation(ctx, opCtx); err != nil {
		e.l.refused(ctx, err)
		return err.GQL()
	}
	return nil
}

func (l *Limiter) checkOperation(ctx context.Context, opCtx *graphql.OperationContext) *Error {
	if l.cost == nil || opCtx.Operation == nil {
		return nil
	}
	cost := Cost(ctx, l.cost, opCtx.Operation, opCtx.Variables)
	info := &opInfo{cost: cost}
	opCtx.Stats.SetExtension(statsKey, info)
	if on(l.cfg.MaxCost) && cost > l.cfg.MaxCost {
		return exceeded(NameMaxCost, l.cfg.MaxCost, cost,
			"the operation would cost %d; at most %d is allowed (limit %s): ask for smaller pages (first/last) or fewer nested lists", cost, l.cfg.MaxCost, NameMaxCost)
	}
	if l.budget == nil {
		return nil
	}
	ok, st := l.budget.charge(callerKey(ctx), cost, l.now())
	rs := reqStateFrom(ctx)
	if opCtx.Operation.Operation != ast.Subscription {
		info.budget = &st
		rs.setHeader(BudgetHeader, strconv.Itoa(st.Remaining))
	}
	if ok {
		return nil
	}
	rs.refuse(http.StatusTooManyRequests, st.reset)
	return &Error{
		Code: CodeRateLimited, Limit: NameCostBudget, Value: l.cfg.CostBudget, Actual: cost, RetryAfter: st.reset,
		Extensions: map[string]any{BudgetExtensionKey: st},
		Message: fmt.Sprintf("this caller's query cost budget is spent: %d of %d per %s left, and this operation costs %d (limit %s); retry after %ds",
			st.Remaining, st.Limit, l.cfg.CostBudgetWindow, cost, NameCostBudget, st.ResetInSeconds),
	}
}

// InterceptOperation holds a subscription slot for as long as a
// subscription lasts.
func (e extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	l := e.l
	opCtx := graphql.GetOperationContext(ctx)
	if l.subs == nil || opCtx.Operation == nil || opCtx.Operation.Operation != ast.Subscription {
		return next(ctx)
	}
	ok, release := l.subs.acquire(callerKey(ctx))
	if !ok {
		err := exceeded(NameMaxSubscriptions, l.cfg.MaxSubscriptions, nil,
			"too many subscriptions for this caller: at most %d may be live at once (limit %s); stop one first", l.cfg.MaxSubscriptions, NameMaxSubscriptions)
		l.refused(ctx, err)
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err.GQL()}})
	}
	stop := context.AfterFunc(ctx, release)
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if resp == nil {
			stop()
			release()
		}
		return resp
	}
}

// errTimeout is the cause of a context stopped by the request timeout.
var errTimeout = errors.New("request timeout")

// InterceptResponse puts the cost budget into the answer's extensions and
// runs a query or mutation under the request timeout: its context's
// deadline stops the database work, and the errors that stopping caused
// are reported as TIMEOUT naming the limit.
func (e extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	l := e.l
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	opCtx := graphql.GetOperationContext(ctx)
	if info, _ := opCtx.Stats.GetExtension(statsKey).(*opInfo); info != nil && info.budget != nil {
		graphql.RegisterExtension(ctx, BudgetExtensionKey, *info.budget)
	}
	if l.cfg.Timeout <= 0 || opCtx.Operation == nil || opCtx.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	tctx, cancel := context.WithTimeoutCause(ctx, l.cfg.Timeout, errTimeout)
	defer cancel()
	resp := next(tctx)
	if resp != nil && errors.Is(context.Cause(tctx), errTimeout) {
		l.markTimeout(ctx, resp)
	}
	return resp
}

// markTimeout reports the errors of a response stopped by the timeout as
// TIMEOUT (the resolvers' context errors were presented as UNAVAILABLE,
// or INTERNAL when a driver hid the cause).
func (l *Limiter) markTimeout(ctx context.Context, resp *graphql.Response) {
	te := &Error{Code: CodeTimeout, Limit: NameRequestTimeout, Value: l.cfg.Timeout.String(),
		Message: fmt.Sprintf("the request ran longer than %s and was stopped (limit %s): ask for less at once, or retry later", l.cfg.Timeout, NameRequestTimeout)}
	marked := false
	for _, ge := range resp.Errors {
		code, _ := ge.Extensions["code"].(string)
		if code != "" && code != "UNAVAILABLE" && code != "INTERNAL" {
			continue
		}
		ge.Message = te.Message
		ge.Extensions = te.extensions()
		marked = true
	}
	if marked {
		l.refused(ctx, te)
	}
}
