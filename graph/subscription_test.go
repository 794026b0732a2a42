package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// wsClient speaks graphql-transport-ws, the protocol current clients use.
// A reader in the background answers the server's pings at once (as real
// clients do) and queues every other message for next.
type wsClient struct {
	t     testing.TB
	conn  *websocket.Conn
	msgs  chan wsMessage
	pings atomic.Int64
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func dialWS(t *testing.T, s *testServer, key string) *wsClient { return dialWSB(t, s, key) }

func dialWSB(t testing.TB, s *testServer, key string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	c := &wsClient{t: t, conn: conn, msgs: make(chan wsMessage, 1000)}
	go func() {
		defer close(c.msgs)
		for {
			var m wsMessage
			if err := wsjson.Read(context.Background(), conn, &m); err != nil {
				return
			}
			switch m.Type {
			case "ping":
				c.pings.Add(1)
				_ = wsjson.Write(context.Background(), conn, wsMessage{Type: "pong"})
			case "pong":
			default:
				c.msgs <- m
			}
		}
	}()
	init := map[string]any{}
	if key != "" {
		init["Authorization"] = "Bearer " + key
	}
	payload, _ := json.Marshal(init)
	c.send(wsMessage{Type: "connection_init", Payload: payload})
	if m := c.next(5 * time.Second); m.Type != "connection_ack" {
		t.Fatalf("after connection_init: %+v, want connection_ack", m)
	}
	return c
}

func (c *wsClient) send(m wsMessage) {
	c.t.Helper()
	if err := wsjson.Write(context.Background(), c.conn, m); err != nil {
		c.t.Fatalf("send %s: %v", m.Type, err)
	}
}

// next returns the next message that is not a ping or pong.
func (c *wsClient) next(within time.Duration) wsMessage {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.t.Fatalf("the connection closed")
		}
		return m
	case <-time.After(within):
		c.t.Fatalf("no message within %s", within)
	}
	return wsMessage{}
}

func (c *wsClient) subscribe(id, query string) {
	payload, _ := json.Marshal(map[string]any{"query": query})
	c.send(wsMessage{ID: id, Type: "subscribe", Payload: payload})
}

