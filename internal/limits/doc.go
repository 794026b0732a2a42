// Package limits protects the GraphQL endpoint from requests that would
// cost it far more than they are worth: documents that are too large, too
// deep or too wide, operations that would read too much, callers that ask
// too often or spend too much, and streams that are never closed.
//
// A [Limiter] has two halves that share one [Config]:
//
//   - [Limiter.Middleware] wraps the HTTP handler: per-IP and per-credential
//     rate limits (429 with Retry-After), the request body size (413),
//     batched JSON arrays (400), and WebSocket connections per credential
//     and per IP (close code 4429).
//   - [Limiter.Extension] is a gqlgen handler extension: before the document
//     is parsed and validated it checks its size, tokens, depth, fields,
//     root fields, aliases and directives and the size of the variables;
//     after validation the operation's cost (gqlgen's complexity with list
//     multipliers, see [CostSchema]) and the caller's cost budget; around
//     execution the request timeout; and subscriptions per credential.
//
// Every refusal names the limit: extensions.code is LIMIT_EXCEEDED,
// RATE_LIMITED, TIMEOUT or BATCHING_NOT_SUPPORTED, and extensions.limit is
// {"name": the setting's name, "value": its value} (with "actual" when it is
// known).
package limits
