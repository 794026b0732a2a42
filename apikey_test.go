package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// TestAPIKeyCommand creates, lists and revokes keys through run, as main
// does, then opens the same store and checks what the keys verify to.
func TestAPIKeyCommand(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"SANFANG_DATA_DIR": t.TempDir(), "SANFANG_SEED_DATA": "false", "SANFANG_LOG_LEVEL": "warn"}
	getenv := func(k string) string { return env[k] }
	sh := func(args ...string) (string, string, error) {
		t.Helper()
		var out, errOut bytes.Buffer
		err := run(ctx, append([]string{"apikey"}, args...), getenv, &out, &errOut)
		return out.String(), errOut.String(), err
	}
	keyRE := regexp.MustCompile(`(?m)^sfk_([0-9a-f]{16})_[0-9a-f]{64}$`)
	create := func(args ...string) (key, id string) {
		t.Helper()
		out, errOut, err := sh(append([]string{"create"}, args...)...)
		if err != nil {
			t.Fatalf("apikey create %v: %v\n%s", args, err, errOut)
		}
		m := keyRE.FindStringSubmatch(out)
		if m == nil || !strings.Contains(out, "will not be shown again") || !strings.Contains(out, "id "+m[1]) {
			t.Fatalf("apikey create %v printed %q; want the key on its own line, its id and a warning", args, out)
		}
		return m[0], m[1]
	}

	out, _, _ := sh("list")
	if !strings.Contains(out, "No API keys") || !strings.Contains(out, "--role admin") {
		t.Errorf("list of an empty store = %q; want a hint to make the first admin key", out)
	}
	adminKey, adminID := create("--name", "first-admin", "--role", "admin")
	editorKey, editorID := create("--name", "union-staff", "--role", "editor", "--body", "union", "--expires", "720h")
	partnerKey, partnerID := create("--name", "sf-hr", "--role", "partner", "--enterprise", "ent-sf")

	_, _, err := sh("create", "--name", "", "--role", "partner", "--body", "MOON", "--expires", "-1h")
	if err == nil {
		t.Fatal("create with four problems succeeded")
	}
	for _, want := range []string{"--name", "--body", "--enterprise", "--expires"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("create's error %q does not name %s", err, want)
		}
	}

	out, _, err = sh("list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || strings.Join(strings.Fields(lines[0]), " ") != "ID NAME ROLE BODY ENTERPRISE EXPIRES REVOKED LAST USED" {
		t.Fatalf("list = %q; want a header and the 3 keys made", out)
	}
	for i, want := range [][]string{
		{adminID, "first-admin", "admin", "-", "-", "-", "-", "-"},
		{editorID, "union-staff", "editor", "UNION", "-"},
		{partnerID, "sf-hr", "partner", "-", "ent-sf", "-", "-", "-"},
	} {
		if got := strings.Fields(lines[i+1]); len(got) < len(want) || strings.Join(got[:len(want)], " ") != strings.Join(want, " ") {
			t.Errorf("list row %d = %q, want it to start %q", i+1, lines[i+1], want)
		}
	}
	if strings.Contains(out, "sfk_") {
		t.Errorf("list shows a key: %q", out)
	}
	for _, k := range []string{adminKey, editorKey, partnerKey} {
		secret := k[len(k)-64:]
		if strings.Contains(out, secret) {
			t.Errorf("list shows a secret: %q", out)
		}
	}

	out, _, err = sh("revoke", editorID)
	if err != nil || !strings.Contains(out, "revoked") || !strings.Contains(out, "union-staff") {
		t.Fatalf("revoke = %q, %v", out, err)
	}
	out, _, err = sh("revoke", "--id", editorID)
	if err != nil || !strings.Contains(out, "already revoked") {
		t.Errorf("revoking twice = %q, %v", out, err)
	}
	if _, _, err = sh("revoke", "0000000000000000"); domain.CodeOf(err) != domain.CodeNotFound {
		t.Errorf("revoking an unknown id: %v, want NOT_FOUND", err)
	}
	if _, _, err = sh("revoke"); err == nil || !strings.Contains(err.Error(), "id") {
		t.Errorf("revoke without an id: %v", err)
	}
	out, _, _ = sh("list")
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == editorID && strings.Count(line, "Z") < 2 { // expires, revoked
			t.Errorf("after revoke, the editor's row %q shows no revocation", line)
		}
	}

	if _, _, err := sh(); err == nil {
		t.Error("apikey without a command succeeded")
	}
	if _, _, err := sh("rotate"); err == nil || !strings.Contains(err.Error(), "rotate") {
		t.Errorf("apikey rotate: %v", err)
	}
	if _, _, err := sh("--help"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("apikey --help: %v", err)
	}

	// The same store, opened as serve opens it.
	cfg, err := parseConfig("test", nil, getenv, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, closeStore, err := openStore(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	ks := auth.NewKeyStore(st.Database(store.Joint))
	if _, err := ks.Verify(ctx, editorKey); domain.CodeOf(err) != domain.CodeUnauthenticated {
		t.Errorf("the revoked key verifies: %v", err)
	}
	p, err := ks.Verify(ctx, adminKey)
	if err != nil || p.Role != auth.RoleAdmin || p.Name != "first-admin" || p.ID != adminID {
		t.Errorf("the admin key verifies to %+v, %v", p, err)
	}
	p, err = ks.Verify(ctx, partnerKey)
	if err != nil || p.Role != auth.RolePartner || p.EnterpriseID != "ent-sf" {
		t.Errorf("the partner key verifies to %+v, %v", p, err)
	}
}
