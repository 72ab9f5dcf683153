package recover

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/mw"
)

// spoofLocal is an inner layer that does what the old trust check believed:
// it attaches an Environ whose REMOTE_ADDR says loopback. A value an inner
// layer puts in the Scope must never open the traceback.
func spoofLocal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r, e := environ.Attach(r)
		e.SetRemote("127.0.0.1", "1")
		next.ServeHTTP(w, r)
	})
}

// TestTracebackRuleOverRealServers serves each stack from IPv4 and IPv6
// loopback and sends each forwarding header, a spoofed Host, and requests a
// proxy layer outside the recover layer resolved; the traceback is shown only
// to a local client that no proxy stands in front of, or whose address a
// proxy layer outside recover resolved to loopback.
func TestTracebackRuleOverRealServers(t *testing.T) {
	logger, _ := observed()
	dev := New(logger, Tracebacks())
	proxy := environ.MustProxy(environ.ProxyConfig{Headers: environ.XForwarded, For: 1})
	app := http.HandlerFunc(boom)
	stacks := []struct {
		name string
		h    http.Handler
		// proxied: a proxy layer outside recover resolves X-Forwarded-For
		proxied bool
	}{
		{"recover alone", dev(app), false},
		{"recover > environ", dev(environ.Layer()(app)), false},
		{"requestid > recover > environ", mw.RequestID()(dev(environ.Layer()(app))), false},
		{"recover > spoofing inner layer", dev(spoofLocal(app)), false},
		{"recover > proxy (inner, does not count)", dev(proxy(environ.Layer()(app))), false},
		{"proxy > recover > environ", proxy(dev(environ.Layer()(app))), true},
		{"proxy > requestid > recover", proxy(mw.RequestID()(dev(app))), true},
	}
	cases := []struct {
		name   string
		host   string // "" keeps the server's address
		header map[string]string
		trace  bool // for a stack without a proxy layer outside recover
		viaPx  bool // for a stack with one: a header it does not resolve still counts
	}{
		{"plain local request", "", nil, true, true},
		{"localhost name", "localhost", nil, true, true},
		{"X-Forwarded-For", "", map[string]string{"X-Forwarded-For": "6.6.6.6"}, false, false},
		{"X-Forwarded-For claims loopback", "", map[string]string{"X-Forwarded-For": "127.0.0.1"}, false, true},
		{"empty X-Forwarded-For", "", map[string]string{"X-Forwarded-For": ""}, false, false},
		{"Forwarded", "", map[string]string{"Forwarded": "for=6.6.6.6"}, false, false},
		{"Forwarded and X-Forwarded-For", "", map[string]string{"Forwarded": "for=127.0.0.1", "X-Forwarded-For": "6.6.6.6"}, false, false},
		{"X-Real-IP", "", map[string]string{"X-Real-Ip": "6.6.6.6"}, false, false},
		{"X-Forwarded-Host", "", map[string]string{"X-Forwarded-Host": "evil.example"}, false, false},
		{"spoofed Host", "evil.example", nil, false, false},
		{"spoofed Host with a port", "evil.example:80", nil, false, false},
		{"spoofed Host through a proxy", "evil.example", map[string]string{"X-Forwarded-For": "127.0.0.1"}, false, false},
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
					req.Header[k] = []string{v}
				}
				res, err := ts.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				want := tc.trace
				if st.proxied {
					want = tc.viaPx
				}
				if res.StatusCode != http.StatusInternalServerError {
					t.Errorf("%s / %s / %s: status %d, want 500", loop, st.name, tc.name, res.StatusCode)
				}
				if got := strings.Contains(string(b), "secret panic text"); got != want {
					t.Errorf("%s / %s / %s: traceback shown = %v, want %v", loop, st.name, tc.name, got, want)
				}
			}
			ts.Close()
		}
	}
}
