package dashboard_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"sanfang/internal/store"
	"sanfang/internal/storetest"
	"sanfang/internal/synth"
)

var db *storetest.Server

func TestMain(m *testing.M) {
	var err error
	if db, err = storetest.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if province.st != nil {
		province.st.Close(context.Background())
	}
	db.Stop()
	os.Exit(code)
}

// province is the synthetic province-scale data set, loaded once for the
// tests and benchmarks that need it, with a command counter.
var province struct {
	once sync.Once
	st   *store.Store
	cmds *storetest.Commands
	err  error
}

func provinceStore(tb testing.TB) (*store.Store, *storetest.Commands) {
	tb.Helper()
	province.once.Do(func() {
		ctx := context.Background()
		province.cmds = &storetest.Commands{}
		st, err := store.Open(ctx, store.Config{Locations: db.Locations(), Monitor: province.cmds.Monitor()})
		if err != nil {
			province.err = err
			return
		}
		province.st = st
		if err := st.EnsureIndexes(ctx); err != nil {
			province.err = err
			return
		}
		ds, err := synth.Generate(1, synth.Province)
		if err != nil {
			province.err = err
			return
		}
		_, province.err = st.Load(ctx, ds)
	})
	if province.err != nil {
		tb.Fatalf("province data set: %v", province.err)
	}
	return province.st, province.cmds
}

// fixed is the tests' clock: 01:00 on 2026-06-15 in Beijing, still the 14th
// in UTC, so a due date of the 14th is overdue only when "today" is taken in
// UTC+8.
var fixed = time.Date(2026, 6, 14, 17, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

func optInt(p *int) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func optRate(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%.6f", *p)
}

func optTime(p *time.Time) string {
	if p == nil {
		return "nil"
	}
	return p.UTC().Format(time.RFC3339)
}

// compareLines reports the differences between two lists of lines.
func compareLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return
	}
	t.Errorf("%s:\n got:\n  %s\n want:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
}

// noNaN fails if any float64 reachable from v is NaN or infinite.
func noNaN(t *testing.T, what string, v any) {
	t.Helper()
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				walk(path, v.Elem())
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(path+"."+v.Type().Field(i).Name, v.Field(i))
				}
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(fmt.Sprintf("%s[%d]", path, i), v.Index(i))
			}
		case reflect.Float64:
			if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
				t.Errorf("%s: %s is %v", what, path, f)
			}
		}
	}
	walk("", reflect.ValueOf(v))
}
