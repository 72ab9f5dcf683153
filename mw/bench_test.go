package mw

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/felixge/httpsnoop"
)

// benchWriter is a reusable in-memory writer with the optional interfaces
// of httptest.ResponseRecorder (Flush, WriteString), reset per request.
type benchWriter struct {
	h    http.Header
	code int
}

func (w *benchWriter) Header() http.Header               { return w.h }
func (w *benchWriter) WriteHeader(code int)              { w.code = code }
func (w *benchWriter) Write(p []byte) (int, error)       { return len(p), nil }
func (w *benchWriter) WriteString(s string) (int, error) { return len(s), nil }
func (w *benchWriter) Flush()                            {}

var hello = []byte("Hello World!\n")

var app = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(hello) })

// observing is a layer that reads the status after the handler, as an
// access log does.
func observing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, r := Capture(w, r)
		next.ServeHTTP(resp.Writer(), r)
		if resp.Status() == 0 {
			panic("no status")
		}
		resp.Release()
	})
}

func run(b *testing.B, h http.Handler) {
	b.ReportAllocs()
	w := &benchWriter{h: http.Header{}}
	r := httptest.NewRequest("GET", "/?q=1", nil)
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

// BenchmarkObservers shows that the writer is wrapped once per request
// however many layers observe it: 1 and 3 observers cost the same
// allocations (the Scope, the request copy, and httpsnoop's Wrap).
func BenchmarkObservers(b *testing.B) {
	b.Run("bare", func(b *testing.B) { run(b, app) })
	b.Run("observers=1", func(b *testing.B) { run(b, observing(app)) })
	b.Run("observers=3", func(b *testing.B) { run(b, observing(observing(observing(app)))) })
	b.Run("capturemetrics=1", func(b *testing.B) {
		run(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			httpsnoop.CaptureMetrics(app, w, r) // for scale: a layer that wraps on its own
		}))
	})
}

func BenchmarkRequestID(b *testing.B) {
	run(b, RequestID()(app))
}
