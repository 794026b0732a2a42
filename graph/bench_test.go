package graph_test

import (
	"testing"
	"time"

	"sanfang/internal/synth"
)

// Benchmarks of whole requests over HTTP against the embedded database with
// the province-scale synthetic data set and the production loader wait.
// See docs/performance.md.
func BenchmarkQueries(b *testing.B) {
	srv := newServerWaiting(b, 0, jointMeeting(b), synthetic(b, synth.Province))
	for _, bm := range []struct{ name, query string }{
		{"seeded meeting, plan and tasks", `{ meetings(filter: {kinds: [TRIPARTITE_JOINT]}, first: 5) { nodes { title chair { name }
			participants { role person { name } body { code } union { enterprise { name } } }
			adoptedPlans { title tasks(first: 30) { totalCount nodes { title leadBody { code } } } } } } }`},
		{"50 enterprises → union → figures", `{ enterprises(first: 50) { totalCount nodes { name
			union { name latestFigures { period members } membershipFigures(first: 3) { totalCount nodes { period members } } } } } }`},
		{"enterprise by credit code", `{ enterprises(first: 1, filter: {brands: ["顺丰"]}) { nodes { creditCode name } } }`},
	} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				var out map[string]any
				srv.query(b, bm.query, nil, &out)
			}
		})
	}
}

// BenchmarkEventDelivery measures how long after a write is acknowledged
// its event reaches a WebSocket subscriber (graphql-transport-ws), as the
// metric ms-after-ack; ns/op is the whole write and delivery.
func BenchmarkEventDelivery(b *testing.B) {
	srv := newServerWaiting(b, 0, jointMeeting(b))
	union := srv.key(b, roles["union"])
	viewer := srv.key(b, roles["viewer"])
	ws := dialWSB(b, srv, viewer)
	ws.subscribe("tasks", `subscription { taskChanged { change { seq } task { progress } } }`)
	time.Sleep(200 * time.Millisecond)
	task := gid("Task", "task-2026-05")
	var afterAck time.Duration
	n := 0
	for b.Loop() {
		n++
		r := srv.doAs(b, union, `mutation($t: ID!, $p: Int!) { reportProgress(input: {taskId: $t, progress: $p, status: IN_PROGRESS, text: "进展"}) { task { progress } } }`,
			map[string]any{"t": task, "p": n % 100})
		acked := time.Now()
		if len(r.Errors) > 0 {
			b.Fatal(r.Errors)
		}
		ws.next(10 * time.Second)
		afterAck += time.Since(acked)
	}
	b.ReportMetric(float64(afterAck.Microseconds())/1000/float64(n), "ms-after-ack")
}
