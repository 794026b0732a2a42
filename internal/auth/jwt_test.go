package auth_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sanfang/internal/auth"
)

const issuer = "https://sso.postal.shanxi.example"

var (
	hsSecret = []byte("0123456789abcdef0123456789abcdef-test-only")
	jwtNow   = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
)

// rsaKeys are generated once: 2048-bit generation is slow under -race.
var rsaKeys = func() []*rsa.PrivateKey {
	var ks []*rsa.PrivateKey
	for range 3 {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		ks = append(ks, k)
	}
	return ks
}()

// jwk is the public half of k as a JSON Web Key.
func jwk(kid string, k *rsa.PrivateKey) map[string]string {
	return map[string]string{
		"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
		"n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes()),
	}
}

func writeJWKS(t *testing.T, path string, keys ...map[string]string) {
	t.Helper()
	data, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// verifier accepts HS256 with hsSecret and RS256 with rsaKeys[0] as "k1".
func verifier(t *testing.T) (*auth.JWTVerifier, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "jwks.json")
	// An encryption key and an EC key in the set are skipped.
	writeJWKS(t, path, jwk("k1", rsaKeys[0]), map[string]string{"kty": "EC", "kid": "ec1", "crv": "P-256", "x": "AA", "y": "AA"},
		map[string]string{"kty": "RSA", "kid": "enc1", "use": "enc", "n": "AQAB", "e": "AQAB"})
	v, err := auth.NewJWTVerifier(auth.JWTConfig{Issuer: issuer, Audience: "sanfang", HS256Secret: hsSecret, JWKSFile: path, Now: func() time.Time { return jwtNow }})
	if err != nil {
		t.Fatal(err)
	}
	return v, path
}

// claims are a valid editor's claims; edit them per case.
func claims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": issuer, "aud": []string{"sanfang", "other"}, "sub": "u-1024", "name": "杨晓兰",
		"iat": jwtNow.Add(-time.Minute).Unix(), "exp": jwtNow.Add(time.Hour).Unix(),
		"sanfang_role": "editor", "sanfang_body": "UNION",
	}
}

func signHS(t *testing.T, c jwt.MapClaims, secret []byte) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func signRS(t *testing.T, c jwt.MapClaims, kid string, k *rsa.PrivateKey, method jwt.SigningMethod) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJWTValid(t *testing.T) {
	v, _ := verifier(t)
	want := auth.Principal{Kind: auth.PrincipalJWT, ID: "jwt:u-1024", Name: "杨晓兰", Role: auth.RoleEditor, Body: union}
	for name, tok := range map[string]string{
		"HS256": signHS(t, claims(), hsSecret),
		"RS256": signRS(t, claims(), "k1", rsaKeys[0], jwt.SigningMethodRS256),
	} {
		p, err := v.Verify(tok)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if *p != want {
			t.Errorf("%s: principal %+v, want %+v", name, *p, want)
		}
	}

	c := claims()
	delete(c, "name")
	c["sanfang_role"], c["sanfang_body"], c["sanfang_enterprise"] = "Partner", "union", "ent-sf"
	c["exp"] = jwtNow.Add(-20 * time.Second).Unix() // within the leeway
	p, err := v.Verify(signHS(t, c, hsSecret))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "u-1024" || p.Role != auth.RolePartner || p.Body != union || p.EnterpriseID != "ent-sf" {
		t.Errorf("partner principal = %+v", *p)
	}
}

