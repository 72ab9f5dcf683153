package wsgo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/internal/wsgotest"
)

// TestDevelopmentTracebackOnlyForLocalClients runs the traceback rule
// through the development preset, alone and BehindProxy without
// TrustedPeers, over a real server on loopback: a forwarding header that no
// proxy layer outside recover resolved means a proxy stands between, and an
// address resolved from a header any client can send is not local: no
// traceback is shown.
func TestDevelopmentTracebackOnlyForLocalClients(t *testing.T) {
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret panic text") })
	cases := []struct {
		name          string
		host          string
		header        map[string]string
		plain, behind bool // traceback shown by Development(log) and by Development(log, BehindProxy(...))
	}{
		{"local", "", nil, true, false},
		{"X-Forwarded-For remote", "", map[string]string{"X-Forwarded-For": "6.6.6.6"}, false, false},
		{"X-Forwarded-For loopback", "", map[string]string{"X-Forwarded-For": "127.0.0.1"}, false, false},
		{"Forwarded", "", map[string]string{"Forwarded": "for=6.6.6.6"}, false, false},
		{"X-Real-IP", "", map[string]string{"X-Real-Ip": "6.6.6.6"}, false, false},
		{"X-Forwarded-Host", "", map[string]string{"X-Forwarded-Host": "localhost"}, false, false},
		{"spoofed Host", "evil.example", nil, false, false},
		{"Host: localhost from a remote client through Apache", "localhost", map[string]string{"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "localhost"}, false, false},
	}
	// "local" BehindProxy: the proxy layer believes X-Forwarded-For only, and
	// a request without it resolves nothing, but carries no forwarding header
	// either: it is local.
	cases[0].behind = true
	proxy := environ.ProxyConfig{Headers: environ.XForwarded, For: 1}
	for _, preset := range []struct {
		name   string
		h      http.Handler
		behind bool
	}{
		{"Development", Development(zap.NewNop()).Then(boom), false},
		{"Development BehindProxy", Development(zap.NewNop(), BehindProxy(proxy)).Then(boom), true},
	} {
		ts := httptest.NewServer(preset.h)
		for _, tc := range cases {
			req, _ := http.NewRequest("GET", ts.URL+"/", nil)
			if tc.host != "" {
				req.Host = tc.host
			}
			req.Header.Set("Accept", "text/html")
			for k, v := range tc.header {
				req.Header[k] = []string{v}
			}
			res, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			want := tc.plain
			if preset.behind {
				want = tc.behind
			}
			if got := strings.Contains(string(b), "secret panic text"); got != want || res.StatusCode != 500 {
				t.Errorf("%s / %s: status %d, traceback shown = %v, want 500 and %v", preset.name, tc.name, res.StatusCode, got, want)
			}
		}
		ts.Close()
	}
}

func TestBehindProxyIsOutermostAndChecked(t *testing.T) {
	c := Production(zap.NewNop(), BehindProxy(environ.ProxyConfig{For: 1}))
	if got := c.String(); got != "proxy > requestid > access > recover > environ > app" {
		t.Fatalf("onion: %s", got)
	}
	defer func() {
		v := recover()
		if err, _ := v.(error); err == nil || !strings.Contains(err.Error(), "environ: proxy: For = -1") {
			t.Fatalf("a negative count panicked with %v, want environ.Proxy's error", v)
		}
	}()
	Production(zap.NewNop(), BehindProxy(environ.ProxyConfig{For: -1}))
}

// TestBehindProxyTrustedPeers: with BehindProxy, a client address taken
// from X-Forwarded-For opens the traceback only when TrustedPeers limits who
// may send the header. Without them, a client that reaches the port directly
// (or through a proxy that sends only X-Real-IP, as nginx may) and sends
// X-Forwarded-For: 127.0.0.1 gets the production page.
func TestBehindProxyTrustedPeers(t *testing.T) {
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret panic text") })
	open := environ.ProxyConfig{For: 1}
	limited := environ.ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.1/32", "::1/128"}}
	elsewhere := environ.ProxyConfig{For: 1, TrustedPeers: []string{"192.0.2.0/24"}}
	for _, tc := range []struct {
		name   string
		cfg    environ.ProxyConfig
		header map[string]string
		trace  bool
	}{
		{"no TrustedPeers, no header", open, nil, true},
		{"no TrustedPeers, X-Forwarded-For: 127.0.0.1", open, map[string]string{"X-Forwarded-For": "127.0.0.1"}, false},
		{"no TrustedPeers, X-Forwarded-For: 127.0.0.1 and X-Real-IP", open, map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"}, false},
		{"TrustedPeers, X-Forwarded-For: 127.0.0.1", limited, map[string]string{"X-Forwarded-For": "127.0.0.1"}, true},
		{"TrustedPeers, X-Forwarded-For: remote", limited, map[string]string{"X-Forwarded-For": "203.0.113.9"}, false},
		{"TrustedPeers, a client's forged entry before the proxy's", limited, map[string]string{"X-Forwarded-For": "127.0.0.1, 203.0.113.9"}, false},
		{"TrustedPeers, X-Real-IP only", limited, map[string]string{"X-Real-IP": "127.0.0.1"}, false},
		{"TrustedPeers elsewhere, X-Forwarded-For: 127.0.0.1", elsewhere, map[string]string{"X-Forwarded-For": "127.0.0.1"}, false},
	} {
		ts := httptest.NewServer(Development(zap.NewNop(), BehindProxy(tc.cfg)).Then(boom))
		status, got := getTraceback(t, ts.URL, "localhost", tc.header)
		if status != 500 || got != tc.trace {
			t.Errorf("%s: status %d, traceback shown = %v, want 500 and %v", tc.name, status, got, tc.trace)
		}
		ts.Close()
	}
}

// getTraceback asks url for a page as a browser would and says whether it
// got a traceback.
func getTraceback(t *testing.T, url, host string, header map[string]string) (int, bool) {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/", nil)
	req.Host = host
	req.Header.Set("Accept", "text/html")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, strings.Contains(string(b), "secret panic text")
}

// TestDevelopmentInnerLayersCannotOpenTheTraceback: chi's RealIP, or a layer
// that deletes X-Forwarded-* in place, placed inside the development preset
// (appended, or inserted after the recover layer) does not change who sees a
// traceback: a remote peer that sends True-Client-IP: 127.0.0.1 and Host:
// localhost, or a remote client proxied by a proxy on this machine, gets the
// production page. chi's RealIP outside the preset leaves its headers, which
// say a proxy stands between.
func TestDevelopmentInnerLayersCannotOpenTheTraceback(t *testing.T) {
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret panic text") })
	stacks := func(layer func(http.Handler) http.Handler) map[string]http.Handler {
		return map[string]http.Handler{
			"Development.Append":               Development(zap.NewNop()).Append(layer).Then(boom),
			"Development after recover":        Development(zap.NewNop()).InsertAfter(LayerRecover, chain.Named("layer", layer)).Then(boom),
			"Development BehindProxy.Append":   Development(zap.NewNop(), BehindProxy(environ.ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.1/32"}})).Append(layer).Then(boom),
			"layer outside Development":        layer(Development(zap.NewNop()).Then(boom)),
			"layer outside Development, peers": layer(Development(zap.NewNop(), BehindProxy(environ.ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.1/32"}})).Then(boom)),
		}
	}
	for _, tc := range []struct {
		name   string
		layer  func(http.Handler) http.Handler
		remote string
		header map[string]string
	}{
		{"RealIP, remote peer, True-Client-IP", wsgotest.RealIP, "203.0.113.9:1234", map[string]string{"True-Client-IP": "127.0.0.1"}},
		{"RealIP, remote peer, X-Forwarded-For", wsgotest.RealIP, "203.0.113.9:1234", map[string]string{"X-Forwarded-For": "127.0.0.1"}},
		{"X-Forwarded-* dropped, remote client through a proxy here", wsgotest.DropForwarded, "127.0.0.1:5555", map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}},
	} {
		for name, h := range stacks(tc.layer) {
			if strings.HasPrefix(name, "layer outside") && tc.name[0] == 'X' {
				continue // deleting the headers before the preset sees them is the proxy's own business
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr, r.Host = tc.remote, "localhost"
			r.Header.Set("Accept", "text/html")
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if got := strings.Contains(rec.Body.String(), "secret panic text"); rec.Code != 500 || got {
				t.Errorf("%s / %s: status %d, traceback shown = %v, want 500 and none", tc.name, name, rec.Code, got)
			}
		}
	}
	// Over a real server: a proxy on this machine (the test client) forwards
	// a remote client; the layer inside deletes X-Forwarded-For in place.
	ts := httptest.NewServer(Development(zap.NewNop()).Append(wsgotest.DropForwarded).Then(boom))
	defer ts.Close()
	if status, got := getTraceback(t, ts.URL, "localhost", map[string]string{"X-Forwarded-For": "203.0.113.9"}); status != 500 || got {
		t.Errorf("real server, X-Forwarded-* dropped inside: status %d, traceback shown = %v, want 500 and none", status, got)
	}
	// And the same preset still serves this machine.
	if status, got := getTraceback(t, ts.URL, "localhost", nil); status != 500 || !got {
		t.Errorf("real server, local browser: status %d, traceback shown = %v, want 500 and a traceback", status, got)
	}
}
