package traceback_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"go.uber.org/zap"

	wsgorecover "github.com/wsgo/wsgo/recover"
	"github.com/wsgo/wsgo/recover/traceback"
)

// A browser on this machine gets the traceback; a client elsewhere gets the
// production page, with the request ID only.
func ExampleNew() {
	log := zap.NewNop()
	h := wsgorecover.New(log, wsgorecover.Tracebacks(traceback.New(log)))(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("ledger: balance does not add up") }))

	for _, remote := range []string{"127.0.0.1:50000", "203.0.113.9:50000"} {
		r := httptest.NewRequest("GET", "http://localhost:8081/account", nil)
		r.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r) // curl: no Accept, plain text
		first, _, _ := strings.Cut(rec.Body.String(), "\n")
		fmt.Println(remote, rec.Code, first)
	}
	// Output:
	// 127.0.0.1:50000 500 panic: ledger: balance does not add up [string]
	// 203.0.113.9:50000 500 500 Internal Server Error
}

// In development, a browser on this machine gets the traceback page; with
// EditorLink each frame's file:line opens in the editor. The page's
// Content-Security-Policy lets only its own style and script run.
func ExampleEditorLink() {
	log := zap.NewNop()
	h := wsgorecover.New(log, wsgorecover.Tracebacks(traceback.New(log, traceback.EditorLink("vscode://file/{path}:{line}"))))(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("ledger: balance does not add up") }))

	r := httptest.NewRequest("GET", "http://localhost:8081/account", nil)
	r.RemoteAddr = "127.0.0.1:50000" // a browser on this machine
	r.Header.Set("Accept", "text/html")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	page := rec.Body.String()
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))
	fmt.Println(strings.Contains(page, "<h1>ledger: balance does not add up</h1>"), strings.Contains(page, `<a href="vscode://file/`))
	fmt.Println(strings.HasPrefix(rec.Header().Get("Content-Security-Policy"), "default-src 'none'; style-src 'sha256-"))
	// Output:
	// 500 text/html; charset=utf-8
	// true true
	// true
}
