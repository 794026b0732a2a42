package domain

import (
	"errors"
	"fmt"
)

// ErrorCode is the machine-readable kind of an error, returned to clients as
// extensions.code.
type ErrorCode string

const (
	CodeBadUserInput    ErrorCode = "BAD_USER_INPUT"
	CodeUnauthenticated ErrorCode = "UNAUTHENTICATED"
	CodeForbidden       ErrorCode = "FORBIDDEN"
	CodeNotFound        ErrorCode = "NOT_FOUND"
	CodeConflict        ErrorCode = "CONFLICT"
	CodeUnavailable     ErrorCode = "UNAVAILABLE"
	CodeInternal        ErrorCode = "INTERNAL"
)

// Error is an error meant for the client: its message says what went wrong
// and what to do about it. Anything else is internal and is not shown.
type Error struct {
	Code    ErrorCode
	Message string
	// Field is the input path the error is about, when there is one.
	Field string
	// Fields lists every problem when the input had several.
	Fields []FieldError
}

func (e *Error) Error() string { return e.Message }

// Errorf returns a client error with the given code and message.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InputErrorf returns a BAD_USER_INPUT error about the named input field.
func InputErrorf(field, format string, args ...any) *Error {
	return &Error{Code: CodeBadUserInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the client error code of err, or INTERNAL if err is not a
// client error.
func CodeOf(err error) ErrorCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// FieldError is one problem with one input field. Field is the path within
// the input, e.g. "creditCode" or "participants[2].role".
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Invalid returns a BAD_USER_INPUT error listing every problem, or nil if
// there are none. prefix, if not empty, is put before every field path
// (e.g. "input" or "items[3]").
func Invalid(prefix string, problems []FieldError) error {
	if len(problems) == 0 {
		return nil
	}
	fields := make([]FieldError, len(problems))
	for i, p := range problems {
		fields[i] = p
		if prefix != "" {
			fields[i].Field = prefix + "." + p.Field
		}
	}
	msg := fields[0].Field + ": " + fields[0].Message
	if len(fields) > 1 {
		msg = fmt.Sprintf("%s (and %d more problems, listed in extensions.fields)", msg, len(fields)-1)
	}
	return &Error{Code: CodeBadUserInput, Message: msg, Field: fields[0].Field, Fields: fields}
}
