package main

import (
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"

	"sanfang/internal/obs"
)

// opsConfig holds the ops settings: how the server shuts down, how long it
// waits for a database, what it tells an operator (metrics, traces,
// readiness).
type opsConfig struct {
	// ShutdownTimeout bounds how long requests in flight may take to finish
	// after SIGTERM/SIGINT.
	ShutdownTimeout time.Duration
	// DBTimeout bounds server selection and connecting: a request whose
	// database is down fails with UNAVAILABLE after about this long.
	DBTimeout time.Duration
	// ReadyTimeout is how long /readyz waits for each database's ping.
	ReadyTimeout time.Duration
	// Metrics serves /metrics.
	Metrics bool
	// OTLPEndpoint, if set, is the OTLP/HTTP collector traces go to.
	OTLPEndpoint string
	// TraceSample is the share of operations traced.
	TraceSample float64

	// Set at run time by setUpOps, for storeConfig.
	monitor     *event.CommandMonitor
	poolMonitor *event.PoolMonitor
}

// opsSettings lists the ops settings (see settings in config.go).
func opsSettings() []setting {
	duration := func(lo, hi time.Duration, set func(c *config, d time.Duration)) func(c *config, v string) error {
		return func(c *config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < lo || d > hi {
				return fmt.Errorf("must be a duration from %s to %s, such as 3s or 500ms", lo, hi)
			}
			set(c, d)
			return nil
		}
	}
	return []setting{
		{"shutdown-timeout", "SANFANG_SHUTDOWN_TIMEOUT", "10s", "on SIGTERM/SIGINT, how long requests in flight may take to finish before the server stops anyway", duration(time.Second, 10*time.Minute, func(c *config, d time.Duration) { c.Ops.ShutdownTimeout = d })},
		{"db-timeout", "SANFANG_DB_TIMEOUT", "3s", "how long to wait for a database that does not answer (server selection, connecting): a request whose database is down fails with UNAVAILABLE after about this long", duration(100*time.Millisecond, 5*time.Minute, func(c *config, d time.Duration) { c.Ops.DBTimeout = d })},
		{"ready-timeout", "SANFANG_READY_TIMEOUT", "2s", "how long /readyz waits for each database to answer a ping", duration(100*time.Millisecond, time.Minute, func(c *config, d time.Duration) { c.Ops.ReadyTimeout = d })},
		{"metrics", "SANFANG_METRICS", "true", "serve Prometheus metrics at /metrics", func(c *config, v string) error {
			b, err := strconv.ParseBool(v)
			c.Ops.Metrics = b
			return err
		}},
		{"otlp-endpoint", "SANFANG_OTLP_ENDPOINT", "", "send OpenTelemetry traces to this OTLP/HTTP collector, e.g. http://localhost:4318 (/v1/traces is added when no path is given); unset: no tracing", func(c *config, v string) error {
			if v != "" {
				if _, err := obs.TraceEndpoint(v); err != nil {
					return err
				}
			}
			c.Ops.OTLPEndpoint = v
			return nil
		}},
		{"trace-sample", "SANFANG_TRACE_SAMPLE", "1", "share of operations traced when SANFANG_OTLP_ENDPOINT is set, from 0 to 1 (a caller's sampled trace context is always followed)", func(c *config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				return fmt.Errorf("must be a number from 0 to 1")
			}
			c.Ops.TraceSample = f
			return nil
		}},
	}
}
