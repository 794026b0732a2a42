package auth_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"sanfang/internal/auth"
	"sanfang/internal/domain"
	"sanfang/internal/store"
)

// clock is a settable clock for the key store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// keyStore opens a key store on fresh databases, with its index, and a clock.
func keyStore(t *testing.T) (*auth.KeyStore, *clock) {
	t.Helper()
	st := db.Open(t, nil)
	ks := auth.NewKeyStore(st.Database(store.Joint))
	clk := &clock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	ks.Now = clk.Now
	if err := ks.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ks, clk
}

var keyShape = regexp.MustCompile(`^sfk_([0-9a-f]{16})_([0-9a-f]{64})$`)

func TestKeyLifecycle(t *testing.T) {
	ctx := context.Background()
	ks, clk := keyStore(t)
	if err := ks.EnsureIndexes(ctx); err != nil {
		t.Fatalf("second EnsureIndexes: %v", err)
	}
	plain, k, err := ks.Create(ctx, auth.KeySpec{Name: " union-staff ", Role: auth.RoleEditor, Body: union})
	if err != nil {
		t.Fatal(err)
	}
	m := keyShape.FindStringSubmatch(plain)
	if m == nil {
		t.Fatalf("key %q is not sfk_<16 hex>_<64 hex>", plain)
	}
	id, secret := m[1], m[2]
	if k.ID != id || k.Name != "union-staff" || k.Role != auth.RoleEditor || k.Body != union || k.CreatedAt.IsZero() {
		t.Errorf("created key = %+v (id in plaintext %s)", k, id)
	}

	p, err := ks.Verify(ctx, plain)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	want := auth.Principal{Kind: auth.PrincipalAPIKey, ID: id, Name: "union-staff", Role: auth.RoleEditor, Body: union}
	if *p != want {
		t.Errorf("principal = %+v, want %+v", *p, want)
	}

	clk.Add(time.Second) // List is oldest first
	other, _, err := ks.Create(ctx, auth.KeySpec{Name: "sf-hr", Role: auth.RolePartner, EnterpriseID: "ent-sf"})
	if err != nil {
		t.Fatal(err)
	}
	if other == plain {
		t.Fatal("two keys are the same")
	}
	keys, err := ks.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].ID != id || keys[1].Role != auth.RolePartner || keys[1].EnterpriseID != "ent-sf" {
		t.Fatalf("List = %+v", keys)
	}
	listing, _ := json.Marshal(keys)
	hash := sha256.Sum256([]byte(secret))
	for _, leak := range []string{secret, hex.EncodeToString(hash[:]), "secretHash", keyShape.FindStringSubmatch(other)[2]} {
		if strings.Contains(string(listing), leak) {
			t.Errorf("the listing holds %q: %s", leak, listing)
		}
	}
	if keys[0].LastUsedAt == nil {
		t.Error("lastUsedAt not recorded by Verify")
	}

	if err := ks.Revoke(ctx, id); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	_, err = ks.Verify(ctx, plain)
	if code(err) != unauth || !strings.Contains(err.Error(), "unknown or revoked") {
		t.Fatalf("Verify of a revoked key = %v, want UNAUTHENTICATED unknown or revoked", err)
	}
	if err := ks.Revoke(ctx, id); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if err := ks.Revoke(ctx, "0123456789abcdef"); code(err) != string(domain.CodeNotFound) {
		t.Errorf("revoking an unknown id = %v, want NOT_FOUND", err)
	}
	got, err := ks.Get(ctx, id)
	if err != nil || got.RevokedAt == nil {
		t.Errorf("Get after revoke = %+v, %v; want revokedAt set", got, err)
	}
	if _, err := ks.Verify(ctx, other); err != nil {
		t.Errorf("revoking one key broke another: %v", err)
	}
}

