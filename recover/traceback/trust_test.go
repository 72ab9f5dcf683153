package traceback

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
)

// spoofLocal is an inner layer that does what the old trust check believed:
// it hands inward a request, and an Environ, whose client is loopback. What
// an inner layer puts in the request or its state must never open the
// traceback.
func spoofLocal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.WithContext(r.Context())
		r2.RemoteAddr = "127.0.0.1:1"
		r2, _ = environ.Attach(r2)
		next.ServeHTTP(w, r2)
	})
}

// TestTracebackRuleOverRealServers serves each stack from IPv4 and IPv6
// loopback and sends each header by which a proxy names the client or says
// it is there, a spoofed Host, and requests a proxy layer outside the
// recover layer resolved; the traceback is shown only to a local client
// that no proxy stands in front of, or whose address a proxy layer outside
// recover resolved to loopback from headers it believes from its
// TrustedPeers only.
func TestTracebackRuleOverRealServers(t *testing.T) {
	logger, _ := observed()
	dev := devLayer(logger)
	proxy := environ.MustProxy(environ.ProxyConfig{Headers: environ.XForwarded, For: 1})
	peers := environ.MustProxy(environ.ProxyConfig{Headers: environ.XForwarded, For: 1, TrustedPeers: []string{"127.0.0.0/8", "::1/128"}})
	app := http.HandlerFunc(boom)
	const (
		none    = iota // no proxy layer outside recover
		open           // one without TrustedPeers resolves X-Forwarded-For
		limited        // one with TrustedPeers (this machine) resolves it
	)
	stacks := []struct {
		name  string
		h     http.Handler
		proxy int
	}{
		{"recover alone", dev(app), none},
		{"recover > environ", dev(environ.Middleware()(app)), none},
		{"requestid > recover > environ", mw.RequestID()(dev(environ.Middleware()(app))), none},
		{"recover > spoofing inner layer", dev(spoofLocal(app)), none},
		{"recover > proxy (inner, does not count)", dev(proxy(environ.Middleware()(app))), none},
		{"recover > proxy with peers (inner, does not count)", dev(peers(environ.Middleware()(app))), none},
		{"proxy > recover > environ", proxy(dev(environ.Middleware()(app))), open},
		{"proxy > requestid > recover", proxy(mw.RequestID()(dev(app))), open},
		{"proxy with peers > recover > environ", peers(dev(environ.Middleware()(app))), limited},
		{"proxy with peers > requestid > recover", peers(mw.RequestID()(dev(app))), limited},
	}
	cases := []struct {
		name   string
		host   string // "" keeps the server's address
		header map[string]string
		trace  [3]bool // by the stack's proxy: none, open, limited
	}{
		{"plain local request", "", nil, [3]bool{true, true, true}},
		{"localhost name", "localhost", nil, [3]bool{true, true, true}},
		{"X-Forwarded-For", "", map[string]string{"X-Forwarded-For": "6.6.6.6"}, [3]bool{}},
		{"X-Forwarded-For claims loopback", "", map[string]string{"X-Forwarded-For": "127.0.0.1"}, [3]bool{false, false, true}},
		{"empty X-Forwarded-For", "", map[string]string{"X-Forwarded-For": ""}, [3]bool{}},
		{"Forwarded", "", map[string]string{"Forwarded": "for=6.6.6.6"}, [3]bool{}},
		{"Forwarded and X-Forwarded-For", "", map[string]string{"Forwarded": "for=127.0.0.1", "X-Forwarded-For": "6.6.6.6"}, [3]bool{}},
		{"X-Real-IP", "", map[string]string{"X-Real-Ip": "6.6.6.6"}, [3]bool{}},
		{"X-Forwarded-Host", "", map[string]string{"X-Forwarded-Host": "evil.example"}, [3]bool{}},
		{"spoofed Host", "evil.example", nil, [3]bool{}},
		{"spoofed Host with a port", "evil.example:80", nil, [3]bool{}},
		{"spoofed Host through a proxy", "evil.example", map[string]string{"X-Forwarded-For": "127.0.0.1"}, [3]bool{}},
		{"X-Forwarded-For loopback and True-Client-IP", "", map[string]string{"X-Forwarded-For": "127.0.0.1", "True-Client-Ip": "6.6.6.6"}, [3]bool{false, false, true}},
	}
	// Every header by which a proxy or a CDN names the client or says it is
	// there, alone: a proxy stands between, and only a client address that
	// a proxy layer resolved could make it local (none is sent here).
	for _, h := range []string{
		"X-Forwarded-Server", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Ssl",
		"True-Client-IP", "CF-Connecting-IP", "X-Client-IP", "X-Cluster-Client-IP", "Fastly-Client-IP",
		"Via", "CDN-Loop", "X-Original-Forwarded-For", "X-ProxyUser-Ip", "Forwarded-For", "X-Forwarded",
		"Fly-Client-IP", "X-Appengine-User-Ip", "X-Azure-ClientIP", "X-Envoy-External-Address", "X-Host",
	} {
		cases = append(cases, struct {
			name   string
			host   string
			header map[string]string
			trace  [3]bool
		}{h + " claims loopback", "localhost", map[string]string{h: "127.0.0.1"}, [3]bool{}})
	}
	for _, loop := range []string{"127.0.0.1:0", "[::1]:0"} {
		ln, err := net.Listen("tcp", loop)
		if err != nil {
			t.Logf("%s: %v (no IPv6 loopback here)", loop, err)
			continue
		}
		ln.Close()
		for _, st := range stacks {
			ts := httptest.NewUnstartedServer(st.h)
			ts.Listener.Close()
			ts.Listener, err = net.Listen("tcp", loop)
			if err != nil {
				t.Fatal(err)
			}
			ts.Start()
			for _, tc := range cases {
				req, _ := http.NewRequest("GET", ts.URL+"/", nil)
				if tc.host != "" {
					req.Host = tc.host
				}
				for k, v := range tc.header {
					req.Header.Set(k, v)
				}
				status, got := fetchTraceback(t, ts, req)
				if want := tc.trace[st.proxy]; status != http.StatusInternalServerError || got != want {
					t.Errorf("%s / %s / %s: status %d, traceback shown = %v, want 500 and %v", loop, st.name, tc.name, status, got, want)
				}
			}
			ts.Close()
		}
	}
}

