package environ

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/internal/state"

	"github.com/wsgo/wsgo/mw"
)

func newReq(method, target string, hdr map[string][]string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = "192.0.2.7:54321"
	for k, vs := range hdr {
		r.Header[k] = vs
	}
	return r
}

func TestCGIKeys(t *testing.T) {
	r := newReq("POST", "http://example.org:8080/a/b%20c?x=1&y=%20", map[string][]string{
		"Content-Type":    {"text/plain"},
		"Content-Length":  {"5"},
		"User-Agent":      {"curl/8"},
		"Accept":          {"text/html", "*/*"},
		"Cookie":          {"a=1", "b=2"},
		"X-Forwarded-For": {"1.2.3.4"},
	})
	e := From(r)
	want := map[string]string{
		"REQUEST_METHOD":       "POST",
		"SCRIPT_NAME":          "",
		"PATH_INFO":            "/a/b c",
		"QUERY_STRING":         "x=1&y=%20",
		"CONTENT_TYPE":         "text/plain",
		"CONTENT_LENGTH":       "5",
		"SERVER_NAME":          "example.org",
		"SERVER_PORT":          "8080",
		"SERVER_PROTOCOL":      "HTTP/1.1",
		"REMOTE_ADDR":          "192.0.2.7",
		"REMOTE_PORT":          "54321",
		"REQUEST_URI":          "http://example.org:8080/a/b%20c?x=1&y=%20",
		"HTTP_USER_AGENT":      "curl/8",
		"HTTP_ACCEPT":          "text/html, */*",
		"HTTP_COOKIE":          "a=1; b=2",
		"HTTP_X_FORWARDED_FOR": "1.2.3.4",
		"wsgi.url_scheme":      "http",
	}
	for k, v := range want {
		got, ok := e.Get(k)
		if !ok || got != v {
			t.Errorf("%s = %v (%v), want %q", k, got, ok, v)
		}
		if s := e.GetString(k); s != v {
			t.Errorf("GetString(%s) = %q, want %q", k, s, v)
		}
	}
	for _, k := range []string{"HTTPS", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_NOPE"} {
		if v, ok := e.Get(k); ok {
			t.Errorf("%s = %v, want absent", k, v)
		}
	}
	if in, _ := e.Get("wsgi.input"); in != r.Body {
		t.Error("wsgi.input is not the body")
	}
	if v, _ := e.Get("wsgi.multithread"); v != true {
		t.Error("wsgi.multithread")
	}
}

func TestHTTPSAndDefaultPorts(t *testing.T) {
	r := newReq("GET", "https://example.org/", nil)
	r.TLS = &tls.ConnectionState{}
	e := From(r)
	if e.URLScheme() != "https" || e.GetString("HTTPS") != "on" || e.ServerPort() != "443" {
		t.Fatalf("scheme %s HTTPS %s port %s", e.URLScheme(), e.GetString("HTTPS"), e.ServerPort())
	}
	if p := From(newReq("GET", "http://example.org/", nil)).ServerPort(); p != "80" {
		t.Fatalf("http default port %s", p)
	}
}

// httpoxy, CVE-2016-5386: a Proxy request header must never become HTTP_PROXY,
// which CGI-minded HTTP clients read as their proxy.
func TestProxyHeaderNeverBecomesHTTPProxy(t *testing.T) {
	e := From(newReq("GET", "/", map[string][]string{"Proxy": {"http://evil:8080"}}))
	if v, ok := e.Get("HTTP_PROXY"); ok {
		t.Fatalf("HTTP_PROXY = %v", v)
	}
	for k := range e.All() {
		if k == "HTTP_PROXY" {
			t.Fatal("All lists HTTP_PROXY")
		}
	}
}

// Django's CVE-2015-0219: X-Auth_User must not pose as X-Auth-User.
func TestHeadersWithUnderscoreAreDropped(t *testing.T) {
	e := From(newReq("GET", "/", map[string][]string{"X-Auth_user": {"admin"}}))
	if v, ok := e.Get("HTTP_X_AUTH_USER"); ok {
		t.Fatalf("HTTP_X_AUTH_USER = %v from an underscore header", v)
	}
	e = From(newReq("GET", "/", map[string][]string{"X-Auth_user": {"admin"}, "X-Auth-User": {"ann"}}))
	if v := e.GetString("HTTP_X_AUTH_USER"); v != "ann" {
		t.Fatalf("HTTP_X_AUTH_USER = %q, want the dashed header's ann", v)
	}
}

func TestSCRIPT_NAMEIsNeverSlash(t *testing.T) {
	e := From(newReq("GET", "/x", nil))
	e.SetPath("/", "/x")
	if e.ScriptName() != "" {
		t.Fatalf("SCRIPT_NAME %q", e.ScriptName())
	}
	e.SetPath("", "/")
	e.ShiftPathInfo() // wsgiref itself would make SCRIPT_NAME "/" here
	if e.ScriptName() != "" {
		t.Fatalf("after shift: SCRIPT_NAME %q", e.ScriptName())
	}
}

