package obs

import (
	"context"
	"fmt"
	"net/url"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// TraceConfig says where spans go.
type TraceConfig struct {
	// Endpoint is an OTLP/HTTP collector's URL; with no path (or "/"),
	// /v1/traces is added, as for OTEL_EXPORTER_OTLP_ENDPOINT.
	Endpoint string
	// SampleRatio is the share of operations traced (0 to 1); an incoming
	// sampled trace context is always followed.
	SampleRatio float64
	// ServiceName names the service in the traces ("sanfang" if empty).
	ServiceName string
}

// TraceEndpoint checks an OTLP/HTTP endpoint URL and returns it with its
// path (/v1/traces when none is given).
func TraceEndpoint(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("must be an http:// or https:// URL, e.g. http://localhost:4318")
	}
	if u.Host == "" {
		return "", fmt.Errorf("has no host: write it as http://host:4318")
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/traces"
	}
	return u.String(), nil
}

// StartTracing makes a tracer provider that batches spans to the OTLP/HTTP
// collector at cfg.Endpoint. Shut it down (which flushes) when the server
// stops.
func StartTracing(ctx context.Context, cfg TraceConfig) (*sdktrace.TracerProvider, error) {
	endpoint, err := TraceEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("OTLP endpoint %q: %w", cfg.Endpoint, err)
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	if cfg.ServiceName == "" {
		cfg.ServiceName = "sanfang"
	}
	return sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", cfg.ServiceName))),
	), nil
}
