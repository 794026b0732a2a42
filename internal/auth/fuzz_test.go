package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"sanfang/internal/domain"
)

// The fuzz tests of this package are in package auth (the package's other
// tests are auth_test) because API key parsing is unexported. The
// package's TestMain still starts its embedded database; these tests do
// not use it (the authenticator has no key store). Run one with
// go test ./internal/auth -run '^$' -fuzz '^FuzzAuthenticate$' -parallel 1.

var (
	fuzzJWTSecret = []byte("0123456789abcdef0123456789abcdef")
	fuzzNow       = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
)

func wantUnauthenticated(t *testing.T, err error, what string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeUnauthenticated || de.Message == "" {
		t.Fatalf("%s: got %#v, want an UNAUTHENTICATED error", what, err)
	}
}

// FuzzParseKey: a token is accepted only as exactly sfk_, 16 lower-case
// hex characters, _ and 64 more, and then splits into them; any key made
// of those parts is accepted.
func FuzzParseKey(f *testing.F) {
	good := KeyPrefix + strings.Repeat("0a", keyIDBytes) + "_" + strings.Repeat("f1", keySecretBytes)
	for _, s := range []string{
		good, strings.ToUpper(good), good + "0", good[:len(good)-1], good + "_", "sfk_", "sfk__", "", "sfk_x_y",
		KeyPrefix + strings.Repeat("0a", keyIDBytes) + "__" + strings.Repeat("f1", keySecretBytes)[1:],
		"Bearer " + good, KeyPrefix + "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		id, secret, ok := parseKey(token)
		if !ok {
			if id != "" || secret != "" {
				t.Fatalf("parseKey(%q) refused but gave %q, %q", token, id, secret)
			}
			return
		}
		if token != KeyPrefix+id+"_"+secret || !isLowerHex(id, 2*keyIDBytes) || !isLowerHex(secret, 2*keySecretBytes) {
			t.Fatalf("parseKey(%q) = %q, %q", token, id, secret)
		}
		if len(token) != len(KeyPrefix)+2*keyIDBytes+1+2*keySecretBytes {
			t.Fatalf("parseKey accepted %q of length %d", token, len(token))
		}
	})
}

