package webhook

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestVerify(t *testing.T) {
	secret := newSecret()
	body := []byte(`{"id":"d1","event":{"seq":1,"kind":"Task","id":"任务-1"}}`)
	now := time.Unix(1_767_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := Sign(secret, now.Unix(), body)
	ok := func(err error) bool { return err == nil }
	for _, tc := range []struct {
		name            string
		secret, ts, sig string
		body            []byte
		now             time.Time
		tolerance       time.Duration
		want            func(error) bool
		wantErr         error
	}{
		{name: "valid", want: ok},
		{name: "valid a little later", now: now.Add(4 * time.Minute), want: ok},
		{name: "one of several signatures", sig: "v1=" + strings.Repeat("0", 64) + " " + sig, want: ok},
		{name: "tampered body", body: []byte(`{"id":"d1","event":{"seq":2,"kind":"Task","id":"任务-1"}}`), wantErr: ErrBadSignature},
		{name: "wrong secret", secret: newSecret(), wantErr: ErrBadSignature},
		{name: "stale", now: now.Add(6 * time.Minute), wantErr: ErrStaleTimestamp},
		{name: "stale for a tight tolerance", now: now.Add(2 * time.Second), tolerance: time.Second, wantErr: ErrStaleTimestamp},
		{name: "from the future", now: now.Add(-6 * time.Minute), wantErr: ErrStaleTimestamp},
		{name: "timestamp changed", ts: strconv.FormatInt(now.Unix()+1, 10), wantErr: ErrBadSignature},
		{name: "malformed timestamp", ts: "-5", wantErr: ErrMalformed},
		{name: "no v1 signature", sig: "v0=abc", wantErr: ErrMalformed},
		{name: "truncated signature", sig: sig[:20], wantErr: ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.secret == "" {
				tc.secret = secret
			}
			if tc.ts == "" {
				tc.ts = ts
			}
			if tc.sig == "" {
				tc.sig = sig
			}
			if tc.body == nil {
				tc.body = body
			}
			if tc.now.IsZero() {
				tc.now = now
			}
			err := Verify(tc.secret, tc.ts, tc.body, tc.sig, tc.now, tc.tolerance)
			if tc.want != nil {
				if !tc.want(err) {
					t.Errorf("Verify = %v", err)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("Verify = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

// The JavaScript check the partner guide shows accepts what Go signs and
// refuses what Verify refuses.
func TestVerifyJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	js, err := filepath.Abs("verify.js")
	if err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(js); err != nil || string(data) != VerifyJS {
		t.Fatalf("VerifyJS differs from verify.js (%v)", err)
	}
	secret := newSecret()
	body := `{"id":"d1","event":{"seq":7,"kind":"Union","id":"工会-1"}}`
	now := time.Now()
	cases := []struct {
		Name, Secret, Timestamp, Body, Signature string
		NowMs                                    int64
		Want                                     bool
	}{
		{"valid", secret, "", body, "", 0, true},
		{"tampered body", secret, "", body + " ", "", 0, false},
		{"wrong secret", newSecret(), "", body, "", 0, false},
		{"stale", secret, "", body, "", now.Add(10 * time.Minute).UnixMilli(), false},
		{"malformed signature", secret, "", body, "v1=zz", 0, false},
	}
	for i := range cases {
		c := &cases[i]
		c.Timestamp = strconv.FormatInt(now.Unix(), 10)
		if c.Signature == "" {
			c.Signature = Sign(secret, now.Unix(), []byte(body))
		}
		if c.NowMs == 0 {
			c.NowMs = now.UnixMilli()
		}
		// Go agrees.
		goErr := Verify(c.Secret, c.Timestamp, []byte(c.Body), c.Signature, time.UnixMilli(c.NowMs), 0)
		if (goErr == nil) != c.Want {
			t.Errorf("%s: Go Verify = %v", c.Name, goErr)
		}
	}
	input, _ := json.Marshal(cases)
	script := `
const { verifySanfangWebhook } = require(process.argv[1]);
const cases = JSON.parse(process.argv[2]);
const out = cases.map(c => {
  try {
    return verifySanfangWebhook(c.Secret, c.Timestamp, Buffer.from(c.Body, 'utf8'), c.Signature, { now: c.NowMs }) === true;
  } catch (e) {
    return false;
  }
});
process.stdout.write(JSON.stringify(out));
`
	cmd := exec.Command(node, "-e", script, js, string(input))
	outBytes, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("node: %v: %s", err, ee.Stderr)
		}
		t.Fatalf("node: %v", err)
	}
	var got []bool
	if err := json.Unmarshal(outBytes, &got); err != nil || len(got) != len(cases) {
		t.Fatalf("node printed %q (%v)", outBytes, err)
	}
	for i, c := range cases {
		if got[i] != c.Want {
			t.Errorf("%s: JS accepted=%v, want %v", c.Name, got[i], c.Want)
		}
	}
}
