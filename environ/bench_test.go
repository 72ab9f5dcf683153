package environ

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wsgo/wsgo/mw"
)

type benchWriter struct{ h http.Header }

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) WriteHeader(int)             {}
func (w *benchWriter) Write(p []byte) (int, error) { return len(p), nil }

func benchRequest() *http.Request {
	r := httptest.NewRequest("GET", "http://localhost:8081/myapp2/hello/Ann?subject=Ann", nil)
	r.RemoteAddr = "127.0.0.1:54321"
	r.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")
	r.Header.Set("Accept", "text/html")
	return r
}

func serveBench(b *testing.B, h http.Handler) {
	b.ReportAllocs()
	w, r := &benchWriter{h: http.Header{}}, benchRequest()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

var nop = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})

// BenchmarkMiddleware: a request that reads no key costs the Environ and the
// request copy (2 allocs) when the Environ is the context, and the Environ
// alone (1 alloc) when an outer layer already attached a Scope.
func BenchmarkMiddleware(b *testing.B) {
	b.Run("standalone", func(b *testing.B) { serveBench(b, Middleware()(nop)) })
	withScope := func(next http.Handler) http.Handler { // what an outer wsgo layer leaves
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r, _ = mw.WithScope(r)
			next.ServeHTTP(w, r)
		})
	}
	b.Run("scope-only", func(b *testing.B) { serveBench(b, withScope(nop)) })
	b.Run("after-scope", func(b *testing.B) { serveBench(b, withScope(Middleware()(nop))) })
}

var sink string

// BenchmarkReadCommonKeys reads the keys most applications read, through
// the typed accessors: no allocation, since each is a field or a substring of
// the request.
func BenchmarkReadCommonKeys(b *testing.B) {
	b.ReportAllocs()
	e := From(benchRequest())
	for b.Loop() {
		sink = e.RequestMethod()
		sink = e.ScriptName()
		sink = e.PathInfo()
		sink = e.QueryString()
		sink = e.ServerName()
		sink = e.ServerPort()
		sink = e.RemoteAddr()
		sink = e.URLScheme()
		sink = e.GetString("HTTP_USER_AGENT")
	}
}

// BenchmarkDispatch50 dispatches over 50 routes; the request matches the
// last one, the worst case.
func BenchmarkDispatch50(b *testing.B) {
	var routes []Route
	for i := 0; i < 49; i++ {
		routes = append(routes, Route{Pattern: fmt.Sprintf(`^section%d/(\w+)$`, i), Handler: nop})
	}
	routes = append(routes, Route{Pattern: `^hello/(.+)$`, Handler: nop})
	d := MustDispatcher("myapp.url_args", routes, nil)
	b.Run("last-of-50", func(b *testing.B) {
		r := benchRequest()
		r.URL.Path = "/hello/Ann"
		b.ReportAllocs()
		w := &benchWriter{h: http.Header{}}
		for b.Loop() {
			d.ServeHTTP(w, r)
		}
	})
	b.Run("first-of-50", func(b *testing.B) {
		r := benchRequest()
		r.URL.Path = "/section0/x"
		b.ReportAllocs()
		w := &benchWriter{h: http.Header{}}
		for b.Loop() {
			d.ServeHTTP(w, r)
		}
	})
}

func BenchmarkMount(b *testing.B) {
	m := MustMount(map[string]http.Handler{"/rest": nop, "/myapp": nop, "/myapp2": nop, "/static": nop}, nil)
	serveBench(b, m)
}
