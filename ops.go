package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"sanfang/internal/obs"
	"sanfang/internal/respcache"
	"sanfang/internal/store"
)

// ops is what an operator sees of a serving process: request logs, metrics,
// traces, health and readiness (internal/obs).
type ops struct {
	cfg    *config
	logger *slog.Logger
	obs    *obs.Obs
	tp     *sdktrace.TracerProvider // nil: tracing off
}

// setUpOps makes the metrics and, when SANFANG_OTLP_ENDPOINT is set, the
// tracer, and gives the store's configuration its command and pool
// monitors. Call it before openStore, mount once the store is open, and
// shutdown when the server has stopped.
func setUpOps(ctx context.Context, cfg *config, logger *slog.Logger) (*ops, error) {
	o := &ops{cfg: cfg, logger: logger}
	opts := obs.Options{Logger: logger, GraphQLPath: "/graphql"}
	if cfg.Ops.OTLPEndpoint != "" {
		tp, err := obs.StartTracing(ctx, obs.TraceConfig{Endpoint: cfg.Ops.OTLPEndpoint, SampleRatio: cfg.Ops.TraceSample})
		if err != nil {
			return nil, fmt.Errorf("tracing (SANFANG_OTLP_ENDPOINT): %w", err)
		}
		o.tp, opts.TracerProvider = tp, tp
		logger.Info("tracing on", "otlp_endpoint", cfg.Ops.OTLPEndpoint, "sample", cfg.Ops.TraceSample)
	}
	o.obs = obs.New(opts)
	cfg.Ops.monitor = o.obs.CommandMonitor()
	cfg.Ops.poolMonitor = o.obs.PoolMonitor()
	return o, nil
}

// extensions are the GraphQL server's observability extensions.
func (o *ops) extensions() []graphql.HandlerExtension {
	return []graphql.HandlerExtension{o.obs.Extension()}
}

// mount adds /healthz, /readyz and (unless turned off) /metrics, with the
// response cache's counters when there is a cache.
func (o *ops) mount(mux *http.ServeMux, st *store.Store, cache *respcache.Cache) {
	mux.Handle("GET /healthz", obs.Healthz())
	var checks []obs.Check
	for _, p := range store.Parts {
		db := st.Database(p)
		checks = append(checks, obs.Check{Name: db.Name(), Ping: func(ctx context.Context) error {
			return db.Client().Ping(ctx, nil)
		}})
	}
	mux.Handle("GET /readyz", obs.NewReadiness(checks, o.cfg.Ops.ReadyTimeout, o.logger))
	if o.cfg.Ops.Metrics {
		if cache != nil {
			o.obs.RegisterCache(cache.Stats)
		}
		mux.Handle("GET /metrics", o.obs.MetricsHandler())
	}
}

// handler wraps the server's handler in the request log and metrics.
func (o *ops) handler(h http.Handler) http.Handler { return o.obs.Middleware(h) }

// shutdown flushes the spans not yet sent.
func (o *ops) shutdown() {
	if o.tp == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := o.tp.Shutdown(ctx); err != nil {
		o.logger.Warn("sending the last traces", "err", err)
	}
}
