package environ

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/mw"
)

func benchRequest() *http.Request { return wsgotest.Request() }

func serveBench(b *testing.B, h http.Handler) { wsgotest.Serve(b, h) }

var nop = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})

// BenchmarkMiddleware: a request that reads no key costs the Environ and the
// request copy (2 allocs) when the Environ is the context, and the Environ
// alone (1 alloc) when an outer layer already made the request's state.
func BenchmarkMiddleware(b *testing.B) {
	b.Run("standalone", func(b *testing.B) { serveBench(b, Middleware()(nop)) })
	withScope := func(next http.Handler) http.Handler { // what an outer wsgo layer leaves
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r)
			defer resp.Release()
			next.ServeHTTP(resp.Writer(), r)
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

// BenchmarkGetStringCGIKeys reads every CGI key, wsgi.url_scheme and a
// header by name, as a generic reader (a log format, the traceback page)
// does: each is a lookup of the key's name, and no allocation for those
// whose value is in the request.
func BenchmarkGetStringCGIKeys(b *testing.B) {
	b.ReportAllocs()
	e := From(benchRequest())
	keys := append(cgiKeys[:], "wsgi.url_scheme", "HTTP_USER_AGENT")
	for b.Loop() {
		for _, k := range keys {
			sink = e.GetString(k)
		}
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
		w := wsgotest.NewWriter()
		for b.Loop() {
			d.ServeHTTP(w, r)
		}
	})
	b.Run("first-of-50", func(b *testing.B) {
		r := benchRequest()
		r.URL.Path = "/section0/x"
		b.ReportAllocs()
		w := wsgotest.NewWriter()
		for b.Loop() {
			d.ServeHTTP(w, r)
		}
	})
}

func BenchmarkMount(b *testing.B) {
	m := MustMount(map[string]http.Handler{"/rest": nop, "/myapp": nop, "/myapp2": nop, "/static": nop}, nil)
	serveBench(b, m)
}

// BenchmarkProxy: a request with no forwarding header is passed on as it
// is; one through a proxy costs the fixed copy and its Environ, and one with
// a header to remove the copy of its header map too.
func BenchmarkProxy(b *testing.B) {
	p := MustProxy(Hops(XForwarded, 1))(nop)
	for _, bb := range []struct {
		name   string
		header map[string]string
	}{
		{"headers=none", nil},
		{"headers=xforwarded", map[string]string{
			"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "www.example.org",
			"X-Forwarded-Prefix": "/app",
		}},
		{"headers=strip", map[string]string{"X-Forwarded-For": "203.0.113.7", "X-Real-Ip": "203.0.113.7"}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			w, r := wsgotest.NewWriter(), benchRequest()
			for k, v := range bb.header {
				r.Header.Set(k, v)
			}
			for b.Loop() {
				clear(w.H)
				p.ServeHTTP(w, r)
			}
		})
	}
}
