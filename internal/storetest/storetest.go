// Package storetest starts one embedded database for a test package and
// opens stores on it, each on its own set of database names.
package storetest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/v2/event"

	"sanfang/internal/embedded"
	"sanfang/internal/store"
)

// Server is an embedded database shared by one test package.
type Server struct {
	srv  *embedded.Server
	dir  string
	next atomic.Int64
}

// Start starts the embedded database in a temporary directory. Call it from
// TestMain and Stop it when the tests are done.
func Start() (*Server, error) {
	dir, err := os.MkdirTemp("", "sanfang-test-db-")
	if err != nil {
		return nil, fmt.Errorf("make test database directory: %w", err)
	}
	srv, err := embedded.Start(context.Background(), dir, nil)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &Server{srv: srv, dir: dir}, nil
}

// URI is the embedded database's URI.
func (s *Server) URI() string { return s.srv.URI() }

// Stop stops the database and removes its files.
func (s *Server) Stop() {
	s.srv.Stop()
	os.RemoveAll(s.dir)
}

// Locations returns a fresh set of database names on this server, so that
// each test sees only its own records.
func (s *Server) Locations() map[store.Part]store.Location {
	n := s.next.Add(1)
	locs := map[store.Part]store.Location{}
	for _, p := range store.Parts {
		locs[p] = store.Location{URI: s.srv.URI(), Database: fmt.Sprintf("t%d_%s", n, p)}
	}
	return locs
}

// Open opens a store on fresh databases, with indexes, closed when t ends.
func (s *Server) Open(t testing.TB, monitor *event.CommandMonitor) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Locations: s.Locations(), Monitor: monitor})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	if err := st.EnsureIndexes(ctx); err != nil {
		t.Fatalf("ensure indexes: %v", err)
	}
	return st
}

// Commands counts the commands a client sends, by name, while counting is on.
type Commands struct {
	mu     sync.Mutex
	on     bool
	counts map[string]int
}

// Monitor returns a command monitor that feeds c.
func (c *Commands) Monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.on {
			c.counts[e.CommandName]++
		}
	}}
}

// Start resets the counts and starts counting.
func (c *Commands) Start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on, c.counts = true, map[string]int{}
}

// Stop stops counting and returns the counts by command name.
func (c *Commands) Stop() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = false
	return c.counts
}

// Main is a test package's TestMain: it starts the package's one embedded
// database into *db, runs the tests, stops the database and exits with the
// tests' status.
func Main(m *testing.M, db **Server) {
	s, err := Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	*db = s
	code := m.Run()
	s.Stop()
	os.Exit(code)
}
