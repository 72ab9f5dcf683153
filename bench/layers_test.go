package bench

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/justinas/alice"

	"github.com/wsgo/wsgo/chain"
)

// writer is the one in-memory ResponseWriter every benchmark uses: it
// discards the body and keeps a header map that is cleared per request. It
// has the optional interfaces of httptest.ResponseRecorder (Flush and
// WriteString), the same for every stack.
type writer struct {
	h    http.Header
	code int
}

func newWriter() *writer                            { return &writer{h: http.Header{}} }
func (w *writer) Header() http.Header               { return w.h }
func (w *writer) WriteHeader(code int)              { w.code = code }
func (w *writer) Write(p []byte) (int, error)       { return len(p), nil }
func (w *writer) WriteString(s string) (int, error) { return len(s), nil }
func (w *writer) Flush()                            {}

var helloBody = []byte("Hello World!\n") // 13 bytes

// app is the bare handler: a 13-byte 200 answer.
var app = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(helloBody) })

// request is the same in-memory request for every benchmark: a GET with a
// query and the headers a browser sends.
func request() *http.Request {
	r := httptest.NewRequest("GET", "http://localhost:8081/myapp2/hello/Ann?subject=Ann&lang=en", nil)
	r.RemoteAddr = "127.0.0.1:54321"
	r.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
	r.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	r.Header.Set("Accept-Language", "en-US,en;q=0.9")
	r.Header.Set("Accept-Encoding", "gzip, deflate, br")
	r.Header.Set("Referer", "http://localhost:8081/")
	r.Header.Set("Cookie", "session=abc123; theme=dark")
	return r
}

func serve(b *testing.B, h http.Handler) {
	b.ReportAllocs()
	w, r := newWriter(), request()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
}

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
		b.Run(fmt.Sprintf("impl=wsgo/layers=%d", n), func(b *testing.B) { serve(b, ours.Then(app)) })
		b.Run(fmt.Sprintf("impl=alice/layers=%d", n), func(b *testing.B) { serve(b, theirs.Then(app)) })
	}
}
