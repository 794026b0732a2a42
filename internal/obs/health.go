package obs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Healthz answers 200 while the process serves HTTP at all.
func Healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
	})
}

// Check is one dependency readiness asks: Ping must answer within the
// deadline of the context it is given.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// Readiness answers /readyz: it runs every check at once, each within
// timeout, and answers 200 when all pass or 503 naming those that did not.
// The response says only "ok", "no answer within …" or "error" per check
// (it may be public); the errors themselves go to the log when a check
// turns red, and a line when it turns green again.
type Readiness struct {
	checks  []Check
	timeout time.Duration
	logger  *slog.Logger

	mu     sync.Mutex
	failed map[string]bool
}

// NewReadiness makes the /readyz handler.
func NewReadiness(checks []Check, timeout time.Duration, logger *slog.Logger) *Readiness {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Readiness{checks: checks, timeout: timeout, logger: logger, failed: map[string]bool{}}
}

// Result is the outcome of every check.
type Result struct {
	Ready  bool
	Checks map[string]string
}

// Check runs every check.
func (rd *Readiness) Check(ctx context.Context) Result {
	ctx, cancel := context.WithTimeout(ctx, rd.timeout)
	defer cancel()
	errs := make([]error, len(rd.checks))
	var wg sync.WaitGroup
	for i, c := range rd.checks {
		wg.Go(func() { errs[i] = c.Ping(ctx) })
	}
	wg.Wait()
	res := Result{Ready: true, Checks: map[string]string{}}
	rd.mu.Lock()
	defer rd.mu.Unlock()
	for i, c := range rd.checks {
		err := errs[i]
		switch {
		case err == nil:
			res.Checks[c.Name] = "ok"
			if rd.failed[c.Name] {
				rd.logger.InfoContext(ctx, "readiness check passes again", "check", c.Name)
				delete(rd.failed, c.Name)
			}
			continue
		case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
			res.Checks[c.Name] = fmt.Sprintf("no answer within %s", rd.timeout)
		default:
			res.Checks[c.Name] = "error"
		}
		res.Ready = false
		if !rd.failed[c.Name] {
			rd.logger.WarnContext(ctx, "readiness check fails", "check", c.Name, "err", err)
			rd.failed[c.Name] = true
		}
	}
	return res
}

func (rd *Readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	res := rd.Check(r.Context())
	body := struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}{"ready", res.Checks}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !res.Ready {
		body.Status = "unavailable"
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(body)
}