// FuzzAuthenticate: whatever Authorization and X-API-Key headers a client
// sends, it is anonymous without any, and otherwise refused with an
// UNAUTHENTICATED error (the authenticator has no key store, and a client
// cannot sign a token with the secret) or, for a token this test signs,
// authenticated as the token says.
func FuzzAuthenticate(f *testing.F) {
	v, err := NewJWTVerifier(JWTConfig{Issuer: "https://sso.example.cn", HS256Secret: fuzzJWTSecret, Now: func() time.Time { return fuzzNow }})
	if err != nil {
		f.Fatal(err)
	}
	a := &Authenticator{JWT: v}
	key := KeyPrefix + strings.Repeat("0a", keyIDBytes) + "_" + strings.Repeat("f1", keySecretBytes)
	f.Add("", "", "", false)
	f.Add("Bearer "+key, "", "", false)
	f.Add("", key, "", false)
	f.Add("", "  "+key+"  ", "", false)
	f.Add("Bearer", "", "", false)
	f.Add("Basic dXNlcjpwYXNz", "", "", false)
	f.Add("bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "", "", false)
	f.Add("Bearer a.b.c", key, "", false)
	f.Add("Bearer ", "", "", true)
	f.Add("", "eyJhbGciOiJIUzI1NiJ9.e30.x", "", false)
	f.Add("Bearer ", "", `{"sub":"u1","iss":"https://sso.example.cn","sanfang_role":"Editor","sanfang_body":" postal "}`, true)
	f.Add("Bearer ", "", `{"sub":"u1","iss":"https://sso.example.cn","sanfang_role":"partner"}`, true)
	f.Add("Bearer ", "", `{"sub":"","iss":"https://sso.example.cn","sanfang_role":"admin"}`, true)
	f.Fuzz(func(t *testing.T, authz, apiKey, claimsJSON string, sign bool) {
		if sign {
			// A token signed with the secret, of the claims given (exp and
			// iat made valid), appended to authz.
			var c jwt.MapClaims
			if err := json.Unmarshal([]byte(claimsJSON), &c); err != nil || c == nil {
				c = jwt.MapClaims{}
			}
			c["exp"], c["iat"] = fuzzNow.Add(time.Hour).Unix(), fuzzNow.Unix()
			s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(fuzzJWTSecret)
			if err != nil {
				t.Fatal(err)
			}
			authz += s
		}
		r := httptest.NewRequest("POST", "/graphql", nil)
		if authz != "" {
			r.Header["Authorization"] = []string{authz}
		}
		if apiKey != "" {
			r.Header["X-Api-Key"] = []string{apiKey}
		}
		p, err := a.Authenticate(context.Background(), r)
		if authz == "" && apiKey == "" {
			if err != nil || !p.IsAnonymous() {
				t.Fatalf("no credential: %v, %v", p, err)
			}
			return
		}
		if err != nil {
			wantUnauthenticated(t, err, "Authorization "+authz+", X-API-Key "+apiKey)
			if p != nil {
				t.Fatalf("refused with a principal %v", p)
			}
			return
		}
		if !sign || apiKey != "" || p == nil || p.Kind != PrincipalJWT || !strings.HasPrefix(p.ID, "jwt:") || p.ID == "jwt:" || !p.Role.Valid() {
			t.Fatalf("Authorization %q, X-API-Key %q authenticated as %+v", authz, apiKey, p)
		}
		if len(checkScope(p.Role, p.Body, p.EnterpriseID)) > 0 {
			t.Fatalf("authenticated as %+v, out of scope", p)
		}
	})
}

// FuzzMask: a masked phone shows at most 7 characters of the number and
// always hides 4; a masked e-mail shows at most the first character of the
// local part and the domain. Both are valid UTF-8 for valid UTF-8 input.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"13812345678", "12345678", "1234567", "1234", "", "  ", "zhang.san@example.org", "a@x.org", "@x.org", "x@", "张三@例子.中国", "\xff\xfe@x", "+86 138 1234 5678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		trimmed := strings.TrimSpace(s)
		p := MaskPhone(s)
		if trimmed == "" {
			if p != "" {
				t.Fatalf("MaskPhone(%q) = %q", s, p)
			}
		} else {
			n := utf8.RuneCountInString(trimmed)
			shown := utf8.RuneCountInString(strings.Replace(p, mask, "", 1))
			if strings.Count(p, mask) < 1 || shown > 7 || shown > n-4 && n > 4 || (n <= 4 && p != mask) {
				t.Fatalf("MaskPhone(%q) = %q", s, p)
			}
			if utf8.ValidString(s) && !utf8.ValidString(p) {
				t.Fatalf("MaskPhone(%q) = %q is not UTF-8", s, p)
			}
		}
		e := MaskEmail(s)
		at := strings.LastIndexByte(trimmed, '@')
		switch {
		case trimmed == "":
			if e != "" {
				t.Fatalf("MaskEmail(%q) = %q", s, e)
			}
		case at <= 0:
			if e != "***" {
				t.Fatalf("MaskEmail(%q) = %q", s, e)
			}
		default:
			local, rest := trimmed[:at], trimmed[at:]
			first, _ := utf8.DecodeRuneInString(local)
			if e != "***"+rest && e != string(first)+"***"+rest {
				t.Fatalf("MaskEmail(%q) = %q", s, e)
			}
			if utf8.RuneCountInString(local) >= 2 && utf8.ValidString(s) && e != string(first)+"***"+rest {
				t.Fatalf("MaskEmail(%q) = %q", s, e)
			}
		}
	})
}