// fetchTraceback sends req to ts and says whether the answer is a traceback.
func fetchTraceback(t *testing.T, ts *httptest.Server, req *http.Request) (int, bool) {
	t.Helper()
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, strings.Contains(string(b), "secret panic text")
}

// localHost sets r.Host to localhost, in place.
func localHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Host = "localhost"
		next.ServeHTTP(w, r)
	})
}

// TestTracebackDecidedOnEntry: the rule reads the request as the recover
// layer received it; an inner layer that rewrites RemoteAddr (chi's RealIP),
// deletes X-Forwarded-* or rewrites Host in place does not change the
// answer, wherever it sits inside. chi's RealIP outside recover leaves its
// headers, which say a proxy stands between.
func TestTracebackDecidedOnEntry(t *testing.T) {
	logger, _ := observed()
	dev := devLayer(logger)
	peers := environ.MustProxy(environ.ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.0/8"}})
	app := http.HandlerFunc(boom)
	inside := func(inner func(http.Handler) http.Handler) map[string]http.Handler {
		return map[string]http.Handler{
			"recover > layer":                       dev(inner(app)),
			"recover > environ > layer":             dev(environ.Middleware()(inner(app))),
			"requestid > recover > environ > layer": mw.RequestID()(dev(environ.Middleware()(inner(app)))),
			"recover > requestid > layer":           dev(mw.RequestID()(inner(app))),
		}
	}
	tests := []struct {
		name   string
		stacks map[string]http.Handler
		remote string
		host   string
		header map[string]string
	}{
		{"RealIP inside, remote peer, True-Client-IP", inside(wsgotest.RealIP), "203.0.113.9:1234", "localhost", map[string]string{"True-Client-IP": "127.0.0.1"}},
		{"RealIP inside, remote peer, X-Real-IP", inside(wsgotest.RealIP), "203.0.113.9:1234", "localhost", map[string]string{"X-Real-IP": "127.0.0.1"}},
		{"RealIP inside, remote peer, X-Forwarded-For", inside(wsgotest.RealIP), "203.0.113.9:1234", "localhost", map[string]string{"X-Forwarded-For": "127.0.0.1"}},
		{"X-Forwarded-* dropped inside, proxied remote client", inside(wsgotest.DropForwarded), "127.0.0.1:5555", "localhost", map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "localhost"}},
		{"Host rewritten inside, DNS rebinding", inside(localHost), "127.0.0.1:5555", "evil.example", nil},
		{"RealIP outside, remote peer, True-Client-IP", map[string]http.Handler{"RealIP > recover": wsgotest.RealIP(dev(app))}, "203.0.113.9:1234", "localhost", map[string]string{"True-Client-IP": "127.0.0.1"}},
		// RealIP outside a proxy layer forges the very peer address its
		// TrustedPeers check: an address without a port limits nothing.
		{"RealIP outside a proxy with peers, remote peer, X-Forwarded-For", map[string]http.Handler{"RealIP > proxy > recover": wsgotest.RealIP(peers(dev(app)))}, "203.0.113.9:1234", "localhost", map[string]string{"X-Forwarded-For": "127.0.0.1"}},
	}
	for _, tt := range tests {
		for name, h := range tt.stacks {
			r := devRequest("/")
			r.RemoteAddr, r.Host = tt.remote, tt.host
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			rec := serve(h, r)
			if got := strings.Contains(rec.Body.String(), "secret panic text"); rec.Code != 500 || got {
				t.Errorf("%s / %s: status %d, traceback shown = %v, want 500 and none", tt.name, name, rec.Code, got)
			}
		}
	}
}

