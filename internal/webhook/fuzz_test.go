package webhook

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Fuzz tests of the receiver's check of a delivery, Verify, whose timestamp
// and signature come from request headers. The package's TestMain starts
// its embedded database; these tests do not use it. Run one with
// go test ./internal/webhook -run '^$' -fuzz '^FuzzVerify$' -parallel 1.

const fuzzSecret = "whsec_0123456789abcdef0123456789abcdef"

// FuzzVerify: any headers and body are refused with one of the three
// errors, or accepted only when the timestamp is Unix seconds within the
// tolerance and the signature header holds the body's signature.
func FuzzVerify(f *testing.F) {
	now := time.Unix(1767225600, 0)
	body := []byte(`{"id":"d1","event":{"seq":1}}`)
	good := Sign(fuzzSecret, now.Unix(), body)
	f.Add("1767225600", body, good, int64(0), int64(0))
	f.Add("1767225600", body, "v1=00 "+good, int64(299), int64(0))
	f.Add("1767225600", body, "v0=abc, "+strings.ToUpper(good[3:]), int64(0), int64(0))
	f.Add("1767225600", body, "v1="+strings.ToUpper(good[3:]), int64(-301), int64(0))
	f.Add("1767225600", []byte{}, good, int64(0), int64(time.Hour))
	f.Add("", body, "", int64(0), int64(0))
	f.Add("-1", body, good, int64(0), int64(0))
	f.Add("999999999999", body, good, int64(0), int64(-1))
	f.Add("9999999999999", body, good, int64(0), int64(0))
	f.Add("1767225600", body, "v1=zz", int64(0), int64(0))
	f.Add("1767225600", body, "v1=", int64(0), int64(0))
	f.Add("1767225600", body, ",, ,", int64(0), int64(0))
	f.Fuzz(func(t *testing.T, timestamp string, body []byte, signature string, skew, tolerance int64) {
		at := now.Add(time.Duration(skew) * time.Second)
		err := Verify(fuzzSecret, timestamp, body, signature, at, time.Duration(tolerance))
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrStaleTimestamp) && !errors.Is(err, ErrBadSignature) {
				t.Fatalf("Verify(%q, %q) = %v, not one of its errors", timestamp, signature, err)
			}
			return
		}
		ts, perr := strconv.ParseInt(timestamp, 10, 64)
		if perr != nil || ts < 0 || strings.ContainsAny(timestamp, "+-") {
			t.Fatalf("Verify accepted timestamp %q", timestamp)
		}
		tol := time.Duration(tolerance)
		if tol <= 0 {
			tol = DefaultTolerance
		}
		if d := at.Sub(time.Unix(ts, 0)); d > tol || d < -tol {
			t.Fatalf("Verify accepted timestamp %q at %v (tolerance %v)", timestamp, at, tol)
		}
		want := Sign(fuzzSecret, ts, body)
		if ts := strconv.FormatInt(ts, 10); ts != timestamp {
			want = "v1=" + hexMAC(fuzzSecret, timestamp, body) // leading zeros are signed as sent
		}
		if !strings.Contains(strings.ToLower(signature), want) {
			t.Fatalf("Verify accepted signature %q for timestamp %q; the body's is %q", signature, timestamp, want)
		}
	})
}

// FuzzSignVerify: what Sign makes verifies, and fails once the body, the
// secret or the time changes.
func FuzzSignVerify(f *testing.F) {
	f.Add(fuzzSecret, int64(1767225600), []byte(`{"id":"d1"}`), uint16(0))
	f.Add("", int64(0), []byte{}, uint16(3))
	f.Add("whsec_\xff", int64(999999999999), []byte{0, 0xff}, uint16(65535))
	f.Fuzz(func(t *testing.T, secret string, ts int64, body []byte, at uint16) {
		if ts < 0 {
			ts = -(ts + 1)
		}
		ts %= 1_000_000_000_000 // Unix seconds of at most 12 digits
		now := time.Unix(ts, 0)
		sig := Sign(secret, ts, body)
		stamp := strconv.FormatInt(ts, 10)
		if err := Verify(secret, stamp, body, sig, now, 0); err != nil {
			t.Fatalf("Verify of its own signature (%q, %d, %q): %v", secret, ts, body, err)
		}
		if err := Verify(secret, stamp, body, "v1=bad "+sig, now.Add(DefaultTolerance), 0); err != nil {
			t.Fatalf("Verify of its own signature among others, at the tolerance: %v", err)
		}
		if err := Verify(secret+"x", stamp, body, sig, now, 0); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("Verify with another secret: %v", err)
		}
		if len(body) > 0 {
			changed := append([]byte(nil), body...)
			changed[int(at)%len(changed)] ^= 1
			if err := Verify(secret, stamp, changed, sig, now, 0); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("Verify of a changed body: %v", err)
			}
		}
		if err := Verify(secret, stamp, body, sig, now.Add(DefaultTolerance+time.Second), 0); !errors.Is(err, ErrStaleTimestamp) {
			t.Fatalf("Verify after the tolerance: %v", err)
		}
	})
}

func hexMAC(secret, timestamp string, body []byte) string {
	const digits = "0123456789abcdef"
	m := mac(secret, timestamp, body)
	out := make([]byte, 0, 2*len(m))
	for _, b := range m {
		out = append(out, digits[b>>4], digits[b&15])
	}
	return string(out)
}
