package environ

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/wsgo/wsgo/mw"
)

// proxyStacks put a Proxy layer made by px among other layers, in every
// order that matters: alone; under a layer that made the request's state
// (mw.RequestID, or mw.Capture directly); under a layer that attached an
// Environ; above one.
func proxyStacks(px mw.Middleware) []struct {
	name  string
	stack func(http.Handler) http.Handler
} {
	withScope := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r)
			defer resp.Release()
			next.ServeHTTP(resp.Writer(), r)
		})
	}
	compose := func(ms ...func(http.Handler) http.Handler) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			for i := len(ms) - 1; i >= 0; i-- {
				h = ms[i](h)
			}
			return h
		}
	}
	return []struct {
		name  string
		stack func(http.Handler) http.Handler
	}{
		{"proxy", px},
		{"requestid > proxy", compose(mw.RequestID(), px)},
		{"WithScope > proxy", compose(withScope, px)},
		{"environ > proxy", compose(Middleware(), px)},
		{"requestid > environ > proxy", compose(mw.RequestID(), Middleware(), px)},
		{"proxy > environ", compose(px, Middleware())},
		{"proxy > requestid > environ", compose(px, mw.RequestID(), Middleware())},
	}
}

// TestProxyHostWhateverTheLayerOrder: with X-Forwarded-Host believed
// (Host: spam, X-Forwarded-Host: eggs, one hop), HTTP_HOST,
// Environ.Request().Host and r.Host are all eggs, in every stack, with or
// without a request state or an Environ attached outside; and a layer outside that
// made the request's state reads the same Environ after the application returns.
// Same for X-Forwarded-Port and for every header at once.
func TestProxyHostWhateverTheLayerOrder(t *testing.T) {
	tests := []struct {
		name string
		cfg  ProxyConfig
		host string
		hdr  map[string]string
		want appView
	}{
		{
			"X-Forwarded-Host",
			ProxyConfig{Host: 1},
			"spam",
			map[string]string{"X-Forwarded-Host": "eggs"},
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "eggs", EnvReqHost: "eggs", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "eggs", SERVER_NAME: "eggs", SERVER_PORT: "80", Scheme: "http", HTTPS: "",
				Headers: "X-Forwarded-Host: eggs", EnvHeaders: "HTTP_X_FORWARDED_HOST=eggs; get HTTP_X_FORWARDED_HOST=eggs",
			},
		},
		{
			"X-Forwarded-Port",
			ProxyConfig{Port: 1},
			"spam:9000",
			map[string]string{"X-Forwarded-Port": "8080"},
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "spam:8080", EnvReqHost: "spam:8080", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "spam:8080", SERVER_NAME: "spam", SERVER_PORT: "8080", Scheme: "http", HTTPS: "",
				Headers: "X-Forwarded-Port: 8080", EnvHeaders: "HTTP_X_FORWARDED_PORT=8080; get HTTP_X_FORWARDED_PORT=8080",
			},
		},
		{
			"IPv6 Host and X-Forwarded-Port",
			ProxyConfig{Port: 1},
			"[::1]:9000",
			map[string]string{"X-Forwarded-Port": "8080"},
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "[::1]:8080", EnvReqHost: "[::1]:8080", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "[::1]:8080", SERVER_NAME: "[::1]", SERVER_PORT: "8080", Scheme: "http", HTTPS: "",
				Headers: "X-Forwarded-Port: 8080", EnvHeaders: "HTTP_X_FORWARDED_PORT=8080; get HTTP_X_FORWARDED_PORT=8080",
			},
		},
		{
			"X-Forwarded-Host with a port, then X-Forwarded-Port",
			ProxyConfig{Host: 1, Port: 1},
			"spam",
			map[string]string{"X-Forwarded-Host": "eggs:9000", "X-Forwarded-Port": "8080", "X-Real-Ip": "6.6.6.6"},
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "eggs:8080", EnvReqHost: "eggs:8080", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "eggs:8080", SERVER_NAME: "eggs", SERVER_PORT: "8080", Scheme: "http", HTTPS: "",
				Headers:    "X-Forwarded-Host: eggs:9000; X-Forwarded-Port: 8080",
				EnvHeaders: "HTTP_X_FORWARDED_HOST=eggs:9000; HTTP_X_FORWARDED_PORT=8080; get HTTP_X_FORWARDED_HOST=eggs:9000; get HTTP_X_FORWARDED_PORT=8080",
			},
		},
		{
			"everything, from Forwarded", Hops(Forwarded, 1), "spam:9000",
			map[string]string{"Forwarded": "for=6.6.6.6;proto=http, for=192.0.2.7;proto=https;host=eggs", "X-Forwarded-Host": "evil"},
			appView{
				RemoteAddr: "192.0.2.7:0", Host: "eggs", EnvReqHost: "eggs", REMOTE_ADDR: "192.0.2.7", REMOTE_PORT: "",
				HTTP_HOST: "eggs", SERVER_NAME: "eggs", SERVER_PORT: "443", Scheme: "https", HTTPS: "on",
				Headers:    "Forwarded: for=6.6.6.6;proto=http, for=192.0.2.7;proto=https;host=eggs",
				EnvHeaders: "HTTP_FORWARDED=for=6.6.6.6;proto=http, for=192.0.2.7;proto=https;host=eggs; get HTTP_FORWARDED=for=6.6.6.6;proto=http, for=192.0.2.7;proto=https;host=eggs",
			},
		},
	}
	for _, tt := range tests {
		for _, st := range proxyStacks(MustProxy(tt.cfg)) {
			t.Run(tt.name+"/"+st.name, func(t *testing.T) {
				r := httptest.NewRequest("GET", "/", nil)
				r.Host, r.RemoteAddr = tt.host, "192.168.0.1:5555"
				for k, v := range tt.hdr {
					r.Header.Set(k, v)
				}
				before := r.Header.Clone()
				if got := serveThrough(t, st.stack, r); got != tt.want {
					t.Errorf("\n got %+v\nwant %+v", got, tt.want)
				}
				if r.Host != tt.host || r.RemoteAddr != "192.168.0.1:5555" || !reflect.DeepEqual(r.Header, before) {
					t.Errorf("the incoming request was modified: %q %q %v", r.Host, r.RemoteAddr, r.Header)
				}

				// A layer outside that made the request's state reads, after the
				// application, the Environ the application saw.
				var outside appView
				observer := func(next http.Handler) http.Handler {
					return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						resp, r := mw.Capture(w, r)
						defer resp.Release()
						next.ServeHTTP(resp.Writer(), r)
						if e := Lookup(r.Context()); e != nil {
							outside = view(t, e.Request())
						}
					})
				}
				r = httptest.NewRequest("GET", "/", nil)
				r.Host, r.RemoteAddr = tt.host, "192.168.0.1:5555"
				for k, v := range tt.hdr {
					r.Header.Set(k, v)
				}
				inside := serveThrough(t, func(h http.Handler) http.Handler { return observer(st.stack(h)) }, r)
				if inside != tt.want {
					t.Errorf("under an observer\n got %+v\nwant %+v", inside, tt.want)
				}
				if outside.HTTP_HOST != tt.want.HTTP_HOST || outside.REMOTE_ADDR != tt.want.REMOTE_ADDR ||
					outside.SERVER_PORT != tt.want.SERVER_PORT || outside.EnvHeaders != tt.want.EnvHeaders {
					t.Errorf("the layer outside reads\n%+v\nwant %+v", outside, tt.want)
				}
			})
		}
	}
}

