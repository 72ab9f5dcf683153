package bench

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/justinas/alice"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/internal/wsgotest"
)

// request and serve are the library's own: the same in-memory request and
// writer (with the optional interfaces of httptest.ResponseRecorder, Flush
// and WriteString) for every stack.
var serve = wsgotest.Serve

func pass(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { next.ServeHTTP(w, r) })
}

// BenchmarkChain compares n pass-through layers through our chain and
// through alice, in one run: compare with `benchstat -col /impl`.
func BenchmarkChain(b *testing.B) {
	for _, n := range []int{0, 1, 5, 10, 20} {
		ours, theirs := chain.New(), alice.New()
		for i := 0; i < n; i++ {
			ours = ours.Append(pass)
			theirs = theirs.Append(pass)
		}
		b.Run(fmt.Sprintf("impl=wsgo/layers=%d", n), func(b *testing.B) { serve(b, ours.Then(Hello)) })
		b.Run(fmt.Sprintf("impl=alice/layers=%d", n), func(b *testing.B) { serve(b, theirs.Then(Hello)) })
	}
}