func TestJWTRefused(t *testing.T) {
	v, _ := verifier(t)
	with := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := claims()
		edit(c)
		return c
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&rsaKeys[0].PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, token, message string }{
		{"wrong issuer", signHS(t, with(func(c jwt.MapClaims) { c["iss"] = "https://evil.example" }), hsSecret), "issuer"},
		{"expired beyond the leeway", signHS(t, with(func(c jwt.MapClaims) { c["exp"] = jwtNow.Add(-31 * time.Second).Unix() }), hsSecret), "expired"},
		{"no exp", signHS(t, with(func(c jwt.MapClaims) { delete(c, "exp") }), hsSecret), "exp"},
		{"not yet valid", signHS(t, with(func(c jwt.MapClaims) { c["nbf"] = jwtNow.Add(time.Minute).Unix() }), hsSecret), "not valid yet"},
		{"wrong audience", signHS(t, with(func(c jwt.MapClaims) { c["aud"] = "other" }), hsSecret), "audience"},
		{"alg none", none, `"none" is not accepted`},
		{"HS256 signed with the RSA public key", signHS(t, claims(), pubPEM), "signature"},
		{"HS256 signed with the RSA modulus", signHS(t, claims(), rsaKeys[0].N.Bytes()), "signature"},
		{"HS256 with the wrong secret", signHS(t, claims(), []byte("another secret that is long enough!!")), "signature"},
		{"RS384", signRS(t, claims(), "k1", rsaKeys[0], jwt.SigningMethodRS384), `"RS384" is not accepted`},
		{"PS256", signRS(t, claims(), "k1", rsaKeys[0], jwt.SigningMethodPS256), `"PS256" is not accepted`},
		{"unknown kid", signRS(t, claims(), "k9", rsaKeys[0], jwt.SigningMethodRS256), `kid "k9"`},
		{"encryption key's kid", signRS(t, claims(), "enc1", rsaKeys[0], jwt.SigningMethodRS256), `kid "enc1"`},
		{"no kid", signRS(t, claims(), "", rsaKeys[0], jwt.SigningMethodRS256), "kid"},
		{"known kid, other key", signRS(t, claims(), "k1", rsaKeys[1], jwt.SigningMethodRS256), "signature"},
		{"missing role", signHS(t, with(func(c jwt.MapClaims) { delete(c, "sanfang_role") }), hsSecret), "no sanfang_role claim"},
		{"unknown role", signHS(t, with(func(c jwt.MapClaims) { c["sanfang_role"] = "root" }), hsSecret), `sanfang_role: "root" is not a role`},
		{"editor without body", signHS(t, with(func(c jwt.MapClaims) { delete(c, "sanfang_body") }), hsSecret), "sanfang_body"},
		{"editor of an unknown body", signHS(t, with(func(c jwt.MapClaims) { c["sanfang_body"] = "MOON" }), hsSecret), "sanfang_body"},
		{"partner without enterprise", signHS(t, with(func(c jwt.MapClaims) { c["sanfang_role"] = "partner" }), hsSecret), "sanfang_enterprise"},
		{"no subject", signHS(t, with(func(c jwt.MapClaims) { delete(c, "sub") }), hsSecret), "sub"},
		{"not a JWT", "abc.def", "well-formed"},
		{"claims tampered after signing", tamper(t, signHS(t, claims(), hsSecret)), "signature"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := v.Verify(c.token)
			if p != nil || code(err) != unauth || !strings.Contains(err.Error(), c.message) {
				t.Errorf("Verify = %v, %v; want UNAUTHENTICATED mentioning %q", p, err, c.message)
			}
			if testing.Verbose() {
				t.Log(err)
			}
		})
	}
}

// tamper makes the token's role admin, keeping the signature.
func tamper(t *testing.T, tok string) string {
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	payload = []byte(strings.Replace(string(payload), `"editor"`, `"admin"`, 1))
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	return strings.Join(parts, ".")
}

// With only a JWKS configured, an HS256 token is refused whatever it was
// signed with, the RSA public key included.
func TestJWTRSAOnlyRefusesHS256(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jwks.json")
	writeJWKS(t, path, jwk("k1", rsaKeys[0]))
	v, err := auth.NewJWTVerifier(auth.JWTConfig{Issuer: issuer, JWKSFile: path, Now: func() time.Time { return jwtNow }})
	if err != nil {
		t.Fatal(err)
	}
	pubDER, _ := x509.MarshalPKIXPublicKey(&rsaKeys[0].PublicKey)
	for _, secret := range [][]byte{pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), pubDER, []byte("")} {
		_, err := v.Verify(signHS(t, claims(), secret))
		if code(err) != unauth || !strings.Contains(err.Error(), `"HS256" is not accepted`) {
			t.Errorf("HS256 token: %v", err)
		}
	}
	if _, err := v.Verify(signRS(t, claims(), "k1", rsaKeys[0], jwt.SigningMethodRS256)); err != nil {
		t.Errorf("RS256 token: %v", err)
	}
}

// A key added to the JWKS file is picked up without a restart.
func TestJWTKeyRotation(t *testing.T) {
	v, path := verifier(t)
	tok := signRS(t, claims(), "k2", rsaKeys[2], jwt.SigningMethodRS256)
	if _, err := v.Verify(tok); code(err) != unauth {
		t.Fatalf("before rotation: %v", err)
	}
	writeJWKS(t, path, jwk("k1", rsaKeys[0]), jwk("k2", rsaKeys[2]))
	if _, err := v.Verify(tok); err != nil {
		t.Errorf("after rotation: %v", err)
	}
}

func TestJWTConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	writeJWKS(t, good, jwk("k1", rsaKeys[0]))
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	weak := filepath.Join(dir, "weak.json")
	writeJWKS(t, weak, jwk("w", small))
	noKid := filepath.Join(dir, "nokid.json")
	k := jwk("", rsaKeys[0])
	writeJWKS(t, noKid, k)
	for _, c := range []struct {
		name    string
		cfg     auth.JWTConfig
		message string
	}{
		{"no issuer", auth.JWTConfig{HS256Secret: hsSecret}, "issuer"},
		{"no key", auth.JWTConfig{Issuer: issuer}, "HS256 secret or a JWKS file"},
		{"short secret", auth.JWTConfig{Issuer: issuer, HS256Secret: []byte("short")}, "at least 32"},
		{"missing JWKS file", auth.JWTConfig{Issuer: issuer, JWKSFile: filepath.Join(dir, "none.json")}, "JWKS"},
		{"weak RSA key", auth.JWTConfig{Issuer: issuer, JWKSFile: weak}, "2048"},
		{"key without kid", auth.JWTConfig{Issuer: issuer, JWKSFile: noKid}, "kid"},
		{"ok", auth.JWTConfig{Issuer: issuer, JWKSFile: good}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := auth.NewJWTVerifier(c.cfg)
			if c.message == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.message) {
				t.Errorf("NewJWTVerifier = %v, want an error mentioning %q", err, c.message)
			}
		})
	}
}