// TestProxyRemovesForwardingHeadersItDoesNotBelieve: the application (and
// an Environ attached outside) sees a forwarding header only when the Proxy
// layer believes its kind; a removed one stays in the map with a nil value,
// so that an inner layer can still tell the request came through a proxy;
// the incoming request is never modified.
func TestProxyRemovesForwardingHeadersItDoesNotBelieve(t *testing.T) {
	all := map[string]string{
		"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "eggs",
		"X-Forwarded-Port": "8443", "X-Forwarded-Prefix": "/ham", "X-Forwarded-Server": "proxy.internal",
		"Forwarded": "for=198.51.100.9;proto=https;host=bacon", "X-Real-Ip": "192.0.2.99",
	}
	allRemoved := []string{
		"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix",
		"X-Forwarded-Proto", "X-Forwarded-Server", "X-Real-Ip",
	}
	peerView := appView{
		RemoteAddr: "10.0.0.2:5555", Host: "spam", EnvReqHost: "spam", REMOTE_ADDR: "10.0.0.2", REMOTE_PORT: "5555",
		HTTP_HOST: "spam", SERVER_NAME: "spam", SERVER_PORT: "80", Scheme: "http", HTTPS: "",
	}
	with := func(v appView, f func(*appView)) appView { f(&v); return v }
	tests := []struct {
		name    string
		cfg     ProxyConfig
		peer    string
		hdr     map[string]string
		removed []string // keys left with a nil value
		want    appView
	}{
		{"every count zero: nothing believed, every forwarding header removed", ProxyConfig{}, "10.0.0.2:5555", all, allRemoved, peerView},
		{"Forwarded with every count zero", ProxyConfig{Headers: Forwarded}, "10.0.0.2:5555", all, allRemoved, peerView},
		{"Forwarded has no port or prefix: those counts believe nothing", ProxyConfig{Headers: Forwarded, Port: 1, Prefix: 1}, "10.0.0.2:5555", all, allRemoved, peerView},
		{
			"For only: X-Forwarded-For stays, X-Real-IP goes",
			ProxyConfig{For: 1},
			"10.0.0.2:5555", all,
			[]string{"Forwarded", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Proto", "X-Forwarded-Server", "X-Real-Ip"},
			with(peerView, func(v *appView) {
				v.RemoteAddr, v.REMOTE_ADDR, v.REMOTE_PORT = "203.0.113.7:0", "203.0.113.7", ""
				v.Headers = "X-Forwarded-For: 203.0.113.7"
				v.EnvHeaders = "HTTP_X_FORWARDED_FOR=203.0.113.7; get HTTP_X_FORWARDED_FOR=203.0.113.7"
			}),
		},
		{
			"Proto only",
			ProxyConfig{Proto: 1},
			"10.0.0.2:5555", all,
			[]string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Server", "X-Real-Ip"},
			with(peerView, func(v *appView) {
				v.Scheme, v.HTTPS, v.SERVER_PORT = "https", "on", "443"
				v.Headers = "X-Forwarded-Proto: https"
				v.EnvHeaders = "HTTP_X_FORWARDED_PROTO=https; get HTTP_X_FORWARDED_PROTO=https"
			}),
		},
		{
			"every X-Forwarded count: -Server, Forwarded and X-Real-IP go", Hops(XForwarded, 1), "10.0.0.2:5555", all,
			[]string{"Forwarded", "X-Forwarded-Server", "X-Real-Ip"},
			appView{
				RemoteAddr: "203.0.113.7:0", Host: "eggs:8443", EnvReqHost: "eggs:8443", REMOTE_ADDR: "203.0.113.7", REMOTE_PORT: "",
				HTTP_HOST: "eggs:8443", SERVER_NAME: "eggs", SERVER_PORT: "8443", Scheme: "https", HTTPS: "on", SCRIPT_NAME: "/ham",
				Headers: "X-Forwarded-For: 203.0.113.7; X-Forwarded-Host: eggs; X-Forwarded-Port: 8443; X-Forwarded-Prefix: /ham; X-Forwarded-Proto: https",
				EnvHeaders: "HTTP_X_FORWARDED_FOR=203.0.113.7; HTTP_X_FORWARDED_HOST=eggs; HTTP_X_FORWARDED_PORT=8443; HTTP_X_FORWARDED_PREFIX=/ham; HTTP_X_FORWARDED_PROTO=https; " +
					"get HTTP_X_FORWARDED_FOR=203.0.113.7; get HTTP_X_FORWARDED_HOST=eggs; get HTTP_X_FORWARDED_PORT=8443; get HTTP_X_FORWARDED_PREFIX=/ham; get HTTP_X_FORWARDED_PROTO=https",
			},
		},
		{
			"Forwarded: every X-Forwarded-* and X-Real-IP go",
			ProxyConfig{Headers: Forwarded, For: 1},
			"10.0.0.2:5555", all,
			[]string{"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Proto", "X-Forwarded-Server", "X-Real-Ip"},
			with(peerView, func(v *appView) {
				v.RemoteAddr, v.REMOTE_ADDR, v.REMOTE_PORT = "198.51.100.9:0", "198.51.100.9", ""
				v.Headers = "Forwarded: for=198.51.100.9;proto=https;host=bacon"
				v.EnvHeaders = "HTTP_FORWARDED=for=198.51.100.9;proto=https;host=bacon; get HTTP_FORWARDED=for=198.51.100.9;proto=https;host=bacon"
			}),
		},
		{
			"peer outside TrustedPeers: all go, nothing believed",
			ProxyConfig{For: 1, Proto: 1, Host: 1, Port: 1, Prefix: 1, TrustedPeers: []string{"192.168.0.0/16"}},
			"10.0.0.2:5555", all, allRemoved, peerView,
		},
		{
			"peer in TrustedPeers",
			ProxyConfig{For: 1, TrustedPeers: []string{"10.0.0.0/8"}},
			"10.0.0.2:5555", all,
			[]string{"Forwarded", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Proto", "X-Forwarded-Server", "X-Real-Ip"},
			with(peerView, func(v *appView) {
				v.RemoteAddr, v.REMOTE_ADDR, v.REMOTE_PORT = "203.0.113.7:0", "203.0.113.7", ""
				v.Headers = "X-Forwarded-For: 203.0.113.7"
				v.EnvHeaders = "HTTP_X_FORWARDED_FOR=203.0.113.7; get HTTP_X_FORWARDED_FOR=203.0.113.7"
			}),
		},
		{
			"X-Real-IP alone is removed, not believed",
			ProxyConfig{For: 1},
			"10.0.0.2:5555",
			map[string]string{"X-Real-Ip": "192.0.2.99"},
			[]string{"X-Real-Ip"},
			peerView,
		},
		{
			"a header of a counted kind stays even when its value is not believed",
			ProxyConfig{For: 1, Host: 1},
			"10.0.0.2:5555",
			map[string]string{"X-Forwarded-For": "not-an-ip", "X-Forwarded-Host": "a b"},
			nil,
			with(peerView, func(v *appView) {
				v.Headers = "X-Forwarded-For: not-an-ip; X-Forwarded-Host: a b"
				v.EnvHeaders = "HTTP_X_FORWARDED_FOR=not-an-ip; HTTP_X_FORWARDED_HOST=a b; get HTTP_X_FORWARDED_FOR=not-an-ip; get HTTP_X_FORWARDED_HOST=a b"
			}),
		},
		{"no forwarding header: nothing to do", ProxyConfig{}, "10.0.0.2:5555", map[string]string{"Accept": "*/*"}, nil, peerView},
	}
	for _, tt := range tests {
		for _, st := range proxyStacks(MustProxy(tt.cfg)) {
			t.Run(tt.name+"/"+st.name, func(t *testing.T) {
				r := httptest.NewRequest("GET", "/", nil)
				r.Host, r.RemoteAddr = "spam", tt.peer
				for k, v := range tt.hdr {
					r.Header.Set(k, v)
				}
				before := r.Header.Clone()
				var nilKeys []string
				got := serveThrough(t, func(h http.Handler) http.Handler {
					return st.stack(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						for k, vs := range r.Header {
							if vs == nil {
								nilKeys = append(nilKeys, k)
							}
						}
						h.ServeHTTP(w, r)
					}))
				}, r)
				if got != tt.want {
					t.Errorf("\n got %+v\nwant %+v", got, tt.want)
				}
				if !sameSet(nilKeys, tt.removed) {
					t.Errorf("removed (nil-valued) %q, want %q", nilKeys, tt.removed)
				}
				if !reflect.DeepEqual(r.Header, before) {
					t.Errorf("the incoming request's header was modified: %v", r.Header)
				}
			})
		}
	}
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestProxyRemovesNonCanonicalKeys: a header set under a key net/http would
// not produce (a handler-made request) is recognised all the same.
func TestProxyRemovesNonCanonicalKeys(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Host, r.RemoteAddr = "spam", "10.0.0.2:5555"
	r.Header["x-real-ip"] = []string{"192.0.2.99"}
	r.Header["X-FORWARDED-FOR"] = []string{"203.0.113.7"}
	r.Header["forwarded"] = []string{"for=198.51.100.9"}
	var seen http.Header
	MustProxy(ProxyConfig{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header
		for k, v := range From(r).All() {
			if k == "HTTP_X_REAL_IP" || k == "HTTP_X_FORWARDED_FOR" || k == "HTTP_FORWARDED" {
				t.Errorf("environ lists %s=%v", k, v)
			}
		}
	})).ServeHTTP(httptest.NewRecorder(), r)
	want := http.Header{"x-real-ip": nil, "X-FORWARDED-FOR": nil, "forwarded": nil}
	if !reflect.DeepEqual(seen, want) {
		t.Fatalf("app's header %#v, want %#v", seen, want)
	}
}

