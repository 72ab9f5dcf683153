package chaintest_test

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/chaintest"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
)

// requests is the number of requests each row measures in these tests: many
// enough that a stray allocation of a few kilobytes elsewhere in the process
// (go test's own, now and then) weighs less than a byte per request.
const requests = 5000

// bench runs f as testing.Benchmark does, each sub-benchmark for a fixed
// number of requests so that the test is quick and its counts exact.
func bench(t *testing.T, f func(b *testing.B)) testing.BenchmarkResult {
	t.Helper()
	fl := flag.Lookup("test.benchtime")
	old := fl.Value.String()
	if err := fl.Value.Set(fmt.Sprint(requests, "x")); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = fl.Value.Set(old) }()
	return testing.Benchmark(f)
}

func noop(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(w, r) })
}

var sink *[64]byte

// alloc allocates exactly one 64-byte object per request.
func alloc(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sink = new([64]byte)
		next.ServeHTTP(w, r)
	})
}

// deny answers 403 "no" itself and never calls next.
func deny(http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "no")
	})
}

func counting(n *int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*n++
		_, _ = io.WriteString(w, "Hello World!\n")
	})
}

func abs(n int64) int64 { return max(n, -n) }

func names(rep *chaintest.Report) (names, benches []string) {
	for _, row := range rep.Rows {
		names, benches = append(names, row.Name), append(benches, row.Bench)
	}
	return names, benches
}

