package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"sanfang/internal/domain"
	"sanfang/internal/embedded"
	"sanfang/internal/store"
)

// A database that stops answering makes reads fail within the store's
// timeout with an *UnavailableError naming it (not a client error, not a
// hang); one that answers "not found" does not; the pool monitor sees the
// connections.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv, err := embedded.StartOn(context.Background(), t.TempDir(), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			srv.Stop()
		}
	}()

	var mu sync.Mutex
	events := map[string]int{}
	locs := map[store.Part]store.Location{}
	for _, p := range store.Parts {
		locs[p] = store.Location{URI: "mongodb://" + addr + "/", Database: "u_" + string(p)}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{Locations: locs, Timeout: 500 * time.Millisecond,
		PoolMonitor: &event.PoolMonitor{Event: func(e *event.PoolEvent) {
			mu.Lock()
			events[e.Type]++
			mu.Unlock()
		}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)

	_, err = st.Enterprises.Get(ctx, "nobody")
	var ue *store.UnavailableError
	if domain.CodeOf(err) != domain.CodeNotFound || store.IsUnavailable(err) || errors.As(err, &ue) {
		t.Fatalf("a missing record: %v", err)
	}
	mu.Lock()
	if events[event.ConnectionCreated] == 0 || events[event.ConnectionCheckedOut] == 0 || events[event.ConnectionCheckedIn] == 0 {
		t.Errorf("pool events seen: %v", events)
	}
	mu.Unlock()

	srv.Stop()
	stopped = true
	for range 2 { // the first may meet the dropped connection, the next server selection
		start := time.Now()
		_, err = st.Enterprises.Get(ctx, "nobody")
		took := time.Since(start)
		if !errors.As(err, &ue) || !store.IsUnavailable(err) {
			t.Fatalf("with the database stopped: %T %v", err, err)
		}
		if ue.Database != "u_postal" || ue.Code() != domain.CodeUnavailable || !strings.Contains(ue.ClientMessage(), "u_postal") ||
			!strings.Contains(err.Error(), "get u_postal.enterprises") {
			t.Errorf("error %q, client message %q", err, ue.ClientMessage())
		}
		var de *domain.Error
		if errors.As(err, &de) || domain.CodeOf(err) != domain.CodeInternal {
			t.Errorf("an unreachable database passes for a client error: %v", err)
		}
		if took > 2*time.Second {
			t.Errorf("failed after %s with a 500ms timeout", took)
		}
	}
	if err := st.Ping(ctx); err == nil {
		t.Error("ping succeeded with the database stopped")
	}

	// A closed store's client is disconnected: unavailable too.
	st.Close(ctx)
	if _, err := st.Enterprises.Count(ctx, nil); !store.IsUnavailable(err) {
		t.Errorf("after Close: %v", err)
	}
}

// A server that answers it is stopping (real MongoDB's shutdown and
// step-down codes, FerretDB's cancelled work) is unavailable; a server
// that refuses the operation itself is not.
func TestShutdownAnswersAreUnavailable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"InterruptedAtShutdown", mongo.CommandError{Code: 11600, Name: "InterruptedAtShutdown"}, true},
		{"ShutdownInProgress", mongo.CommandError{Code: 91, Name: "ShutdownInProgress"}, true},
		{"NotWritablePrimary", mongo.CommandError{Code: 10107, Name: "NotWritablePrimary"}, true},
		{"write concern error while stepping down", mongo.WriteException{WriteConcernError: &mongo.WriteConcernError{Code: 189, Name: "PrimarySteppedDown"}}, true},
		{"FerretDB cancelled at shutdown", mongo.CommandError{Code: 1, Name: "InternalError", Message: "[msg_find.go:344 handler.handleMaxTimeMSError] context canceled after delay"}, true},
		{"wrapped", fmt.Errorf("find x: %w", mongo.CommandError{Code: 11600}), true},
		{"other internal error", mongo.CommandError{Code: 1, Name: "InternalError", Message: "no such table"}, false},
		{"bad value", mongo.CommandError{Code: 2, Name: "BadValue", Message: "context canceled"}, false},
		{"duplicate key", mongo.WriteException{WriteErrors: []mongo.WriteError{{Code: 11000, Message: "E11000"}}}, false},
		{"plain error", errors.New("context canceled"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := store.IsUnavailable(tt.err); got != tt.want {
				t.Errorf("IsUnavailable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
