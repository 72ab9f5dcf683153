package logging

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/internal/wsgotest"
)

// apacheTimeRE is %t; the middleware stamps the real time, which the tests
// below replace with [T].
var apacheTimeRE = regexp.MustCompile(`\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\]`)

// gorillaRequest is gorilla/handlers' constructTypicalRequestOk
// (logging_test.go): http.NewRequest, so RequestURI is empty.
func gorillaRequest(method, target string) *http.Request {
	r, err := http.NewRequest(method, target, nil)
	if err != nil {
		panic(err)
	}
	r.RemoteAddr = "192.168.100.5"
	r.Header.Set("Referer", "http://example.com")
	r.Header.Set("User-Agent", gorillaUA)
	return r
}

const gorillaUA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_2) AppleWebKit/537.33 (KHTML, like Gecko) Chrome/27.0.1430.0 Safari/537.33"

// gorillaConnect is gorilla/handlers' constructConnectRequest: an HTTP/2
// CONNECT built by hand, whose target is only in Host and URL.Host.
func gorillaConnect() *http.Request {
	r := &http.Request{
		Method: "CONNECT", Host: "www.example.com:443", Proto: "HTTP/2.0", ProtoMajor: 2,
		RemoteAddr: "192.168.100.5", Header: http.Header{}, URL: &url.URL{Host: "www.example.com:443"},
	}
	r.Header.Set("Referer", "http://example.com")
	r.Header.Set("User-Agent", gorillaUA)
	return r
}

// answer returns a handler that sends status and n body bytes.
func answer(status, n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write(bytes.Repeat([]byte("x"), n))
	}
}

// readRequest is a request read off the wire, as a server has it: RequestURI
// is the target as sent.
func readRequest(method, target string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = "192.0.2.1:1234"
	return r
}

// asUser is an authentication layer that sets REMOTE_USER in the request's
// environ, as Apache's auth modules set r->user.
func asUser(user string, next http.Handler) http.Handler {
	return environ.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := environ.From(r).Set("REMOTE_USER", user); err != nil {
			panic(err)
		}
		next.ServeHTTP(w, r)
	}))
}