// TestProxyClientAddressNormalisation: an IPv4-mapped IPv6 address is folded
// to IPv4; a zoned IPv6 address, an empty entry at the trusted position and
// an obfuscated RFC 7239 node are not believed, and the peer stays (fail
// closed).
func TestProxyClientAddressNormalisation(t *testing.T) {
	tests := []struct {
		name             string
		cfg              ProxyConfig
		hdr              map[string]string
		remoteAddr, addr string // r.RemoteAddr, REMOTE_ADDR
	}{
		{"IPv4-mapped", ProxyConfig{For: 1}, map[string]string{"X-Forwarded-For": "::ffff:1.2.3.4"}, "1.2.3.4:0", "1.2.3.4"},
		{"IPv4-mapped with a port", ProxyConfig{For: 1}, map[string]string{"X-Forwarded-For": "[::ffff:1.2.3.4]:8"}, "1.2.3.4:8", "1.2.3.4"},
		{"IPv4-mapped in Forwarded", ProxyConfig{Headers: Forwarded, For: 1}, map[string]string{"Forwarded": `for="[::ffff:1.2.3.4]:80"`}, "1.2.3.4:80", "1.2.3.4"},
		{"IPv6 kept as IPv6", ProxyConfig{For: 1}, map[string]string{"X-Forwarded-For": "2001:DB8::1"}, "[2001:db8::1]:0", "2001:db8::1"},
		{"zoned IPv6", ProxyConfig{For: 1}, map[string]string{"X-Forwarded-For": "2001:db8::1%eth0"}, "10.0.0.2:5555", "10.0.0.2"},
		{"zoned IPv4-mapped", ProxyConfig{For: 1}, map[string]string{"X-Forwarded-For": "::ffff:1.2.3.4%eth0"}, "10.0.0.2:5555", "10.0.0.2"},
		{"empty entry at the trusted position", ProxyConfig{For: 1}, map[string]string{"X-Forwarded-For": "1.2.3.4, "}, "10.0.0.2:5555", "10.0.0.2"},
		{"empty entry two hops in", ProxyConfig{For: 2}, map[string]string{"X-Forwarded-For": " , 1.2.3.4"}, "10.0.0.2:5555", "10.0.0.2"},
		{"empty header", ProxyConfig{For: 1}, map[string]string{"X-Forwarded-For": ""}, "10.0.0.2:5555", "10.0.0.2"},
		{"obfuscated node", ProxyConfig{Headers: Forwarded, For: 1}, map[string]string{"Forwarded": "for=_hidden"}, "10.0.0.2:5555", "10.0.0.2"},
		{"unknown node", ProxyConfig{Headers: Forwarded, For: 1}, map[string]string{"Forwarded": "for=unknown"}, "10.0.0.2:5555", "10.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Host, r.RemoteAddr = "spam", "10.0.0.2:5555"
			for k, v := range tt.hdr {
				r.Header.Set(k, v)
			}
			got := serveThrough(t, MustProxy(tt.cfg), r)
			if got.RemoteAddr != tt.remoteAddr || got.REMOTE_ADDR != tt.addr {
				t.Errorf("RemoteAddr %q REMOTE_ADDR %q, want %q %q", got.RemoteAddr, got.REMOTE_ADDR, tt.remoteAddr, tt.addr)
			}
		})
	}
}

