package limits

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// The codes of refusals (extensions.code).
const (
	// CodeLimitExceeded: the request is larger, deeper, wider or costlier
	// than a limit allows. Retrying it unchanged fails again.
	CodeLimitExceeded = "LIMIT_EXCEEDED"
	// CodeRateLimited: the caller asked too often or spent its cost budget;
	// retry after Retry-After (extensions.retryAfterSeconds).
	CodeRateLimited = "RATE_LIMITED"
	// CodeTimeout: the request ran past the request timeout and was
	// stopped.
	CodeTimeout = "TIMEOUT"
	// CodeBatchingNotSupported: the body was a JSON array of operations.
	CodeBatchingNotSupported = "BATCHING_NOT_SUPPORTED"
	// CodeValidationFailed is gqlgen's code for a document that does not
	// validate; it is used for fragment cycles, found before validation.
	CodeValidationFailed = "GRAPHQL_VALIDATION_FAILED"
)

// Error is a refusal. It becomes a GraphQL error (GQL) or, for refusals
// made before gqlgen runs, a whole HTTP answer (writeHTTP).
type Error struct {
	Code    string
	Message string
	// Limit is the setting's name, Value its value, Actual what the
	// request had (nil when unknown).
	Limit  string
	Value  any
	Actual any
	// Status is the HTTP status of a refusal made outside gqlgen (413,
	// 429, 400); zero leaves it to the transport.
	Status int
	// RetryAfter, if positive, is sent as Retry-After and
	// extensions.retryAfterSeconds.
	RetryAfter time.Duration
	// Extensions are added to the error's extensions.
	Extensions map[string]any
}

func (e *Error) Error() string { return e.Message }

// retryAfterSeconds rounds d up to whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

func (e *Error) extensions() map[string]any {
	ext := map[string]any{"code": e.Code}
	if e.Limit != "" {
		limit := map[string]any{"name": e.Limit, "value": e.Value}
		if e.Actual != nil {
			limit["actual"] = e.Actual
		}
		ext["limit"] = limit
	}
	if e.RetryAfter > 0 {
		ext["retryAfterSeconds"] = retryAfterSeconds(e.RetryAfter)
	}
	for k, v := range e.Extensions {
		ext[k] = v
	}
	return ext
}

// GQL returns the refusal as a GraphQL error. Its Err is nil and its
// extensions carry the code, so the endpoint's error presenter passes it
// through as it does gqlgen's own request errors.
func (e *Error) GQL() *gqlerror.Error {
	return &gqlerror.Error{Message: e.Message, Extensions: e.extensions()}
}

// writeHTTP answers a request refused before gqlgen saw it, with a
// GraphQL-shaped body: {"errors":[{"message":…,"extensions":{…}}]}.
func (e *Error) writeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"message": e.Message, "extensions": e.extensions()}}})
	ct := "application/json; charset=utf-8"
	if strings.Contains(r.Header.Get("Accept"), "application/graphql-response+json") {
		ct = "application/graphql-response+json; charset=utf-8"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "no-store")
	if e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(retryAfterSeconds(e.RetryAfter)))
	}
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// exceeded is a LIMIT_EXCEEDED refusal.
func exceeded(limit string, value, actual any, format string, args ...any) *Error {
	return &Error{Code: CodeLimitExceeded, Message: fmt.Sprintf(format, args...), Limit: limit, Value: value, Actual: actual}
}