func TestRunRowsAndLayerCosts(t *testing.T) {
	c := chain.New().Use(chain.Named("noop", noop), chain.Named("alloc", alloc)).Append(noop)
	calls := 0
	var rep *chaintest.Report
	bench(t, func(b *testing.B) { rep = chaintest.Run(b, c, counting(&calls), httptest.NewRequest("GET", "/", nil)) })

	gotNames, gotBenches := names(rep)
	if want := []string{"bare", "noop", "alloc", "layer-3"}; !slices.Equal(gotNames, want) {
		t.Errorf("names = %q, want %q", gotNames, want)
	}
	if want := []string{"0-bare", "1-+noop", "2-+alloc", "3-+layer-3"}; !slices.Equal(gotBenches, want) {
		t.Errorf("sub-benchmarks = %q, want %q", gotBenches, want)
	}
	for _, tc := range []struct {
		name           string
		hasLayer       bool
		allocs, layerA int64
		layerB         int64
	}{
		{"bare", false, 0, 0, 0},
		{"noop", true, 0, 0, 0},
		{"alloc", true, 1, 1, 64},
		{"layer-3", true, 1, 0, 0},
	} {
		row, ok := rep.Row(tc.name)
		if !ok {
			t.Fatalf("no row %q", tc.name)
		}
		if row.N != requests || row.Status != 200 || row.Written != 13 {
			t.Errorf("%s: N=%d status=%d written=%d, want %d, 200, 13", tc.name, row.N, row.Status, row.Written, requests)
		}
		// Allocations are exact; bytes within 8 per request (see requests).
		if row.HasLayer != tc.hasLayer || row.Total.AllocsPerOp != tc.allocs ||
			row.Layer.AllocsPerOp != tc.layerA || abs(row.Layer.BytesPerOp-tc.layerB) > 8 {
			t.Errorf("%s: hasLayer=%v allocs=%d layer allocs=%d layer bytes=%d, want %v %d %d %d", tc.name,
				row.HasLayer, row.Total.AllocsPerOp, row.Layer.AllocsPerOp, row.Layer.BytesPerOp,
				tc.hasLayer, tc.allocs, tc.layerA, tc.layerB)
		}
	}
	// One first request per row before measuring, then the measured ones.
	if want := 4 + 4*requests; calls != want {
		t.Errorf("handler called %d times, want %d", calls, want)
	}
	table := rep.String()
	for _, want := range []string{"\n2-+alloc", "+1 "} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

func TestEachMeasuresLayersAlone(t *testing.T) {
	c := chain.New().Use(chain.Named("alloc", alloc), chain.Named("noop", noop))
	calls := 0
	var rep *chaintest.Report
	bench(t, func(b *testing.B) { rep = chaintest.Each(b, c, counting(&calls), httptest.NewRequest("GET", "/", nil)) })
	if _, benches := names(rep); !slices.Equal(benches, []string{"0-bare", "1-alloc", "2-noop"}) {
		t.Errorf("sub-benchmarks = %q", benches)
	}
	// noop alone allocates nothing, though alloc is before it in the chain.
	if row, _ := rep.Row("noop"); row.Total.AllocsPerOp != 0 || row.Layer.AllocsPerOp != 0 || !row.HasLayer {
		t.Errorf("noop alone: %+v", row)
	}
	if row, _ := rep.Row("alloc"); row.Layer.AllocsPerOp != 1 {
		t.Errorf("alloc alone: %+v", row)
	}
	if !rep.Alone || calls != 3+3*requests {
		t.Errorf("Alone=%v calls=%d", rep.Alone, calls)
	}
}

func TestTimedChainHasATimedRow(t *testing.T) {
	c := chain.New().Use(chain.Named("noop", noop)).Timed()
	var rep *chaintest.Report
	calls := 0
	bench(t, func(b *testing.B) { rep = chaintest.Run(b, c, counting(&calls), httptest.NewRequest("GET", "/", nil)) })
	if _, benches := names(rep); !slices.Equal(benches, []string{"0-bare", "1-+timed", "2-+noop"}) {
		t.Errorf("sub-benchmarks = %q", benches)
	}
}

// A layer that answers itself: the rows behind it never reach the handler.
func TestLayerThatWritesTheResponse(t *testing.T) {
	c := chain.New().Use(chain.Named("noop", noop), chain.Named("deny", deny), chain.Named("inner", noop))
	calls := 0
	var rep *chaintest.Report
	bench(t, func(b *testing.B) { rep = chaintest.Run(b, c, counting(&calls), httptest.NewRequest("GET", "/", nil)) })
	for name, want := range map[string]int{"bare": 200, "noop": 200, "deny": 403, "inner": 403} {
		if row, _ := rep.Row(name); row.Status != want || row.N != requests {
			t.Errorf("%s: status %d, N %d; want %d, %d", name, row.Status, row.N, want, requests)
		}
	}
	if row, _ := rep.Row("deny"); row.Written != 2 {
		t.Errorf("deny wrote %d bytes, want 2", row.Written)
	}
	if want := 2 + 2*requests; calls != want {
		t.Errorf("handler called %d times, want %d (only bare and noop reach it)", calls, want)
	}
}

// Each request has the whole body, and the caller's request keeps it.
func TestBodyIsReadAfreshEachRequest(t *testing.T) {
	r := httptest.NewRequest("POST", "/upload", strings.NewReader("hello"))
	bad, calls := 0, 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if b, _ := io.ReadAll(r.Body); string(b) != "hello" {
			bad++
		}
		_ = r.Body.Close()
	})
	bench(t, func(b *testing.B) { chaintest.Run(b, chain.New(noop), h, r) })
	if calls != 2+2*requests || bad != 0 {
		t.Errorf("%d of %d requests did not read the whole body", bad, calls)
	}
	if b, _ := io.ReadAll(r.Body); string(b) != "hello" {
		t.Errorf("the caller's request body now reads %q", b)
	}
}

// A layer that adds to the request's Header in place (which Handler's doc
// forbids) would make it grow from request to request; each request gets a
// copy instead, and the caller's request is not touched.
func TestHeaderChangedInPlaceIsCopied(t *testing.T) {
	mutate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Add("X-Seen", "1")
			r.URL.Path += "/x"
			next.ServeHTTP(w, r)
		})
	}
	r := httptest.NewRequest("GET", "/p", nil)
	r.Header.Set("Accept", "text/html")
	worst := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		worst = max(worst, len(r.Header["X-Seen"]), len(r.URL.Path)-len("/p/x")+1)
	})
	bench(t, func(b *testing.B) { chaintest.Run(b, chain.New().Use(chain.Named("mutate", mutate)), h, r) })
	if worst != 1 {
		t.Errorf("a request saw %d X-Seen values (or path suffixes), want 1", worst)
	}
	if len(r.Header) != 1 || r.URL.Path != "/p" {
		t.Errorf("the caller's request changed: %v %q", r.Header, r.URL.Path)
	}
}

