package recover_test

import (
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

// In development, a browser on this machine gets the traceback page; with
// EditorLink each frame's file:line opens in the editor. The page's
// Content-Security-Policy lets only its own style and script run.
func ExampleEditorLink() {
	h := wsgorecover.New(zap.NewNop(), wsgorecover.Tracebacks(), wsgorecover.EditorLink("vscode://file/{path}:{line}"))(
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
