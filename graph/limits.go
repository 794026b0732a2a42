package graph

import (
	"github.com/99designs/gqlgen/graphql/handler"

	"sanfang/internal/limits"
)

// installLimits adds the abuse limits (o.Limits, see internal/limits) to
// the gqlgen server and returns the limiter, whose Middleware wraps the
// HTTP chain around the authentication middleware. Call it before the
// extensions that may answer without executing (the response cache), so
// that every operation is checked, charged and timed. The request body
// limit is one setting: o.Limits.MaxBodyBytes, when set, becomes
// o.MaxBodyBytes (else the other way round).
func installLimits(srv *handler.Server, o *Options) *limits.Limiter {
	cfg := o.Limits
	if cfg.MaxBodyBytes > 0 {
		o.MaxBodyBytes = cfg.MaxBodyBytes
	} else {
		cfg.MaxBodyBytes = o.MaxBodyBytes
	}
	l := limits.New(cfg, o.Logger)
	srv.Use(l.Extension())
	if n := l.Config().MaxTokens; n > 0 {
		// A backstop: the extension counts tokens before gqlgen parses,
		// and refuses past the limit with an error naming it.
		srv.SetParserTokenLimit(n + 1)
	}
	return l
}
