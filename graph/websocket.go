package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/coder/websocket"
)

// Close codes of the graphql-transport-ws protocol that gqlgen does not send
// by itself.
const (
	closeUnauthorized  = 4401 // connection_init carried no usable credential
	closeInitTimeout   = 4408 // no connection_init within the deadline
	closeTooManyInits  = 4429 // a second connection_init
	defaultInitTimeout = 10 * time.Second
)

// guardedWebsocket accepts WebSocket connections from the page's own origin
// and the allowed dashboard origins only, and holds clients to the
// protocol's start: connection_init within a deadline (else 4408), and only
// once (a second one: 4429).
type guardedWebsocket struct {
	inner       transport.CoderWebsocketImplementation
	initTimeout time.Duration
}

// newGuardedWebsocket allows the given origins (e.g. https://dash.example.cn)
// besides the endpoint's own.
func newGuardedWebsocket(origins []string, initTimeout time.Duration) guardedWebsocket {
	if initTimeout <= 0 {
		initTimeout = defaultInitTimeout
	}
	var hosts []string
	for _, o := range origins {
		if u, err := url.Parse(o); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	return guardedWebsocket{inner: transport.CoderWebsocketImplementation{AcceptOptions: websocket.AcceptOptions{OriginPatterns: hosts}}, initTimeout: initTimeout}
}

func (g guardedWebsocket) Accept(w http.ResponseWriter, r *http.Request, opts transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := g.inner.Accept(w, r, opts)
	if err != nil {
		return nil, err
	}
	c := &guardedConn{WebsocketConn: conn, initSeen: make(chan struct{})}
	go func() {
		select {
		case <-c.initSeen:
		case <-time.After(g.initTimeout):
			_ = conn.WriteClose(closeInitTimeout, "Connection initialisation timeout")
			_ = conn.Close()
		}
	}()
	return c, nil
}

// guardedConn watches the messages a client sends for connection_init.
type guardedConn struct {
	transport.WebsocketConn
	mu       sync.Mutex
	inits    int
	initSeen chan struct{}
}

func (c *guardedConn) NextReader() (int, io.Reader, error) {
	typ, r, err := c.WebsocketConn.NextReader()
	if err != nil {
		return typ, r, err
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return typ, nil, err
	}
	var m struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(b, &m) == nil && m.Type == "connection_init" {
		c.mu.Lock()
		c.inits++
		n := c.inits
		c.mu.Unlock()
		if n == 1 {
			close(c.initSeen)
		} else {
			_ = c.WebsocketConn.WriteClose(closeTooManyInits, "Too many initialisation requests")
			return typ, nil, transport.ErrWebsocketClosed
		}
	}
	return typ, bytes.NewReader(b), nil
}

// SetReadLimit and SetReadDeadline pass gqlgen's payload limit and ping-pong
// deadline on to the connection.
func (c *guardedConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *guardedConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
