package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"sanfang/internal/domain"
)

// KeyCollection is the joint database's collection of API keys.
const KeyCollection = "apiKeys"

// KeyPrefix starts every API key: sfk_<id>_<secret>.
const KeyPrefix = "sfk_"

const (
	keyIDBytes     = 8  // 16 hex characters
	keySecretBytes = 32 // 64 hex characters
	// lastUsedEvery is how stale lastUsedAt may get: a key used all the time
	// costs one write a minute, not one a request.
	lastUsedEvery = time.Minute
	maxKeyName    = 100
)

// KeySpec describes a key to create.
type KeySpec struct {
	// Name says who or what holds the key ("union-staff", "sf-hr"); audit
	// shows it as the actor.
	Name string
	Role Role
	// Body is required for editors (the body whose records they maintain);
	// optional for the others (the body that issued the key).
	Body domain.BodyCode
	// EnterpriseID is required for partners, refused for other roles.
	EnterpriseID string
	// ExpiresAt, if set, must be in the future.
	ExpiresAt *time.Time
}

// Key is an API key as listed: everything but its secret and hash.
type Key struct {
	ID           string          `bson:"id" json:"id"`
	Name         string          `bson:"name" json:"name"`
	Role         Role            `bson:"role" json:"role"`
	Body         domain.BodyCode `bson:"body,omitempty" json:"body,omitempty"`
	EnterpriseID string          `bson:"enterpriseId,omitempty" json:"enterpriseId,omitempty"`
	ExpiresAt    *time.Time      `bson:"expiresAt,omitempty" json:"expiresAt,omitempty"`
	CreatedAt    time.Time       `bson:"createdAt" json:"createdAt"`
	RevokedAt    *time.Time      `bson:"revokedAt,omitempty" json:"revokedAt,omitempty"`
	LastUsedAt   *time.Time      `bson:"lastUsedAt,omitempty" json:"lastUsedAt,omitempty"`
}

// Principal is the principal the key authenticates.
func (k *Key) Principal() *Principal {
	return &Principal{Kind: PrincipalAPIKey, ID: k.ID, Name: k.Name, Role: k.Role, Body: k.Body, EnterpriseID: k.EnterpriseID}
}

// keyDoc is a key as stored: the listed fields and the SHA-256 of the
// secret. The document's _id is left to the driver; id has a unique index.
type keyDoc struct {
	Key        `bson:",inline"`
	SecretHash []byte `bson:"secretHash"`
}

// KeyStore keeps API keys in a MongoDB collection (the joint database's
// apiKeys). Use a single-document update for every change: the store has
// no transactions.
type KeyStore struct {
	coll *mongo.Collection
	// usage keeps each key's last use apart from the key itself: only
	// create and revoke write a key's document, so recording a use can
	// never undo a revocation (FerretDB writes a whole document back on
	// update, and the server and "sanfang apikey revoke" are two processes).
	usage *mongo.Collection
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time

	mu      sync.Mutex
	touched map[string]time.Time // when this process last recorded each key's use
}

// NewKeyStore returns the key store over db's apiKeys collection, e.g.
// auth.NewKeyStore(st.Database(store.Joint)).
func NewKeyStore(db *mongo.Database) *KeyStore {
	return NewKeyStoreOn(db.Collection(KeyCollection))
}

// NewKeyStoreOn returns a key store over the given collection.
func NewKeyStoreOn(coll *mongo.Collection) *KeyStore {
	return &KeyStore{coll: coll, usage: coll.Database().Collection(coll.Name() + "Usage"), touched: map[string]time.Time{}}
}

// Collection is the collection the keys are kept in.
func (s *KeyStore) Collection() *mongo.Collection { return s.coll }

func (s *KeyStore) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// EnsureIndexes creates the unique index on the key id. Creating it again
// does nothing.
func (s *KeyStore) EnsureIndexes(ctx context.Context) error {
	_, err := s.coll.Indexes().CreateOne(ctx, mongo.IndexModel{
		Keys:    bson.D{{Key: "id", Value: 1}},
		Options: options.Index().SetName("id_unique").SetUnique(true),
	})
	if err != nil {
		return fmt.Errorf("create the index of %s: %w", KeyCollection, err)
	}
	return nil
}

