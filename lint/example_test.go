package lint_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/lint"
)

// A handler that sends its status twice, on two requests: the breach is
// logged once for the route, and the response goes out as the handler made
// it.
func Example() {
	logger := zap.NewExample()
	h := lint.New(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		w.WriteHeader(http.StatusInternalServerError) // net/http ignores it
		io.WriteString(w, "ok")
	}))
	for range 2 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/twice", nil))
	}
	// Output:
	// {"level":"warn","msg":"lint: handler breaks the HTTP contract","rule":"WriteHeader called twice","route":"GET /twice","status":"500 from github.com/wsgo/wsgo/lint_test.Example.func1 (example_test.go:22)"}
}

// In a test, Strict turns every breach into a failure, on every request:
// pass t.Error, or a func that collects them.
func ExampleStrict() {
	var breaches []string
	h := lint.New(zap.NewNop(), lint.Strict(func(b string) { breaches = append(breaches, b) }))(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", "10")
			io.WriteString(w, "short")
		}))
	for range 2 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}
	for _, b := range breaches {
		fmt.Println(b)
	}
	// Output:
	// Content-Length does not match the body: GET /: Content-Length 10, body 5 bytes
	// Content-Length does not match the body: GET /: Content-Length 10, body 5 bytes
}
