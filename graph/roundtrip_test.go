package graph_test

import (
	"maps"
	"testing"

	"sanfang/internal/synth"
)

// A request makes one batched database command per relationship level,
// however many parents a level has. These tests count the commands the
// server sends (the driver's CommandMonitor) for nested queries over many
// parents, and check the count does not grow with the number of parents.
func TestNestedQueriesAreBatched(t *testing.T) {
	srv := newServer(t, synthetic(t, synth.Tiny))

	tests := []struct {
		name    string
		query   string
		parents func(data map[string]any) int
		want    map[string]int
	}{
		{
			// enterprises (1) → union (1) → membership figures page (1) and
			// its totalCount (1), latest figures (1): 5 finds.
			name: "enterprises → union → membership figures",
			query: `query($n: Int) { enterprises(first: $n) { nodes { name
				union { name
					membershipFigures(first: 3) { totalCount nodes { period members } }
					latestFigures { period }
				} } } }`,
			parents: func(data map[string]any) int { return len(dig(data, "enterprises", "nodes").([]any)) },
			want:    map[string]int{"find": 5},
		},
		{
			// meetings (1) → participants (stored in the meeting) → person (1)
			// → titles (stored in the person) → body (1): 3 finds.
			name: "meetings → participants → person → body",
			query: `query($n: Int) { meetings(first: $n) { nodes { title
				participants { role person { name titles { title body { code } } } } } } }`,
			parents: func(data map[string]any) int {
				n := 0
				for _, m := range dig(data, "meetings", "nodes").([]any) {
					n += len(m.(map[string]any)["participants"].([]any))
				}
				return n
			},
			want: map[string]int{"find": 3},
		},
		{
			// activities (1) and their totalCount (1, an aggregate) →
			// organiser body (1), enterprises (1), task (1) → each
			// enterprise's union (1), each task's progress updates page (1)
			// and count (1): 7 finds and 1 aggregate.
			name: "activities → enterprises → union, and → task → progress updates",
			query: `query($n: Int) { activities(first: $n) { totalCount nodes { title
				organiser { code } enterprises { name union { name } }
				task { title progressUpdates(first: 2) { totalCount nodes { progress } } } } } }`,
			parents: func(data map[string]any) int { return len(dig(data, "activities", "nodes").([]any)) },
			want:    map[string]int{"find": 7, "aggregate": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Few parents, then many: the commands sent must be the same.
			for _, n := range []int{20, 60} {
				srv.Commands.Start()
				var data map[string]any
				srv.query(t, tt.query, map[string]any{"n": n}, &data)
				got := srv.Commands.Stop()
				if n == 60 && tt.parents(data) < 50 {
					t.Fatalf("only %d parents at the deepest level; the test needs at least 50", tt.parents(data))
				}
				if !maps.Equal(got, tt.want) {
					t.Errorf("first: %d (%d parents): commands sent = %v, want %v", n, tt.parents(data), got, tt.want)
				}
			}
		})
	}
}

// dig walks nested JSON objects.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		v = v.(map[string]any)[k]
	}
	return v
}