// The writer's header is empty at the start of each request.
func TestWriterIsResetEachRequest(t *testing.T) {
	bad := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(w.Header()) != 0 {
			bad++
		}
		w.Header().Add("X-A", "1")
		w.WriteHeader(http.StatusCreated)
	})
	var rep *chaintest.Report
	bench(t, func(b *testing.B) { rep = chaintest.Run(b, chain.Chain{}, h, httptest.NewRequest("GET", "/", nil)) })
	if bad != 0 || rep.Rows[0].Status != 201 {
		t.Errorf("%d requests started with a header; status %d", bad, rep.Rows[0].Status)
	}
}

// Behind wsgo's own writer wrapper (the access log's), the handler still has
// the optional interfaces and http.ResponseController reaches the Writer.
func TestWriterKeepsOptionalInterfacesThroughWrappers(t *testing.T) {
	var problems []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problems = problems[:0]
		if _, ok := w.(http.Flusher); !ok {
			problems = append(problems, "not a Flusher")
		}
		if _, ok := w.(io.ReaderFrom); !ok {
			problems = append(problems, "not a ReaderFrom")
		}
		if _, ok := w.(io.StringWriter); !ok {
			problems = append(problems, "not a StringWriter")
		}
		rc := http.NewResponseController(w)
		if err := rc.EnableFullDuplex(); err != nil {
			problems = append(problems, "EnableFullDuplex: "+err.Error())
		}
		if err := rc.Flush(); err != nil {
			problems = append(problems, "Flush: "+err.Error())
		}
	})
	c := chain.New().Use(chain.Named("requestid", mw.RequestID()), chain.Named("access", logging.Access(zap.NewNop())))
	var rep *chaintest.Report
	bench(t, func(b *testing.B) { rep = chaintest.Run(b, c, h, httptest.NewRequest("GET", "/", nil)) })
	if len(problems) != 0 {
		t.Errorf("behind the access log: %q", problems)
	}
	if row, _ := rep.Row("access"); row.Status != 200 {
		t.Errorf("flushed response: status %d, want 200", row.Status)
	}
}

func TestWriterDirectly(t *testing.T) {
	w := chaintest.NewWriter()
	w.WriteHeader(http.StatusContinue)
	w.WriteHeader(http.StatusAccepted)
	w.WriteHeader(http.StatusTeapot)
	n, err := w.ReadFrom(strings.NewReader("abc"))
	_, _ = w.WriteString("de")
	_, _ = w.Write([]byte("f"))
	if w.Status() != 202 || n != 3 || err != nil || w.Written() != 6 {
		t.Errorf("status %d, ReadFrom %d %v, written %d", w.Status(), n, err, w.Written())
	}
	w.Header().Set("X", "1")
	w.Reset()
	if w.Status() != 0 || w.Written() != 0 || len(w.Header()) != 0 {
		t.Errorf("after Reset: %d %d %v", w.Status(), w.Written(), w.Header())
	}
}

