package obs

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"sanfang/internal/auth"
)

// Extension is the gqlgen extension that notes each operation's name, type,
// credential and error codes for the request's log line and metrics,
// counts subscriptions in flight, and (when tracing) makes a span per
// operation and one per root field. Use it first, so that it sees every
// other extension's work and every error.
func (o *Obs) Extension() graphql.HandlerExtension { return extension{o} }

type extension struct{ o *Obs }

var (
	_ graphql.OperationInterceptor = extension{}
	_ graphql.ResponseInterceptor  = extension{}
	_ graphql.RootFieldInterceptor = extension{}
)

func (extension) ExtensionName() string                   { return "Observability" }
func (extension) Validate(graphql.ExecutableSchema) error { return nil }
func opFrom(ctx context.Context) *operation {
	op, _ := ctx.Value(operationKey{}).(*operation)
	return op
}
func withOp(ctx context.Context, op *operation) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

type operationKey struct{}

// operation is one operation in flight: a query or mutation until its
// answer, a subscription until its stream ends.
type operation struct {
	name, opType string
	start        time.Time
	span         trace.Span

	mu    sync.Mutex
	codes []string
}

func (op *operation) addCodes(codes []string) {
	op.mu.Lock()
	defer op.mu.Unlock()
	for _, c := range codes {
		if len(op.codes) < 10 && !contains(op.codes, c) {
			op.codes = append(op.codes, c)
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// names returns the operation's name and type from gqlgen's context.
func names(ctx context.Context) (name, opType string) {
	if !graphql.HasOperationContext(ctx) {
		return "", ""
	}
	oc := graphql.GetOperationContext(ctx)
	name = oc.OperationName
	if oc.Operation != nil {
		if name == "" {
			name = oc.Operation.Name
		}
		opType = string(oc.Operation.Operation)
	}
	return name, opType
}

func credential(ctx context.Context) string {
	if p := auth.FromContext(ctx); !p.IsAnonymous() {
		return p.ID
	}
	return ""
}

func (e extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	o := e.o
	op := &operation{start: time.Now()}
	op.name, op.opType = names(ctx)
	req := RequestFrom(ctx)
	if req != nil {
		req.noteOperation(op.name, op.opType, credential(ctx))
	}
	if o.tracing {
		spanName := op.opType
		if op.name != "" {
			spanName += " " + op.name
		}
		attrs := []attribute.KeyValue{
			attribute.String("graphql.operation.type", op.opType),
			attribute.String("graphql.operation.name", op.name),
		}
		if req != nil {
			attrs = append(attrs, attribute.String("sanfang.request_id", req.ID))
		}
		if c := credential(ctx); c != "" {
			attrs = append(attrs, attribute.String("sanfang.credential", c))
		}
		ctx, op.span = o.tracer.Start(ctx, strings.TrimSpace(spanName), trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
	}
	ctx = withOp(ctx, op)
	sub := op.opType == "subscription"
	if sub {
		o.subscriptions.Inc()
	}
	var once sync.Once
	finish := func() {
		once.Do(func() {
			if sub {
				o.subscriptions.Dec()
			}
			op.mu.Lock()
			seen := append([]string(nil), op.codes...)
			op.mu.Unlock()
			if op.span != nil {
				if len(seen) > 0 {
					op.span.SetStatus(codes.Error, strings.Join(seen, ","))
					op.span.SetAttributes(attribute.StringSlice("graphql.error.codes", seen))
				}
				op.span.End()
			}
			if req != nil && req.websocket {
				// Over a WebSocket each operation is a request of its own.
				label := o.operationLabel(op.name)
				o.requests.WithLabelValues(label, outcome(seen)).Inc()
				if !sub {
					o.duration.WithLabelValues(label).Observe(time.Since(op.start).Seconds())
				}
			}
		})
	}
	// An operation whose client goes away before it is answered ends too.
	stop := context.AfterFunc(ctx, finish)
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if resp == nil || !sub {
			stop()
			finish()
		}
		return resp
	}
}

func (e extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	codes := errorCodes(resp.Errors)
	if op := opFrom(ctx); op != nil {
		op.addCodes(codes)
	}
	req := RequestFrom(ctx)
	if req == nil {
		return resp
	}
	if opFrom(ctx) == nil {
		// Refused before it ran (did not parse or validate): no
		// InterceptOperation saw it.
		name, opType := names(ctx)
		req.noteOperation(name, opType, credential(ctx))
		if req.websocket {
			o := e.o
			o.requests.WithLabelValues(o.operationLabel(name), outcome(codes)).Inc()
		}
	}
	req.noteResponse(codes)
	return resp
}

func (e extension) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	if !e.o.tracing || !trace.SpanFromContext(ctx).IsRecording() {
		return next(ctx)
	}
	fc := graphql.GetRootFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return next(ctx)
	}
	// (gqlgen's generated code puts the field's name in fc.Object.)
	parent := ""
	if fc.Field.ObjectDefinition != nil {
		parent = fc.Field.ObjectDefinition.Name
	} else if op := opFrom(ctx); op != nil && op.opType != "" {
		parent = strings.ToUpper(op.opType[:1]) + op.opType[1:]
	}
	ctx, span := e.o.tracer.Start(ctx, parent+"."+fc.Field.Name, trace.WithAttributes(
		attribute.String("graphql.field.name", fc.Field.Name),
		attribute.String("graphql.field.alias", fc.Field.Alias),
		attribute.String("graphql.field.parent", parent),
	))
	defer span.End()
	return next(ctx)
}

// errorCodes lists the distinct extensions.code of errs, in order.
func errorCodes(errs gqlerror.List) []string {
	var out []string
	for _, err := range errs {
		c, _ := err.Extensions["code"].(string)
		c = codeLabel(c)
		if !contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}