// TestApacheLines: the exact line the Apache middleware writes, as
// mod_log_config writes it, for the cases of gorilla/handlers'
// logging_test.go and for what mod_log_config.c does with %u, %r, %b and
// %{...}i. The time field is replaced: the middleware stamps the real one.
func TestApacheLines(t *testing.T) {
	const (
		ref = `"http://example.com" "` + gorillaUA + `"`
	)
	tests := []struct {
		name    string
		format  Format
		req     func() *http.Request
		handler http.Handler
		want    string
	}{
		// Apache's own documentation (mod_log_config, "Common Log Format",
		// "Combined Log Format"), through the middleware.
		{
			"apache docs combined", Combined, func() *http.Request {
				r := readRequest("GET", "/apache_pb.gif")
				r.RemoteAddr, r.Proto, r.ProtoMinor = "127.0.0.1:5000", "HTTP/1.0", 0
				r.SetBasicAuth("frank", "pw")
				r.Header.Set("Referer", "http://www.example.com/start.html")
				r.Header.Set("User-Agent", "Mozilla/4.08 [en] (Win98; I ;Nav)")
				return r
			}, answer(200, 2326),
			`127.0.0.1 - frank [T] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"`,
		},

		// gorilla/handlers logging_test.go, TestLogFormatterWriteLog_Scenario1
		// and TestLogFormatterCombinedLog_Scenario1.
		{
			"gorilla scenario1 common", Common, func() *http.Request { return gorillaRequest("GET", "http://example.com") }, answer(200, 100),
			`192.168.100.5 - - [T] "GET / HTTP/1.1" 200 100`,
		},
		{
			"gorilla scenario1 combined", Combined, func() *http.Request { return gorillaRequest("GET", "http://example.com") }, answer(200, 100),
			`192.168.100.5 - - [T] "GET / HTTP/1.1" 200 100 ` + ref,
		},
		// ..._Scenario2: a CONNECT over HTTP/2 logs its authority.
		{
			"gorilla scenario2 common", Common, gorillaConnect, answer(200, 100),
			`192.168.100.5 - - [T] "CONNECT www.example.com:443 HTTP/2.0" 200 100`,
		},
		{
			"gorilla scenario2 combined", Combined, gorillaConnect, answer(200, 100),
			`192.168.100.5 - - [T] "CONNECT www.example.com:443 HTTP/2.0" 200 100 ` + ref,
		},
		// ..._Scenario3: gorilla takes "kamil" from req.URL.User; %u is
		// the authenticated user (r->user), so here kamil comes in Basic
		// credentials, and a user in the URL alone is not logged.
		{"gorilla scenario3 basic", Combined, func() *http.Request {
			r := gorillaRequest("GET", "http://example.com")
			r.SetBasicAuth("kamil", "pw")
			return r
		}, answer(401, 500), `192.168.100.5 - kamil [T] "GET / HTTP/1.1" 401 500 ` + ref},
		{"gorilla scenario3 url user is not %u", Common, func() *http.Request {
			r := gorillaRequest("GET", "http://example.com")
			r.URL.User = url.User("kamil")
			return r
		}, answer(401, 500), `192.168.100.5 - - [T] "GET / HTTP/1.1" 401 500`},
		// ..._Scenario4: the target's escapes stay as they are.
		{"gorilla scenario4", Common, func() *http.Request {
			return gorillaRequest("GET", "http://example.com/test?abc=hello%20world&a=b%3F")
		}, answer(200, 100), `192.168.100.5 - - [T] "GET /test?abc=hello%20world&a=b%3F HTTP/1.1" 200 100`},
		// ..._Scenario5: a bare IPv6 RemoteAddr is logged whole.
		{"gorilla scenario5", Combined, func() *http.Request {
			r := gorillaRequest("GET", "http://example.com")
			r.RemoteAddr = "::1"
			r.SetBasicAuth("kamil", "pw")
			return r
		}, answer(200, 100), `::1 - kamil [T] "GET / HTTP/1.1" 200 100 ` + ref},
		// handlers_test.go, TestWriteCombinedLog: "remote ipv6 addr, with port".
		{"gorilla ipv6 with port", Common, func() *http.Request {
			r := gorillaRequest("GET", "http://example.com")
			r.RemoteAddr = "[::1]:65000"
			return r
		}, answer(200, 100), `::1 - - [T] "GET / HTTP/1.1" 200 100`},
		// logging_test.go, TestLogPathRewrites: a handler that rewrites
		// r.URL.Path in place does not change the logged target.
		{
			"gorilla path rewrite (built)", Common, func() *http.Request { return gorillaRequest("GET", "/subdir/asdf") },
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { r.URL.Path = "/"; w.WriteHeader(200) }),
			`192.168.100.5 - - [T] "GET /subdir/asdf HTTP/1.1" 200 -`,
		},
		{
			"gorilla path rewrite (read)", Common, func() *http.Request { return readRequest("GET", "/subdir/asdf?q=1") },
			http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.URL.Path, r.URL.RawQuery, r.RequestURI = "/", "", "/"
				w.WriteHeader(200)
			}),
			`192.0.2.1 - - [T] "GET /subdir/asdf?q=1 HTTP/1.1" 200 -`,
		},
		{
			"path rewritten by StripPrefix", Common, func() *http.Request { return gorillaRequest("GET", "/subdir/asdf") },
			http.StripPrefix("/subdir", answer(200, 1)), `192.168.100.5 - - [T] "GET /subdir/asdf HTTP/1.1" 200 1`,
		},

		// %r: CONNECT's target is its authority (built, or read in
		// authority-form), never "/".
		{"connect built over HTTP/1.1", Common, func() *http.Request {
			r := gorillaRequest("CONNECT", "http://www.example.com:443")
			r.URL.Scheme = ""
			return r
		}, answer(200, 0), `192.168.100.5 - - [T] "CONNECT www.example.com:443 HTTP/1.1" 200 -`},
		{
			"connect read", Common, func() *http.Request { return readRequest("CONNECT", "www.example.com:443") }, answer(200, 0),
			`192.0.2.1 - - [T] "CONNECT www.example.com:443 HTTP/1.1" 200 -`,
		},

		// %r never logs a password (log_request_line: apr_uri_unparse with
		// the password as XXXXXXXX, a default port dropped).
		{
			"password", Common, func() *http.Request { return readRequest("GET", "http://user:secret@example.com/") }, answer(200, 2),
			`192.0.2.1 - - [T] "GET http://user:XXXXXXXX@example.com/ HTTP/1.1" 200 2`,
		},
		{"password, default port, query", Common, func() *http.Request {
			return readRequest("GET", "http://user:secret@example.com:80/a/b?c=d&e=f")
		}, answer(200, 2), `192.0.2.1 - - [T] "GET http://user:XXXXXXXX@example.com/a/b?c=d&e=f HTTP/1.1" 200 2`},
		{
			"password, other port", Common, func() *http.Request { return readRequest("GET", "https://user:secret@example.com:8443") }, answer(200, 2),
			`192.0.2.1 - - [T] "GET https://user:XXXXXXXX@example.com:8443 HTTP/1.1" 200 2`,
		},
		{"password, https default port in capitals", Common, func() *http.Request {
			return readRequest("GET", "HTTPS://user:secret@Example.COM:443/")
		}, answer(200, 2), `192.0.2.1 - - [T] "GET HTTPS://user:XXXXXXXX@Example.COM/ HTTP/1.1" 200 2`},
		{
			"password, empty", Common, func() *http.Request { return readRequest("GET", "http://user:@example.com/") }, answer(200, 2),
			`192.0.2.1 - - [T] "GET http://user:XXXXXXXX@example.com/ HTTP/1.1" 200 2`,
		},
		{
			"password, last @", Common, func() *http.Request { return readRequest("GET", "http://a@b:c:d@example.com/") }, answer(200, 2),
			`192.0.2.1 - - [T] "GET http://a@b:XXXXXXXX@example.com/ HTTP/1.1" 200 2`,
		},
		{
			"password, IPv6 host", Common, func() *http.Request { return readRequest("GET", "http://u:p@[2001:db8::1]:80/x") }, answer(200, 2),
			`192.0.2.1 - - [T] "GET http://u:XXXXXXXX@[2001:db8::1]/x HTTP/1.1" 200 2`,
		},
		{
			"user without password", Common, func() *http.Request { return readRequest("GET", "http://user@example.com:80/") }, answer(200, 2),
			`192.0.2.1 - - [T] "GET http://user@example.com:80/ HTTP/1.1" 200 2`,
		},
		{
			"no password in origin-form", Common, func() *http.Request { return readRequest("GET", "/go?to=http://u:p@x/") }, answer(200, 2),
			`192.0.2.1 - - [T] "GET /go?to=http://u:p@x/ HTTP/1.1" 200 2`,
		},

		// %u: an empty user is "" (log_remote_user); REMOTE_USER, set by an
		// auth layer, is the user; no raw space or quote.
		{"empty basic user", Common, func() *http.Request {
			r := readRequest("GET", "/")
			r.SetBasicAuth("", "pw")
			return r
		}, answer(401, 0), `192.0.2.1 - "" [T] "GET / HTTP/1.1" 401 -`},
		{"REMOTE_USER", Common, func() *http.Request {
			r := readRequest("GET", "/")
			r.SetBasicAuth("claimed", "pw")
			return r
		}, asUser("alice", answer(200, 1)), `192.0.2.1 - alice [T] "GET / HTTP/1.1" 200 1`},
		{
			"REMOTE_USER empty", Common, func() *http.Request { return readRequest("GET", "/") }, asUser("", answer(200, 1)),
			`192.0.2.1 - "" [T] "GET / HTTP/1.1" 200 1`,
		},
		{
			"no user", Common, func() *http.Request { return readRequest("GET", "/") }, environ.Middleware()(answer(200, 1)),
			`192.0.2.1 - - [T] "GET / HTTP/1.1" 200 1`,
		},
		{"user with space and quote", Common, func() *http.Request {
			r := readRequest("GET", "/")
			r.SetBasicAuth(`J. "Bob" O\x`, "pw")
			return r
		}, answer(200, 1), `192.0.2.1 - J.\x20\"Bob\"\x20O\\x [T] "GET / HTTP/1.1" 200 1`},
		{
			"REMOTE_USER with newline", Common, func() *http.Request { return readRequest("GET", "/") }, asUser("a\nb c", answer(200, 1)),
			`192.0.2.1 - a\nb\x20c [T] "GET / HTTP/1.1" 200 1`,
		},

		// %{Referer}i and %{User-agent}i: present but empty is "", absent
		// is -, repeated ones are joined by ", " as httpd merges them.
		{"empty headers", Combined, func() *http.Request {
			r := readRequest("GET", "/")
			r.Header["Referer"], r.Header["User-Agent"] = []string{""}, []string{""}
			return r
		}, answer(200, 1), `192.0.2.1 - - [T] "GET / HTTP/1.1" 200 1 "" ""`},
		{
			"absent headers", Combined, func() *http.Request { return readRequest("GET", "/") }, answer(200, 1),
			`192.0.2.1 - - [T] "GET / HTTP/1.1" 200 1 "-" "-"`,
		},
		{"repeated headers", Combined, func() *http.Request {
			r := readRequest("GET", "/")
			r.Header["Referer"] = []string{"http://a/", "http://b/"}
			r.Header["User-Agent"] = []string{"x/1", "", `y "2"`}
			return r
		}, answer(200, 1), `192.0.2.1 - - [T] "GET / HTTP/1.1" 200 1 "http://a/, http://b/" "x/1, , y \"2\""`},
		{"header value -", Combined, func() *http.Request {
			r := readRequest("GET", "/")
			r.Header.Set("Referer", "-")
			return r
		}, answer(200, 1), `192.0.2.1 - - [T] "GET / HTTP/1.1" 200 1 "-" "-"`},

		// %b: - when no body bytes went out (clf_log_bytes_sent).
		{
			"HEAD", Common, func() *http.Request { return readRequest("HEAD", "/") }, answer(200, 13),
			`192.0.2.1 - - [T] "HEAD / HTTP/1.1" 200 -`,
		},
		{
			"no body", Common, func() *http.Request { return readRequest("GET", "/") }, answer(200, 0),
			`192.0.2.1 - - [T] "GET / HTTP/1.1" 200 -`,
		},
		{
			"204", Common, func() *http.Request { return readRequest("DELETE", "/x") }, answer(204, 0),
			`192.0.2.1 - - [T] "DELETE /x HTTP/1.1" 204 -`,
		},
		{
			"304", Common, func() *http.Request { return readRequest("GET", "/x") }, answer(304, 0),
			`192.0.2.1 - - [T] "GET /x HTTP/1.1" 304 -`,
		},
		{
			"nothing written", Common, func() *http.Request { return readRequest("GET", "/") },
			http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), `192.0.2.1 - - [T] "GET / HTTP/1.1" 200 -`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// ApacheExact is the line mod_log_config writes; the default
			// differs only where there is a secret to redact (none here).
			for _, opts := range [][]Option{{ApacheExact()}, nil} {
				var buf bytes.Buffer
				serveRec(Apache(&buf, tt.format, opts...)(tt.handler), tt.req())
				got := apacheTimeRE.ReplaceAllLiteralString(buf.String(), "[T]")
				if want := tt.want + "\n"; got != want {
					t.Errorf("options %d:\n got %s\nwant %s", len(opts), got, want)
				}
			}
		})
	}
}