func TestBadInputFailsTheBenchmark(t *testing.T) {
	for _, tc := range []struct{ child, want string }{
		{"nilhandler", "chaintest: Run: the handler is nil"},
		{"nilrequest", "chaintest: Each: the request is nil"},
		{"nilurl", "chaintest: Run: the request has no URL"},
		{"nilreturn", `chaintest: Run: building the chain: chain: layer 2 of 2 ("broken") returned a nil handler`},
		{"panics", "chaintest: Run: 1-+boom: the first request panicked: boom"},
	} {
		t.Run(tc.child, func(t *testing.T) {
			if res := bench(t, func(b *testing.B) { child(b, tc.child) }); res.N != 0 {
				t.Errorf("testing.Benchmark ran %d requests, want a failure", res.N)
			}
			out, err := runChild(t, tc.child)
			if err == nil {
				t.Errorf("the benchmark did not fail:\n%s", out)
			}
			if !strings.Contains(out, "--- FAIL: BenchmarkChild") || !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q:\n%s", tc.want, out)
			}
		})
	}
	if !t.Failed() {
		defer func() {
			if p := recover(); p != "chaintest: Run: nil *testing.B" {
				t.Errorf("panic %v", p)
			}
		}()
		chaintest.Run(nil, chain.Chain{}, http.NotFoundHandler(), httptest.NewRequest("GET", "/", nil))
	}
}

// What go test -bench shows a user: the sub-benchmarks in order, named
// after the layers, each with its layer's cost.
func TestGoTestOutput(t *testing.T) {
	out, err := runChild(t, "ok")
	if err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	line := regexp.MustCompile(`(?m)^BenchmarkChild/(\S+)\s.*$`)
	var got []string
	for _, m := range line.FindAllStringSubmatch(out, -1) {
		got = append(got, m[1])
		switch m[1] {
		case "2-+alloc":
			if !strings.Contains(m[0], " 1 allocs/op") || !regexp.MustCompile(`\s1(\.0+)? layer-allocs/op`).MatchString(m[0]) {
				t.Errorf("alloc's line: %s", m[0])
			}
		case "1-+noop":
			if !regexp.MustCompile(`\s0 layer-allocs/op`).MatchString(m[0]) {
				t.Errorf("noop's line: %s", m[0])
			}
		}
	}
	if want := []string{"0-bare", "1-+noop", "2-+alloc", "3-+layer-3"}; !slices.Equal(got, want) {
		t.Errorf("sub-benchmarks %q, want %q:\n%s", got, want, out)
	}
	if !regexp.MustCompile(`(?m)^BenchmarkChild +ns/op +B/op +allocs/op +\+ns/op +\+B/op +\+allocs +status\n0-bare .*\n1-\+noop .*\n2-\+alloc .* \+1 +200\n3-\+layer-3 `).MatchString(out) {
		t.Errorf("the logged table is missing:\n%s", out)
	}
}

// runChild runs BenchmarkChild in a new process, as go test -bench would.
func runChild(t *testing.T, name string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkChild$", "-test.benchtime=200x", "-test.cpu=1")
	cmd.Env = append(os.Environ(), "CHAINTEST_CHILD="+name)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// BenchmarkChild is run by the tests above in a process of their own.
func BenchmarkChild(b *testing.B) {
	name := os.Getenv("CHAINTEST_CHILD")
	if name == "" {
		b.Skip("run by TestBadInputFailsTheBenchmark and TestGoTestOutput")
	}
	child(b, name)
}

func child(b *testing.B, name string) {
	calls := 0
	h, r := counting(&calls), httptest.NewRequest("GET", "/", nil)
	switch name {
	case "ok":
		c := chain.New().Use(chain.Named("noop", noop), chain.Named("alloc", alloc)).Append(noop)
		fmt.Print(chaintest.Run(b, c, h, r))
	case "nilhandler":
		chaintest.Run(b, chain.New(noop), nil, r)
	case "nilrequest":
		chaintest.Each(b, chain.New(noop), h, nil)
	case "nilurl":
		r.URL = nil
		chaintest.Run(b, chain.New(noop), h, r)
	case "nilreturn":
		broken := func(http.Handler) http.Handler { return nil }
		chaintest.Run(b, chain.New().Use(chain.Named("ok", noop), chain.Named("broken", broken)), h, r)
	case "panics":
		boom := func(http.Handler) http.Handler {
			return http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
		}
		chaintest.Run(b, chain.New().Use(chain.Named("boom", boom)), h, r)
	}
}
