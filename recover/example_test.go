package recover_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
)

// In production a panic becomes a 500 that shows the request ID and nothing
// else; the log entry carries the panic, the stack and the same ID.
func ExampleNew() {
	core, logs := observer.New(zap.ErrorLevel)
	h := mw.RequestID()(wsgorecover.New(zap.New(core))(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { panic("database password is hunter2") })))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/account", nil)) // curl: no Accept, plain text
	id := rec.Header().Get("X-Request-ID")
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Print(strings.ReplaceAll(rec.Body.String(), id, "<id>"))

	entry := logs.All()[0].ContextMap()
	fmt.Println(logs.All()[0].Message, entry["panic"], entry["url.path"], entry["http.request.id"] == id)
	// Output:
	// 500 text/plain; charset=utf-8
	// 500 Internal Server Error
	// request ID: <id>
	// panic recovered database password is hunter2 /account true
}

// OnPanic reports every panic elsewhere (an error tracker, a metric), after
// the log entry; the Panic carries the value, the request ID and the stack.
func ExampleOnPanic() {
	var reported []string
	h := wsgorecover.New(zap.NewNop(), wsgorecover.OnPanic(func(r *http.Request, p *wsgorecover.Panic) {
		reported = append(reported, r.URL.Path+": "+p.Message()+" ("+p.Type()+")")
	}))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic(fmt.Errorf("charge: %w", errors.New("card declined")))
	}))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/checkout", nil))
	fmt.Println(rec.Code, reported)
	// Output:
	// 500 [/checkout: charge: card declined (*fmt.wrapError)]
}