// Validate checks the spec and returns a BAD_USER_INPUT error listing every
// problem (fields name, role, body, enterprise, expiresAt), or nil.
func (spec KeySpec) Validate(now time.Time) error {
	var ps []domain.FieldError
	name := strings.TrimSpace(spec.Name)
	switch {
	case name == "":
		ps = append(ps, domain.FieldError{Field: "name", Reason: domain.ReasonRequired, Message: "a name is required: say who or what holds the key"})
	case utf8.RuneCountInString(name) > maxKeyName:
		ps = append(ps, domain.FieldError{Field: "name", Reason: domain.ReasonTooLong, Message: fmt.Sprintf("at most %d characters", maxKeyName)})
	}
	for _, p := range checkScope(spec.Role, spec.Body, spec.EnterpriseID) {
		ps = append(ps, domain.FieldError{Field: p.what, Reason: p.reason, Message: p.message})
	}
	if spec.ExpiresAt != nil && !spec.ExpiresAt.After(now) {
		ps = append(ps, domain.FieldError{Field: "expiresAt", Reason: domain.ReasonOutOfRange, Message: fmt.Sprintf("%s is not in the future", spec.ExpiresAt.UTC().Format(time.RFC3339))})
	}
	return domain.Invalid("", ps)
}

// Create makes a key and returns its plaintext, sfk_<id>_<secret>, which is
// shown this once and stored only as the SHA-256 of the secret.
func (s *KeyStore) Create(ctx context.Context, spec KeySpec) (string, Key, error) {
	now := s.now()
	if err := spec.Validate(now); err != nil {
		return "", Key{}, err
	}
	idBytes, secretBytes := make([]byte, keyIDBytes), make([]byte, keySecretBytes)
	rand.Read(idBytes) // crypto/rand.Read never fails (Go 1.24+).
	rand.Read(secretBytes)
	id, secret := hex.EncodeToString(idBytes), hex.EncodeToString(secretBytes)
	k := Key{
		ID:           id,
		Name:         strings.TrimSpace(spec.Name),
		Role:         spec.Role,
		Body:         spec.Body,
		EnterpriseID: strings.TrimSpace(spec.EnterpriseID),
		CreatedAt:    now.Truncate(time.Millisecond),
	}
	if spec.ExpiresAt != nil {
		t := spec.ExpiresAt.UTC().Truncate(time.Millisecond)
		k.ExpiresAt = &t
	}
	hash := sha256.Sum256([]byte(secret))
	if _, err := s.coll.InsertOne(ctx, keyDoc{Key: k, SecretHash: hash[:]}); err != nil {
		return "", Key{}, fmt.Errorf("store the API key: %w", err)
	}
	return KeyPrefix + id + "_" + secret, k, nil
}

// List returns every key, oldest first, without secrets or hashes.
func (s *KeyStore) List(ctx context.Context) ([]Key, error) {
	cur, err := s.coll.Find(ctx, bson.D{}, options.Find().
		SetProjection(bson.D{{Key: "secretHash", Value: 0}}).
		SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	keys := []Key{}
	if err := cur.All(ctx, &keys); err != nil {
		return nil, fmt.Errorf("list API keys: %w", err)
	}
	return s.withUsage(ctx, keys)
}

// Get returns one key, without its hash, or a NOT_FOUND error.
func (s *KeyStore) Get(ctx context.Context, id string) (Key, error) {
	var k Key
	err := s.coll.FindOne(ctx, bson.D{{Key: "id", Value: id}}, options.FindOne().
		SetProjection(bson.D{{Key: "secretHash", Value: 0}})).Decode(&k)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Key{}, domain.Errorf(domain.CodeNotFound, "no API key has the id %q", id)
	}
	if err != nil {
		return Key{}, fmt.Errorf("read API key %s: %w", id, err)
	}
	keys, err := s.withUsage(ctx, []Key{k})
	if err != nil {
		return Key{}, err
	}
	return keys[0], nil
}