// A graphql-ws subscriber to task changes sees progress recorded by another
// client, in the order it was recorded; the contact details in an event are
// masked for a viewer and shown to an entitled editor.
func TestSubscriptionsDeliverChangesInOrderAndRespectThePolicy(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	admin, union := s.key(t, roles["admin"]), s.key(t, roles["union"])
	viewer, postal := s.key(t, roles["viewer"]), s.key(t, roles["postal"])
	if r := s.doAs(t, admin, `mutation($id: ID!) { updatePerson(id: $id, version: 1, patch: {phone: "13912345678"}) { version } }`,
		map[string]any{"id": gid("Person", "person-li-jianbin")}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}

	watcher := dialWS(t, s, viewer)
	watcher.subscribe("tasks", `subscription { taskChanged { change { seq operation actor { name } } task { number progress status } } }`)
	watcher.subscribe("meetings", `subscription { meetingChanged { meeting { chair { name phone } } } }`)
	editorWatch := dialWS(t, s, postal)
	editorWatch.subscribe("meetings", `subscription { meetingChanged { meeting { chair { phone } } } }`)
	time.Sleep(200 * time.Millisecond) // let the subscriptions start before the writes

	task := gid("Task", "task-2026-03")
	for _, p := range []int{30, 60} {
		r := s.doAs(t, union, `mutation($t: ID!, $p: Int!) { reportProgress(input: {taskId: $t, progress: $p, status: IN_PROGRESS, text: "进展"}) { task { progress } } }`, map[string]any{"t": task, "p": p})
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
	}
	lastSeq := 0
	for _, want := range []int{30, 60} {
		m := watcher.next(5 * time.Second)
		var ev struct {
			Data struct {
				TaskChanged struct {
					Change struct {
						Seq       int
						Operation string
						Actor     struct{ Name string }
					}
					Task struct{ Number, Progress int }
				}
			}
		}
		if err := json.Unmarshal(m.Payload, &ev); err != nil || m.ID != "tasks" || m.Type != "next" {
			t.Fatalf("event: %+v %v", m, err)
		}
		tc := ev.Data.TaskChanged
		if tc.Task.Progress != want || tc.Task.Number != 3 || tc.Change.Operation != "reportProgress" || tc.Change.Actor.Name != "union-staff" {
			t.Errorf("event %+v, want task 3 at progress %d reported by union-staff", tc, want)
		}
		if tc.Change.Seq <= lastSeq {
			t.Errorf("seq %d after %d: events out of order", tc.Change.Seq, lastSeq)
		}
		lastSeq = tc.Change.Seq
	}

	if r := s.doAs(t, admin, `mutation($id: ID!) { updateMeeting(id: $id, version: 1, patch: {place: "太原"}) { version } }`,
		map[string]any{"id": gid("Meeting", "meeting-joint-2025-2")}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if m := watcher.next(5 * time.Second); !strings.Contains(string(m.Payload), `"phone":"139****5678"`) {
		t.Errorf("viewer's meeting event: %s, want the chair's phone masked", m.Payload)
	}
	if m := editorWatch.next(5 * time.Second); !strings.Contains(string(m.Payload), `"phone":"13912345678"`) {
		t.Errorf("postal editor's meeting event: %s, want the phone in full", m.Payload)
	}
}

// The WebSocket handshake follows graphql-transport-ws: a bad credential
// in connection_init closes with 4401, no connection_init within the
// deadline with 4408, a second one with 4429; and only the endpoint's own
// and the allowed dashboards' pages may connect.
func TestWebSocketProtocolHygiene(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	dial := func(t *testing.T, origin string) (*websocket.Conn, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.URL, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
		if conn != nil {
			t.Cleanup(func() { conn.CloseNow() })
		}
		return conn, err
	}
	closeCode := func(t *testing.T, conn *websocket.Conn) websocket.StatusCode {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for {
			var m wsMessage
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				return websocket.CloseStatus(err)
			}
		}
	}
	init := func(payload map[string]any) map[string]any {
		return map[string]any{"type": "connection_init", "payload": payload}
	}

	t.Run("bad credential: 4401", func(t *testing.T) {
		conn, err := dial(t, "")
		if err != nil {
			t.Fatal(err)
		}
		_ = wsjson.Write(context.Background(), conn, init(map[string]any{"Authorization": "Bearer sfk_0000000000000000_" + strings.Repeat("0", 64)}))
		if code := closeCode(t, conn); code != 4401 {
			t.Errorf("close code %d, want 4401", code)
		}
	})
	t.Run("no connection_init: 4408", func(t *testing.T) {
		conn, err := dial(t, "")
		if err != nil {
			t.Fatal(err)
		}
		if code := closeCode(t, conn); code != 4408 {
			t.Errorf("close code %d, want 4408", code)
		}
	})
	t.Run("second connection_init: 4429", func(t *testing.T) {
		conn, err := dial(t, "")
		if err != nil {
			t.Fatal(err)
		}
		_ = wsjson.Write(context.Background(), conn, init(nil))
		_ = wsjson.Write(context.Background(), conn, init(nil))
		if code := closeCode(t, conn); code != 4429 {
			t.Errorf("close code %d, want 4429", code)
		}
	})
	t.Run("origins", func(t *testing.T) {
		if _, err := dial(t, "https://evil.example.com"); err == nil {
			t.Error("a page from another origin opened a WebSocket")
		}
		if _, err := dial(t, "https://dashboard.example.cn"); err != nil {
			t.Errorf("the allowed dashboard could not connect: %v", err)
		}
	})
}

// Server-Sent Events carry the same subscriptions over plain HTTP.
func TestServerSentEvents(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	union := s.key(t, roles["union"])
	body, _ := json.Marshal(map[string]any{"query": `subscription { progressReported { progressUpdate { progress text body { code } } } }`})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		s.doAs(t, union, `mutation($t: ID!) { reportProgress(input: {taskId: $t, progress: 15, status: IN_PROGRESS, text: "培训开班"}) { task { progress } } }`, map[string]any{"t": gid("Task", "task-2026-03")})
	}()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "data:") && strings.Contains(line, "progressReported") {
			if !strings.Contains(line, `"progress":15`) || !strings.Contains(line, `"code":"UNION"`) {
				t.Errorf("event %s", line)
			}
			return
		}
	}
	t.Fatalf("stream ended without the event: %v", sc.Err())
}

// Subscribers get keep-alives: pings on a WebSocket (graphql-transport-ws),
// comment lines on Server-Sent Events.
func TestSubscribersGetKeepAlives(t *testing.T) {
	s := newServer(t, jointMeeting(t))
	c := dialWS(t, s, "")
	c.subscribe("tasks", `subscription { taskChanged { change { seq } } }`)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for c.pings.Load() == 0 {
		if ctx.Err() != nil {
			t.Fatal("no ping on an idle subscription within 5 s")
		}
		time.Sleep(20 * time.Millisecond)
	}

	body, _ := json.Marshal(map[string]any{"query": `subscription { taskChanged { change { seq } } }`})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), ": ping") {
			return
		}
	}
	t.Fatalf("no keep-alive on the event stream: %v", sc.Err())
}