// TestTracebackDecidedOnEntryOverARealServer: the same over a real server:
// a remote peer (the connection's address, as an outer layer that stands
// for the network gives it) behind chi's RealIP inside, and a proxy on this
// machine whose X-Forwarded-* an inner layer drops.
func TestTracebackDecidedOnEntryOverARealServer(t *testing.T) {
	logger, _ := observed()
	dev := devLayer(logger)
	app := http.HandlerFunc(boom)
	remote := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r2 := *r
			r2.RemoteAddr = "203.0.113.9:1234"
			next.ServeHTTP(w, &r2)
		})
	}
	for _, tc := range []struct {
		name   string
		h      http.Handler
		header map[string]string
	}{
		{"remote peer > recover > RealIP", remote(dev(wsgotest.RealIP(app))), map[string]string{"True-Client-IP": "127.0.0.1"}},
		{"remote peer > recover > environ > RealIP", remote(dev(environ.Middleware()(wsgotest.RealIP(app)))), map[string]string{"X-Forwarded-For": "127.0.0.1"}},
		{"local proxy > recover > drop X-Forwarded-*", dev(wsgotest.DropForwarded(app)), map[string]string{"X-Forwarded-For": "203.0.113.9"}},
		{"local proxy > recover > environ > drop X-Forwarded-*", dev(environ.Middleware()(wsgotest.DropForwarded(app))), map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}},
	} {
		ts := httptest.NewServer(tc.h)
		req, _ := http.NewRequest("GET", ts.URL+"/", nil)
		req.Host = "localhost"
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		if status, got := fetchTraceback(t, ts, req); status != 500 || got {
			t.Errorf("%s: status %d, traceback shown = %v, want 500 and none", tc.name, status, got)
		}
		ts.Close()
	}
}

