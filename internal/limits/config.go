package limits

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// The names of the limits: each is the name of its setting (the flag
// --max-depth, the environment variable SANFANG_MAX_DEPTH) and is what a
// refusal's extensions.limit.name says.
const (
	NameMaxDepth           = "max-depth"
	NameMaxCost            = "max-cost"
	NameMaxAliases         = "max-aliases"
	NameMaxAliasesTotal    = "max-aliases-total"
	NameMaxRootFields      = "max-root-fields"
	NameMaxDirectives      = "max-directives"
	NameMaxFields          = "max-fields"
	NameMaxTokens          = "max-tokens"
	NameMaxQueryBytes      = "max-query-bytes"
	NameMaxBodyBytes       = "max-body-bytes"
	NameMaxVariablesBytes  = "max-variables-bytes"
	NameRequestTimeout     = "request-timeout"
	NameRateLimit          = "rate-limit"
	NameIPRateLimit        = "ip-rate-limit"
	NameCostBudget         = "cost-budget"
	NameMaxWSConnections   = "max-ws-connections"
	NameMaxWSConnectionsIP = "max-ws-connections-per-ip"
	NameMaxSubscriptions   = "max-subscriptions"
	// NameMaxPageSize is the store's page cap (SANFANG_MAX_PAGE_SIZE),
	// enforced by the connections themselves (BAD_USER_INPUT); the cost
	// calculation caps its multipliers at it.
	NameMaxPageSize = "max-page-size"
)

// Off turns a limit off: a negative value of any limit (a count, a size, a
// duration, a rate). Zero means "the default".
const Off = -1

// Rate is a token bucket: PerSecond requests a second on average, at most
// Burst at once. PerSecond zero means the default; negative turns it off.
type Rate struct {
	PerSecond float64
	Burst     int
}

func (r Rate) on() bool { return r.PerSecond > 0 && r.Burst > 0 }

// String writes the rate as a setting's value is written: "20/s".
func (r Rate) String() string {
	if !r.on() {
		return "off"
	}
	return strconv.FormatFloat(r.PerSecond, 'f', -1, 64) + "/s"
}

// ParseRate reads a rate: a number of requests a second ("20", "0.5"), or
// a number per second, minute or hour ("20/s", "600/m", "1000/h"). "0" is
// returned as a negative rate (off).
func ParseRate(s string) (float64, error) {
	num, unit := s, "s"
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			num, unit = s[:i], s[i+1:]
			break
		}
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("must be a number of requests a second (20), or per unit (20/s, 600/m, 1000/h); 0 turns it off")
	}
	per := map[string]float64{"s": 1, "m": 60, "h": 3600}[unit]
	if per == 0 {
		return 0, fmt.Errorf("unit %q: use /s, /m or /h", unit)
	}
	if n == 0 {
		return Off, nil
	}
	return n / per, nil
}

