package graph_test

import (
	"testing"

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
