package environ_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/environ"
	wsgorecover "github.com/wsgo/wsgo/recover"
	"github.com/wsgo/wsgo/recover/traceback"
)

// TestProxyRemovalKeepsTheTracebackRule: a Proxy layer removes the
// forwarding headers it does not believe, but a request that came through a
// proxy on this machine must not pass for a local one in the recover layer
// inside it: the removed headers stay nil-valued in the map, and the recover
// layer still sees that a proxy stands between. Only a client address the
// Proxy layer resolved from headers it believes from its TrustedPeers alone
// (and that is loopback) opens the traceback.
func TestProxyRemovalKeepsTheTracebackRule(t *testing.T) {
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret panic text") })
	dev := wsgorecover.New(zap.NewNop(), wsgorecover.Tracebacks(traceback.New(zap.NewNop())))
	tests := []struct {
		name  string
		cfg   environ.ProxyConfig
		hdr   map[string]string
		trace bool
	}{
		{"no forwarding header", environ.ProxyConfig{}, nil, true},
		{"every count zero, X-Forwarded-For", environ.ProxyConfig{}, map[string]string{"X-Forwarded-For": "6.6.6.6"}, false},
		{"every count zero, X-Forwarded-For claims loopback", environ.ProxyConfig{}, map[string]string{"X-Forwarded-For": "127.0.0.1"}, false},
		{"Host believed, X-Forwarded-For not", environ.ProxyConfig{Host: 1}, map[string]string{"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "localhost"}, false},
		{"For believed, X-Real-IP alone", environ.ProxyConfig{For: 1}, map[string]string{"X-Real-Ip": "6.6.6.6"}, false},
		{"X-Forwarded configured, Forwarded sent", environ.Hops(environ.XForwarded, 1), map[string]string{"Forwarded": "for=127.0.0.1"}, false},
		{"peer not trusted", environ.ProxyConfig{For: 1, TrustedPeers: []string{"192.168.0.0/16"}}, map[string]string{"X-Forwarded-For": "127.0.0.1"}, false},
		{"For believed, resolves to a remote client", environ.ProxyConfig{For: 1}, map[string]string{"X-Forwarded-For": "6.6.6.6", "X-Real-Ip": "127.0.0.1"}, false},
		{"For believed without TrustedPeers, resolves to loopback", environ.ProxyConfig{For: 1}, map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Real-Ip": "6.6.6.6"}, false},
		{"For believed from TrustedPeers, resolves to loopback", environ.ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.0/8"}}, map[string]string{"X-Forwarded-For": "127.0.0.1", "X-Real-Ip": "6.6.6.6"}, true},
		{"For believed from TrustedPeers, resolves to a remote client", environ.ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.0/8"}}, map[string]string{"X-Forwarded-For": "127.0.0.1, 6.6.6.6"}, false},
		{"For believed, X-Client-IP alone", environ.ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.0/8"}}, map[string]string{"X-Client-Ip": "127.0.0.1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := environ.MustProxy(tt.cfg)(dev(environ.Middleware()(boom)))
			r := httptest.NewRequest("GET", "/", nil)
			r.Host, r.RemoteAddr = "localhost", "127.0.0.1:40000"
			for k, v := range tt.hdr {
				r.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if got := strings.Contains(rec.Body.String(), "secret panic text"); rec.Code != 500 || got != tt.trace {
				t.Errorf("status %d, traceback shown = %v, want 500 and %v", rec.Code, got, tt.trace)
			}
		})
	}
}
