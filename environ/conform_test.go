package environ

// Conformance with the peers a WSGI application was written against: PEP
// 3333, CPython's wsgiref (Lib/wsgiref/util.py, tested in
// Lib/test/test_wsgiref.py), Apache with mod_wsgi, and Go's net/http/cgi
// host (net/http/cgi/host_test.go). Where a case is ported, its comment
// names the peer's file and test.

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// dumpEnv answers with every string key of the Environ, one "KEY=value" a
// line, in All's order.
var dumpEnv = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	for k, v := range From(r).All() {
		if s, ok := v.(string); ok {
			fmt.Fprintf(w, "%s=%s\n", k, s)
		}
	}
})

// envLines serves one raw request through dumpEnv on a real listener and
// returns what the application saw, key by key.
func envLines(t *testing.T, request string) map[string]string {
	t.Helper()
	ts := httptest.NewServer(dumpEnv)
	defer ts.Close()
	code, body := raw(t, ts.Listener.Addr().String(), request)
	if code != 200 {
		t.Fatalf("%q: %d %s", request, code, body)
	}
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		k, v, _ := strings.Cut(line, "=")
		env[k] = v
	}
	return env
}

// Apache's http2env (server/util_script.c) exports a header as HTTP_* only
// when its name is letters, digits and "-"; net/http lets any token through
// (X.Auth, X~Auth, X+Auth, X!Auth, ...), and those must not show either, or
// X.Auth-User would pose as X-Auth-User.
func TestHeaderNamesOutsideLettersDigitsDashAreDropped(t *testing.T) {
	env := envLines(t, "GET / HTTP/1.1\r\nHost: x\r\n"+
		"X.Auth-User: dot\r\nX~Auth-User: tilde\r\nX+Auth-User: plus\r\nX!Auth-User: bang\r\nX_Auth-User: underscore\r\n"+
		"X'Y: q\r\nX*Y: star\r\nX#Y: hash\r\nX|Y: bar\r\nX`Y: tick\r\nX^Y: caret\r\nX%Y: pct\r\nX&Y: amp\r\nX$Y: dollar\r\n"+
		"X-Ok-9: kept\r\n\r\n")
	var http []string
	for k := range env {
		if strings.HasPrefix(k, "HTTP_") {
			http = append(http, k+"="+env[k])
		}
	}
	slices.Sort(http)
	if want := []string{"HTTP_HOST=x", "HTTP_X_OK_9=kept"}; !slices.Equal(http, want) {
		t.Fatalf("HTTP_* keys %q, want %q", http, want)
	}
	e := From(newReq("GET", "/", map[string][]string{"X.Auth-User": {"dot"}, "X~Auth-User": {"tilde"}}))
	for _, k := range []string{"HTTP_X.AUTH_USER", "HTTP_X~AUTH_USER", "HTTP_X_AUTH_USER"} {
		if v, ok := e.Get(k); ok {
			t.Errorf("Get(%s) = %v", k, v)
		}
	}
}