// TestProxyURLAndTLS: r.URL's scheme and host follow the believed values
// only when the client sent an absolute URL (they are empty otherwise and
// stay so); r.TLS is never touched, only wsgi.url_scheme and HTTPS.
func TestProxyURLAndTLS(t *testing.T) {
	hdr := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "eggs", "X-Forwarded-Port": "8443"}
	px := MustProxy(Hops(XForwarded, 1))

	r := httptest.NewRequest("GET", "http://spam:9000/x", nil) // absolute form: r.URL has a scheme and host
	r.RemoteAddr = "10.0.0.2:5555"
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	got := serveThrough(t, px, r)
	if got.URLScheme != "https" || got.URLHost != "eggs:8443" || got.Host != "eggs:8443" || got.Scheme != "https" {
		t.Errorf("absolute form: %+v", got)
	}
	if r.URL.Scheme != "http" || r.URL.Host != "spam:9000" {
		t.Errorf("the incoming URL was modified: %v", r.URL)
	}

	r = httptest.NewRequest("GET", "/x", nil) // origin form, as a server receives it
	r.URL.Scheme, r.URL.Host = "", ""
	r.Host, r.RemoteAddr = "spam:9000", "10.0.0.2:5555"
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	got = serveThrough(t, px, r)
	if got.URLScheme != "" || got.URLHost != "" || got.Host != "eggs:8443" || got.Scheme != "https" || got.HTTPS != "on" {
		t.Errorf("origin form: %+v", got)
	}

	// A TLS connection with a proxy that says http: wsgi.url_scheme says
	// http, r.TLS still describes the connection.
	r = httptest.NewRequest("GET", "/x", nil)
	r.TLS = &tls.ConnectionState{}
	r.Host, r.RemoteAddr = "spam", "10.0.0.2:5555"
	r.Header.Set("X-Forwarded-Proto", "http")
	var tlsSeen bool
	var scheme, port string
	px(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tlsSeen, scheme, port = r.TLS != nil, From(r).URLScheme(), From(r).ServerPort()
	})).ServeHTTP(httptest.NewRecorder(), r)
	if !tlsSeen || scheme != "http" || port != "80" {
		t.Errorf("TLS seen %v, scheme %q, port %q; want true, http, 80", tlsSeen, scheme, port)
	}
}
