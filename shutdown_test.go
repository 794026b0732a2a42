package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// On shutdown a live subscription is closed with the protocol's normal
// close, and the server stops.
func TestShutdownClosesSubscriptionsCleanly(t *testing.T) {
	srv := start(t, testEnv(t))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.url, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	_ = wsjson.Write(ctx, conn, map[string]any{"type": "connection_init"})
	var ack map[string]any
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("init: %v %v", ack, err)
	}
	_ = wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": "subscription { changes { seq } }"}})
	time.Sleep(200 * time.Millisecond)

	srv.stop(t)
	for {
		var m map[string]any
		err := wsjson.Read(ctx, conn, &m)
		if err == nil {
			continue // a ping or a complete before the close
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.StatusNormalClosure {
			t.Fatalf("after shutdown: %v, want a normal close (1000)", err)
		}
		return
	}
}