// CPython Lib/test/test_wsgiref.py, UtilityTests.testSimpleShifts and
// testNormalizedShifts, checkShift(sn_in, pi_in, part, sn_out, pi_out):
// part None is ("", false) here. Two rows differ on purpose: SCRIPT_NAME is
// never "/" (PEP 3333 has it empty at the root), where wsgiref makes it "/"
// for PATH_INFO "/" and keeps an input "/".
func TestShiftPathInfoWsgirefTable(t *testing.T) {
	tests := []struct {
		snIn, piIn string
		part       string
		ok         bool
		snOut      string
		piOut      string
	}{
		// testSimpleShifts
		{"", "/", "", true, "", ""}, // wsgiref: SCRIPT_NAME "/"
		{"", "/x", "x", true, "/x", ""},
		{"/", "", "", false, "", ""}, // wsgiref: SCRIPT_NAME stays "/"
		{"/a", "/x/y", "x", true, "/a/x", "/y"},
		{"/a", "/x/", "x", true, "/a/x", "/"},
		// testNormalizedShifts
		{"/a/b", "/../y", "..", true, "/a", "/y"},
		{"", "/../y", "..", true, "", "/y"},
		{"/a/b", "//y", "y", true, "/a/b/y", ""},
		{"/a/b", "//y/", "y", true, "/a/b/y", "/"},
		{"/a/b", "/./y", "y", true, "/a/b/y", ""},
		{"/a/b", "/./y/", "y", true, "/a/b/y", "/"},
		{"/a/b", "///./..//y/.//", "..", true, "/a", "/y/"},
		{"/a/b", "///", "", true, "/a/b/", ""},
		{"/a/b", "/.//", "", true, "/a/b/", ""},
		{"/a/b", "/x//", "x", true, "/a/b/x", "/"},
		{"/a/b", "/.", "", false, "/a/b", ""},
	}
	for _, tt := range tests {
		e := From(newReq("GET", "/", nil))
		e.SetPath(tt.snIn, tt.piIn)
		part, ok := e.ShiftPathInfo()
		sn, pi := e.GetString("SCRIPT_NAME"), e.GetString("PATH_INFO")
		if part != tt.part || ok != tt.ok || sn != tt.snOut || pi != tt.piOut {
			t.Errorf("shift(SCRIPT_NAME %q, PATH_INFO %q) = %q, %v, SCRIPT_NAME %q, PATH_INFO %q; want %q, %v, %q, %q",
				tt.snIn, tt.piIn, part, ok, sn, pi, tt.part, tt.ok, tt.snOut, tt.piOut)
		}
	}
}

// HTTPS is "on" over TLS and absent on plain HTTP, as mod_wsgi (Apache's
// mod_ssl sets it only under TLS) and Go's CGI host (net/http/cgi host.go:
// "HTTPS=on" when req.TLS != nil) give it. It is never "off": Python code
// tests environ.get("HTTPS"), and "off" is true.
func TestHTTPSOnlyOverTLS(t *testing.T) {
	for _, tls := range []bool{false, true} {
		var ts *httptest.Server
		if tls {
			ts = httptest.NewTLSServer(dumpEnv)
		} else {
			ts = httptest.NewServer(dumpEnv)
		}
		res, err := ts.Client().Get(ts.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, err = io.Copy(&b, res.Body)
		res.Body.Close()
		ts.Close()
		if err != nil {
			t.Fatal(err)
		}
		got := b.String()
		has := strings.Contains(got, "\nHTTPS=")
		switch {
		case tls && (!strings.Contains(got, "\nHTTPS=on\n") || !strings.Contains(got, "\nwsgi.url_scheme=https\n")):
			t.Errorf("over TLS, want HTTPS=on and wsgi.url_scheme=https:\n%s", got)
		case !tls && (has || !strings.Contains(got, "\nwsgi.url_scheme=http\n")):
			t.Errorf("plain HTTP, want no HTTPS and wsgi.url_scheme=http:\n%s", got)
		}
	}
	e := From(newReq("GET", "/", nil))
	if v, ok := e.Get("HTTPS"); ok || e.GetString("HTTPS") != "" {
		t.Errorf("plain HTTP: Get(HTTPS) = %v, %v", v, ok)
	}
}

// wsgi.version is the tuple (1, 0): PEP 3333, and CPython
// Lib/test/test_wsgiref.py testDefaults / HandlerTests.testEnviron
// ('wsgi.version', (1,0)).
func TestWSGIVersionIsOneZero(t *testing.T) {
	e := From(newReq("GET", "/", nil))
	if v, ok := e.Get("wsgi.version"); !ok || v != [2]int{1, 0} {
		t.Fatalf("wsgi.version = %#v, %v; want [2]int{1, 0}", v, ok)
	}
	if v, ok := GetAs[[2]int](e, "wsgi.version"); !ok || v[0] != 1 || v[1] != 0 {
		t.Fatalf("GetAs[[2]int] = %v, %v", v, ok)
	}
	for k, v := range e.All() {
		if k == "wsgi.version" && v != [2]int{1, 0} {
			t.Fatalf("All: wsgi.version = %#v", v)
		}
	}
}
