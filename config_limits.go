package main

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"sanfang/internal/limits"
)

// limitsConfig holds the limits settings: the endpoint's abuse limits (see
// internal/limits). Zero never appears here: a setting of 0 is stored as
// limits.Off.
type limitsConfig struct {
	limits.Config
}

// limits is the endpoint's limits, with the store's page sizes as the
// cost multipliers.
func (c *config) limits() limits.Config {
	l := c.Limits.Config
	l.MaxPageSize = c.MaxPageSize
	l.DefaultPageSize = min(20, c.MaxPageSize)
	return l
}

// limitSettings lists the limits settings (see settings in config.go).
func limitSettings() []setting {
	// count reads a whole number from 0 (off) to hi.
	count := func(hi int, set func(c *config, n int)) func(c *config, v string) error {
		return func(c *config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > hi {
				return fmt.Errorf("must be a whole number from 0 (off) to %d", hi)
			}
			if n == 0 {
				n = limits.Off
			}
			set(c, n)
			return nil
		}
	}
	// size reads a size from lo to hi bytes (0: off, if offOK).
	size := func(lo, hi int64, offOK bool, set func(c *config, n int64)) func(c *config, v string) error {
		return func(c *config, v string) error {
			n, err := limits.ParseBytes(v)
			switch {
			case err != nil:
				return err
			case n == 0 && offOK:
				n = limits.Off
			case n < lo || n > hi:
				return fmt.Errorf("must be from %d to %d bytes (e.g. 64KiB, 1MiB)", lo, hi)
			}
			set(c, n)
			return nil
		}
	}
	// burst reads a bucket's size, at least 1.
	burst := func(set func(c *config, n int)) func(c *config, v string) error {
		return func(c *config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000000 {
				return fmt.Errorf("must be a whole number from 1 to 1000000")
			}
			set(c, n)
			return nil
		}
	}
	rate := func(set func(c *config, perSecond float64)) func(c *config, v string) error {
		return func(c *config, v string) error {
			r, err := limits.ParseRate(v)
			if err != nil {
				return err
			}
			set(c, r)
			return nil
		}
	}
	return []setting{
		{limits.NameMaxDepth, "SANFANG_MAX_DEPTH", "12", "deepest nesting of fields a query may have, counted through fragments (introspection's ofType chains do not count); 0 turns it off", count(1000, func(c *config, n int) { c.Limits.MaxDepth = n })},
		{limits.NameMaxCost, "SANFANG_MAX_COST", "5000", "most an operation may cost: each field 1 plus its selections, times first/last for a connection (20 when absent, at most the page cap) and times the ids for nodes(ids:); 0 turns it off", count(math.MaxInt32, func(c *config, n int) { c.Limits.MaxCost = n })},
		{limits.NameMaxAliases, "SANFANG_MAX_ALIASES", "30", "most distinct aliases in one selection set; 0 turns it off", count(100000, func(c *config, n int) { c.Limits.MaxAliases = n })},
		{limits.NameMaxAliasesTotal, "SANFANG_MAX_ALIASES_TOTAL", "100", "most aliased fields in one document; 0 turns it off", count(100000, func(c *config, n int) { c.Limits.MaxAliasesTotal = n })},
		{limits.NameMaxRootFields, "SANFANG_MAX_ROOT_FIELDS", "10", "most top-level fields of an operation; 0 turns it off", count(100000, func(c *config, n int) { c.Limits.MaxRootFields = n })},
		{limits.NameMaxDirectives, "SANFANG_MAX_DIRECTIVES", "20", "most directives (@include, @skip, …) in one document; 0 turns it off", count(100000, func(c *config, n int) { c.Limits.MaxDirectives = n })},
		{limits.NameMaxFields, "SANFANG_MAX_FIELDS", "1000", "most fields a document selects, a fragment counted each time it is spread (checked before validation, whose cost grows with the square of repeated fields); 0 turns it off", count(1000000, func(c *config, n int) { c.Limits.MaxFields = n })},
		{limits.NameMaxTokens, "SANFANG_MAX_TOKENS", "5000", "most lexical tokens in a query document, counted before it is parsed; 0 turns it off", count(10000000, func(c *config, n int) { c.Limits.MaxTokens = n })},
		{limits.NameMaxQueryBytes, "SANFANG_MAX_QUERY_BYTES", "64KiB", "largest query document; 0 turns it off", size(1, 1<<30, true, func(c *config, n int64) { c.Limits.MaxQueryBytes = int(n) })},
		{limits.NameMaxBodyBytes, "SANFANG_MAX_BODY_BYTES", "1MiB", "largest request body (413 beyond it)", size(1<<10, 1<<30, false, func(c *config, n int64) { c.Limits.MaxBodyBytes = n })},
		{limits.NameMaxVariablesBytes, "SANFANG_MAX_VARIABLES_BYTES", "256KiB", "largest variables object, as JSON (a bulk upsert of 200 items needs about 60 KiB); 0 turns it off", size(1, 1<<30, true, func(c *config, n int64) { c.Limits.MaxVariablesBytes = int(n) })},
		{limits.NameRequestTimeout, "SANFANG_REQUEST_TIMEOUT", "10s", "how long a query or mutation may run before it is stopped, database work included (TIMEOUT); 0 turns it off", func(c *config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 || d > time.Hour {
				return fmt.Errorf("must be a duration up to 1h, such as 10s or 500ms; 0 turns it off")
			}
			if d == 0 {
				d = limits.Off
			}
			c.Limits.Timeout = d
			return nil
		}},
		{limits.NameRateLimit, "SANFANG_RATE_LIMIT", "20/s", "requests a credential may make on average (20, 20/s, 600/m); beyond it and its burst: 429 with Retry-After; 0 turns it off", rate(func(c *config, r float64) { c.Limits.RateLimit.PerSecond = r })},
		{"rate-limit-burst", "SANFANG_RATE_LIMIT_BURST", "40", "requests a credential may make at once before SANFANG_RATE_LIMIT applies", burst(func(c *config, n int) { c.Limits.RateLimit.Burst = n })},
		{limits.NameIPRateLimit, "SANFANG_IP_RATE_LIMIT", "50/s", "requests one client address may make on average, with or without a credential (see SANFANG_CLIENT_IP_HEADER behind a proxy); 0 turns it off", rate(func(c *config, r float64) { c.Limits.IPRateLimit.PerSecond = r })},
		{"ip-rate-limit-burst", "SANFANG_IP_RATE_LIMIT_BURST", "100", "requests one client address may make at once before SANFANG_IP_RATE_LIMIT applies", burst(func(c *config, n int) { c.Limits.IPRateLimit.Burst = n })},
		{limits.NameCostBudget, "SANFANG_COST_BUDGET", "100000", "query cost a credential (an anonymous caller: an address) may spend per SANFANG_COST_BUDGET_WINDOW; what is left is in the X-Cost-Budget-Remaining header and extensions.costBudget; 0 turns it off", count(math.MaxInt32, func(c *config, n int) { c.Limits.CostBudget = n })},
		{"cost-budget-window", "SANFANG_COST_BUDGET_WINDOW", "1m", "the window of SANFANG_COST_BUDGET", func(c *config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second || d > 24*time.Hour {
				return fmt.Errorf("must be a duration from 1s to 24h, such as 1m")
			}
			c.Limits.CostBudgetWindow = d
			return nil
		}},
		{limits.NameMaxWSConnections, "SANFANG_MAX_WS_CONNECTIONS", "10", "WebSocket connections one credential may hold open; 0 turns it off", count(1000000, func(c *config, n int) { c.Limits.MaxWSConnections = n })},
		{limits.NameMaxWSConnectionsIP, "SANFANG_MAX_WS_CONNECTIONS_PER_IP", "100", "WebSocket connections one client address may hold open; 0 turns it off", count(1000000, func(c *config, n int) { c.Limits.MaxWSConnectionsPerIP = n })},
		{limits.NameMaxSubscriptions, "SANFANG_MAX_SUBSCRIPTIONS", "50", "live subscriptions (WebSocket and SSE) one credential (an anonymous caller: an address) may have; 0 turns it off", count(1000000, func(c *config, n int) { c.Limits.MaxSubscriptions = n })},
		{"client-ip-header", "SANFANG_CLIENT_IP_HEADER", "", "header a trusted reverse proxy puts the client's address in (X-Real-IP, or X-Forwarded-For, whose last address is taken); unset: the connection's address. Set it only behind such a proxy: clients can send any header", func(c *config, v string) error {
			c.Limits.ClientIPHeader = v
			return nil
		}},
	}
}
