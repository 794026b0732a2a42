// Package documents keeps the trusted documents: the GraphQL operations a
// production server agrees to run, each known by the SHA-256 of its
// normalised text.
//
// A document is normalised by parsing it and printing it back in one
// canonical layout (gqlparser's formatter: no comments, tab indentation,
// operations before fragments), so that the same operation written with
// other spacing, line breaks or comments has the same hash. The hash is of
// the normalised text, and the normalised text is what the registry keeps
// and what runs; a client that sends a registered document by hash alone
// (extensions.persistedQuery.sha256Hash, the automatic persisted queries
// protocol) therefore gets exactly the text whose SHA-256 it sent.
//
// Documents come from a directory of .graphql files and from the joint
// database's collection "documents" (managed by "sanfang documents").
package documents

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// Document is one trusted document.
type Document struct {
	// Hash is the lower-case hex SHA-256 of Text.
	Hash string `bson:"_id" json:"hash"`
	// Name names the document: its operations' names, or its file's name
	// when every operation is anonymous.
	Name string `bson:"name" json:"name"`
	// Text is the normalised document.
	Text string `bson:"text" json:"text"`
	// Source says where it came from: the file it was read from.
	Source  string    `bson:"source,omitempty" json:"source,omitempty"`
	AddedAt time.Time `bson:"addedAt" json:"addedAt"`
}

// Hash is the lower-case hex SHA-256 of text.
func Hash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// Normalize parses an executable document and prints it in the canonical
// layout. It fails if text does not parse or holds no operation.
func Normalize(text string) (string, error) {
	doc, err := parse(text)
	if err != nil {
		return "", err
	}
	return format(doc), nil
}

func parse(text string) (*ast.QueryDocument, error) {
	doc, err := parser.ParseQuery(&ast.Source{Input: text})
	if err != nil {
		return nil, err
	}
	if len(doc.Operations) == 0 {
		return nil, errors.New("the document has no operation (query, mutation or subscription)")
	}
	return doc, nil
}

func format(doc *ast.QueryDocument) string {
	var b bytes.Buffer
	formatter.NewFormatter(&b).FormatQueryDocument(doc)
	return b.String()
}

// New makes a document of text: normalised, hashed and named. source says
// where it came from (a file name, or empty).
func New(text, source string) (Document, error) {
	doc, err := parse(text)
	if err != nil {
		return Document{}, err
	}
	norm := format(doc)
	// The canonical text must parse to itself again, or a client sending
	// it back would not match.
	if again, err := Normalize(norm); err != nil || again != norm {
		return Document{}, errors.New("the document cannot be normalised reliably (printing it back changes it); simplify its literals")
	}
	return Document{Hash: Hash(norm), Name: name(doc, source), Text: norm, Source: source}, nil
}

// name is the operations' names, or the file's base name if they have none.
func name(doc *ast.QueryDocument, source string) string {
	var names []string
	for _, op := range doc.Operations {
		if op.Name != "" {
			names = append(names, op.Name)
		}
	}
	if len(names) > 0 {
		return strings.Join(names, ",")
	}
	if source != "" {
		return strings.TrimSuffix(filepath.Base(source), filepath.Ext(source))
	}
	return "(anonymous)"
}

// Validate checks the document against the schema, so that a document
// added by mistake (a typo'd field) is refused when it is added rather than
// when it is first sent.
func (d Document) Validate(schema *ast.Schema) error {
	doc, err := parse(d.Text)
	if err != nil {
		return err
	}
	if errs := validator.ValidateWithRules(schema, doc, rules.NewDefaultRules()); len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Message
		}
		return fmt.Errorf("does not fit the schema: %s", strings.Join(msgs, "; "))
	}
	return nil
}

// Extensions are the file extensions ReadDir reads.
var Extensions = []string{".graphql", ".gql"}

// ReadFile reads one document from a file.
func ReadFile(path string) (Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Document{}, err
	}
	d, err := New(string(b), path)
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// ReadDir reads every .graphql (or .gql) file directly in dir, one document
// per file, in file name order. A file that is not a valid document is an
// error naming it.
func ReadDir(dir string) ([]Document, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var docs []Document
	for _, e := range entries {
		if e.IsDir() || !slices.Contains(Extensions, strings.ToLower(filepath.Ext(e.Name()))) {
			continue
		}
		d, err := ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// Registry is the set of trusted documents a server runs, safe for
// concurrent use.
type Registry struct {
	mu     sync.RWMutex
	byHash map[string]Document
	// matched remembers which raw texts normalised to which registered
	// hash, so a registered document sent as text is parsed once, not per
	// request. Only matches are kept (a bounded number of them).
	matched map[string]string
}

// maxMatched bounds Registry.matched; it is emptied when full.
const maxMatched = 10000

// NewRegistry returns a registry holding docs.
func NewRegistry(docs ...Document) *Registry {
	r := &Registry{}
	r.Set(docs)
	return r
}

// Set replaces every document of the registry with docs.
func (r *Registry) Set(docs []Document) {
	m := make(map[string]Document, len(docs))
	for _, d := range docs {
		m[d.Hash] = d
	}
	r.mu.Lock()
	r.byHash, r.matched = m, map[string]string{}
	r.mu.Unlock()
}

// Len is the number of documents.
func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.byHash)
}

// List returns the documents by name, then hash.
func (r *Registry) List() []Document {
	r.mu.RLock()
	docs := make([]Document, 0, len(r.byHash))
	for _, d := range r.byHash {
		docs = append(docs, d)
	}
	r.mu.RUnlock()
	slices.SortFunc(docs, func(a, b Document) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Hash, b.Hash)
	})
	return docs
}

// Lookup finds a document by its hash (hex, any case, with or without a
// "sha256:" prefix).
func (r *Registry) Lookup(hash string) (Document, bool) {
	hash = strings.ToLower(strings.TrimPrefix(hash, "sha256:"))
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.byHash[hash]
	return d, ok
}

// Match finds the registered document that query is: the registered text
// itself, or the same document written differently (spacing, comments).
func (r *Registry) Match(query string) (Document, bool) {
	raw := Hash(query)
	r.mu.RLock()
	d, ok := r.byHash[raw]
	if !ok {
		if h, seen := r.matched[raw]; seen {
			d, ok = r.byHash[h]
		}
	}
	r.mu.RUnlock()
	if ok {
		return d, true
	}
	norm, err := Normalize(query)
	if err != nil {
		return Document{}, false
	}
	h := Hash(norm)
	r.mu.Lock()
	defer r.mu.Unlock()
	d, ok = r.byHash[h]
	if ok {
		if len(r.matched) >= maxMatched {
			r.matched = map[string]string{}
		}
		r.matched[raw] = h
	}
	return d, ok
}
