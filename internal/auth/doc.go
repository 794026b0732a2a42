// Package auth says who is asking (credentials) and what they may do (the
// policy), for issue 3: each body maintains its own data.
//
// # Credentials
//
// A request carries at most one credential:
//
//   - an API key, as "Authorization: Bearer sfk_<id>_<secret>" or
//     "X-API-Key: sfk_<id>_<secret>". Keys are made with the command line
//     (see below), kept in the joint database's apiKeys collection, and
//     stored only as the SHA-256 of their secret: the plaintext is shown
//     once, when the key is created, and never again.
//   - a JWT bearer token from a body's single sign-on, as
//     "Authorization: Bearer <jwt>", verified by a [JWTVerifier] (HS256 with
//     a shared secret, or RS256 with the keys of a JWKS file).
//
// No credential makes the request anonymous; what an anonymous caller may
// do is the [Policy]'s business. A credential that does not verify is
// always an UNAUTHENTICATED error, never a silent fall-back to anonymous.
//
// # The first admin key
//
// A new installation has no keys. Make the first admin key on the machine
// that can reach the store (same settings as serve, e.g. the same
// --data-dir or SANFANG_MONGODB_URI):
//
//	go run . apikey create --name first-admin --role admin
//
// It prints the key once; keep it in a password manager. With it, make the
// other keys (editors per body, viewers for dashboards, partners scoped to
// one enterprise):
//
//	go run . apikey create --name union-staff --role editor --body UNION
//	go run . apikey create --name sf-hr --role partner --enterprise ent-sf --body UNION --expires 8760h
//	go run . apikey list
//	go run . apikey revoke <id>
//
// With the embedded database, run these while the server is stopped or on
// the server's own data directory; with MongoDB, from anywhere that reaches
// the joint database.
//
// # Roles
//
//   - viewer reads (dashboards).
//   - editor of a body writes the records that body owns, and the joint
//     records it is named an editor of; it reports progress on the tasks it
//     leads or supports.
//   - admin may do everything, including managing keys and reading audit.
//   - partner (an enterprise's system) reads, and maintains its own
//     enterprise's union figures and activities.
//
// The rules are all in [Policy.Authorize].
package auth
