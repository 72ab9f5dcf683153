package environ

// Conformance with the peers a WSGI application was written against: PEP
// 3333, CPython's wsgiref (Lib/wsgiref/util.py, tested in
// Lib/test/test_wsgiref.py), Apache with mod_wsgi, and Go's net/http/cgi
// host (net/http/cgi/host_test.go). Where a case is ported, its comment
// names the peer's file and test.

import (
	"bufio"
	"context"
	cryptotls "crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
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

// cgiRequest reads a raw request as Go's net/http/cgi host_test.go newRequest
// does, from the client 1.2.3.4:1234.
func cgiRequest(t *testing.T, raw string) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	r.RemoteAddr = "1.2.3.4:1234"
	return r
}

// Ported from Go's net/http/cgi host_test.go: TestCGIBasicGet,
// TestHostingOurselves, TestCGIEnvIPv6, TestDupHeaders and
// TestDropProxyHeader, with the application mounted at /test.cgi as
// Handler.Root puts the CGI script there. Go's SERVER_SOFTWARE is "go",
// wsgo's "wsgo go1.x"; SCRIPT_FILENAME names the CGI program, which a WSGI
// application has not, and REMOTE_HOST is not there (see the package doc).
func TestGoCGIHostEnv(t *testing.T) {
	site := MustMount(map[string]http.Handler{"/test.cgi": dumpEnv}, nil)
	tests := []struct {
		name, request, remote string
		want                  map[string]string
		absent                []string
	}{
		{"TestCGIBasicGet", "GET /test.cgi?foo=bar&a=b HTTP/1.0\nHost: example.com:80\n\n", "", map[string]string{
			"GATEWAY_INTERFACE": "CGI/1.1",
			"HTTP_HOST":         "example.com:80",
			"PATH_INFO":         "",
			"QUERY_STRING":      "foo=bar&a=b",
			"REMOTE_ADDR":       "1.2.3.4",
			"REMOTE_PORT":       "1234",
			"REQUEST_METHOD":    "GET",
			"REQUEST_URI":       "/test.cgi?foo=bar&a=b",
			"SCRIPT_NAME":       "/test.cgi",
			"SERVER_NAME":       "example.com",
			"SERVER_PORT":       "80",
			"SERVER_PROTOCOL":   "HTTP/1.0",
			"SERVER_SOFTWARE":   serverSoftware(),
		}, []string{"HTTPS"}},
		{"TestHostingOurselves", "GET /test.cgi?foo=bar&a=b HTTP/1.0\nHost: example.com\n\n", "", map[string]string{
			"GATEWAY_INTERFACE": "CGI/1.1",
			"HTTP_HOST":         "example.com",
			"SERVER_NAME":       "example.com",
			"SERVER_PORT":       "80", // no connection here: the scheme's port
		}, nil},
		{"TestCGIEnvIPv6", "GET /test.cgi?foo=bar&a=b HTTP/1.0\nHost: example.com\n\n", "[2000::3000]:12345", map[string]string{
			"REMOTE_ADDR": "2000::3000",
			"REMOTE_PORT": "12345",
			"SERVER_NAME": "example.com",
		}, nil},
		{"TestDupHeaders", "GET /test.cgi/bar?a=b HTTP/1.0\nCookie: nom=NOM\nCookie: yum=YUM\nX-Foo: val1\nX-Foo: val2\nHost: example.com\n\n", "", map[string]string{
			"REQUEST_URI": "/test.cgi/bar?a=b",
			"PATH_INFO":   "/bar",
			"HTTP_COOKIE": "nom=NOM; yum=YUM",
			"HTTP_X_FOO":  "val1, val2",
		}, nil},
		{"TestDropProxyHeader", "GET /test.cgi/bar?a=b HTTP/1.0\nX-Foo: a\nProxy: should_be_stripped\nHost: example.com\n\n", "", map[string]string{
			"HTTP_X_FOO": "a",
		}, []string{"HTTP_PROXY"}},
	}
	for _, tt := range tests {
		r := cgiRequest(t, tt.request)
		if tt.remote != "" {
			r.RemoteAddr = tt.remote
		}
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, r)
		got := map[string]string{}
		for _, line := range strings.Split(strings.TrimSuffix(rec.Body.String(), "\n"), "\n") {
			k, v, _ := strings.Cut(line, "=")
			got[k] = v
		}
		for k, v := range tt.want {
			if g, ok := got[k]; !ok || g != v {
				t.Errorf("%s: %s = %q (present %v), want %q", tt.name, k, g, ok, v)
			}
		}
		for _, k := range tt.absent {
			if g, ok := got[k]; ok {
				t.Errorf("%s: %s = %q, want absent", tt.name, k, g)
			}
		}
	}
}

