package limits

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"

	"sanfang/internal/auth"
)

// Limiter enforces a Config. Make one per endpoint with New; wrap the HTTP
// handler with Middleware and add Extension to the gqlgen server.
type Limiter struct {
	cfg Config
	log *slog.Logger
	now func() time.Time

	credRate, ipRate *buckets
	budget           *budgets
	wsCred, wsIP     *slots
	subs             *slots

	// verdicts remembers the document checks by the query's hash, as
	// gqlgen remembers parsed documents.
	verdicts *lru.LRU[*Error]
	// cost is the schema with list multipliers, set by Extension's Validate.
	cost graphql.ExecutableSchema
}

// New makes a Limiter; zero fields of cfg take their defaults (Defaults),
// negative ones are off. logger may be nil.
func New(cfg Config, logger *slog.Logger) *Limiter {
	cfg = cfg.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	l := &Limiter{
		cfg:      cfg,
		log:      logger,
		now:      time.Now,
		credRate: newBuckets(cfg.RateLimit),
		ipRate:   newBuckets(cfg.IPRateLimit),
		budget:   newBudgets(cfg.CostBudget, cfg.CostBudgetWindow),
		wsCred:   newSlots(cfg.MaxWSConnections),
		wsIP:     newSlots(cfg.MaxWSConnectionsPerIP),
		subs:     newSlots(cfg.MaxSubscriptions),
		verdicts: lru.New[*Error](1000),
	}
	return l
}

// Config is the configuration in force (with its defaults filled in).
func (l *Limiter) Config() Config { return l.cfg }

type ipKey struct{}

// clientIP is the caller's address: from the configured proxy header if
// there is one and it holds an address, else the connection's.
func (l *Limiter) clientIP(r *http.Request) string {
	if h := l.cfg.ClientIPHeader; h != "" {
		if vs := r.Header.Values(h); len(vs) > 0 {
			parts := strings.Split(vs[len(vs)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(ip) != nil {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ipFrom is the client IP the middleware found ("unknown" without it).
func ipFrom(ctx context.Context) string {
	if ip, ok := ctx.Value(ipKey{}).(string); ok {
		return ip
	}
	return "unknown"
}

// callerKey is whom budgets, rate limits and subscription caps count
// against: the credential, or the client IP of an anonymous caller.
func callerKey(ctx context.Context) string {
	if p := auth.FromContext(ctx); !p.IsAnonymous() {
		return "cred:" + p.ID
	}
	return "ip:" + ipFrom(ctx)
}

// refused logs a refusal, for the operators: which limit, whose request.
func (l *Limiter) refused(ctx context.Context, e *Error) {
	l.log.InfoContext(ctx, "request refused by a limit", "code", e.Code, "limit", e.Limit, "value", e.Value, "actual", e.Actual,
		"principal", auth.FromContext(ctx).String(), "ip", ipFrom(ctx))
}

func hashQuery(q string) string {
	sum := sha256.Sum256([]byte(q))
	return string(sum[:])
}
