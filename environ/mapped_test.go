package environ

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestRemoteAddrFoldsIPv4Mapped: a peer address in IPv4-mapped IPv6 form
// (what a dual-stack listener that formats with netip reports for an IPv4
// client) gives REMOTE_ADDR in IPv4 form, as Apache and chi's RealIP give
// it; REMOTE_PORT is kept; other IPv6 addresses are left as they are.
func TestRemoteAddrFoldsIPv4Mapped(t *testing.T) {
	for _, tt := range []struct{ remote, addr, port string }{
		{"[::ffff:1.2.3.4]:5678", "1.2.3.4", "5678"},
		{"[::FFFF:203.0.113.9]:1", "203.0.113.9", "1"},
		{"[::ffff:7f00:1]:80", "127.0.0.1", "80"},
		{"::ffff:1.2.3.4", "1.2.3.4", ""}, // as an address-only RealIP-style layer leaves it
		{"[2001:db8::1]:5678", "2001:db8::1", "5678"},
		{"[::1.2.3.4]:5678", "::1.2.3.4", "5678"},
		{"1.2.3.4:5678", "1.2.3.4", "5678"},
	} {
		var addr, port any
		h := Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			e := From(r)
			addr, _ = e.Get("REMOTE_ADDR")
			port, _ = e.Get("REMOTE_PORT")
		}))
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		h.ServeHTTP(httptest.NewRecorder(), r)
		if addr != tt.addr || port != tt.port {
			t.Errorf("RemoteAddr %q: REMOTE_ADDR %q, REMOTE_PORT %q; want %q, %q", tt.remote, addr, port, tt.addr, tt.port)
		}
	}
}