// SERVER_SOFTWARE and GATEWAY_INTERFACE are there, as RFC 3875 4.1.4 and
// 4.1.17 require.
func TestGatewayInterfaceAndServerSoftware(t *testing.T) {
	e := From(newReq("GET", "/", nil))
	if v := e.GetString("GATEWAY_INTERFACE"); v != "CGI/1.1" {
		t.Errorf("GATEWAY_INTERFACE %q", v)
	}
	sw := e.GetString("SERVER_SOFTWARE")
	if !strings.HasPrefix(sw, "wsgo") || !strings.HasSuffix(sw, " "+runtime.Version()) {
		t.Errorf("SERVER_SOFTWARE %q, want wsgo[/version] %s", sw, runtime.Version())
	}
	for _, k := range []string{"GATEWAY_INTERFACE", "SERVER_SOFTWARE"} {
		if err := e.Set(k, "x"); !errors.Is(err, ErrReservedKey) {
			t.Errorf("Set(%s) = %v", k, err)
		}
	}
}

// SERVER_PORT is the Host header's port; without one, or with a malformed
// one, the port the connection was accepted on (Apache's
// ap_get_server_port, which mod_wsgi hands on), and a malformed port never
// shows in SERVER_NAME. When a layer set the scheme (a trusted proxy,
// FastCGI), the scheme's port stands in for the connection's.
func TestServerPortIsTheConnectionsWithoutAHostPort(t *testing.T) {
	ts := httptest.NewServer(dumpEnv)
	defer ts.Close()
	addr := ts.Listener.Addr().String()
	local := addr[strings.LastIndexByte(addr, ':')+1:]
	tests := []struct{ host, name, port string }{
		{"example.org", "example.org", local},
		{"example.org:8080", "example.org", "8080"},
		{"example.org:80", "example.org", "80"},
		{"example.org:abc", "example.org", local},
		{"example.org:", "example.org", local},
		{"example.org:99999", "example.org", local},
		{"[::1]", "[::1]", local},
		{"[::1]:8443", "[::1]", "8443"},
		{"[::1]:x", "[::1]", local},
	}
	for _, tt := range tests {
		code, body := raw(t, addr, "GET / HTTP/1.1\r\nHost: "+tt.host+"\r\n\r\n")
		want := "\nSERVER_NAME=" + tt.name + "\nSERVER_PORT=" + tt.port + "\n"
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("Host %q: %d, want %q in\n%s", tt.host, code, want, body)
		}
	}
	layered := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, e := Attach(r)
		e.setURLScheme("https")
		dumpEnv.ServeHTTP(w, r)
	}))
	defer layered.Close()
	code, body := raw(t, layered.Listener.Addr().String(), "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n")
	if want := "\nSERVER_NAME=example.org\nSERVER_PORT=443\n"; code != 200 || !strings.Contains(body, want) {
		t.Errorf("scheme set by a layer: %d, want %q in\n%s", code, want, body)
	}
}

// wsgirefEnv is the Environ of setup_testing_defaults with the given
// overrides: host is HTTP_HOST ("" for None), local the address the
// connection was accepted on (SERVER_NAME:SERVER_PORT), tls HTTPS=on.
func wsgirefEnv(host, local string, tls bool, script, pathInfo, query string) *Environ {
	r := httptest.NewRequest("GET", "/", nil)
	r.Host = host
	r.URL.RawQuery = query
	if local != "" {
		r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, net.TCPAddrFromAddrPort(netip.MustParseAddrPort(local))))
	}
	if tls {
		r.TLS = &cryptotls.ConnectionState{}
	}
	e := From(r)
	e.SetPath(script, pathInfo)
	return e
}