// The stored document holds the SHA-256 of the secret and not the secret.
func TestKeyStoredOnlyAsHash(t *testing.T) {
	ctx := context.Background()
	ks, _ := keyStore(t)
	plain, k, err := ks.Create(ctx, auth.KeySpec{Name: "first-admin", Role: auth.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	secret := keyShape.FindStringSubmatch(plain)[2]
	raw, err := ks.Collection().FindOne(ctx, bson.D{{Key: "id", Value: k.ID}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(secret)) || bytes.Contains(raw, []byte(plain)) {
		t.Fatalf("the stored document holds the secret: %s", raw)
	}
	secretBytes, _ := hex.DecodeString(secret)
	if bytes.Contains(raw, secretBytes) {
		t.Fatalf("the stored document holds the secret's bytes: %s", raw)
	}
	_, stored, ok := raw.Lookup("secretHash").BinaryOK()
	want := sha256.Sum256([]byte(secret))
	if !ok || !bytes.Equal(stored, want[:]) {
		t.Errorf("secretHash = %x, want SHA-256 of the secret %x", stored, want)
	}
}

func TestKeyIDIsUnique(t *testing.T) {
	ctx := context.Background()
	ks, _ := keyStore(t)
	_, k, err := ks.Create(ctx, auth.KeySpec{Name: "a", Role: auth.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ks.Collection().InsertOne(ctx, bson.D{{Key: "id", Value: k.ID}, {Key: "name", Value: "impostor"}})
	if !mongo.IsDuplicateKeyError(err) {
		t.Errorf("a second document with id %s: %v, want a duplicate key error", k.ID, err)
	}
}

func TestKeyExpires(t *testing.T) {
	ctx := context.Background()
	ks, clk := keyStore(t)
	exp := clk.Now().Add(time.Hour)
	plain, _, err := ks.Create(ctx, auth.KeySpec{Name: "temp", Role: auth.RoleViewer, ExpiresAt: &exp})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ks.Verify(ctx, plain); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	clk.Add(time.Hour)
	_, err = ks.Verify(ctx, plain)
	if code(err) != unauth || !strings.Contains(err.Error(), "expired") {
		t.Errorf("at expiry: %v, want UNAUTHENTICATED expired", err)
	}
}

func TestKeyTamperedOrMalformed(t *testing.T) {
	ctx := context.Background()
	ks, _ := keyStore(t)
	plain, _, err := ks.Create(ctx, auth.KeySpec{Name: "x", Role: auth.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	m := keyShape.FindStringSubmatch(plain)
	id, secret := m[1], m[2]
	flip := func(s string, i int) string {
		c := byte('0')
		if s[i] == '0' {
			c = '1'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	for _, c := range []struct{ name, key, message string }{
		{"secret's last character changed", "sfk_" + id + "_" + flip(secret, 63), "unknown or revoked API key"},
		{"secret's first character changed", "sfk_" + id + "_" + flip(secret, 0), "unknown or revoked API key"},
		{"unknown id, right secret", "sfk_" + flip(id, 3) + "_" + secret, "unknown or revoked API key"},
		{"secret of another length", "sfk_" + id + "_" + secret + "0", "malformed"},
		{"upper-case hex", "sfk_" + id + "_" + strings.ToUpper(secret), "malformed"},
		{"no secret", "sfk_" + id, "malformed"},
		{"no prefix", id + "_" + secret, "malformed"},
		{"empty", "", "malformed"},
		{"extra part", plain + "_00", "malformed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := ks.Verify(ctx, c.key)
			if p != nil || code(err) != unauth || !strings.Contains(err.Error(), c.message) {
				t.Errorf("Verify = %v, %v; want UNAUTHENTICATED %q", p, err, c.message)
			}
		})
	}
}

// lastUsedAt is written at most once a minute, not on every request.
func TestKeyLastUsedAtOncePerMinute(t *testing.T) {
	ctx := context.Background()
	ks, clk := keyStore(t)
	plain, k, err := ks.Create(ctx, auth.KeySpec{Name: "busy", Role: auth.RoleViewer})
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() time.Time {
		t.Helper()
		got, err := ks.Get(ctx, k.ID)
		if err != nil || got.LastUsedAt == nil {
			t.Fatalf("Get = %+v, %v", got, err)
		}
		return got.LastUsedAt.UTC()
	}
	t0 := clk.Now()
	mustVerify := func() {
		t.Helper()
		if _, err := ks.Verify(ctx, plain); err != nil {
			t.Fatal(err)
		}
	}
	mustVerify()
	if got := lastUsed(); !got.Equal(t0) {
		t.Fatalf("lastUsedAt = %v, want %v", got, t0)
	}
	clk.Add(59 * time.Second)
	mustVerify()
	if got := lastUsed(); !got.Equal(t0) {
		t.Errorf("lastUsedAt moved to %v after 59 s; want it left at %v", got, t0)
	}
	clk.Add(2 * time.Second)
	mustVerify()
	if got := lastUsed(); !got.Equal(t0.Add(61 * time.Second)) {
		t.Errorf("lastUsedAt = %v after 61 s, want %v", got, t0.Add(61*time.Second))
	}
}

func TestKeySpecValidation(t *testing.T) {
	ctx := context.Background()
	ks, clk := keyStore(t)
	past := clk.Now().Add(-time.Minute)
	future := clk.Now().Add(time.Hour)
	for _, c := range []struct {
		name   string
		spec   auth.KeySpec
		fields []string // every problem, in order; none means valid
	}{
		{"everything wrong at once", auth.KeySpec{Name: "  ", Role: "boss", Body: "MOON", ExpiresAt: &past}, []string{"name", "role", "body", "expiresAt"}},
		{"no role", auth.KeySpec{Name: "x"}, []string{"role"}},
		{"editor without a body", auth.KeySpec{Name: "x", Role: auth.RoleEditor}, []string{"body"}},
		{"editor of an unknown body", auth.KeySpec{Name: "x", Role: auth.RoleEditor, Body: "union"}, []string{"body"}},
		{"partner without an enterprise", auth.KeySpec{Name: "x", Role: auth.RolePartner, Body: union}, []string{"enterprise"}},
		{"partner of an unknown body, no enterprise", auth.KeySpec{Name: "x", Role: auth.RolePartner, Body: "X"}, []string{"body", "enterprise"}},
		{"enterprise on an admin", auth.KeySpec{Name: "x", Role: auth.RoleAdmin, EnterpriseID: "ent-sf"}, []string{"enterprise"}},
		{"name too long", auth.KeySpec{Name: strings.Repeat("名", 101), Role: auth.RoleViewer}, []string{"name"}},
		{"admin needs neither body nor enterprise", auth.KeySpec{Name: "x", Role: auth.RoleAdmin}, nil},
		{"partner without a body", auth.KeySpec{Name: "x", Role: auth.RolePartner, EnterpriseID: "ent-sf", ExpiresAt: &future}, nil},
		{"viewer with a body", auth.KeySpec{Name: "x", Role: auth.RoleViewer, Body: federation}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ks.Create(ctx, c.spec)
			if c.fields == nil {
				if err != nil {
					t.Fatalf("Create: %v", err)
				}
				return
			}
			de, ok := err.(*domain.Error)
			if !ok || de.Code != domain.CodeBadUserInput {
				t.Fatalf("Create = %v, want BAD_USER_INPUT", err)
			}
			var got []string
			for _, f := range de.Fields {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != strings.Join(c.fields, ",") {
				t.Errorf("problems in %v (%+v), want %v", got, de.Fields, c.fields)
			}
		})
	}
	keys, err := ks.List(ctx)
	if err != nil || len(keys) != 3 {
		t.Errorf("after the invalid specs, %d keys (%v); want only the 3 valid ones", len(keys), err)
	}
}

// Recording a key's use never undoes its revocation, even when the two
// happen at once (FerretDB writes a whole document back on update, and
// "sanfang apikey revoke" runs in another process than the server).
func TestRevokeWinsOverConcurrentUse(t *testing.T) {
	ctx := context.Background()
	for i := range 20 {
		ks, _ := keyStore(t)
		revoker := auth.NewKeyStoreOn(ks.Collection()) // as another process would
		plain, k, err := ks.Create(ctx, auth.KeySpec{Name: fmt.Sprintf("k%d", i), Role: auth.RoleViewer})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := ks.Verify(ctx, plain); done <- err }()
		if err := revoker.Revoke(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		<-done
		if _, err := ks.Verify(ctx, plain); code(err) != "UNAUTHENTICATED" {
			t.Fatalf("round %d: a revoked key still verifies (%v)", i, err)
		}
		got, err := ks.Get(ctx, k.ID)
		if err != nil || got.RevokedAt == nil {
			t.Fatalf("round %d: revokedAt lost: %+v %v", i, got, err)
		}
	}
}
