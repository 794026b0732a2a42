package respcache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash"
	"strconv"

	"sanfang/internal/auth"
)

// keyVersion starts every key's encoding: change it when the encoding or
// the stored format changes.
const keyVersion = "sanfang/respcache/v1"

// Key returns the cache key of an operation: the hex SHA-256 of a canonical
// encoding of the operation text, the operation name, the variables and
// the scope (see [Scope]). Each part is length-prefixed, so no two
// different tuples encode alike. Variables are JSON-encoded, which sorts
// map keys at every depth, so the order a client sent them in does not
// matter; no variables and empty variables are the same. Pass the coerced
// variables (graphql.OperationContext.Variables) so that defaults and
// coercions make equal keys for equal questions.
//
// Key returns "" when the variables cannot be encoded as JSON (e.g. an
// upload, or a NaN): such an operation is not to be cached.
func Key(operation, operationName string, variables map[string]any, scope string) string {
	vars := []byte("{}")
	if len(variables) > 0 {
		var err error
		if vars, err = json.Marshal(variables); err != nil {
			return ""
		}
	}
	h := sha256.New()
	for _, part := range [][]byte{[]byte(keyVersion), []byte(operation), []byte(operationName), vars, []byte(scope)} {
		writePart(h, part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writePart(h hash.Hash, b []byte) {
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(b)))])
	h.Write(b)
}

// Scope returns what decides what p may see: "anonymous", or its role,
// body and enterprise. Principals with the same role, body and enterprise
// share cached answers; any difference keeps them apart.
//
// The credential (p.ID, p.Name, whether it is an API key or a token) is
// deliberately not part of the scope. What a caller may read is decided by
// auth.Policy.Authorize, which looks only at whether the caller is
// anonymous and at its role, body and enterprise: reading is allowed by
// role (and, for anonymous callers, by the AnonymousReads setting, which
// is the same for every request of a process); personal data (phones,
// e-mails) is masked unless the role is admin or an editor whose body the
// person holds a title in (role and body); the audit log is filtered by
// role and body. No resolver reads the credential id for a query. Keeping
// it out lets every dashboard screen that uses its own viewer key share
// one entry, instead of one per key.
//
// Two things the credential does matter for are handled elsewhere: the
// audit trail of unmasked personal data records who read it, so the
// [Extension] never answers such an operation from the cache for a caller
// who may see personal data unmasked; and a credential that does not
// verify never reaches the cache (the authenticator refuses the request).
func Scope(p *auth.Principal) string {
	if p.IsAnonymous() {
		return auth.PrincipalAnonymous
	}
	return "role=" + strconv.Quote(string(p.Role)) +
		" body=" + strconv.Quote(string(p.Body)) +
		" enterprise=" + strconv.Quote(p.EnterpriseID)
}
