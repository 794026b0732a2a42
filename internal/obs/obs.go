// Package obs is what an operator sees of sanfang: one structured log line
// per HTTP request (with a request id that every other log line of the
// request carries too), Prometheus metrics on a registry of its own,
// OpenTelemetry traces when a collector is configured, and the health and
// readiness endpoints.
//
// The pieces plug in at four places: Middleware around the HTTP mux,
// Extension into the gqlgen server, CommandMonitor and PoolMonitor into the
// MongoDB clients, and LogHandler around the slog handler.
package obs

import (
	"log/slog"
	"net/http"
	"regexp"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Options configure New.
type Options struct {
	// Logger receives the request log lines (wrap its handler with
	// LogHandler so that they and every other line carry the request id).
	Logger *slog.Logger
	// TracerProvider makes the spans; nil turns tracing off (a no-op tracer,
	// and no span is even started).
	TracerProvider trace.TracerProvider
	// GraphQLPath is the path whose requests are counted as GraphQL
	// requests ("/graphql" if empty).
	GraphQLPath string
}

// Obs holds the metrics, the tracer and the logger of one server.
type Obs struct {
	logger      *slog.Logger
	tracer      trace.Tracer
	tracing     bool
	graphqlPath string

	reg *prometheus.Registry

	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	subscriptions prometheus.Gauge
	dbCommands    *prometheus.CounterVec
	dbFailures    *prometheus.CounterVec
	dbDuration    *prometheus.HistogramVec
	connsOpen     *prometheus.GaugeVec
	connsInUse    *prometheus.GaugeVec
	poolCleared   *prometheus.CounterVec
	checkoutFails *prometheus.CounterVec

	// operations are the operation names used as label values so far; past
	// maxOperations, new names are counted as "other" (names come from
	// clients: the label's cardinality must stay bounded).
	mu         sync.Mutex
	operations map[string]bool

	// inflight are the spans of database commands sent and not yet
	// answered, by connection and request id.
	inflight sync.Map
}

const maxOperations = 500

// New makes the metrics (on a registry of their own, with the Go runtime's
// and the process's) and the tracer.
func New(o Options) *Obs {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.GraphQLPath == "" {
		o.GraphQLPath = "/graphql"
	}
	ob := &Obs{logger: o.Logger, graphqlPath: o.GraphQLPath, operations: map[string]bool{}, reg: prometheus.NewRegistry()}
	if o.TracerProvider != nil {
		ob.tracer, ob.tracing = o.TracerProvider.Tracer("sanfang"), true
	} else {
		ob.tracer = noop.NewTracerProvider().Tracer("sanfang")
	}
	ob.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sanfang_graphql_requests_total",
		Help: "GraphQL requests (HTTP requests to the GraphQL path, and operations over WebSocket) by operation name and outcome: ok, or the first error's code (http_<status> when the request was refused before GraphQL saw it).",
	}, []string{"operation", "outcome"})
	ob.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "sanfang_graphql_request_duration_seconds",
		Help:    "Time to answer a GraphQL request (subscriptions are not timed), by operation name.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"operation"})
	ob.subscriptions = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "sanfang_graphql_subscriptions_active",
		Help: "Subscription operations in flight (WebSocket and Server-Sent Events).",
	})
	ob.dbCommands = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sanfang_db_commands_total",
		Help: "Commands sent to MongoDB, by database and command name.",
	}, []string{"database", "command"})
	ob.dbFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sanfang_db_command_failures_total",
		Help: "Commands that failed (an error answer or no answer), by database and command name.",
	}, []string{"database", "command"})
	ob.dbDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "sanfang_db_command_duration_seconds",
		Help:    "Time from sending a command to MongoDB to its answer, by database and command name.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"database", "command"})
	ob.connsOpen = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "sanfang_db_connections_open",
		Help: "Connections open in the MongoDB driver's pool, by server address.",
	}, []string{"address"})
	ob.connsInUse = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "sanfang_db_connections_in_use",
		Help: "Connections checked out of the MongoDB driver's pool, by server address.",
	}, []string{"address"})
	ob.poolCleared = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sanfang_db_pool_cleared_total",
		Help: "Times the driver cleared a server's pool (the server became unreachable), by server address.",
	}, []string{"address"})
	ob.checkoutFails = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sanfang_db_connection_checkout_failures_total",
		Help: "Failed attempts to take a connection from the pool, by server address.",
	}, []string{"address"})
	ob.reg.MustRegister(ob.requests, ob.duration, ob.subscriptions, ob.dbCommands, ob.dbFailures, ob.dbDuration,
		ob.connsOpen, ob.connsInUse, ob.poolCleared, ob.checkoutFails,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return ob
}

// Registry is the registry the metrics are on; register more there.
func (o *Obs) Registry() *prometheus.Registry { return o.reg }

// MetricsHandler serves the metrics in the Prometheus text format.
func (o *Obs) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(o.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(o.logger.Handler(), slog.LevelError)})
}

// Tracer makes the spans (a no-op tracer when tracing is off).
func (o *Obs) Tracer() trace.Tracer { return o.tracer }

// Tracing reports whether spans are made.
func (o *Obs) Tracing() bool { return o.tracing }

// TracerIfOn is the tracer when tracing is on and nil when it is off, for
// code that skips its span work altogether without one (the loaders).
func (o *Obs) TracerIfOn() trace.Tracer {
	if !o.tracing {
		return nil
	}
	return o.tracer
}

var operationName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,99}$`)

// operationLabel is the label value for an operation name: "unnamed" for
// none, "invalid" for what is not a GraphQL name, "other" past the first
// maxOperations names.
func (o *Obs) operationLabel(name string) string {
	switch {
	case name == "":
		return "unnamed"
	case !operationName.MatchString(name):
		return "invalid"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.operations[name] {
		return name
	}
	if len(o.operations) >= maxOperations {
		return "other"
	}
	o.operations[name] = true
	return name
}

var errorCode = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,39}$`)

// outcome is "ok" when there were no errors, else the first error's code.
func outcome(codes []string) string {
	if len(codes) == 0 {
		return "ok"
	}
	return codes[0]
}

// codeLabel keeps an error code usable as a label value.
func codeLabel(code string) string {
	if !errorCode.MatchString(code) {
		return "ERROR"
	}
	return code
}