// ParseBytes reads a size: a whole number of bytes, or one with a unit
// (64KiB, 1MiB, 500KB, 2MB).
func ParseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		factor int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"KB", 1000}, {"MB", 1000 * 1000}, {"B", 1}}
	num, factor := s, int64(1)
	for _, u := range units {
		if len(s) > len(u.suffix) && s[len(s)-len(u.suffix):] == u.suffix {
			num, factor = s[:len(s)-len(u.suffix)], u.factor
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/factor {
		return 0, fmt.Errorf("must be a size such as 65536, 64KiB or 1MiB")
	}
	return n * factor, nil
}

// Config is every limit. The zero value of a field is its default (see
// [Defaults]); a negative value turns the limit off (except MaxBodyBytes,
// which is never off).
type Config struct {
	// MaxDepth is how deeply fields may nest, counted through fragments;
	// inside __schema and __type, ofType does not count, so GraphiQL's
	// introspection query (depth 6) passes.
	MaxDepth int
	// MaxCost is the most an operation may cost: gqlgen's complexity, where
	// a field costs 1 plus its selections, times the page size for a
	// connection (first/last, DefaultPageSize when absent, capped at
	// MaxPageSize) or the number of ids for nodes(ids:) and _entities.
	MaxCost int
	// DefaultPageSize and MaxPageSize are the store's page sizes, used as
	// cost multipliers (not enforced here).
	DefaultPageSize, MaxPageSize int
	// MaxAliases is the most distinct aliases in one selection set;
	// MaxAliasesTotal the most aliased fields in the document.
	MaxAliases, MaxAliasesTotal int
	// MaxRootFields is the most top-level fields (distinct response names)
	// of an operation.
	MaxRootFields int
	// MaxDirectives is the most directives used in the document.
	MaxDirectives int
	// MaxFields is the most field selections in the document, counting a
	// fragment's fields each time it is spread.
	MaxFields int
	// MaxTokens is the most lexical tokens in the document (counted before
	// it is parsed); MaxQueryBytes the most bytes.
	MaxTokens, MaxQueryBytes int
	// MaxBodyBytes is the largest request body (413 beyond it).
	MaxBodyBytes int64
	// MaxVariablesBytes is the largest variables object, as JSON.
	MaxVariablesBytes int
	// Timeout bounds the execution of a query or mutation (its context's
	// deadline, so the database work stops with it).
	Timeout time.Duration
	// RateLimit is per credential (anonymous callers: per IP only);
	// IPRateLimit is per client IP, for every request.
	RateLimit, IPRateLimit Rate
	// CostBudget is how much cost a credential (an anonymous caller: an IP)
	// may spend in each CostBudgetWindow.
	CostBudget       int
	CostBudgetWindow time.Duration
	// MaxWSConnections is the most open WebSocket connections of one
	// credential; MaxWSConnectionsPerIP of one client IP.
	MaxWSConnections, MaxWSConnectionsPerIP int
	// MaxSubscriptions is the most live subscriptions (WebSocket and SSE)
	// of one credential (an anonymous caller: an IP).
	MaxSubscriptions int
	// ClientIPHeader, if set, is the header a trusted reverse proxy puts
	// the client's address in (X-Real-IP, or X-Forwarded-For, whose last
	// address is taken); otherwise the connection's address is used.
	ClientIPHeader string
}

// Defaults returns the default limits.
func Defaults() Config {
	return Config{
		MaxDepth:              12,
		MaxCost:               5000,
		DefaultPageSize:       20,
		MaxPageSize:           100,
		MaxAliases:            30,
		MaxAliasesTotal:       100,
		MaxRootFields:         10,
		MaxDirectives:         20,
		MaxFields:             1000,
		MaxTokens:             5000,
		MaxQueryBytes:         64 << 10,
		MaxBodyBytes:          1 << 20,
		MaxVariablesBytes:     256 << 10,
		Timeout:               10 * time.Second,
		RateLimit:             Rate{PerSecond: 20, Burst: 40},
		IPRateLimit:           Rate{PerSecond: 50, Burst: 100},
		CostBudget:            100000,
		CostBudgetWindow:      time.Minute,
		MaxWSConnections:      10,
		MaxWSConnectionsPerIP: 100,
		MaxSubscriptions:      50,
	}
}

// withDefaults fills every zero field from Defaults.
func (c Config) withDefaults() Config {
	d := Defaults()
	ints := []struct{ v, d *int }{
		{&c.MaxDepth, &d.MaxDepth}, {&c.MaxCost, &d.MaxCost}, {&c.DefaultPageSize, &d.DefaultPageSize},
		{&c.MaxPageSize, &d.MaxPageSize}, {&c.MaxAliases, &d.MaxAliases}, {&c.MaxAliasesTotal, &d.MaxAliasesTotal},
		{&c.MaxRootFields, &d.MaxRootFields}, {&c.MaxDirectives, &d.MaxDirectives}, {&c.MaxFields, &d.MaxFields},
		{&c.MaxTokens, &d.MaxTokens}, {&c.MaxQueryBytes, &d.MaxQueryBytes}, {&c.MaxVariablesBytes, &d.MaxVariablesBytes},
		{&c.CostBudget, &d.CostBudget}, {&c.MaxWSConnections, &d.MaxWSConnections},
		{&c.MaxWSConnectionsPerIP, &d.MaxWSConnectionsPerIP}, {&c.MaxSubscriptions, &d.MaxSubscriptions},
	}
	for _, f := range ints {
		if *f.v == 0 {
			*f.v = *f.d
		}
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	if c.CostBudgetWindow <= 0 {
		c.CostBudgetWindow = d.CostBudgetWindow
	}
	for _, r := range []struct{ v, d *Rate }{{&c.RateLimit, &d.RateLimit}, {&c.IPRateLimit, &d.IPRateLimit}} {
		if r.v.PerSecond == 0 {
			r.v.PerSecond = r.d.PerSecond
		}
		if r.v.Burst == 0 {
			r.v.Burst = max(1, int(math.Ceil(2*r.v.PerSecond)))
		}
	}
	if c.DefaultPageSize > c.MaxPageSize && c.MaxPageSize > 0 {
		c.DefaultPageSize = c.MaxPageSize
	}
	return c
}

// on reports whether a count limit is on.
func on(n int) bool { return n > 0 }
