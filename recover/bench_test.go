package recover

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/mw"
)

var app = wsgotest.App

// capturing stands for the access log: an outer layer that captures the
// shared writer.
func capturing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, r := mw.Capture(w, r)
		next.ServeHTTP(resp.Writer(), r)
		resp.Release()
	})
}

func run(b *testing.B, h http.Handler) { wsgotest.Serve(b, h) }

func jsonDiscard() *zap.Logger {
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
}

// BenchmarkNoPanic: what a request that does not panic pays. Behind a
// capturing layer, compare stack=capture+recover with stack=capture: the
// difference is the deferred recover alone.
func BenchmarkNoPanic(b *testing.B) {
	log := jsonDiscard()
	b.Run("stack=bare", func(b *testing.B) { run(b, app) })
	b.Run("stack=capture", func(b *testing.B) { run(b, capturing(app)) })
	b.Run("stack=capture+recover", func(b *testing.B) { run(b, capturing(New(log)(app))) })
	b.Run("stack=recover-alone", func(b *testing.B) { run(b, New(log)(app)) })
}

// BenchmarkPanic is the production 500 path: the page and a log line with
// the stack, for a browser's Accept. (Caches of the Accept's page type, of
// whole stacks and of symbols were measured against it and saved nothing
// measurable: they went.)
func BenchmarkPanic(b *testing.B) {
	log := jsonDiscard()
	h := mw.RequestID()(capturing(New(log)(http.HandlerFunc(boom))))
	b.Run("production", func(b *testing.B) { run(b, h) })
}

// BenchmarkRecoverLayer isolates what the recover layer adds to a request
// that does not panic, when an outer layer captured the writer (as the
// access log does): the same captured writer and request, with and without
// the layer. The difference is the deferred recover and the check for a
// captured writer.
func BenchmarkRecoverLayer(b *testing.B) {
	w, r := wsgotest.NewWriter(), httptest.NewRequest("GET", "/", nil)
	resp, r := mw.Capture(w, r)
	defer resp.Release()
	ww := resp.Writer()
	for _, s := range []struct {
		name string
		h    http.Handler
	}{{"layer=none", app}, {"layer=recover", New(jsonDiscard())(app)}} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.h.ServeHTTP(ww, r)
			}
		})
	}
}
