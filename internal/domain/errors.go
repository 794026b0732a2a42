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
// the input, e.g. "creditCode" or "participants[2].role"; Reason says what
// kind of problem it is, for programs (a form that shows its own words in
// Chinese, say); Message says it in words, with what to do.
type FieldError struct {
	Field   string             `json:"field"`
	Reason  FieldProblemReason `json:"reason"`
	Message string             `json:"message"`
}

// FieldProblemReason is the kind of a FieldError: a closed list, which
// clients may switch on (the GraphQL enum FieldProblemReason).
type FieldProblemReason string

// The reasons of FieldErrors.
const (
	// ReasonRequired: the field is missing and must be given.
	ReasonRequired FieldProblemReason = "REQUIRED"
	// ReasonBlank: the field is given but holds only spaces.
	ReasonBlank FieldProblemReason = "BLANK"
	// ReasonTooLong: a text longer than its limit.
	ReasonTooLong FieldProblemReason = "TOO_LONG"
	// ReasonTooMany: a list with more items than its limit.
	ReasonTooMany FieldProblemReason = "TOO_MANY"
	// ReasonInvalidText: not valid UTF-8, control characters or line
	// breaks where one line is expected, spaces around an id.
	ReasonInvalidText FieldProblemReason = "INVALID_TEXT"
	// ReasonInvalidFormat: a value not written as its kind must be (a
	// credit code's check character, a phone number, an e-mail address, a
	// URL, a period, an id, a date).
	ReasonInvalidFormat FieldProblemReason = "INVALID_FORMAT"
	// ReasonUnknownValue: not one of the allowed values (an enum, a body,
	// one of Shanxi's cities).
	ReasonUnknownValue FieldProblemReason = "UNKNOWN_VALUE"
	// ReasonOutOfRange: a number or time outside what is allowed.
	ReasonOutOfRange FieldProblemReason = "OUT_OF_RANGE"
	// ReasonDuplicate: the same item listed twice.
	ReasonDuplicate FieldProblemReason = "DUPLICATE"
	// ReasonOrder: an end before its start.
	ReasonOrder FieldProblemReason = "ORDER"
	// ReasonConflict: the value contradicts another field of the same
	// input (progress and status, a part larger than its whole, ...).
	ReasonConflict FieldProblemReason = "CONFLICT"
	// ReasonNotFound: a reference to a record that does not exist.
	ReasonNotFound FieldProblemReason = "NOT_FOUND"
	// ReasonNotAllowed: a value the caller may not give here (a record of
	// another body, or null for a field that cannot be cleared).
	ReasonNotAllowed FieldProblemReason = "NOT_ALLOWED"
)

// ReasonForCode is the reason of a problem known only by its error code.
func ReasonForCode(code ErrorCode) FieldProblemReason {
	switch code {
	case CodeNotFound:
		return ReasonNotFound
	case CodeConflict:
		return ReasonConflict
	case CodeForbidden, CodeUnauthenticated:
		return ReasonNotAllowed
	}
	return ReasonInvalidFormat
}

// FieldProblemReasons lists every reason, in the order the schema does.
var FieldProblemReasons = []FieldProblemReason{ReasonRequired, ReasonBlank, ReasonTooLong, ReasonTooMany, ReasonInvalidText,
	ReasonInvalidFormat, ReasonUnknownValue, ReasonOutOfRange, ReasonDuplicate, ReasonOrder, ReasonConflict, ReasonNotFound, ReasonNotAllowed}

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
