package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"sanfang/internal/domain"
)

// UnavailableError is a database that did not answer: no server could be
// selected within the timeout (SANFANG_DB_TIMEOUT), a connection failed, or
// the client was already disconnected. The graph presents it as an
// UNAVAILABLE error with ClientMessage; the driver's error, with the
// topology it saw, stays in the chain for the log.
//
// It is deliberately not a *domain.Error: the write service treats client
// errors as refusals (an upsert's REJECTED receipt, which an idempotency key
// then replays), while a database that did not answer must fail the call so
// that the client retries it.
type UnavailableError struct {
	// Op is what the store was doing ("find sanfang_postal.enterprises").
	Op string
	// Database is the database that did not answer.
	Database string
	// Err is the driver's error.
	Err error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("%s: database %s unavailable: %v", e.Op, e.Database, e.Err)
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Code is the error code clients see.
func (e *UnavailableError) Code() domain.ErrorCode { return domain.CodeUnavailable }

// ClientMessage is what clients are told: which database, and to retry.
func (e *UnavailableError) ClientMessage() string {
	return fmt.Sprintf("the %s database is not answering; try again shortly", e.Database)
}

// IsUnavailable reports whether err says a database could not be reached
// (as opposed to a database that answered with an error).
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var ue *UnavailableError
	if errors.As(err, &ue) {
		return true
	}
	var sel topology.ServerSelectionError
	var conn topology.ConnectionError
	var wait topology.WaitQueueTimeoutError
	return errors.As(err, &sel) || errors.As(err, &conn) || errors.As(err, &wait) ||
		errors.Is(err, mongo.ErrClientDisconnected) || mongo.IsNetworkError(err) ||
		isShuttingDown(err)
}

// Server error codes that say the server is going away or cannot serve
// this operation now, rather than that the operation was wrong: MongoDB
// answers a command interrupted by its shutdown or a step-down with one of
// these, and the driver treats the same family as retryable state changes.
var shuttingDownCodes = []int{
	91,    // ShutdownInProgress
	189,   // PrimarySteppedDown
	10107, // NotWritablePrimary
	11600, // InterruptedAtShutdown
	11602, // InterruptedDueToReplStateChange
	13435, // NotPrimaryNoSecondaryOk
	13436, // NotPrimaryOrSecondary
}

// isShuttingDown reports whether the server answered that it is stopping.
// Real MongoDB says so with a code from shuttingDownCodes. FerretDB 1.24
// cancels the work in progress when it stops and answers InternalError (1)
// with "context canceled". That answer cannot come from the caller's own
// context: when it is cancelled the driver gives up on the connection and
// returns the context's error, not a server's reply. So it is the server
// stopping, and the client should retry.
func isShuttingDown(err error) bool {
	var se mongo.ServerError
	if !errors.As(err, &se) {
		return false
	}
	for _, code := range shuttingDownCodes {
		if se.HasErrorCode(code) {
			return true
		}
	}
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 1 && strings.Contains(ce.Message, context.Canceled.Error())
}

// annotate prefixes err with op, and makes it an *UnavailableError when it
// says the database could not be reached.
func annotate(op, database string, err error) error {
	var ue *UnavailableError
	switch {
	case errors.As(err, &ue):
		return err
	case IsUnavailable(err):
		return &UnavailableError{Op: op, Database: database, Err: err}
	}
	return fmt.Errorf("%s: %w", op, err)
}
