package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"sanfang/internal/domain"
)

// The headers of every delivery.
const (
	// HeaderID carries the delivery id, the same on every attempt: the
	// receiver's idempotency key.
	HeaderID = "Sanfang-Webhook-Id"
	// HeaderTimestamp carries the attempt's time, in Unix seconds.
	HeaderTimestamp = "Sanfang-Webhook-Timestamp"
	// HeaderSignature carries "v1=" and the hex HMAC-SHA256, keyed with the
	// secret, of timestamp + "." + body. It may list several signatures
	// separated by spaces (for a future secret rotation); one must match.
	HeaderSignature = "Sanfang-Webhook-Signature"
)

// DefaultTolerance is how old (or how far in the future) a timestamp Verify
// accepts when given no tolerance.
const DefaultTolerance = 5 * time.Minute

// VerifyJS is the receiver-side check in JavaScript (Node, node:crypto),
// the same as Verify: the partner guide shows it.
//
//go:embed verify.js
var VerifyJS string

// Errors Verify returns (wrapped).
var (
	ErrMalformed      = errors.New("webhook: malformed timestamp or signature header")
	ErrStaleTimestamp = errors.New("webhook: timestamp outside the tolerance")
	ErrBadSignature   = errors.New("webhook: no signature matches")
)

// Sign returns the signature header value for body sent at timestamp:
// "v1=" + hex(HMAC-SHA256(secret, timestamp + "." + body)). The key is the
// whole secret string, "whsec_" included, as bytes.
func Sign(secret string, timestamp int64, body []byte) string {
	return "v1=" + hex.EncodeToString(mac(secret, strconv.FormatInt(timestamp, 10), body))
}

func mac(secret, timestamp string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(timestamp))
	h.Write([]byte("."))
	h.Write(body)
	return h.Sum(nil)
}

// Verify is the receiver's check of a delivery: timestamp and signature are
// the HeaderTimestamp and HeaderSignature values, body the raw request body
// (before any JSON parsing). It refuses a timestamp more than tolerance
// (DefaultTolerance if not positive) away from now, and a signature that
// does not match, comparing in constant time.
func Verify(secret string, timestamp string, body []byte, signature string, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if timestamp == "" || strings.TrimLeft(timestamp, "0123456789") != "" || len(timestamp) > 12 {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrMalformed, timestamp)
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not Unix seconds", ErrMalformed, timestamp)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp %s is %s from now (tolerance %s)", ErrStaleTimestamp, timestamp, d.Round(time.Second), tolerance)
	}
	want := mac(secret, timestamp, body)
	seen := false
	for _, part := range strings.FieldsFunc(signature, func(r rune) bool { return r == ' ' || r == ',' }) {
		hexSig, ok := strings.CutPrefix(part, "v1=")
		if !ok {
			continue
		}
		got, err := hex.DecodeString(hexSig)
		if err != nil || len(got) != sha256.Size {
			continue
		}
		seen = true
		if hmac.Equal(got, want) {
			return nil
		}
	}
	if !seen {
		return fmt.Errorf("%w: no v1= signature in %q", ErrMalformed, signature)
	}
	return ErrBadSignature
}

// Event is a change event as a webhook body carries it.
type Event struct {
	// Seq orders every change in sanfang; a receiver that keeps the
	// highest seq it applied can drop older retries.
	Seq int64     `json:"seq"`
	At  time.Time `json:"at"`
	// Kind is the entity kind (Enterprise, Union, Task, ...); ID is its
	// stored id and GlobalID its GraphQL id, base64url("Kind:id").
	Kind      string `json:"kind"`
	ID        string `json:"id"`
	GlobalID  string `json:"globalId"`
	Operation string `json:"operation"`
	// Version is the record's version after the write.
	Version      int          `json:"version"`
	Deleted      bool         `json:"deleted"`
	Body         string       `json:"body,omitempty"`
	Bodies       []string     `json:"bodies,omitempty"`
	EnterpriseID string       `json:"enterpriseId,omitempty"`
	PlanID       string       `json:"planId,omitempty"`
	Actor        PayloadActor `json:"actor"`
	// ChangedFields names the fields the write changed (not their values:
	// fetch the record through GraphQL, with the receiver's own rights).
	ChangedFields []string `json:"changedFields"`
}

// PayloadActor is who made the change.
type PayloadActor struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	Role string `json:"role"`
}

// Payload is a webhook request's JSON body.
type Payload struct {
	// ID is the delivery id, also in HeaderID.
	ID    string `json:"id"`
	Event Event  `json:"event"`
}

// eventOf converts a change event to its webhook form.
func eventOf(rec *domain.AuditRecord) Event {
	e := Event{
		Seq: rec.Seq, At: rec.At.UTC(), Kind: rec.EntityKind, ID: rec.EntityID,
		GlobalID:  base64.RawURLEncoding.EncodeToString([]byte(rec.EntityKind + ":" + rec.EntityID)),
		Operation: rec.Operation, Version: rec.Version, Deleted: rec.Deleted,
		Body: string(rec.Body), EnterpriseID: rec.EnterpriseID, PlanID: rec.PlanID,
		Actor:         PayloadActor{Name: rec.Actor.Name, Kind: rec.Actor.Kind, Role: rec.Actor.Role},
		ChangedFields: []string{},
	}
	for _, b := range rec.Bodies {
		if !slices.Contains(e.Bodies, string(b)) {
			e.Bodies = append(e.Bodies, string(b))
		}
	}
	for _, c := range rec.Changes {
		e.ChangedFields = append(e.ChangedFields, c.Field)
	}
	return e
}

// payload returns the body of delivery id of rec.
func payload(id string, rec *domain.AuditRecord) ([]byte, error) {
	return json.Marshal(Payload{ID: id, Event: eventOf(rec)})
}