// TestTracebackLoopbackOnly: a client elsewhere on the LAN (a private or
// link-local address) is not on this machine; every loopback address is.
// A header set under a key net/http would not produce counts as a proxy's.
func TestTracebackLoopbackOnly(t *testing.T) {
	logger, _ := observed()
	h := devLayer(logger)(http.HandlerFunc(boom))
	for _, tc := range []struct {
		remote string
		header map[string]string
		trace  bool
	}{
		{"192.168.1.20:5555", nil, false},
		{"10.0.0.8:5555", nil, false},
		{"172.16.4.2:5555", nil, false},
		{"100.64.0.1:5555", nil, false},
		{"169.254.10.1:5555", nil, false},
		{"[fd00::8]:5555", nil, false},
		{"[fe80::1]:5555", nil, false},
		{"0.0.0.0:5555", nil, false},
		{"127.0.0.1:5555", nil, true},
		{"127.8.9.10:5555", nil, true},
		{"[::1]:5555", nil, true},
		{"[::ffff:127.0.0.1]:5555", nil, true},
		{"127.0.0.1:5555", map[string]string{"x-client-ip": "127.0.0.1"}, false},
		{"127.0.0.1:5555", map[string]string{"via": "1.1 proxy"}, false},
	} {
		r := devRequest("/")
		r.RemoteAddr = tc.remote
		for k, v := range tc.header {
			r.Header[k] = []string{v}
		}
		if got := strings.Contains(serve(h, r).Body.String(), "secret panic text"); got != tc.trace {
			t.Errorf("peer %s %v: traceback shown = %v, want %v", tc.remote, tc.header, got, tc.trace)
		}
	}
}

// TestTrustedHostNames: a name that starts with "." matches its
// subdomains only, at a label boundary; a final dot, a port and case do not
// matter.
func TestTrustedHostNames(t *testing.T) {
	logger, _ := observed()
	for _, tc := range []struct {
		trusted []string // nil: the default
		host    string
		trace   bool
	}{
		{nil, "localhost", true},
		{nil, "localhost.", true},
		{nil, "localhost.:8081", true},
		{nil, "LocalHost.", true},
		{nil, "doc.localhost.", true},
		{nil, "localhost..", false},
		{nil, "evillocalhost", false},
		{nil, "localhost.evil.example.", false},
		{[]string{".test.com"}, "a.test.com", true},
		{[]string{".test.com"}, "A.b.Test.COM.:8080", true},
		{[]string{".test.com"}, "eviltest.com", false},
		{[]string{".test.com"}, "test.com", false},
		{[]string{".test.com"}, "test.com.evil.example", false},
		{[]string{".test.com"}, "a.test.community", false},
		{[]string{"test.com"}, "test.com.", true},
		{[]string{"test.com"}, "a.test.com", false},
	} {
		var opts []Option
		if tc.trusted != nil {
			opts = append(opts, TrustedHosts(tc.trusted...))
		}
		h := devLayer(logger, opts...)(http.HandlerFunc(boom))
		r := devRequest("/")
		r.Host = tc.host
		if got := strings.Contains(serve(h, r).Body.String(), "secret panic text"); got != tc.trace {
			t.Errorf("TrustedHosts(%q), Host %q: traceback shown = %v, want %v", tc.trusted, tc.host, got, tc.trace)
		}
	}
}

// TestTracebackRuleCostsProductionNothing: without Tracebacks the rule is
// never applied, and a request that does not panic allocates nothing more
// behind the recover layer than without it, whatever proxy headers it
// carries; with Tracebacks, a client the rule refuses allocates nothing
// either.
func TestTracebackRuleCostsProductionNothing(t *testing.T) {
	logger, _ := observed()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	r := httptest.NewRequest("GET", "/", nil)
	r.Host = "localhost"
	r.Header.Set("X-Forwarded-For", "127.0.0.1")
	r.Header.Set("True-Client-IP", "127.0.0.1")
	w := httptest.NewRecorder()
	allocs := func(h http.Handler) float64 {
		return testing.AllocsPerRun(100, func() { h.ServeHTTP(w, r) })
	}
	base := allocs(capturing(ok))
	if got := allocs(capturing(wsgorecover.New(logger)(ok))); got != base {
		t.Errorf("production: %v allocations a request, %v without the recover layer", got, base)
	}
	if got := allocs(capturing(devLayer(logger)(ok))); got != base {
		t.Errorf("development, a client refused: %v allocations a request, %v without the recover layer", got, base)
	}
}
