package auth

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sanfang/internal/domain"
)

// The claims a bodies' single sign-on puts in a token for sanfang, besides
// the registered iss, sub, aud, exp, nbf and iat.
const (
	// ClaimName is the person's display name (standard OIDC "name").
	ClaimName = "name"
	// ClaimRole is the role: viewer, editor, admin or partner.
	ClaimRole = "sanfang_role"
	// ClaimBody is the body code: POSTAL, UNION, ASSOCIATION or FEDERATION.
	ClaimBody = "sanfang_body"
	// ClaimEnterprise is a partner's enterprise id, e.g. "ent-sf".
	ClaimEnterprise = "sanfang_enterprise"
)

// JWTLeeway is the clock skew allowed on exp, nbf and iat.
const JWTLeeway = 30 * time.Second

// JWTConfig says which tokens a JWTVerifier accepts.
type JWTConfig struct {
	// Issuer is required: a token's iss must equal it.
	Issuer string
	// Audience, if set, must be among a token's aud.
	Audience string
	// HS256Secret, if set (at least 32 bytes), verifies HS256 tokens.
	HS256Secret []byte
	// JWKSFile, if set, is a JSON Web Key Set file whose RSA keys verify
	// RS256 tokens, chosen by the token's kid. The file is read again when
	// a token names a kid it lacks and the file has changed, so keys can
	// be rotated without a restart.
	JWKSFile string
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// JWTVerifier verifies bearer tokens from the bodies' single sign-on.
//
// Only HS256 (with HS256Secret) and RS256 (with a key of the JWKS file,
// chosen by kid) are accepted; "none" and every other algorithm are
// refused, and an HS256 token is only ever checked against HS256Secret, so
// an RSA public key cannot be used as an HMAC secret. iss must equal
// Issuer, aud must include Audience when one is set, exp is required, and
// exp, nbf and iat are checked with 30 s of leeway.
//
// Claims map to the principal as follows:
//
//	sub                 Principal.ID = "jwt:"+sub (required), and Name unless "name" is set
//	name                Principal.Name
//	sanfang_role        Principal.Role (required): viewer, editor, admin or partner
//	sanfang_body        Principal.Body: POSTAL, UNION, ASSOCIATION or FEDERATION;
//	                    required for editor, optional otherwise
//	sanfang_enterprise  Principal.EnterpriseID: required for partner, refused otherwise
//
// Role and body are matched without regard to case. A token whose role is
// missing or unknown, or whose body or enterprise does not fit its role, is
// an UNAUTHENTICATED error saying which claim is wrong.
type JWTVerifier struct {
	cfg     JWTConfig
	methods []string

	mu       sync.RWMutex
	keys     map[string]*rsa.PublicKey
	loadedAt time.Time // the JWKS file's modification time when read
	size     int64
}

// NewJWTVerifier checks cfg and reads the JWKS file, if any.
func NewJWTVerifier(cfg JWTConfig) (*JWTVerifier, error) {
	var problems []string
	if strings.TrimSpace(cfg.Issuer) == "" {
		problems = append(problems, "an issuer is required")
	}
	if cfg.HS256Secret == nil && cfg.JWKSFile == "" {
		problems = append(problems, "an HS256 secret or a JWKS file is required")
	}
	if cfg.HS256Secret != nil && len(cfg.HS256Secret) < 32 {
		problems = append(problems, fmt.Sprintf("the HS256 secret has %d bytes; it needs at least 32", len(cfg.HS256Secret)))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("JWT verifier: %s", strings.Join(problems, "; "))
	}
	v := &JWTVerifier{cfg: cfg}
	if cfg.HS256Secret != nil {
		v.methods = append(v.methods, jwt.SigningMethodHS256.Alg())
	}
	if cfg.JWKSFile != "" {
		v.methods = append(v.methods, jwt.SigningMethodRS256.Alg())
		if err := v.load(); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (v *JWTVerifier) now() time.Time {
	if v.cfg.Now != nil {
		return v.cfg.Now()
	}
	return time.Now()
}

// load reads the JWKS file.
func (v *JWTVerifier) load() error {
	fi, err := os.Stat(v.cfg.JWKSFile)
	if err != nil {
		return fmt.Errorf("JWT verifier: read the JWKS file: %w", err)
	}
	data, err := os.ReadFile(v.cfg.JWKSFile)
	if err != nil {
		return fmt.Errorf("JWT verifier: read the JWKS file: %w", err)
	}
	keys, err := ParseJWKS(data)
	if err != nil {
		return fmt.Errorf("JWT verifier: %s: %w", v.cfg.JWKSFile, err)
	}
	v.mu.Lock()
	v.keys, v.loadedAt, v.size = keys, fi.ModTime(), fi.Size()
	v.mu.Unlock()
	return nil
}

// rsaKey returns the key with the given kid, reading the file again if it
// lacks it and the file has changed since it was read.
func (v *JWTVerifier) rsaKey(kid string) (*rsa.PublicKey, bool) {
	v.mu.RLock()
	k, ok := v.keys[kid]
	loadedAt, size := v.loadedAt, v.size
	v.mu.RUnlock()
	if ok {
		return k, true
	}
	if fi, err := os.Stat(v.cfg.JWKSFile); err == nil && (!fi.ModTime().Equal(loadedAt) || fi.Size() != size) {
		if v.load() == nil {
			v.mu.RLock()
			k, ok = v.keys[kid]
			v.mu.RUnlock()
		}
	}
	return k, ok
}

// ParseJWKS returns the RSA signing keys of a JSON Web Key Set by kid. Keys
// of other types, and keys marked for encryption ("use": "enc"), are
// skipped; an RSA key without a kid, or with a malformed n or e, is an
// error.
func ParseJWKS(data []byte) (map[string]*rsa.PublicKey, error) {
	var set struct {
		Keys []struct {
			Kty string `json:"kty"`
			Kid string `json:"kid"`
			Use string `json:"use"`
			Alg string `json:"alg"`
			N   string `json:"n"`
			E   string `json:"e"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("not a JWKS: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for i, k := range set.Keys {
		if k.Kty != "RSA" || k.Use == "enc" || (k.Alg != "" && k.Alg != "RS256") {
			continue
		}
		if k.Kid == "" {
			return nil, fmt.Errorf("key %d has no kid", i)
		}
		n, err1 := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.N, "="))
		e, err2 := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.E, "="))
		if err1 != nil || err2 != nil || len(n) == 0 || len(e) == 0 || len(e) > 4 {
			return nil, fmt.Errorf("key %q: n and e must be base64url big-endian integers", k.Kid)
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		if pub.N.BitLen() < 2048 || pub.E < 3 || pub.E%2 == 0 {
			return nil, fmt.Errorf("key %q: an RSA key needs at least 2048 bits and an odd exponent", k.Kid)
		}
		if _, dup := keys[k.Kid]; dup {
			return nil, fmt.Errorf("kid %q is used twice", k.Kid)
		}
		keys[k.Kid] = pub
	}
	if len(keys) == 0 {
		return nil, errors.New("no RSA signing key in the key set")
	}
	return keys, nil
}

// claims are the claims sanfang reads.
type claims struct {
	jwt.RegisteredClaims
	Name       string `json:"name"`
	Role       string `json:"sanfang_role"`
	Body       string `json:"sanfang_body"`
	Enterprise string `json:"sanfang_enterprise"`
}

// errJWT is an UNAUTHENTICATED error about a bearer token.
func errJWT(format string, args ...any) error {
	return domain.Errorf(domain.CodeUnauthenticated, "bearer token refused: "+format, args...)
}

// errKey is what the key function returns; its message is the client's.
type errKey struct{ msg string }

func (e errKey) Error() string { return e.msg }

// Verify checks a token and returns its principal, or an UNAUTHENTICATED
// error saying what is wrong with it.
func (v *JWTVerifier) Verify(token string) (*Principal, error) {
	var c claims
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(v.methods),
		jwt.WithIssuer(v.cfg.Issuer),
		jwt.WithLeeway(JWTLeeway),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(v.now),
	}
	if v.cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(v.cfg.Audience))
	}
	tok, err := jwt.ParseWithClaims(token, &c, v.keyFunc, opts...)
	if err != nil {
		return nil, v.explain(tok, err)
	}
	if c.Subject == "" {
		return nil, errJWT("it has no subject (sub)")
	}
	role := Role(strings.ToLower(strings.TrimSpace(c.Role)))
	body := domain.BodyCode(strings.ToUpper(strings.TrimSpace(c.Body)))
	enterprise := strings.TrimSpace(c.Enterprise)
	if c.Role == "" {
		return nil, errJWT("it has no %s claim (one of %s)", ClaimRole, strings.Join(domain.Strings(Roles), ", "))
	}
	if ps := checkScope(role, body, enterprise); len(ps) > 0 {
		claim := map[string]string{"role": ClaimRole, "body": ClaimBody, "enterprise": ClaimEnterprise}
		msgs := make([]string, len(ps))
		for i, p := range ps {
			msgs[i] = claim[p.what] + ": " + p.message
		}
		return nil, errJWT("%s", strings.Join(msgs, "; "))
	}
	name := c.Name
	if name == "" {
		name = c.Subject
	}
	return &Principal{Kind: PrincipalJWT, ID: "jwt:" + c.Subject, Name: name, Role: role, Body: body, EnterpriseID: enterprise}, nil
}

// keyFunc returns the key for the token's algorithm: the HS256 secret for
// HS256, an RSA public key (by kid) for RS256, nothing for anything else.
func (v *JWTVerifier) keyFunc(t *jwt.Token) (any, error) {
	switch m := t.Method.(type) {
	case *jwt.SigningMethodHMAC:
		if m.Alg() != "HS256" || v.cfg.HS256Secret == nil {
			break
		}
		return v.cfg.HS256Secret, nil
	case *jwt.SigningMethodRSA:
		if m.Alg() != "RS256" || v.cfg.JWKSFile == "" {
			break
		}
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errKey{"it names no signing key (kid)"}
		}
		if k, ok := v.rsaKey(kid); ok {
			return k, nil
		}
		return nil, errKey{fmt.Sprintf("its signing key (kid %q) is not known", truncate(kid, 64))}
	}
	return nil, errKey{v.algMessage(t)}
}

func (v *JWTVerifier) algMessage(t *jwt.Token) string {
	alg, _ := t.Header["alg"].(string)
	return fmt.Sprintf("its algorithm %q is not accepted (accepted: %s)", truncate(alg, 16), strings.Join(v.methods, ", "))
}

// explain turns a parse error into a client error.
func (v *JWTVerifier) explain(tok *jwt.Token, err error) error {
	var ek errKey
	switch {
	case errors.As(err, &ek):
		return errJWT("%s", ek.msg)
	case errors.Is(err, jwt.ErrTokenMalformed):
		return errJWT("it is not a well-formed JWT")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid) && tok != nil && !v.accepts(tok):
		return errJWT("%s", v.algMessage(tok))
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return errJWT("its signature does not verify")
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return errJWT("it has no expiry (exp)")
	case errors.Is(err, jwt.ErrTokenExpired):
		return errJWT("it has expired; sign in again")
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return errJWT("it is not valid yet (nbf or iat is in the future)")
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return errJWT("its issuer (iss) is not %q", v.cfg.Issuer)
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return errJWT("its audience (aud) does not include %q", v.cfg.Audience)
	}
	return errJWT("it is not valid")
}

func (v *JWTVerifier) accepts(t *jwt.Token) bool {
	alg, _ := t.Header["alg"].(string)
	for _, m := range v.methods {
		if m == alg {
			return true
		}
	}
	return false
}

// truncate shortens a client-given text before it is echoed back.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
