package environ

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"testing"

	"github.com/wsgo/wsgo/internal/hostport"
)

type seenEnv struct{ remote, port, scheme, https, name, sport, script, path, host, remoteAddr string }

func throughProxy(t *testing.T, cfg ProxyConfig, peer string, hdr map[string]string) seenEnv {
	t.Helper()
	m, err := Proxy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var s seenEnv
	h := m(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := From(r)
		s = seenEnv{
			e.RemoteAddr(), e.RemotePort(), e.URLScheme(), e.GetString("HTTPS"), e.ServerName(), e.ServerPort(),
			e.ScriptName(), e.PathInfo(), r.Host, r.RemoteAddr,
		}
	}))
	r := httptest.NewRequest("GET", "http://backend:8081/x", nil)
	r.RemoteAddr = peer
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	h.ServeHTTP(httptest.NewRecorder(), r)
	return s
}

func TestProxyCannotBeSpoofedPastTheTrust(t *testing.T) {
	unchanged := seenEnv{"10.0.0.2", "5555", "http", "", "backend", "8081", "", "/x", "backend:8081", "10.0.0.2:5555"}
	tests := []struct {
		name string
		cfg  ProxyConfig
		peer string
		hdr  map[string]string
		want seenEnv
	}{
		{
			"no trusted hops: nothing changes",
			ProxyConfig{},
			"10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"},
			unchanged,
		},
		{
			"one hop: the rightmost value", Hops(XForwarded, 1), "10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "6.6.6.6, 203.0.113.7", "X-Forwarded-Proto": "http, https", "X-Forwarded-Host": "evil.example, www.example.org", "X-Forwarded-Prefix": "/evil, /app"},
			seenEnv{"203.0.113.7", "", "https", "on", "www.example.org", "443", "/app", "/x", "www.example.org", "203.0.113.7:0"},
		},
		{
			"two hops", Hops(XForwarded, 2), "10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "6.6.6.6, 198.51.100.1, 10.0.0.1"},
			seenEnv{"198.51.100.1", "", "http", "", "backend", "8081", "", "/x", "backend:8081", "198.51.100.1:0"},
		},
		{
			"fewer entries than hops: not believed", Hops(XForwarded, 2), "10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "203.0.113.7"},
			unchanged,
		},
		{
			"Forwarded is ignored when X-Forwarded is configured", Hops(XForwarded, 1), "10.0.0.2:5555",
			map[string]string{"Forwarded": "for=6.6.6.6;proto=https;host=evil.example"},
			unchanged,
		},
		{
			"X-Forwarded is ignored when Forwarded is configured", Hops(Forwarded, 1), "10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "https"},
			unchanged,
		},
		{
			"Forwarded, RFC 7239", Hops(Forwarded, 1), "10.0.0.2:5555",
			map[string]string{"Forwarded": `for=6.6.6.6;proto=http, for="[2001:db8::1]:4711";proto=https;host=www.example.org`},
			seenEnv{"2001:db8::1", "4711", "https", "on", "www.example.org", "443", "", "/x", "www.example.org", "[2001:db8::1]:4711"},
		},
		{
			"garbage is ignored", Hops(XForwarded, 1), "10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "not-an-ip", "X-Forwarded-Proto": "javascript", "X-Forwarded-Host": "a b/c", "X-Forwarded-Prefix": "/a/../b", "X-Forwarded-Port": "99999"},
			unchanged,
		},
		{
			"a zoned IPv6 address is ignored", Hops(XForwarded, 1), "10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "fe80::1%eth0"},
			unchanged,
		},
		{
			"a zoned IPv6 address with a port is ignored", Hops(XForwarded, 1), "10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "[fe80::1%25eth0]:80"},
			unchanged,
		},
		{
			"a zoned IPv6 address in Forwarded is ignored", Hops(Forwarded, 1), "10.0.0.2:5555",
			map[string]string{"Forwarded": `for="[fe80::1%eth0]:80"`},
			unchanged,
		},
		{
			"only the counted headers",
			ProxyConfig{For: 1},
			"10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
			seenEnv{"203.0.113.7", "", "http", "", "backend", "8081", "", "/x", "backend:8081", "203.0.113.7:0"},
		},
		{
			"X-Forwarded-Port",
			ProxyConfig{Port: 1},
			"10.0.0.2:5555",
			map[string]string{"X-Forwarded-Port": "8443"},
			seenEnv{"10.0.0.2", "5555", "http", "", "backend", "8443", "", "/x", "backend:8443", "10.0.0.2:5555"},
		},
		{
			"IPv6 peer, trusted CIDR",
			ProxyConfig{For: 1, TrustedPeers: []string{"2001:db8::/32"}},
			"[2001:db8::5]:5555",
			map[string]string{"X-Forwarded-For": "203.0.113.7"},
			seenEnv{"203.0.113.7", "", "http", "", "backend", "8081", "", "/x", "backend:8081", "203.0.113.7:0"},
		},
		{
			"IPv4-mapped IPv6 peer in an IPv4 CIDR",
			ProxyConfig{For: 1, TrustedPeers: []string{"10.0.0.0/8"}},
			"[::ffff:10.0.0.2]:5555",
			map[string]string{"X-Forwarded-For": "203.0.113.7"},
			seenEnv{"203.0.113.7", "", "http", "", "backend", "8081", "", "/x", "backend:8081", "203.0.113.7:0"},
		},
		{
			"peer outside the trusted CIDRs",
			ProxyConfig{For: 1, Proto: 1, TrustedPeers: []string{"192.168.0.0/16"}},
			"10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
			unchanged,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := throughProxy(t, tt.cfg, tt.peer, tt.hdr); got != tt.want {
				t.Fatalf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestProxyConfigErrors(t *testing.T) {
	tests := []struct {
		cfg  ProxyConfig
		want string
	}{
		{ProxyConfig{For: 1, TrustedPeers: []string{"10.0.0.0/33"}}, `environ: proxy: trusted peer "10.0.0.0/33": not a CIDR: netip.ParsePrefix("10.0.0.0/33"): prefix length out of range`},
		{ProxyConfig{For: 1, TrustedPeers: []string{"localhost"}}, `environ: proxy: trusted peer "localhost": not a CIDR: netip.ParsePrefix("localhost"): no '/'`},
		{ProxyConfig{For: -1}, "environ: proxy: For = -1: a count of proxies cannot be negative"},
		{ProxyConfig{Headers: 9, For: 1}, "environ: proxy: unknown headers 9"},
	}
	for _, tt := range tests {
		if _, err := Proxy(tt.cfg); err == nil || err.Error() != tt.want {
			t.Errorf("%+v: %v\nwant %s", tt.cfg, err, tt.want)
		}
	}
}

// FuzzProxyHeaders: whatever the headers say, no panic, and what the
// application sees is the peer's address or a real IP, http or https; r.Host,
// HTTP_HOST and Environ.Request().Host agree, as do r.RemoteAddr and
// REMOTE_ADDR; no header of the kind not configured (Forwarded, X-Real-IP
// with XForwarded; X-Forwarded-* with Forwarded) shows, in r.Header or the
// environ; and the incoming request is never modified.
func FuzzProxyHeaders(f *testing.F) {
	f.Add("203.0.113.7", "https", "www.example.org", "/app", `for="[::1]:80";proto=https`)
	f.Add("a, b, [::ffff:1.2.3.4]:8", "HTTP", "[::1]:8080", "//x", "for=unknown")
	f.Add("", "", "", "", "")
	m := MustProxy(Hops(XForwarded, 1))
	fw := MustProxy(Hops(Forwarded, 1))
	f.Fuzz(func(t *testing.T, xff, proto, host, prefix, forwarded string) {
		for i, h := range []func(http.Handler) http.Handler{m, fw} {
			r := httptest.NewRequest("GET", "/x", nil)
			r.RemoteAddr = "10.0.0.2:5555"
			r.Header["X-Forwarded-For"] = []string{xff}
			r.Header["X-Forwarded-Proto"] = []string{proto}
			r.Header["X-Forwarded-Host"] = []string{host}
			r.Header["X-Forwarded-Prefix"] = []string{prefix}
			r.Header["Forwarded"] = []string{forwarded}
			r.Header["X-Real-Ip"] = []string{xff}
			before := r.Header.Clone()
			xf := i == 0 // m believes X-Forwarded-*, fw Forwarded
			h(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				e := From(r)
				if v, _ := e.Get("HTTP_HOST"); r.Host != "" && (v != r.Host || e.Request().Host != r.Host) {
					t.Fatalf("r.Host %q, HTTP_HOST %v, Environ.Request().Host %q", r.Host, v, e.Request().Host)
				}
				if hostport.Addr(r.RemoteAddr) != e.RemoteAddr() {
					t.Fatalf("r.RemoteAddr %q, REMOTE_ADDR %q", r.RemoteAddr, e.RemoteAddr())
				}
				hidden := []string{"X-Real-Ip", "Forwarded"}
				if !xf {
					hidden = []string{"X-Real-Ip", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix"}
				}
				for _, k := range hidden {
					if r.Header.Get(k) != "" || e.GetString(cgiName(k)) != "" {
						t.Fatalf("%s shows: %q", k, r.Header.Get(k))
					}
				}
				if a := e.RemoteAddr(); a != "10.0.0.2" {
					if _, err := netip.ParseAddr(a); err != nil {
						t.Fatalf("REMOTE_ADDR %q", a)
					}
				}
				if s := e.URLScheme(); s != "http" && s != "https" {
					t.Fatalf("scheme %q", s)
				}
				if sn := e.ScriptName(); sn != "" && (sn[0] != '/' || cleanPath(sn) != sn) {
					t.Fatalf("SCRIPT_NAME %q", sn)
				}
				_ = fmt.Sprint(e.ServerName(), e.ServerPort())
			})).ServeHTTP(httptest.NewRecorder(), r)
			if r.RemoteAddr != "10.0.0.2:5555" || !reflect.DeepEqual(r.Header, before) {
				t.Fatalf("the incoming request was modified: %q %v", r.RemoteAddr, r.Header)
			}
		}
	})
}
