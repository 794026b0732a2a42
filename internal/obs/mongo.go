package obs

import (
	"context"
	"net"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// commandKey identifies a command in flight: request ids are unique within
// the process, and the connection makes sure.
type commandKey struct {
	conn string
	id   int64
}

// CommandMonitor counts and times every command the MongoDB clients send
// and, within a traced operation, makes a client span for each (a child of
// the root field or loader batch that sent it). Commands sent outside a
// traced request (start-up, the reconciler, webhooks) are counted but not
// traced.
func (o *Obs) CommandMonitor() *event.CommandMonitor {
	return &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			o.dbCommands.WithLabelValues(e.DatabaseName, e.CommandName).Inc()
			if !o.tracing || !trace.SpanFromContext(ctx).IsRecording() {
				return
			}
			coll := collectionOf(e.Command)
			name := e.CommandName + " " + e.DatabaseName
			if coll != "" {
				name += "." + coll
			}
			attrs := []attribute.KeyValue{
				attribute.String("db.system", "mongodb"),
				attribute.String("db.namespace", e.DatabaseName),
				attribute.String("db.operation.name", e.CommandName),
			}
			if coll != "" {
				attrs = append(attrs, attribute.String("db.collection.name", coll))
			}
			if host, port, err := net.SplitHostPort(connectionAddress(e.ConnectionID)); err == nil {
				attrs = append(attrs, attribute.String("server.address", host))
				if p, err := strconv.Atoi(port); err == nil {
					attrs = append(attrs, attribute.Int("server.port", p))
				}
			}
			_, span := o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
			o.inflight.Store(commandKey{e.ConnectionID, e.RequestID}, span)
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) {
			o.dbDuration.WithLabelValues(e.DatabaseName, e.CommandName).Observe(e.Duration.Seconds())
			if s, ok := o.inflight.LoadAndDelete(commandKey{e.ConnectionID, e.RequestID}); ok {
				s.(trace.Span).End()
			}
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) {
			o.dbDuration.WithLabelValues(e.DatabaseName, e.CommandName).Observe(e.Duration.Seconds())
			o.dbFailures.WithLabelValues(e.DatabaseName, e.CommandName).Inc()
			if s, ok := o.inflight.LoadAndDelete(commandKey{e.ConnectionID, e.RequestID}); ok {
				span := s.(trace.Span)
				span.RecordError(e.Failure)
				span.SetStatus(codes.Error, e.Failure.Error())
				span.End()
			}
		},
	}
}

// collectionOf is the collection a command names: the value of its first
// element (find, aggregate, insert, update, delete, count, ...), or of its
// collection field (getMore).
func collectionOf(cmd bson.Raw) string {
	if len(cmd) == 0 {
		return ""
	}
	if els, err := cmd.Elements(); err == nil && len(els) > 0 {
		if s, ok := els[0].Value().StringValueOK(); ok {
			return s
		}
	}
	if s, ok := cmd.Lookup("collection").StringValueOK(); ok {
		return s
	}
	return ""
}

// connectionAddress is the server address in a driver connection id
// ("127.0.0.1:27017[-4]").
func connectionAddress(id string) string {
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == '[' {
			return id[:i]
		}
	}
	return id
}

// PoolMonitor keeps the connection-pool gauges: connections open and in
// use, per server address, and counts cleared pools and failed check-outs.
func (o *Obs) PoolMonitor() *event.PoolMonitor {
	return &event.PoolMonitor{Event: func(e *event.PoolEvent) {
		switch e.Type {
		case event.ConnectionCreated:
			o.connsOpen.WithLabelValues(e.Address).Inc()
		case event.ConnectionClosed:
			o.connsOpen.WithLabelValues(e.Address).Dec()
		case event.ConnectionCheckedOut:
			o.connsInUse.WithLabelValues(e.Address).Inc()
		case event.ConnectionCheckedIn:
			o.connsInUse.WithLabelValues(e.Address).Dec()
		case event.ConnectionPoolCleared:
			o.poolCleared.WithLabelValues(e.Address).Inc()
		case event.ConnectionCheckOutFailed:
			o.checkoutFails.WithLabelValues(e.Address).Inc()
		}
	}}
}
