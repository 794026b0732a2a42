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

// BenchmarkDashboards runs each dashboard aggregate over HTTP on the
// province-scale data, uncomputed each time (no cache) and answered from
// the response cache (a viewer's scope, after the first request).
func BenchmarkDashboards(b *testing.B) {
	province := synthetic(b, synth.Province)
	plan := gid("Plan", province.Plans[len(province.Plans)-1].ID)
	queries := []struct{ name, query string }{
		{"plan progress", `query($p: ID!) { planProgress(planId: $p) { tasks progress byStatus { key value } byLeadBody { key tasks done meanProgress } overdue asOf } }`},
		{"union coverage by city", `{ unionCoverage(groupBy: CITY) { groups { key enterprises withUnion membershipRate } total { enterprises withUnion membershipRate } asOf } }`},
		{"activities by month", `{ activityStats(groupBy: MONTH) { groups { key activities participants } asOf } }`},
		{"meetings", `{ meetingStats { meetings byYearKind { key meetings } byBody { key meetings } asOf } }`},
	}
	uncached := newServerWaiting(b, 0, province)
	cached, _ := newCachedServer(b, province)
	viewer := cached.key(b, roles["viewer"])
	for _, q := range queries {
		vars := map[string]any{"p": plan}
		b.Run(q.name+"/uncached", func(b *testing.B) {
			for b.Loop() {
				var out map[string]any
				uncached.query(b, q.query, vars, &out)
			}
		})
		b.Run(q.name+"/cached", func(b *testing.B) {
			cached.doAs(b, viewer, q.query, vars) // fill the cache
			for b.Loop() {
				r := cached.doAs(b, viewer, q.query, vars)
				if r.Extensions["cache"] != "HIT" {
					b.Fatalf("not served from the cache: %v %v", r.Extensions, r.Errors)
				}
			}
		})
	}
}
