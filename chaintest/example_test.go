package chaintest_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/chaintest"
)

type userKey struct{}

// auth answers 401 to a request without a token, and hands the others
// inward with the user in the context: three allocations (the request's
// copy, the context, the token boxed in it).
func auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.Header.Get("Authorization")
		if token == "" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, token)))
	})
}

// frameDeny sets one response header (one allocation: its value's slice).
func frameDeny(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	_, _ = io.WriteString(w, "Hello World!\n")
})

// BenchmarkStack is how Run is used: in a _test.go file of your own, run
// with go test -run '^$' -bench Stack -benchmem. Plain middlewares
// (alice's constructors, chi's, func(http.Handler) http.Handler) make a
// chain with chain.New; chain.Named gives a layer the name its row shows.
func BenchmarkStack(b *testing.B) {
	stack := chain.New().Use(
		chain.Named("frame", frameDeny),
		chain.Named("auth", auth),
	)
	r := httptest.NewRequest("GET", "/hello", nil)
	r.Header.Set("Authorization", "Bearer abc")
	rep := chaintest.Run(b, stack, hello, r)
	// go test shows a benchmark's own b.Log only with -v; the table always.
	fmt.Print(rep)
}

// Run gives one row per prefix of the chain and the cost of each layer by
// name. The rows' figures in nanoseconds vary from run to run; allocations
// do not. Here testing.Benchmark runs the benchmark, 1000 requests a row, so
// that the example runs quickly; in a benchmark of your own, write
// chaintest.Run(b, stack, hello, r) as BenchmarkStack does.
func ExampleRun() {
	benchtime := flag.Lookup("test.benchtime").Value // go test's -benchtime
	old := benchtime.String()
	_ = benchtime.Set("1000x")
	defer func() { _ = benchtime.Set(old) }()

	stack := chain.New().Use(
		chain.Named("frame", frameDeny),
		chain.Named("auth", auth),
	)
	r := httptest.NewRequest("GET", "/hello", nil)
	r.Header.Set("Authorization", "Bearer abc")

	var rep *chaintest.Report
	testing.Benchmark(func(b *testing.B) { rep = chaintest.Run(b, stack, hello, r) })
	for _, row := range rep.Rows {
		fmt.Printf("%-8s allocs/op %d, its layer's %+d, status %d\n",
			row.Bench, row.Total.AllocsPerOp, row.Layer.AllocsPerOp, row.Status)
	}
	// Output:
	// 0-bare   allocs/op 0, its layer's +0, status 200
	// 1-+frame allocs/op 1, its layer's +1, status 200
	// 2-+auth  allocs/op 4, its layer's +3, status 200
}

// Each measures each layer alone in front of the handler. Without a token,
// auth answers 401 itself and the handler is not reached.
func ExampleEach() {
	benchtime := flag.Lookup("test.benchtime").Value // go test's -benchtime
	old := benchtime.String()
	_ = benchtime.Set("1000x")
	defer func() { _ = benchtime.Set(old) }()

	stack := chain.New().Use(
		chain.Named("frame", frameDeny),
		chain.Named("auth", auth),
	)
	var rep *chaintest.Report
	testing.Benchmark(func(b *testing.B) {
		rep = chaintest.Each(b, stack, hello, httptest.NewRequest("GET", "/hello", nil))
	})
	for _, row := range rep.Rows {
		fmt.Printf("%-7s status %d, %d bytes\n", row.Bench, row.Status, row.Written)
	}
	// Output:
	// 0-bare  status 200, 13 bytes
	// 1-frame status 200, 13 bytes
	// 2-auth  status 401, 9 bytes
}