// Revoke revokes a key at once: the next request that uses it fails.
// Revoking a revoked key does nothing; an unknown id is a NOT_FOUND error.
func (s *KeyStore) Revoke(ctx context.Context, id string) error {
	res, err := s.coll.UpdateOne(ctx,
		bson.D{{Key: "id", Value: id}, {Key: "revokedAt", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revokedAt", Value: s.now()}}}})
	if err != nil {
		return fmt.Errorf("revoke API key %s: %w", id, err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	_, err = s.Get(ctx, id) // revoked already, or not there
	return err
}

// errUnknownKey is the answer for an unknown id, a revoked key and a wrong
// secret alike, so that a caller cannot tell which ids exist.
func errUnknownKey() error {
	return domain.Errorf(domain.CodeUnauthenticated, "unknown or revoked API key")
}

// parseKey splits sfk_<id>_<secret> and checks the shape of both parts.
func parseKey(token string) (id, secret string, ok bool) {
	rest, found := strings.CutPrefix(token, KeyPrefix)
	if !found {
		return "", "", false
	}
	id, secret, found = strings.Cut(rest, "_")
	if !found || !isLowerHex(id, 2*keyIDBytes) || !isLowerHex(secret, 2*keySecretBytes) {
		return "", "", false
	}
	return id, secret, true
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// dummyHash is compared against when the id is unknown, so that an unknown
// id takes as long to refuse as a wrong secret.
var dummyHash = sha256.Sum256([]byte("sanfang: no such key"))

// Verify checks an API key and returns its principal. A malformed, unknown,
// revoked or expired key, or a wrong secret, is an UNAUTHENTICATED error;
// an error reaching the database is returned as it is (internal).
func (s *KeyStore) Verify(ctx context.Context, token string) (*Principal, error) {
	id, secret, ok := parseKey(token)
	if !ok {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "malformed API key: expected %s<id>_<secret> as it was printed when the key was made", KeyPrefix)
	}
	var d keyDoc
	err := s.coll.FindOne(ctx, bson.D{{Key: "id", Value: id}}).Decode(&d)
	found := err == nil
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("look up API key %s: %w", id, err)
	}
	want := dummyHash[:]
	if found && len(d.SecretHash) == sha256.Size {
		want = d.SecretHash
	}
	got := sha256.Sum256([]byte(secret))
	match := subtle.ConstantTimeCompare(got[:], want) == 1
	if !found || !match || d.RevokedAt != nil {
		return nil, errUnknownKey()
	}
	now := s.now()
	if d.ExpiresAt != nil && !now.Before(*d.ExpiresAt) {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "API key %s expired at %s: ask an admin for a new one", id, d.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if ps := checkScope(d.Role, d.Body, d.EnterpriseID); len(ps) > 0 {
		return nil, domain.Errorf(domain.CodeUnauthenticated, "API key %s is not usable: its %s is wrong (%s)", id, ps[0].what, ps[0].message)
	}
	s.touch(ctx, id, now)
	return d.Key.Principal(), nil
}

// touch records that key id was used at now, at most once a minute per key
// and process. It is best effort: a failure does not refuse the request.
func (s *KeyStore) touch(ctx context.Context, id string, now time.Time) {
	s.mu.Lock()
	last, ok := s.touched[id]
	due := !ok || now.Sub(last) >= lastUsedEvery
	if due {
		s.touched[id] = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	_, _ = s.usage.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "lastUsedAt", Value: now}}}}, options.UpdateOne().SetUpsert(true))
}

// withUsage fills in the keys' last use.
func (s *KeyStore) withUsage(ctx context.Context, keys []Key) ([]Key, error) {
	if len(keys) == 0 {
		return keys, nil
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	cur, err := s.usage.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, fmt.Errorf("read API key use: %w", err)
	}
	var used []struct {
		ID         string    `bson:"_id"`
		LastUsedAt time.Time `bson:"lastUsedAt"`
	}
	if err := cur.All(ctx, &used); err != nil {
		return nil, fmt.Errorf("read API key use: %w", err)
	}
	at := map[string]time.Time{}
	for _, u := range used {
		at[u.ID] = u.LastUsedAt
	}
	for i := range keys {
		if t, ok := at[keys[i].ID]; ok {
			keys[i].LastUsedAt = &t
		}
	}
	return keys, nil
}