func TestCustomKeys(t *testing.T) {
	e := From(newReq("GET", "/", nil))
	for _, k := range []string{"REQUEST_METHOD", "PATH_INFO", "HTTP_HOST", "HTTP_ANYTHING", "wsgi.input", "wsgi.whatever"} {
		err := e.Set(k, "x")
		if !errors.Is(err, ErrReservedKey) {
			t.Errorf("Set(%s) = %v, want ErrReservedKey", k, err)
		}
	}
	if err := e.Set("REQUEST_METHOD", "x"); err == nil || err.Error() != "environ: reserved key: REQUEST_METHOD is derived from the request and cannot be set" {
		t.Errorf("message: %v", err)
	}
	if e.RequestMethod() != "GET" {
		t.Fatal("a refused Set changed the key")
	}
	if err := e.Set("", 1); !errors.Is(err, ErrEmptyKey) {
		t.Errorf("Set(\"\") = %v", err)
	}
	e.Set("myapp.url_args", []string{"Ann"})
	e.Set("myapp.count", 3)
	e.Set("myapp.url_args", []string{"Bob"})
	if args, ok := GetAs[[]string](e, "myapp.url_args"); !ok || args[0] != "Bob" {
		t.Fatalf("GetAs = %v, %v", args, ok)
	}
	if _, ok := GetAs[string](e, "myapp.count"); ok {
		t.Fatal("GetAs of the wrong type must say so")
	}
	if n, ok := GetAs[int](e, "myapp.count"); !ok || n != 3 {
		t.Fatal("GetAs[int]")
	}
	if _, ok := GetAs[int](e, "nope"); ok {
		t.Fatal("GetAs of a missing key")
	}
	var keys []string
	for k := range e.All() {
		keys = append(keys, k)
	}
	// CGI keys sorted, then wsgi.*, then custom keys in the order first set.
	n := len(keys)
	if keys[n-2] != "myapp.url_args" || keys[n-1] != "myapp.count" {
		t.Fatalf("custom keys at the end in order: %v", keys[n-2:])
	}
	cgi := keys[:n-2-len(wsgiKeys)]
	if !slices.IsSorted(cgi) || !slices.Contains(cgi, "REQUEST_METHOD") || !slices.Contains(cgi, "HTTP_HOST") {
		t.Fatalf("cgi keys: %v", cgi)
	}
	if !slices.Equal(keys[n-2-len(wsgiKeys):n-2], wsgiKeys[:]) {
		t.Fatalf("wsgi keys: %v", keys[n-2-len(wsgiKeys):n-2])
	}
}

func TestMiddlewareAttachesOneEnvironPerRequest(t *testing.T) {
	var seen []*Environ
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, From(r), From(r), Lookup(r.Context()))
	})
	h := Middleware()(Middleware()(inner))
	r := newReq("GET", "/", nil)
	ctx := r.Context()
	h.ServeHTTP(httptest.NewRecorder(), r)
	if seen[0] == nil || seen[0] != seen[1] || seen[1] != seen[2] {
		t.Fatal("inner layers must get the same Environ")
	}
	if r.Context() != ctx || Lookup(r.Context()) != nil {
		t.Fatal("the incoming request was modified")
	}
	if first, second := From(r), From(r); first == second {
		t.Fatal("without the middleware, From builds a fresh Environ each time")
	}
}

func TestEnvironSharesTheScope(t *testing.T) {
	h := mw.RequestID()(Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := Lookup(r.Context())
		if e == nil || mw.RequestIDFrom(r.Context()) == "" || mw.RequestIDFrom(e.Context()) == "" {
			t.Error("the Environ and the request ID must both be reachable")
		}
	})))
	h.ServeHTTP(httptest.NewRecorder(), newReq("GET", "/", nil))

	// Standalone, the Environ makes the request's state, and a later mw
	// layer joins the same state, with the Environ in it.
	var outer *http.Request
	keep := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { outer = r; next.ServeHTTP(w, r) })
	}
	h = Middleware()(keep(mw.RequestID()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Lookup(r.Context()) == nil || r != outer {
			t.Errorf("Environ %v; request copied again: %v", Lookup(r.Context()), r != outer)
		}
		if mw.RequestIDFrom(r.Context()) == "" {
			t.Error("request ID not found")
		}
	}))))
	h.ServeHTTP(httptest.NewRecorder(), newReq("GET", "/", nil))
}

func TestEnvironContext(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey("k"), "v"))
	r := newReq("GET", "/", nil).WithContext(parent)
	r, e := Attach(r)
	if e.Context().Value(ctxKey("k")) != "v" || Lookup(r.Context()) != e || Lookup(e.Context()) != e {
		t.Fatal("values of the parent")
	}
	cancel()
	<-e.Context().Done()
	if e.Context().Err() != context.Canceled {
		t.Fatal(e.Context().Err())
	}
}

