package documents

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection is the joint database's collection of trusted documents.
const Collection = "documents"

// ErrNotFound is returned by Remove for a hash no document has.
var ErrNotFound = errors.New("no registered document has that hash")

// Store keeps trusted documents in a database collection, by hash.
type Store struct {
	coll *mongo.Collection
	// Now, if set, gives the time documents are added at (tests).
	Now func() time.Time
}

// NewStore returns the store over db's documents collection, e.g.
// documents.NewStore(st.Database(store.Joint)).
func NewStore(db *mongo.Database) *Store {
	return &Store{coll: db.Collection(Collection)}
}

// Add stores d unless a document with its hash is there already; it
// returns the stored document and whether it was added now.
func (s *Store) Add(ctx context.Context, d Document) (Document, bool, error) {
	if d.Hash == "" || d.Hash != Hash(d.Text) {
		return Document{}, false, errors.New("the document's hash is not the SHA-256 of its text")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	d.AddedAt = now().UTC().Truncate(time.Millisecond)
	if _, err := s.coll.InsertOne(ctx, d); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			var old Document
			if err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: d.Hash}}).Decode(&old); err != nil {
				return Document{}, false, fmt.Errorf("read document %s: %w", d.Hash, err)
			}
			return old, false, nil
		}
		return Document{}, false, fmt.Errorf("store document %s: %w", d.Hash, err)
	}
	return d, true, nil
}

// List returns every stored document, oldest first.
func (s *Store) List(ctx context.Context) ([]Document, error) {
	cur, err := s.coll.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "addedAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	docs := []Document{}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	return docs, nil
}

// Find returns the one stored document whose hash is hash or starts with
// it (at least 8 hex digits), ErrNotFound, or an error naming the
// candidates when the prefix fits several.
func (s *Store) Find(ctx context.Context, hash string) (Document, error) {
	hash = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(hash), "sha256:"))
	if len(hash) < 8 || strings.Trim(hash, "0123456789abcdef") != "" {
		return Document{}, fmt.Errorf("%q is not a document hash: give its 64 hex digits (or at least the first 8) as documents list shows them", hash)
	}
	docs, err := s.List(ctx)
	if err != nil {
		return Document{}, err
	}
	var found []Document
	for _, d := range docs {
		if d.Hash == hash {
			return d, nil
		}
		if strings.HasPrefix(d.Hash, hash) {
			found = append(found, d)
		}
	}
	switch len(found) {
	case 0:
		return Document{}, ErrNotFound
	case 1:
		return found[0], nil
	}
	hashes := make([]string, len(found))
	for i, d := range found {
		hashes[i] = d.Hash
	}
	slices.Sort(hashes)
	return Document{}, fmt.Errorf("%q is the start of %d hashes (%s): give more of it", hash, len(found), strings.Join(hashes, ", "))
}

// Remove removes the document Find finds for hash and returns it.
func (s *Store) Remove(ctx context.Context, hash string) (Document, error) {
	d, err := s.Find(ctx, hash)
	if err != nil {
		return Document{}, err
	}
	if _, err := s.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: d.Hash}}); err != nil {
		return Document{}, fmt.Errorf("remove document %s: %w", d.Hash, err)
	}
	return d, nil
}

// Gather reads the documents a server runs: every document file in dir (if
// dir is not empty) and every document in st (if st is not nil). A hash in
// both counts once (the file's).
func Gather(ctx context.Context, dir string, st *Store) ([]Document, error) {
	var docs []Document
	seen := map[string]bool{}
	if dir != "" {
		fromDir, err := ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, d := range fromDir {
			if !seen[d.Hash] {
				seen[d.Hash] = true
				docs = append(docs, d)
			}
		}
	}
	if st != nil {
		stored, err := st.List(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range stored {
			if !seen[d.Hash] {
				seen[d.Hash] = true
				docs = append(docs, d)
			}
		}
	}
	return docs, nil
}
