package mw

import (
	"net/http"
	"testing"

	"github.com/felixge/httpsnoop"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

var app = wsgotest.App

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

func run(b *testing.B, h http.Handler) { wsgotest.Serve(b, h) }

// BenchmarkObservers shows that the writer is wrapped once per request
// however many layers observe it: 1 and 3 observers cost the same
// allocations: one, the Scope, the request copy and the writer together.
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
