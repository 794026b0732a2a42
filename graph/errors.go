package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// presentError gives every error a client sees an extensions.code. Client
// errors (domain.Error) keep their message; the request's own problems
// (parse, validation) keep gqlgen's; anything else is logged with its cause
// and shown only as INTERNAL.
func presentError(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		var de *domain.Error
		var unavailable *store.UnavailableError
		switch {
		case errors.As(err, &de):
			gerr.Message = de.Message
			gerr.Extensions = map[string]any{"code": string(de.Code)}
			if de.Field != "" {
				gerr.Extensions["field"] = de.Field
			}
			if len(de.Fields) > 0 {
				gerr.Extensions["fields"] = de.Fields
			}
		case gerr.Err == nil && gerr.Extensions["code"] != nil:
			// gqlgen's own: the request did not parse or validate.
			if isInputValueError(gerr) {
				gerr.Extensions["code"] = string(domain.CodeBadUserInput)
			}
		case errors.As(err, &unavailable):
			// A database did not answer: the client may retry; the
			// driver's error (with the topology it saw) goes to the log.
			logger.WarnContext(ctx, "database unavailable", "path", gerr.Path.String(), "err", err)
			gerr.Message = unavailable.ClientMessage()
			gerr.Extensions = map[string]any{"code": string(unavailable.Code())}
		case errors.Is(err, context.DeadlineExceeded):
			gerr.Message = "the request took too long and was stopped"
			gerr.Extensions = map[string]any{"code": string(domain.CodeUnavailable)}
		case errors.Is(err, context.Canceled):
			gerr.Message = "the request was cancelled"
			gerr.Extensions = map[string]any{"code": string(domain.CodeUnavailable)}
		default:
			logger.ErrorContext(ctx, "resolver failed", "path", gerr.Path.String(), "err", err)
			gerr.Message = "internal error"
			gerr.Extensions = map[string]any{"code": string(domain.CodeInternal)}
		}
		gerr.Err = nil
		return gerr
	}
}

// isInputValueError tells a bad input value (an unknown enum value, a
// variable of the wrong type) from other validation errors.
func isInputValueError(e *gqlerror.Error) bool {
	if e.Extensions["code"] != errcode.ValidationFailed {
		return false
	}
	if e.Rule == "ValuesOfCorrectType" {
		return true
	}
	return len(e.Path) > 0 && e.Path[0] == ast.PathName("variable")
}

// recoverPanic turns a panic in a resolver into an INTERNAL error; the
// panic and its stack go to the log, never to the client.
func recoverPanic(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		logger.ErrorContext(ctx, "resolver panicked", "panic", fmt.Sprint(p), "path", graphql.GetPath(ctx).String(), "stack", string(debug.Stack()))
		return fmt.Errorf("panic: %v", p)
	}
}
