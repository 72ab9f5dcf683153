package mw

import (
	cryptorand "crypto/rand"
	mathrand "math/rand/v2"
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
// allocations: one, the request's state, the request copy and the writer together.
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

// idSink keeps the benchmarks' IDs from being optimised away.
var idSink string

// BenchmarkNewRequestID measures what making an ID costs, against the
// other ways one could make it: the default takes it from a block of 64
// made at once from the runtime's ChaCha8 (one string and one slice per 64
// IDs); "each" draws the same 100 bits per ID and allocates its string;
// "crypto" draws them from crypto/rand, which promises unpredictability.
func BenchmarkNewRequestID(b *testing.B) {
	b.Run("how=block", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			idSink = NewRequestID()
		}
	})
	b.Run("how=each", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var id [idLen]byte
			x, y := mathrand.Uint64(), mathrand.Uint64()
			for j := 0; j < 10; j++ {
				id[j], id[10+j] = idAlphabet[x&31], idAlphabet[y&31]
				x, y = x>>5, y>>5
			}
			idSink = string(id[:])
		}
	})
	b.Run("how=crypto", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var raw [13]byte // 104 bits, of which 100 are used
			_, _ = cryptorand.Read(raw[:])
			var id [idLen]byte
			for j := range id {
				bit := j * 5
				v := uint(raw[bit/8])<<8 | uint(raw[min(bit/8+1, 12)])
				id[j] = idAlphabet[(v>>(11-bit%8))&31]
			}
			idSink = string(id[:])
		}
	})
}
