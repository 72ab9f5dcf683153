package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/apps"
)

func get(t *testing.T, ts *httptest.Server, path string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

func site(t *testing.T, cfg Config) (*httptest.Server, *observer.ObservedLogs, *bytes.Buffer) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	var access bytes.Buffer
	h, err := Site(cfg, Logs{Error: zap.New(core), Access: &access})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts, logs, &access
}

func TestEveryRoute(t *testing.T) {
	ts, logs, _ := site(t, Config{LogFormat: "json"})
	tests := []struct {
		path   string
		hdr    map[string]string
		status int
		want   string
	}{
		{"/", nil, 200, `<a href="myapp2/">/myapp2</a>`},
		{"/static/README.txt", nil, 200, "Alias /static"},
		{"/static/style.css", nil, 200, "font:16px"},
		{"/myapp", nil, 200, "<h1>Hello World!</h1>"},
		{"/myapp?subject=%3Cb%3E", nil, 200, "<h1>Hello &lt;b&gt;!</h1>"},
		{"/myapp2/", nil, 200, `<a href="/myapp2/hello/">continue</a>`},
		{"/myapp2/hello/Ann", nil, 200, "<h1>Hello Ann!</h1>"},
		{"/myapp2/goodbye", nil, 404, "Not Found"},
		{"/rest/custompath", nil, 200, "Hello World!\nPATH_INFO = /custompath\nSCRIPT_NAME = /rest"},
		{"/env", nil, 200, "REMOTE_ADDR = 127.0.0.1\nwsgi.url_scheme = http\n"},
		{"/panic?account=42", nil, 500, "500 Internal Server Error\nrequest ID: "},
		{"/restore", nil, 404, "404 page not found"},
		{"/", map[string]string{"Host": "doc.localhost:8081"}, 200, "This is the doc.localhost virtual host; you asked for /."},
	}
	for _, tt := range tests {
		res, body := get(t, ts, tt.path, tt.hdr)
		if res.StatusCode != tt.status || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %q; want %d %q", tt.path, res.StatusCode, body, tt.status, tt.want)
		}
		if len(res.Header.Get("X-Request-Id")) != 20 {
			t.Errorf("%s: no request ID", tt.path)
		}
	}
	var access int
	for _, e := range logs.All() {
		if e.Message == "request" {
			access++
		}
	}
	if access != len(tests) {
		t.Fatalf("%d access entries for %d requests", access, len(tests))
	}
}

// noRedirect is a client that shows a redirect instead of following it.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// TestStaticBadPaths asks /static for paths that cannot name a file: each
// is answered 400 or 404, none 500, none redirected out of /static, and
// nothing is logged at Error level.
func TestStaticBadPaths(t *testing.T) {
	ts, logs, _ := site(t, Config{LogFormat: "json"})
	for _, path := range []string{
		"/static/%ff", "/static/%FF", "/static/..%2f", "/static/..%2F", "/static/%00", "/static/README.txt%00",
		"/static/%c0%ae%c0%ae/", "/static/%2e%2e/main.go", "/static/a%2fb", "/static/%ff/README.txt", "/static/..",
		"/static/%2e%2e%2fmain.go", "/static/%e2%82", "/static/no-such-file",
	} {
		res, err := noRedirect.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 400 && res.StatusCode != 404 {
			t.Errorf("%s: %d %q, Location %q; want 400 or 404", path, res.StatusCode, b, res.Header.Get("Location"))
		}
	}
	for _, e := range logs.All() {
		if e.Level >= zapcore.ErrorLevel {
			t.Errorf("logged at %v: %s %v", e.Level, e.Message, e.ContextMap())
		}
	}
	if res, body := get(t, ts, "/static/README.txt", nil); res.StatusCode != 200 || !strings.Contains(body, "Alias /static") {
		t.Errorf("/static/README.txt: %d %q", res.StatusCode, body)
	}
}

