package chain

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/justinas/alice"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

func pass(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(w, r) })
}

// BenchmarkLayers measures pass-through layers, ours and alice's side by
// side: the per-layer cost must be alice's, with no allocation.
func BenchmarkLayers(b *testing.B) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(wsgotest.Hello) })
	for _, n := range []int{0, 1, 5, 10, 20} {
		ours, theirs := New(), alice.New()
		for i := 0; i < n; i++ {
			ours = ours.Append(pass)
			theirs = theirs.Append(pass)
		}
		for _, s := range []struct {
			name string
			h    http.Handler
		}{{"wsgo", ours.Then(app)}, {"alice", theirs.Then(app)}} {
			b.Run(fmt.Sprintf("impl=%s/layers=%d", s.name, n), func(b *testing.B) {
				b.ReportAllocs()
				w := wsgotest.NewWriter()
				r := httptest.NewRequest("GET", "/", nil)
				for b.Loop() {
					s.h.ServeHTTP(w, r)
				}
			})
		}
	}
}