// A hijacked connection that asked for an upgrade is logged 101, as Access
// logs it; one that did not is - (pfmt: no status).
func TestApacheHijack(t *testing.T) {
	var buf wsgotest.SyncBuffer
	ts := httptest.NewServer(Apache(&buf, Common)(http.HandlerFunc(upgrade)))
	defer ts.Close()
	for i, req := range []string{upgradeRequest, "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n"} {
		rawRequest(t, ts.Listener.Addr().String(), req)
		wsgotest.WaitFor(func() bool { return strings.Count(buf.String(), "\n") > i })
	}
	got := apacheTimeRE.ReplaceAllLiteralString(buf.String(), "[T]")
	want := `127.0.0.1 - - [T] "GET /ws HTTP/1.1" 101 -` + "\n" + `127.0.0.1 - - [T] "GET /plain HTTP/1.1" - -` + "\n"
	if got != want {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}
}

// hidePassword on targets net/http accepts, for the parts of apr_uri_parse
// and apr_uri_unparse the exact lines above do not reach: the port cut to
// apr_port_t's 16 bits, port 0, the default ports of other schemes, an IPv6
// zone, and the targets that have no user information.
func TestHidePassword(t *testing.T) {
	for _, tt := range []struct{ method, target, want string }{
		{"GET", "http://u:p@example.com:65616/", "http://u:XXXXXXXX@example.com/"}, // 65616 & 0xffff == 80
		{"GET", "http://u:p@example.com:0/", "http://u:XXXXXXXX@example.com/"},
		{"GET", "http://u:p@example.com:/", "http://u:XXXXXXXX@example.com/"},
		{"GET", "http://u:p@example.com:0080/", "http://u:XXXXXXXX@example.com/"},
		{"GET", "ftp://u:p@example.com:21/f", "ftp://u:XXXXXXXX@example.com/f"},
		{"GET", "ws://u:p@example.com:80/", "ws://u:XXXXXXXX@example.com:80/"}, // APR knows no ws
		{"GET", "http://u:p@[fe80::1%25eth0]:8080/", "http://u:XXXXXXXX@[fe80::1%25eth0]:8080/"},
		{"GET", "http://u:p@example.com?q#f", "http://u:XXXXXXXX@example.com?q#f"},
		{"GET", "http://:p@example.com/", "http://:XXXXXXXX@example.com/"},
		{"GET", "http://example.com/a:b@c", "http://example.com/a:b@c"},
		{"OPTIONS", "*", "*"},
		{"CONNECT", "u:p@example.com:443", "u:p@example.com:443"}, // apr_uri_parse_hostinfo: no user
		{"GET", "", ""},
	} {
		if got := hidePassword(tt.method, tt.target); got != tt.want {
			t.Errorf("%s %s: got %q, want %q", tt.method, tt.target, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { hidePassword("GET", "http://user@example.com/") }); n != 0 {
		t.Errorf("a target without a password costs %v allocations", n)
	}
}