// TestStaticRedirectsToItsDirectory: /static is a directory, so it
// redirects to /static/ (query kept) for the listing's links to resolve.
func TestStaticRedirectsToItsDirectory(t *testing.T) {
	ts, _, _ := site(t, Config{LogFormat: "json"})
	for path, want := range map[string]string{"/static": "/static/", "/static?sort=name": "/static/?sort=name"} {
		res, err := noRedirect.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != want {
			t.Errorf("%s: %d Location %q; want 301 %q", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	if res, body := get(t, ts, "/static", nil); res.StatusCode != 200 || res.Request.URL.Path != "/static/" || !strings.Contains(body, `<a href="README.txt">`) {
		t.Errorf("/static followed: %d at %s %q", res.StatusCode, res.Request.URL.Path, body)
	}
}

// TestIndexLinksToTheListenersPort: the doc.localhost link carries the port
// the site listens on, whatever port the Host header names.
func TestIndexLinksToTheListenersPort(t *testing.T) {
	ts, _, _ := site(t, Config{LogFormat: "json"})
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())
	want := `<a href="http://doc.localhost:` + port + `/">doc.localhost</a>`
	for _, host := range []string{"", "localhost:9999", "127.0.0.1"} {
		hdr := map[string]string{}
		if host != "" {
			hdr["Host"] = host
		}
		res, body := get(t, ts, "/", hdr)
		if res.StatusCode != 200 || !strings.Contains(body, want) || strings.Contains(body, "8081") {
			t.Errorf("Host %q: %d, want %s in\n%s", host, res.StatusCode, want, body)
		}
	}
}

func TestStreamRoute(t *testing.T) {
	apps.StreamInterval = 30 * time.Millisecond
	ts, _, _ := site(t, Config{LogFormat: "json"})
	res, err := http.Get(ts.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	first, _ := br.ReadString('\n')
	t0 := time.Now()
	var last string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			break
		}
		last = line
	}
	if first != "chunk 1 of 10\n" || last != "chunk 10 of 10\n" || time.Since(t0) < 9*30*time.Millisecond {
		t.Fatalf("first %q last %q after %v: chunks came together", first, last, time.Since(t0))
	}
}

// TestStreamOutlivesWriteTimeout serves the site with a WriteTimeout a
// third of the stream's length: /stream still arrives whole, because the
// route extends its own write deadline.
func TestStreamOutlivesWriteTimeout(t *testing.T) {
	apps.StreamInterval = 30 * time.Millisecond
	h, err := Site(Config{LogFormat: "json"}, Logs{Error: zap.NewNop(), Access: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(h)
	ts.Config.WriteTimeout = 100 * time.Millisecond
	ts.Start()
	defer ts.Close()
	res, err := ts.Client().Get(ts.URL + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 || strings.Count(string(b), "chunk ") != 10 || !strings.HasSuffix(string(b), "chunk 10 of 10\n") {
		t.Fatalf("%d %q, %v: want all ten chunks", res.StatusCode, b, err)
	}
}

func TestDebugFlagServesTracebacks(t *testing.T) {
	ts, _, _ := site(t, Config{LogFormat: "console", Debug: true})
	res, body := get(t, ts, "/panic?account=42", map[string]string{"Accept": "text/html", "Host": "localhost"})
	if res.StatusCode != 500 || !strings.Contains(body, "ledger: balance does not add up") || res.Header.Get("Server-Timing") == "" {
		t.Fatalf("%d Server-Timing %q", res.StatusCode, res.Header.Get("Server-Timing"))
	}
}

func TestCombinedLogFormat(t *testing.T) {
	ts, _, access := site(t, Config{LogFormat: "combined"})
	get(t, ts, "/rest/custompath", map[string]string{"User-Agent": "curl/8", "Referer": "http://x/"})
	line := access.String()
	if !strings.HasPrefix(line, "127.0.0.1 - - [") || !strings.Contains(line, `] "GET /rest/custompath HTTP/1.1" 200 56 "http://x/" "curl/8"`+"\n") {
		t.Fatalf("combined line %q", line)
	}
}

// TestProxyCounts: each count believes its own header, from that many
// proxies, and no other; with Forwarded, the X-Forwarded-* headers are
// ignored and the other way round.
func TestProxyCounts(t *testing.T) {
	xf := map[string]string{
		"X-Forwarded-For": "6.6.6.6, 203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "example.org",
		"X-Forwarded-Port": "8443", "X-Forwarded-Prefix": "/app",
		"Forwarded": `for=6.6.6.6;proto=http, for=198.51.100.7;proto=https;host=fwd.example`,
	}
	none := "REMOTE_ADDR = 127.0.0.1\nwsgi.url_scheme = http\nSERVER_NAME = 127.0.0.1\n"
	tests := []struct {
		proxy environ.ProxyConfig
		want  string
	}{
		{environ.ProxyConfig{}, none},
		{environ.ProxyConfig{For: 1}, "REMOTE_ADDR = 203.0.113.9\nwsgi.url_scheme = http\nSERVER_NAME = 127.0.0.1\n"},
		{environ.ProxyConfig{For: 2}, "REMOTE_ADDR = 6.6.6.6\n"},
		{environ.ProxyConfig{Proto: 1}, "REMOTE_ADDR = 127.0.0.1\nwsgi.url_scheme = https\nSERVER_NAME = 127.0.0.1\n"},
		{environ.ProxyConfig{Host: 1}, "REMOTE_ADDR = 127.0.0.1\nwsgi.url_scheme = http\nSERVER_NAME = example.org\nSERVER_PORT = 80\nSCRIPT_NAME = /env\n"},
		{environ.ProxyConfig{Host: 1, Port: 1}, "SERVER_NAME = example.org\nSERVER_PORT = 8443\nSCRIPT_NAME = /env\n"},
		{environ.ProxyConfig{Prefix: 1}, "SERVER_NAME = 127.0.0.1\nSERVER_PORT = "},
		{environ.ProxyConfig{Prefix: 1}, "SCRIPT_NAME = /app/env\n"},
		{environ.ProxyConfig{For: 1, Proto: 1, Host: 1}, "REMOTE_ADDR = 203.0.113.9\nwsgi.url_scheme = https\nSERVER_NAME = example.org\nSERVER_PORT = 443\nSCRIPT_NAME = /env\n"},
		{environ.ProxyConfig{Headers: environ.Forwarded, For: 1, Proto: 1, Host: 1}, "REMOTE_ADDR = 198.51.100.7\nwsgi.url_scheme = https\nSERVER_NAME = fwd.example\nSERVER_PORT = 443\nSCRIPT_NAME = /env\n"},
		{environ.ProxyConfig{Headers: environ.Forwarded, For: 2, Proto: 2}, "REMOTE_ADDR = 6.6.6.6\nwsgi.url_scheme = http\nSERVER_NAME = 127.0.0.1\n"},
	}
	for _, tt := range tests {
		ts, _, _ := site(t, Config{LogFormat: "json", Proxy: tt.proxy})
		res, body := get(t, ts, "/env", xf)
		if res.StatusCode != 200 || !strings.Contains(body, tt.want) {
			t.Errorf("%+v: %d %q; want %q", tt.proxy, res.StatusCode, body, tt.want)
		}
	}
}

// TestTrustedPeersFlag: with -debug behind a proxy on this machine
// (-proxy-for 1), a client the proxy saw on loopback gets the traceback
// only when -trusted-peers names the proxy; without it, any client that
// reaches the port could send X-Forwarded-For: 127.0.0.1.
func TestTrustedPeersFlag(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		xff   string
		trace bool
	}{
		{[]string{"-debug", "-proxy-for", "1"}, "127.0.0.1", false},
		{[]string{"-debug", "-proxy-for", "1", "-trusted-peers", "127.0.0.1/32,::1"}, "127.0.0.1", true},
		{[]string{"-debug", "-proxy-for", "1", "-trusted-peers", "127.0.0.1/32,::1"}, "203.0.113.9", false},
		{[]string{"-debug", "-proxy-for", "1", "-trusted-peers", "192.0.2.0/24"}, "127.0.0.1", false},
	} {
		var stderr bytes.Buffer
		_, cfg, err := parseFlags(tc.args, &stderr)
		if err != nil {
			t.Fatalf("%v: %v %s", tc.args, err, stderr.String())
		}
		ts, _, _ := site(t, cfg)
		res, body := get(t, ts, "/panic?account=42", map[string]string{"Accept": "text/html", "Host": "localhost", "X-Forwarded-For": tc.xff})
		if got := strings.Contains(body, "ledger: balance does not add up"); res.StatusCode != 500 || got != tc.trace {
			t.Errorf("%v, X-Forwarded-For %s: status %d, traceback shown = %v, want 500 and %v", tc.args, tc.xff, res.StatusCode, got, tc.trace)
		}
	}
}

// TestParseFlags: the -proxy-* flags fill Config.Proxy one count each, and
// -trusted-proxies N stands for -proxy-for, -proxy-proto and -proxy-host N.
func TestParseFlags(t *testing.T) {
	tests := []struct {
		args []string
		want environ.ProxyConfig
	}{
		{nil, environ.ProxyConfig{}},
		{[]string{"-proxy-for", "2"}, environ.ProxyConfig{For: 2}},
		{[]string{"-proxy-for", "1", "-proxy-proto", "2", "-proxy-host", "3", "-proxy-port", "4", "-proxy-prefix", "5"}, environ.ProxyConfig{For: 1, Proto: 2, Host: 3, Port: 4, Prefix: 5}},
		{[]string{"-proxy-headers", "forwarded", "-proxy-for", "1", "-proxy-host", "1"}, environ.ProxyConfig{Headers: environ.Forwarded, For: 1, Host: 1}},
		{[]string{"-proxy-headers", "X-Forwarded", "-proxy-proto", "1"}, environ.ProxyConfig{Proto: 1}},
		{[]string{"-trusted-proxies", "1"}, environ.ProxyConfig{For: 1, Proto: 1, Host: 1}},
		{[]string{"-trusted-proxies", "0"}, environ.ProxyConfig{}},
		{[]string{"-trusted-proxies", "2", "-proxy-port", "1"}, environ.ProxyConfig{For: 2, Proto: 2, Host: 2, Port: 1}},
		{[]string{"-proxy-proto", "0", "-trusted-proxies", "2"}, environ.ProxyConfig{For: 2, Host: 2}},
		{[]string{"-proxy-for", "1", "-trusted-peers", "127.0.0.1/32,::1"}, environ.ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.1/32", "::1/128"}}},
		{[]string{"-trusted-proxies", "1", "-trusted-peers", "10.0.0.0/8", "-trusted-peers", " 192.0.2.7 "}, environ.ProxyConfig{For: 1, Proto: 1, Host: 1, TrustedPeers: []string{"10.0.0.0/8", "192.0.2.7/32"}}},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		_, cfg, err := parseFlags(tt.args, &stderr)
		if err != nil || !reflect.DeepEqual(cfg.Proxy, tt.want) {
			t.Errorf("%v: %+v, %v %s; want %+v", tt.args, cfg.Proxy, err, stderr.String(), tt.want)
		}
	}
}

func TestBadConfig(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want string
	}{
		{Config{LogFormat: "xml"}, `site: -log-format "xml": want json, console or combined`},
		{Config{LogFormat: "json", Proxy: environ.ProxyConfig{For: -1}}, "site: -proxy-for -1: want 0 or more"},
		{Config{LogFormat: "json", Proxy: environ.ProxyConfig{Prefix: -2}}, "site: -proxy-prefix -2: want 0 or more"},
		{Config{LogFormat: "json", Proxy: environ.ProxyConfig{Headers: 7}}, "site: -proxy-headers 7: want x-forwarded or forwarded"},
		{Config{LogFormat: "json", Proxy: environ.ProxyConfig{Headers: environ.Forwarded, Port: 1}}, "site: -proxy-port 1: Forwarded has no port; want 0, or -proxy-headers x-forwarded"},
		{Config{LogFormat: "json", Proxy: environ.ProxyConfig{For: 1, TrustedPeers: []string{"10.0.0.0/33"}}}, `environ: proxy: trusted peer "10.0.0.0/33": not a CIDR`},
	} {
		if _, err := Site(tt.cfg, Logs{Error: zap.NewNop(), Access: io.Discard}); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%+v: %v; want %q", tt.cfg, err, tt.want)
		}
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"-h"}, 0, "-trusted-proxies int"},
		{[]string{"-h"}, 0, "-proxy-for int"},
		{[]string{"-h"}, 0, "-trusted-peers addresses"},
		{[]string{"-trusted-peers", "127.0.0.1/33"}, 2, `invalid value "127.0.0.1/33" for flag -trusted-peers: "127.0.0.1/33": want a CIDR or an IP address`},
		{[]string{"-proxy-for", "1", "-trusted-peers", "localhost"}, 2, `invalid value "localhost" for flag -trusted-peers`},
		{[]string{"-trusted-peers", "127.0.0.1"}, 2, "site: -trusted-peers: no -proxy-* count given"},
		{[]string{"-h"}, 0, "-proxy-headers x-forwarded\n    \tforwarding headers to believe: x-forwarded (X-Forwarded-*) or forwarded (RFC 7239's Forwarded) (default x-forwarded)"},
		{[]string{"-log-format", "xml"}, 2, `site: -log-format "xml": want json, console or combined`},
		{[]string{"-trusted-proxies", "-3"}, 2, "site: -trusted-proxies -3: want 0 or more"},
		{[]string{"-trusted-proxies", "many"}, 2, `invalid value "many" for flag -trusted-proxies`},
		{[]string{"-proxy-for", "-1"}, 2, "site: -proxy-for -1: want 0 or more"},
		{[]string{"-proxy-proto", "-1"}, 2, "site: -proxy-proto -1: want 0 or more"},
		{[]string{"-proxy-host", "-1"}, 2, "site: -proxy-host -1: want 0 or more"},
		{[]string{"-proxy-port", "-1"}, 2, "site: -proxy-port -1: want 0 or more"},
		{[]string{"-proxy-prefix", "-1"}, 2, "site: -proxy-prefix -1: want 0 or more"},
		{[]string{"-trusted-proxies", "1", "-proxy-host", "-1"}, 2, "site: -proxy-host -1: want 0 or more"},
		{[]string{"-proxy-for", "two"}, 2, `invalid value "two" for flag -proxy-for`},
		{[]string{"-proxy-headers", "x-real-ip"}, 2, `invalid value "x-real-ip" for flag -proxy-headers: want x-forwarded or forwarded`},
		{[]string{"-proxy-headers", "forwarded", "-proxy-prefix", "1"}, 2, "site: -proxy-prefix 1: Forwarded has no prefix"},
		{[]string{"-nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"-addr", "nonsense"}, 2, `invalid value "nonsense" for flag -addr: want host:port`},
		{[]string{"-addr", "1.2.3.4:99999"}, 2, `invalid value "1.2.3.4:99999" for flag -addr: port "99999": want 0 to 65535`},
		{[]string{"-addr", "127.0.0.1:99999"}, 2, `invalid value "127.0.0.1:99999" for flag -addr`},
		{[]string{"-addr", "192.0.2.1:8081"}, 1, "site: listen tcp 192.0.2.1:8081: bind:"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if got := run(tt.args, &stdout, &stderr); got != tt.status || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, got, stderr.String(), tt.status, tt.stderr)
		}
	}
}
