package auth_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"sanfang/internal/auth"
	"sanfang/internal/store"
)

// serve sends a request with the given headers through the middleware and
// returns the response and the principal the handler saw (nil if it was
// not called).
func serve(a *auth.Authenticator, headers map[string][]string) (*httptest.ResponseRecorder, *auth.Principal) {
	var seen *auth.Principal
	h := a.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = auth.FromContext(r.Context())
		w.WriteHeader(http.StatusNoContent)
	}))
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ bodies { code } }"}`))
	for k, vs := range headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec, seen
}

func TestMiddleware(t *testing.T) {
	ctx := context.Background()
	ks, _ := keyStore(t)
	v, _ := verifier(t)
	a := &auth.Authenticator{Keys: ks, JWT: v, AnonymousReads: true}
	key, k, err := ks.Create(ctx, auth.KeySpec{Name: "sf-hr", Role: auth.RolePartner, EnterpriseID: "ent-sf"})
	if err != nil {
		t.Fatal(err)
	}
	revoked, rk, err := ks.Create(ctx, auth.KeySpec{Name: "old", Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.Revoke(ctx, rk.ID); err != nil {
		t.Fatal(err)
	}
	partner := auth.Principal{Kind: auth.PrincipalAPIKey, ID: k.ID, Name: "sf-hr", Role: auth.RolePartner, EnterpriseID: "ent-sf"}
	editor := auth.Principal{Kind: auth.PrincipalJWT, ID: "jwt:u-1024", Name: "杨晓兰", Role: auth.RoleEditor, Body: union}
	jwtToken := signHS(t, claims(), hsSecret)
	expiredJWT := signHS(t, func() jwt.MapClaims { c := claims(); c["exp"] = jwtNow.Add(-time.Hour).Unix(); return c }(), hsSecret)

	for _, c := range []struct {
		name    string
		headers map[string][]string
		want    *auth.Principal // nil: refused with 401
		message string
	}{
		{"no credential", nil, auth.Anonymous(), ""},
		{"API key as bearer", map[string][]string{"Authorization": {"Bearer " + key}}, &partner, ""},
		{"API key, scheme in lower case", map[string][]string{"Authorization": {"bearer " + key}}, &partner, ""},
		{"API key as X-API-Key", map[string][]string{"X-Api-Key": {key}}, &partner, ""},
		{"JWT as bearer", map[string][]string{"Authorization": {"Bearer " + jwtToken}}, &editor, ""},
		{"revoked key", map[string][]string{"Authorization": {"Bearer " + revoked}}, nil, "unknown or revoked API key"},
		{"tampered key", map[string][]string{"X-API-Key": {key[:len(key)-1] + "x"}}, nil, "malformed API key"},
		{"expired JWT", map[string][]string{"Authorization": {"Bearer " + expiredJWT}}, nil, "expired"},
		{"garbage bearer", map[string][]string{"Authorization": {"Bearer nonsense"}}, nil, "well-formed"},
		{"empty bearer", map[string][]string{"Authorization": {"Bearer "}}, nil, "no token"},
		{"basic auth", map[string][]string{"Authorization": {"Basic dXNlcjpwYXNz"}}, nil, "Bearer"},
		{"JWT in X-API-Key", map[string][]string{"X-API-Key": {jwtToken}}, nil, "X-API-Key must hold an API key"},
		{"two credentials", map[string][]string{"Authorization": {"Bearer " + jwtToken}, "X-API-Key": {key}}, nil, "one credential"},
		{"two Authorization headers", map[string][]string{"Authorization": {"Bearer " + key, "Bearer " + key}}, nil, "one credential"},
		{"empty X-API-Key", map[string][]string{"X-API-Key": {""}}, nil, "X-API-Key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec, seen := serve(a, c.headers)
			if c.want != nil {
				if rec.Code != http.StatusNoContent || seen == nil {
					t.Fatalf("status %d, body %s; want the handler called", rec.Code, rec.Body)
				}
				if *seen != *c.want {
					t.Errorf("handler saw %+v, want %+v", *seen, *c.want)
				}
				return
			}
			if seen != nil {
				t.Fatalf("handler called with %+v; want the request refused", *seen)
			}
			checkGraphQLError(t, rec, http.StatusUnauthorized, "UNAUTHENTICATED", c.message)
			if h := rec.Header().Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
				t.Errorf("WWW-Authenticate = %q, want Bearer", h)
			}
		})
	}

	t.Run("JWT not configured", func(t *testing.T) {
		rec, seen := serve(&auth.Authenticator{Keys: ks}, map[string][]string{"Authorization": {"Bearer " + jwtToken}})
		if seen != nil {
			t.Fatal("handler called")
		}
		checkGraphQLError(t, rec, http.StatusUnauthorized, "UNAUTHENTICATED", "SSO tokens are not accepted")
	})
}

// A key store that cannot be reached is not an authentication failure:
// the answer is 503, and the request does not go on as anonymous.
func TestMiddlewareStoreDown(t *testing.T) {
	st := db.Open(t, nil)
	ks := auth.NewKeyStore(st.Database(store.Joint))
	key, _, err := ks.Create(context.Background(), auth.KeySpec{Name: "x", Role: auth.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	st.Close(context.Background())
	rec, seen := serve(&auth.Authenticator{Keys: ks}, map[string][]string{"X-API-Key": {key}})
	if seen != nil {
		t.Fatalf("handler called with %+v", *seen)
	}
	checkGraphQLError(t, rec, http.StatusServiceUnavailable, "UNAVAILABLE", "try again")
}

func checkGraphQLError(t *testing.T, rec *httptest.ResponseRecorder, status int, code, message string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status %d, want %d", rec.Code, status)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var body struct {
		Data   *json.RawMessage `json:"data"`
		Errors []struct {
			Message    string `json:"message"`
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", rec.Body, err)
	}
	if len(body.Errors) != 1 || body.Errors[0].Extensions.Code != code || !strings.Contains(body.Errors[0].Message, message) {
		t.Errorf("body %s; want one error with code %s mentioning %q", rec.Body, code, message)
	}
}

func TestPrincipalContext(t *testing.T) {
	if p := auth.FromContext(context.Background()); !p.IsAnonymous() || p.Role != "" || p.ID != "" {
		t.Errorf("FromContext of an empty context = %+v, want anonymous", *p)
	}
	ctx := auth.WithPrincipal(context.Background(), admin)
	if p := auth.FromContext(ctx); p != admin {
		t.Errorf("FromContext = %+v, want the admin", *p)
	}
	if p := auth.FromContext(auth.WithPrincipal(context.Background(), nil)); !p.IsAnonymous() {
		t.Errorf("FromContext after WithPrincipal(nil) = %+v, want anonymous", *p)
	}
}