func TestWSGIErrors(t *testing.T) {
	var buf bytes.Buffer
	h := mw.RequestID()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		state.ErrorLogSlot.Set(r.Context(), func(context.Context) io.Writer { return &buf })
		r, e := Attach(r)
		_ = r
		io.WriteString(e.Errors(), "oops")
		v, _ := e.Get("wsgi.errors")
		io.WriteString(v.(io.Writer), "!")
	}))
	h.ServeHTTP(httptest.NewRecorder(), newReq("GET", "/", nil))
	if buf.String() != "oops!" {
		t.Fatalf("wsgi.errors wrote %q", buf.String())
	}
}

func TestEnrich(t *testing.T) {
	h := Enrich("myapp.ua_len", func(r *http.Request, e *Environ) any {
		return len(e.GetString("HTTP_USER_AGENT"))
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := GetAs[int](From(r), "myapp.ua_len")
		io.WriteString(w, strings.Repeat("x", n))
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, newReq("GET", "/", map[string][]string{"User-Agent": {"abc"}}))
	if rec.Body.String() != "xxx" {
		t.Fatalf("body %q", rec.Body.String())
	}
	for _, tt := range []struct {
		key  string
		f    func(*http.Request, *Environ) any
		want string
	}{
		{"", func(*http.Request, *Environ) any { return 1 }, "environ: Enrich: empty key"},
		{"PATH_INFO", func(*http.Request, *Environ) any { return 1 }, `environ: Enrich: "PATH_INFO" is a reserved key`},
		{"a.b", nil, `environ: Enrich "a.b": nil function`},
	} {
		func() {
			defer func() {
				if got := recover(); got != tt.want {
					t.Errorf("panic %v, want %q", got, tt.want)
				}
			}()
			Enrich(tt.key, tt.f)
		}()
	}
}

func TestShiftPathInfo(t *testing.T) {
	tests := []struct {
		script, path         string
		name                 string
		ok                   bool
		wantScript, wantPath string
	}{
		{"", "/a/b", "a", true, "/a", "/b"},
		{"/x", "/a", "a", true, "/x/a", ""},
		{"", "/a//./b/", "a", true, "/a", "/b/"},
		{"/x", "/", "", true, "/x/", ""},
		{"/x", "/../y", "..", true, "", "/y"},
		{"", "", "", false, "", ""},
		{"/x", "/./y", "y", true, "/x/y", ""},
		{"/x", "/.", "", false, "/x", ""}, // as wsgiref's None
	}
	for _, tt := range tests {
		e := From(newReq("GET", "/", nil))
		e.SetPath(tt.script, tt.path)
		name, ok := e.ShiftPathInfo()
		if name != tt.name || ok != tt.ok || e.ScriptName() != tt.wantScript || e.PathInfo() != tt.wantPath {
			t.Errorf("shift(%q, %q) = %q, %v -> %q %q; want %q, %v -> %q %q", tt.script, tt.path,
				name, ok, e.ScriptName(), e.PathInfo(), tt.name, tt.ok, tt.wantScript, tt.wantPath)
		}
	}
}

func TestAppPathAndURL(t *testing.T) {
	e := From(newReq("GET", "http://example.org:8081/myapp2/x", nil))
	e.SetPath("/my app2", "/x")
	if got := e.AppPath("hello/Ann"); got != "/my%20app2/hello/Ann" {
		t.Fatalf("AppPath %q", got)
	}
	if got := e.AppURL("/"); got != "http://example.org:8081/my%20app2/" {
		t.Fatalf("AppURL %q", got)
	}
	e = From(newReq("GET", "http://example.org/", nil))
	if got := e.AppURL("a"); got != "http://example.org/a" {
		t.Fatalf("AppURL at root %q", got)
	}
}

func TestHostForms(t *testing.T) {
	tests := []struct{ host, name, port, remote, rname, rport string }{
		{"example.org", "example.org", "80", "192.0.2.1:1234", "192.0.2.1", "1234"},
		{"[::1]:8080", "[::1]", "8080", "[::1]:5555", "::1", "5555"},
		{"[::1]", "[::1]", "80", "[::ffff:10.0.0.1]:1", "10.0.0.1", "1"}, // IPv4-mapped: folded
		{"::1", "::1", "80", "garbage", "garbage", ""},
		{"a:b:c", "a", "80", "", "", ""}, // not an IPv6 address: a malformed port
		{"host:notaport", "host", "80", "1.2.3.4", "1.2.3.4", ""},
		{"host:", "host", "80", "x:", "x:", ""},
		{"host:99999", "host", "80", "", "", ""},
		{"[::1]:abc", "[::1]", "80", "", "", ""},
	}
	for _, tt := range tests {
		r := newReq("GET", "/", nil)
		r.Host, r.RemoteAddr = tt.host, tt.remote
		e := From(r)
		if e.ServerName() != tt.name || e.ServerPort() != tt.port || e.RemoteAddr() != tt.rname || e.RemotePort() != tt.rport {
			t.Errorf("Host %q, RemoteAddr %q: %q %q %q %q", tt.host, tt.remote, e.ServerName(), e.ServerPort(), e.RemoteAddr(), e.RemotePort())
		}
	}
}

type ctxKey string
