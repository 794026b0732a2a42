package auth

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"sanfang/internal/domain"
)

// Authenticator finds the principal of a request.
type Authenticator struct {
	// Keys verifies API keys; nil refuses them.
	Keys *KeyStore
	// JWT verifies SSO bearer tokens; nil refuses them.
	JWT *JWTVerifier
	// AnonymousReads is carried to the policy (see Policy): whether a
	// request without a credential may read. The authenticator itself lets
	// such a request through as the anonymous principal either way.
	AnonymousReads bool
	// Logger, if set, logs credentials that could not be checked because
	// the key store failed.
	Logger *slog.Logger
}

// Policy is the policy that goes with this authenticator.
func (a *Authenticator) Policy() Policy { return Policy{AnonymousReads: a.AnonymousReads} }

// Authenticate returns the principal of r. It reads "Authorization: Bearer
// <token>" (a token starting sfk_ is an API key, any other a JWT) or
// "X-API-Key: <key>". No credential is the anonymous principal; a
// credential that does not verify is an UNAUTHENTICATED error. An error of
// any other code means the credential could not be checked (the key store
// did not answer).
func (a *Authenticator) Authenticate(ctx context.Context, r *http.Request) (*Principal, error) {
	authz, apiKey := r.Header.Values("Authorization"), r.Header.Values("X-API-Key")
	switch {
	case len(authz) == 0 && len(apiKey) == 0:
		return Anonymous(), nil
	case len(authz)+len(apiKey) > 1:
		return nil, domain.Errorf(domain.CodeUnauthenticated, "send one credential: either an Authorization header or an X-API-Key header, once")
	case len(apiKey) == 1:
		key := strings.TrimSpace(apiKey[0])
		if !strings.HasPrefix(key, KeyPrefix) {
			return nil, domain.Errorf(domain.CodeUnauthenticated, "X-API-Key must hold an API key (%s…); send SSO tokens as Authorization: Bearer", KeyPrefix)
		}
		return a.verifyKey(ctx, key)
	}
	scheme, token, _ := strings.Cut(strings.TrimSpace(authz[0]), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "the Authorization header must be \"Bearer <API key or token>\"")
	}
	if token == "" {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "the Authorization header has no token after Bearer")
	}
	if strings.HasPrefix(token, KeyPrefix) {
		return a.verifyKey(ctx, token)
	}
	if a.JWT == nil {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "bearer token refused: SSO tokens are not accepted here; use an API key (%s…)", KeyPrefix)
	}
	return a.JWT.Verify(token)
}

func (a *Authenticator) verifyKey(ctx context.Context, key string) (*Principal, error) {
	if a.Keys == nil {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "API keys are not accepted here")
	}
	return a.Keys.Verify(ctx, key)
}

// Middleware authenticates every request. On success the principal is in
// the request's context (FromContext); a request without a credential goes
// on as the anonymous principal. A credential that does not verify is
// answered 401 with WWW-Authenticate: Bearer and a GraphQL-shaped body
//
//	{"errors":[{"message":"…","extensions":{"code":"UNAUTHENTICATED"}}]}
//
// and one that could not be checked (the key store failed) 503 with code
// UNAVAILABLE; next is not called in either case.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.Authenticate(r.Context(), r)
		if err == nil {
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
			return
		}
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.CodeUnauthenticated {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sanfang", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, de.Message, domain.CodeUnauthenticated)
			return
		}
		if a.Logger != nil {
			a.Logger.ErrorContext(r.Context(), "could not check a credential", "err", err)
		}
		writeError(w, http.StatusServiceUnavailable, "the credential could not be checked; try again shortly", domain.CodeUnavailable)
	})
}

func writeError(w http.ResponseWriter, status int, message string, code domain.ErrorCode) {
	type ext struct {
		Code domain.ErrorCode `json:"code"`
	}
	type gqlError struct {
		Message    string `json:"message"`
		Extensions ext    `json:"extensions"`
	}
	body, _ := json.Marshal(struct {
		Errors []gqlError `json:"errors"`
	}{[]gqlError{{message, ext{code}}}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}
