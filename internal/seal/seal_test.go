package seal_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"sanfang/internal/seal"
)

func mustRing(t *testing.T, keys ...[]byte) *seal.Keyring {
	t.Helper()
	r, err := seal.NewKeyring(keys[0], keys[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var (
	keyA = bytes.Repeat([]byte{0xa1}, seal.KeySize)
	keyB = bytes.Repeat([]byte{0xb2}, seal.KeySize)
)

func TestSealedValuesOpenOnlyForTheirRecordAndKey(t *testing.T) {
	ringA := mustRing(t, keyA)
	sealed, err := ringA.Seal("whsec_0123", "sub-1")
	if err != nil {
		t.Fatal(err)
	}
	if !seal.IsSealed(sealed) || strings.Contains(sealed, "whsec_0123") || !strings.Contains(sealed, ":"+ringA.KeyID()+":") {
		t.Fatalf("sealed value %q", sealed)
	}
	again, _ := ringA.Seal("whsec_0123", "sub-1")
	if again == sealed {
		t.Error("sealing twice gave the same value: the nonce is not random")
	}
	rotated := mustRing(t, keyB, keyA)
	tampered := sealed[:len(sealed)-2] + "AA"
	if tampered == sealed {
		tampered = sealed[:len(sealed)-2] + "BB"
	}

	tests := []struct {
		name      string
		ring      *seal.Keyring
		stored    string
		context   string
		want      string
		wantStale bool
		wantErr   string
	}{
		{"same key and record", ringA, sealed, "sub-1", "whsec_0123", false, ""},
		{"an old key of the ring", rotated, sealed, "sub-1", "whsec_0123", true, ""},
		{"plain value with a key", ringA, "whsec_plain", "sub-1", "whsec_plain", true, ""},
		{"plain value without a key", nil, "whsec_plain", "sub-1", "whsec_plain", false, ""},
		{"another record", ringA, sealed, "sub-2", "", false, "sealed for another record"},
		{"altered", ringA, tampered, "sub-1", "", false, "altered"},
		{"key not in the ring", mustRing(t, keyB), sealed, "sub-1", "", false, "not configured"},
		{"no key at all", nil, sealed, "sub-1", "", false, "no key is configured"},
		{"malformed", ringA, "sealed:v1:nocolon", "sub-1", "", false, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, stale, err := tt.ring.Open(tt.stored, tt.context)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open = %q, %v; want an error saying %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want || stale != tt.wantStale {
				t.Fatalf("Open = %q, stale %v, %v; want %q, stale %v", got, stale, err, tt.want, tt.wantStale)
			}
		})
	}
	if _, _, err := mustRing(t, keyB).Open(sealed, "sub-1"); !errors.Is(err, seal.ErrUnknownKey) {
		t.Errorf("unknown key error %v is not ErrUnknownKey", err)
	}
}

func TestNilRingKeepsValuesPlain(t *testing.T) {
	var r *seal.Keyring
	got, err := r.Seal("whsec_x", "sub-1")
	if err != nil || got != "whsec_x" || r.KeyID() != "" {
		t.Fatalf("nil ring Seal = %q, %v", got, err)
	}
}

func TestKeysAreChecked(t *testing.T) {
	for _, s := range []string{"", "abc", strings.Repeat("z", 64), strings.Repeat("ab", 31)} {
		if _, err := seal.ParseKey(s); err == nil {
			t.Errorf("ParseKey(%q) accepted", s)
		}
	}
	k, err := seal.ParseKey(" " + strings.Repeat("a1", 32) + "\n")
	if err != nil || !bytes.Equal(k, keyA) {
		t.Errorf("ParseKey = %x, %v", k, err)
	}
	if _, err := seal.NewKeyring(keyA, keyA); err == nil {
		t.Error("the same key twice was accepted")
	}
	if _, err := seal.NewKeyring(keyA[:16]); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}
