// Package seal encrypts the secrets sanfang must keep but cannot hash
// (webhook signing secrets: the server signs with them) before they are
// stored, so that a copy of the database, a backup or a read-only database
// account does not give them away.
//
// A Keyring holds the current key and any previous keys. Values are sealed
// with AES-256-GCM under the current key, bound to what they belong to
// (the associated data, e.g. a subscription id, so a sealed value copied
// onto another record does not open), and written as
//
//	sealed:v1:<key id>:<base64url(nonce || ciphertext)>
//
// where the key id is the first 8 hex digits of the SHA-256 of the key: it
// tells which key to open with, and says nothing about the key. Open
// accepts values sealed under any key of the ring and values stored before
// sealing was turned on (plain text), and reports both as stale so that the
// caller can seal them again under the current key: rotating a key is
// "make a new one current, keep the old one until everything was sealed
// again".
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// prefix begins every sealed value.
const prefix = "sealed:v1:"

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

type key struct {
	id   string
	aead cipher.AEAD
}

// Keyring seals with its current key and opens with any of its keys. The
// nil *Keyring is valid and seals nothing: Seal returns its input and Open
// accepts only plain values (development without a key).
type Keyring struct {
	current *key
	all     map[string]*key
}

// ParseKey reads a key written as 64 hex digits.
func ParseKey(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != KeySize {
		return nil, fmt.Errorf("a key is %d hex digits (%d random bytes), e.g. from `openssl rand -hex %d`", 2*KeySize, KeySize, KeySize)
	}
	return b, nil
}

// NewKeyring makes a ring that seals with current and also opens values
// sealed with any of previous.
func NewKeyring(current []byte, previous ...[]byte) (*Keyring, error) {
	r := &Keyring{all: map[string]*key{}}
	for i, raw := range append([][]byte{current}, previous...) {
		if len(raw) != KeySize {
			return nil, fmt.Errorf("seal: key %d is %d bytes, want %d", i, len(raw), KeySize)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, fmt.Errorf("seal: key %d: %w", i, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("seal: key %d: %w", i, err)
		}
		sum := sha256.Sum256(raw)
		k := &key{id: hex.EncodeToString(sum[:4]), aead: aead}
		if _, dup := r.all[k.id]; dup {
			return nil, fmt.Errorf("seal: key %d is given twice", i)
		}
		r.all[k.id] = k
		if i == 0 {
			r.current = k
		}
	}
	return r, nil
}

// KeyID is the id of the current key ("" for the nil ring).
func (r *Keyring) KeyID() string {
	if r == nil {
		return ""
	}
	return r.current.id
}

// Seal encrypts plain for the record named by context under the current
// key. The nil ring returns plain as it is.
func (r *Keyring) Seal(plain, context string) (string, error) {
	if r == nil {
		return plain, nil
	}
	nonce := make([]byte, r.current.aead.NonceSize(), r.current.aead.NonceSize()+len(plain)+r.current.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: read a nonce: %w", err)
	}
	out := r.current.aead.Seal(nonce, nonce, []byte(plain), []byte(context))
	return prefix + r.current.id + ":" + base64.RawURLEncoding.EncodeToString(out), nil
}

// ErrUnknownKey says a value was sealed with a key the ring does not have.
var ErrUnknownKey = errors.New("sealed with a key that is not configured")

// IsSealed reports whether stored is a sealed value (rather than plain).
func IsSealed(stored string) bool { return strings.HasPrefix(stored, prefix) }

// Open decrypts stored for the record named by context. stale is true when
// stored is plain or sealed under a key other than the current one: seal
// it again. A value sealed for another record, altered, or sealed under a
// key the ring lacks is an error.
func (r *Keyring) Open(stored, context string) (plain string, stale bool, err error) {
	if !IsSealed(stored) {
		return stored, r != nil, nil
	}
	id, body, ok := strings.Cut(strings.TrimPrefix(stored, prefix), ":")
	if !ok {
		return "", false, errors.New("seal: malformed sealed value")
	}
	if r == nil {
		return "", false, fmt.Errorf("seal: %w (key id %s; no key is configured)", ErrUnknownKey, id)
	}
	k, ok := r.all[id]
	if !ok {
		return "", false, fmt.Errorf("seal: %w (key id %s)", ErrUnknownKey, id)
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || len(raw) < k.aead.NonceSize() {
		return "", false, errors.New("seal: malformed sealed value")
	}
	out, err := k.aead.Open(nil, raw[:k.aead.NonceSize()], raw[k.aead.NonceSize():], []byte(context))
	if err != nil {
		return "", false, fmt.Errorf("seal: the value does not open with key %s for %q (altered, or sealed for another record)", id, context)
	}
	return string(out), k != r.current, nil
}