// CPython Lib/test/test_wsgiref.py, UtilityTests.testAppURIs: wsgiref's
// application_uri is AppURL(""). SERVER_NAME and SERVER_PORT are the
// connection's here, and a name cannot be one: spam.example.com as
// SERVER_NAME with HTTP_HOST 127.0.0.1 is 10.0.0.1.
func TestAppURLWsgirefAppURIs(t *testing.T) {
	tests := []struct {
		want, host, local string
		tls               bool
		script, pathInfo  string
	}{
		{"http://127.0.0.1/", "127.0.0.1", "127.0.0.1:80", false, "", "/"},
		{"http://127.0.0.1/spam", "127.0.0.1", "127.0.0.1:80", false, "/spam", ""},
		{"http://127.0.0.1/sp%E4m", "127.0.0.1", "127.0.0.1:80", false, "/sp\xe4m", ""},
		{"http://spam.example.com:2071/", "spam.example.com:2071", "127.0.0.1:2071", false, "", "/"},
		{"http://spam.example.com/", "spam.example.com", "127.0.0.1:80", false, "", "/"},
		{"http://127.0.0.1/", "127.0.0.1", "10.0.0.1:80", false, "", "/"},
		{"https://127.0.0.1/", "127.0.0.1", "127.0.0.1:443", true, "", "/"},
		{"http://127.0.0.1:8000/", "", "127.0.0.1:8000", false, "", "/"},
		// Not in wsgiref's table: the Host header's port wins over the
		// connection's, as HTTP_HOST does; none is the scheme's default.
		{"http://127.0.0.1/spam", "127.0.0.1", "127.0.0.1:8000", false, "/spam", ""},
		// Deliberately unlike wsgiref, which copies HTTP_HOST as it is: the
		// scheme's default port is left out, and a malformed one dropped.
		{"http://127.0.0.1/", "127.0.0.1:80", "127.0.0.1:80", false, "", "/"},
		{"http://127.0.0.1/", "127.0.0.1:abc", "127.0.0.1:80", false, "", "/"},
	}
	for _, tt := range tests {
		e := wsgirefEnv(tt.host, tt.local, tt.tls, tt.script, tt.pathInfo, "")
		if got := e.AppURL(""); got != tt.want {
			t.Errorf("HTTP_HOST %q, connection %s, SCRIPT_NAME %q: AppURL(\"\") = %q, want %q", tt.host, tt.local, tt.script, got, tt.want)
		}
	}
}

// CPython Lib/test/test_wsgiref.py, UtilityTests.testReqURIs: wsgiref's
// request_uri(environ, include_query) is AppURL(PATH_INFO), then "?" and
// QUERY_STRING when there is one and it is wanted. PATH_INFO is escaped but
// for "/;=,", as request_uri's quote(safe='/;=,').
func TestAppURLWsgirefReqURIs(t *testing.T) {
	tests := []struct {
		want                 string
		query                bool
		script, pathInfo, qs string
	}{
		{"http://127.0.0.1/", true, "", "/", ""},
		{"http://127.0.0.1/spam", true, "/spam", "", ""},
		{"http://127.0.0.1/sp%E4m", true, "/sp\xe4m", "", ""},
		{"http://127.0.0.1/spammity/spam", true, "/spammity", "/spam", ""},
		{"http://127.0.0.1/spammity/sp%E4m", true, "/spammity", "/sp\xe4m", ""},
		{"http://127.0.0.1/spammity/spam;ham", true, "/spammity", "/spam;ham", ""},
		{"http://127.0.0.1/spammity/spam;cookie=1234,5678", true, "/spammity", "/spam;cookie=1234,5678", ""},
		{"http://127.0.0.1/spammity/spam?say=ni", true, "/spammity", "/spam", "say=ni"},
		{"http://127.0.0.1/spammity/spam?s%E4y=ni", true, "/spammity", "/spam", "s%E4y=ni"},
		{"http://127.0.0.1/spammity/spam", false, "/spammity", "/spam", "say=ni"},
	}
	for _, tt := range tests {
		e := wsgirefEnv("127.0.0.1", "127.0.0.1:80", false, tt.script, tt.pathInfo, tt.qs)
		got := e.AppURL(e.GetString("PATH_INFO"))
		if qs := e.GetString("QUERY_STRING"); tt.query && qs != "" {
			got += "?" + qs
		}
		if got != tt.want {
			t.Errorf("SCRIPT_NAME %q PATH_INFO %q QUERY_STRING %q: %q, want %q", tt.script, tt.pathInfo, tt.qs, got, tt.want)
		}
	}
}

// An application mounted at /spam is http://host/spam, without the
// trailing slash, as application_uri gives it; the request for /spam
// itself (PATH_INFO empty) has that URL too, as request_uri gives it.
func TestAppURLOfAMountHasNoTrailingSlash(t *testing.T) {
	var appURL, appPath, reqURL string
	site := MustMount(map[string]http.Handler{"/spam": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := From(r)
		appURL, appPath, reqURL = e.AppURL(""), e.AppPath(""), e.AppURL(e.PathInfo())
	})}, nil)
	ts := httptest.NewServer(site)
	defer ts.Close()
	addr := ts.Listener.Addr().String()
	for _, host := range []string{"www.example.org", addr} {
		if code, _ := raw(t, addr, "GET /spam HTTP/1.1\r\nHost: "+host+"\r\n\r\n"); code != 200 {
			t.Fatalf("GET /spam: %d", code)
		}
		if want := "http://" + host + "/spam"; appURL != want || reqURL != want || appPath != "/spam" {
			t.Errorf("Host %s: AppURL(\"\") %q, AppURL(PATH_INFO) %q, AppPath(\"\") %q; want %q, %q, /spam", host, appURL, reqURL, appPath, want, want)
		}
	}
}
