package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// started is a sanfang server started by run, as main starts it.
type started struct {
	url      string
	cancel   context.CancelFunc
	finished chan struct{}
	err      error // what run returned, once finished is closed
}

// start runs the server on a random port with the given environment and
// waits for it to print its URL.
func start(t *testing.T, env map[string]string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &started{cancel: cancel, finished: make(chan struct{})}
	getenv := func(k string) string { return env[k] }
	go func() {
		s.err = run(ctx, nil, getenv, pw, io.Discard)
		pw.CloseWithError(errors.Join(s.err, io.EOF))
		close(s.finished)
	}()
	t.Cleanup(func() {
		cancel()
		<-s.finished
	})
	urlRE := regexp.MustCompile(`http://\S+/graphql`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if u := urlRE.FindString(sc.Text()); u != "" {
				found <- u
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			<-s.finished
			t.Fatalf("server stopped before serving: %v", s.err)
		}
		s.url = u
	case <-time.After(60 * time.Second):
		t.Fatal("server did not print its URL within a minute")
	}
	return s
}

// stop shuts the server down as SIGTERM would and waits for run to return.
func (s *started) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case <-s.finished:
		if s.err != nil {
			t.Fatalf("run returned %v", s.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop within 30 s")
	}
}

func (s *started) post(t *testing.T, query string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	res, err := http.Post(s.url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []map[string]any
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatalf("HTTP %d: %v", res.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatal(err)
	}
}

func testEnv(t *testing.T) map[string]string {
	return map[string]string{"SANFANG_ADDR": "127.0.0.1:0", "SANFANG_DATA_DIR": t.TempDir()}
}

const countsQuery = `{
	enterprises { totalCount } unions { totalCount } meetings { totalCount }
	plans { totalCount } tasks { totalCount } activities { totalCount } people { totalCount } bodies { code } }`

// The seeded meeting answers, in one request, who chaired, who spoke for
// which body, which enterprises' union heads attended, and the plan it
// adopted with its ten tasks; a restart on the same data keeps every record
// and adds none.
func TestServeSeededGraphAndRestart(t *testing.T) {
	env := testEnv(t)
	srv := start(t, env)

	var got struct {
		Meetings struct {
			Nodes []struct {
				Title    string
				Date     string
				Chair    struct{ Name string }
				Speakers []struct {
					Person struct{ Name string }
					Body   struct{ Code string }
				}
				Attended []struct {
					Union *struct {
						Enterprise struct{ Name, Brand string }
					}
				}
				AdoptedPlans []struct {
					Title string
					Tasks struct {
						TotalCount int
						Nodes      []struct {
							Number int
							Title  string
						}
					}
				}
			}
		}
	}
	srv.post(t, `{ meetings(filter: {kinds: [TRIPARTITE_JOINT]}, first: 1) { nodes {
		title date chair { name }
		speakers: participants(role: SPOKE) { person { name } body { code } }
		attended: participants(role: ATTENDED) { union { enterprise { name brand } } }
		adoptedPlans { title tasks(first: 20) { totalCount nodes { number title } } } } } }`, &got)
	if len(got.Meetings.Nodes) != 1 {
		t.Fatalf("meetings = %d, want the seeded one", len(got.Meetings.Nodes))
	}
	m := got.Meetings.Nodes[0]
	if m.Chair.Name != "李建斌" || m.Date != "2025-12-30" {
		t.Errorf("chair %q on %s, want 李建斌 on 2025-12-30", m.Chair.Name, m.Date)
	}
	var speakers []string
	for _, s := range m.Speakers {
		speakers = append(speakers, s.Person.Name+"/"+s.Body.Code)
	}
	slices.Sort(speakers)
	if want := []string{"杨晓兰/UNION", "梁敬华/FEDERATION", "田笃/ASSOCIATION", "董刚/POSTAL"}; !slices.Equal(speakers, want) {
		t.Errorf("speakers = %v, want %v", speakers, want)
	}
	var brands []string
	for _, a := range m.Attended {
		if a.Union != nil {
			brands = append(brands, a.Union.Enterprise.Brand)
		}
	}
	slices.Sort(brands)
	if want := []string{"中国邮政", "中通", "京东", "圆通", "极兔", "申通", "韵达", "顺丰"}; !slices.Equal(brands, want) {
		t.Errorf("enterprises whose union heads attended = %v, want %v", brands, want)
	}
	if len(m.AdoptedPlans) != 1 || m.AdoptedPlans[0].Title != "2026年三方联合工作方案" {
		t.Fatalf("adopted plans = %+v", m.AdoptedPlans)
	}
	if tasks := m.AdoptedPlans[0].Tasks; tasks.TotalCount != 10 || len(tasks.Nodes) != 10 || tasks.Nodes[9].Number != 10 {
		t.Errorf("plan tasks: totalCount %d, %d nodes", tasks.TotalCount, len(tasks.Nodes))
	}

	var before, after map[string]any
	srv.post(t, countsQuery, &before)
	srv.stop(t)

	srv = start(t, env)
	srv.post(t, countsQuery, &after)
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	if string(a) != string(b) {
		t.Errorf("after a restart on the same data directory:\n got %s\nwant %s", a, b)
	}
	if !strings.Contains(string(b), `"enterprises":{"totalCount":8}`) || !strings.Contains(string(b), `"tasks":{"totalCount":10}`) {
		t.Errorf("seeded counts = %s", b)
	}
}

// The schema has the types and Query fields the dashboards and partners
// rely on, and the listing fields are connections with totalCount.
func TestIntrospectedSchema(t *testing.T) {
	srv := start(t, testEnv(t))
	var got struct {
		Schema struct {
			Types []struct {
				Name   string
				Fields []struct {
					Name string
					Type struct {
						Name   *string
						OfType *struct{ Name string }
					}
				}
			}
		} `json:"__schema"`
	}
	srv.post(t, `{ __schema { types { name fields { name type { name ofType { name } } } } } }`, &got)
	types := map[string]map[string]string{}
	for _, ty := range got.Schema.Types {
		fields := map[string]string{}
		for _, f := range ty.Fields {
			name := ""
			if f.Type.Name != nil {
				name = *f.Type.Name
			} else if f.Type.OfType != nil {
				name = f.Type.OfType.Name
			}
			fields[f.Name] = name
		}
		types[ty.Name] = fields
	}
	for _, name := range []string{"Body", "Person", "Region", "Enterprise", "AssociationMembership", "Union", "MembershipFigures", "Meeting", "Participant", "Speech", "Plan", "Task", "ProgressUpdate", "Activity", "Node", "PageInfo"} {
		if _, ok := types[name]; !ok {
			t.Errorf("type %s missing", name)
		}
	}
	for field, conn := range map[string]string{
		"enterprises": "EnterpriseConnection", "unions": "UnionConnection", "meetings": "MeetingConnection",
		"plans": "PlanConnection", "tasks": "TaskConnection", "activities": "ActivityConnection",
	} {
		if got := types["Query"][field]; got != conn {
			t.Errorf("Query.%s is %q, want %s", field, got, conn)
		}
		if _, ok := types[conn]["totalCount"]; !ok {
			t.Errorf("%s has no totalCount", conn)
		}
	}
	for _, field := range []string{"node", "nodes", "bodies", "enterprise", "regions"} {
		if _, ok := types["Query"][field]; !ok {
			t.Errorf("Query.%s missing", field)
		}
	}
}

// The generate command loads the synthetic data set into the configured
// store, and loading it again adds nothing.
func TestGenerateLoadsSyntheticData(t *testing.T) {
	env := testEnv(t)
	env["SANFANG_SEED_DATA"] = "false"
	var out bytes.Buffer
	for i, want := range []string{"records written, 0 already there", " 0 records written"} {
		out.Reset()
		err := run(context.Background(), []string{"generate", "--scale", "tiny", "--seed", "1"}, func(k string) string { return env[k] }, &out, io.Discard)
		if err != nil {
			t.Fatalf("generate #%d: %v", i+1, err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("generate #%d printed %q, want it to say %q", i+1, out.String(), want)
		}
	}
	srv := start(t, env)
	var got struct{ Enterprises struct{ TotalCount int } }
	srv.post(t, `{ enterprises { totalCount } }`, &got)
	if got.Enterprises.TotalCount != 60 {
		t.Errorf("enterprises after generate --scale tiny = %d, want 60", got.Enterprises.TotalCount)
	}
}

// Bad settings stop start-up with a message naming the setting; --help
// lists every setting.
func TestConfigErrors(t *testing.T) {
	tests := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"SANFANG_MAX_PAGE_SIZE": "lots"}, nil, "SANFANG_MAX_PAGE_SIZE"},
		{map[string]string{"SANFANG_ADDR": "8080"}, nil, "SANFANG_ADDR"},
		{map[string]string{"SANFANG_SEED_DATA": "maybe"}, nil, "SANFANG_SEED_DATA"},
		{nil, []string{"--log-level", "loud"}, "--log-level"},
		{map[string]string{"SANFANG_ADDR": "127.0.0.1:0", "SANFANG_POSTAL_MONGODB_URI": "mongodb://127.0.0.1:1"}, nil, "no MongoDB URI for the union database"},
		{nil, []string{"generate", "--scale", "planet"}, "--scale"},
		{nil, []string{"extra"}, "unexpected argument"},
		{map[string]string{"SANFANG_SECRET_KEY": "0123"}, nil, "SANFANG_SECRET_KEY"},
		{map[string]string{"SANFANG_SECRET_KEY": strings.Repeat("ab", 32), "SANFANG_OLD_SECRET_KEYS": strings.Repeat("cd", 32) + ",zz"}, nil, "SANFANG_OLD_SECRET_KEYS"},
		{map[string]string{"SANFANG_SECRET_KEY": strings.Repeat("ab", 32), "SANFANG_OLD_SECRET_KEYS": strings.Repeat("ab", 32)}, nil, "given twice"},
		{map[string]string{"SANFANG_OLD_SECRET_KEYS": strings.Repeat("cd", 32)}, nil, "without SANFANG_SECRET_KEY"},
		{map[string]string{"SANFANG_MODE": "production"}, nil, "production mode needs SANFANG_SECRET_KEY"},
		{map[string]string{"SANFANG_GATEWAY_CREDENTIALS": "sfk_0123_abcd"}, nil, "SANFANG_GATEWAY_CREDENTIALS"},
	}
	for _, tt := range tests {
		err := run(context.Background(), tt.args, func(k string) string { return tt.env[k] }, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%v, %v) = %v, want an error naming %q", tt.args, tt.env, err, tt.want)
		}
	}
	var help bytes.Buffer
	err := run(context.Background(), []string{"--help"}, func(string) string { return "" }, io.Discard, &help)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help returned %v", err)
	}
	for _, s := range settings() {
		if !strings.Contains(help.String(), s.env) || !strings.Contains(help.String(), "--"+s.name) {
			t.Errorf("--help does not list %s (--%s)", s.env, s.name)
		}
	}
}
