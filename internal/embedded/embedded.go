// Package embedded runs a MongoDB-compatible server (FerretDB with its SQLite
// backend) inside the process, for the zero-configuration default and tests.
package embedded

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Server is a running embedded database server.
type Server struct {
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
}

// Start starts FerretDB on a random loopback port, keeping its SQLite files in
// dir (created if missing). logger receives FerretDB's own logs; pass nil to
// silence them (FerretDB logs every failed command at WARN).
func Start(ctx context.Context, dir string, logger *slog.Logger) (*Server, error) {
	return StartOn(ctx, dir, "127.0.0.1:0", logger)
}

// StartOn is Start listening on addr (host:port; port 0 picks a free one).
// Starting again on the address and directory of a stopped server brings the
// same database back where its clients left it, as a restarted mongod would.
func StartOn(ctx context.Context, dir, addr string, logger *slog.Logger) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("embedded database: resolve data directory %q: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("embedded database: create data directory: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded database: start FerretDB on %s in %s: %w", addr, abs, err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Server{uri: f.MongoDBURI(), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = f.Run(runCtx)
	}()
	return s, nil
}

// URI is the mongodb:// URI clients connect to.
func (s *Server) URI() string { return s.uri }

// Stop shuts the server down and waits until its files are closed.
func (s *Server) Stop() {
	s.cancel()
	<-s.done
}
