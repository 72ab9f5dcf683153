package environ

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// appView is what the application behind a Proxy layer sees: the request's
// fields, the environ's keys, and the forwarding headers it can read.
type appView struct {
	RemoteAddr, Host, URLScheme, URLHost string // r.RemoteAddr, r.Host, r.URL.Scheme, r.URL.Host
	EnvReqHost                           string // Environ.Request().Host
	REMOTE_ADDR, REMOTE_PORT             string
	HTTP_HOST                            string // "-" when the environ has no HTTP_HOST
	SERVER_NAME, SERVER_PORT             string
	Scheme, HTTPS                        string // wsgi.url_scheme, HTTPS
	SCRIPT_NAME                          string
	// Headers are the forwarding headers with a value in r.Header, as
	// "Name: v1 | v2", sorted; EnvHeaders the HTTP_* keys the environ lists
	// for them (through All and through GetString), as "KEY=value", sorted.
	Headers, EnvHeaders string
}

// forwardingHeaderNames are the headers whose visibility the tests check.
var forwardingHeaderNames = []string{
	"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix",
	"X-Forwarded-Proto", "X-Forwarded-Server", "X-Real-Ip",
}

// view reads what the application sees in r.
func view(t *testing.T, r *http.Request) appView {
	t.Helper()
	e := From(r)
	v := appView{
		RemoteAddr: r.RemoteAddr, Host: r.Host, URLScheme: r.URL.Scheme, URLHost: r.URL.Host,
		EnvReqHost:  e.Request().Host,
		REMOTE_ADDR: e.GetString("REMOTE_ADDR"), REMOTE_PORT: e.GetString("REMOTE_PORT"),
		HTTP_HOST:   "-",
		SERVER_NAME: e.GetString("SERVER_NAME"), SERVER_PORT: e.GetString("SERVER_PORT"),
		Scheme: e.GetString("wsgi.url_scheme"), HTTPS: e.GetString("HTTPS"),
		SCRIPT_NAME: e.GetString("SCRIPT_NAME"),
	}
	if h, ok := e.Get("HTTP_HOST"); ok {
		v.HTTP_HOST = h.(string)
	}
	var hdr, env []string
	for _, name := range forwardingHeaderNames {
		if vs := r.Header.Values(name); len(vs) > 0 {
			hdr = append(hdr, name+": "+strings.Join(vs, " | "))
		}
		if s, ok := e.Get(cgiName(name)); ok {
			env = append(env, "get "+cgiName(name)+"="+s.(string))
		}
	}
	for k, val := range e.All() {
		for _, name := range forwardingHeaderNames {
			if k == cgiName(name) {
				env = append(env, k+"="+val.(string))
			}
		}
	}
	slices.Sort(hdr)
	slices.Sort(env)
	v.Headers, v.EnvHeaders = strings.Join(hdr, "; "), strings.Join(env, "; ")
	return v
}

// serveThrough sends r through h (a stack with a Proxy layer in it) to an
// application that records what it sees.
func serveThrough(t *testing.T, stack func(http.Handler) http.Handler, r *http.Request) appView {
	t.Helper()
	var v appView
	reached := false
	stack(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, reached = view(t, r), true
	})).ServeHTTP(httptest.NewRecorder(), r)
	if !reached {
		t.Fatal("the application was not reached")
	}
	return v
}

// urlRoot is werkzeug's Request.url_root computed from the environ as
// werkzeug.sansio.utils.get_host does: HTTP_HOST, else SERVER_NAME and
// SERVER_PORT, the scheme's default port left out; then SCRIPT_NAME and "/".
func urlRoot(v appView) string {
	host := v.HTTP_HOST
	if host == "-" {
		host = v.SERVER_NAME + ":" + v.SERVER_PORT
	}
	if v.Scheme == "http" {
		host = strings.TrimSuffix(host, ":80")
	} else {
		host = strings.TrimSuffix(host, ":443")
	}
	return v.Scheme + "://" + host + v.SCRIPT_NAME + "/"
}

type addrString string

func (a addrString) Network() string { return "tcp" }
func (a addrString) String() string  { return string(a) }

// TestProxyFixWerkzeugCases ports the parametrized cases of werkzeug's
// tests/middleware/test_proxy_fix.py (test_proxy_fix; the case ids are the
// pytest ids). There the application asserts request.remote_addr ==
// "192.168.0.1" and request.url_root; here it also asserts each environ key
// and request field those come from. werkzeug's ProxyFix defaults to
// x_for=1, x_proto=1: its "{}" cases are ProxyConfig{For: 1, Proto: 1}.
//
// Where wsgo decides differently, the want says so: a believed
// X-Forwarded-Host without a port gives SERVER_PORT the scheme's default
// port (werkzeug 3.2 leaves SERVER_NAME and SERVER_PORT alone, older
// versions left SERVER_PORT as it was), and a header whose count is 0 is
// removed ("ignore 0").
func TestProxyFixWerkzeugCases(t *testing.T) {
	forwarded := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		id      string // the pytest id in test_proxy_fix.py
		cfg     ProxyConfig
		peer    string // REMOTE_ADDR, "192.168.0.1" when the case sets none
		host    string // HTTP_HOST; "" for none (then SERVER_NAME:SERVER_PORT is the local address)
		hdr     map[string]string
		urlRoot string // test_proxy_fix's url_root
		want    appView
	}{
		{
			"for",
			ProxyConfig{For: 1, Proto: 1},
			"192.168.0.2", "spam",
			forwarded("X-Forwarded-For", "192.168.0.1", "X-Forwarded-Proto", "https"), "https://spam/",
			appView{
				RemoteAddr: "192.168.0.1:0", Host: "spam", EnvReqHost: "spam", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "",
				HTTP_HOST: "spam", SERVER_NAME: "spam", SERVER_PORT: "443", Scheme: "https", HTTPS: "on",
				Headers:    "X-Forwarded-For: 192.168.0.1; X-Forwarded-Proto: https",
				EnvHeaders: "HTTP_X_FORWARDED_FOR=192.168.0.1; HTTP_X_FORWARDED_PROTO=https; get HTTP_X_FORWARDED_FOR=192.168.0.1; get HTTP_X_FORWARDED_PROTO=https",
			},
		},
		{
			"proto",
			ProxyConfig{Proto: 1},
			"", "spam",
			forwarded("X-Forwarded-Proto", "https"), "https://spam/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "spam", EnvReqHost: "spam", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "spam", SERVER_NAME: "spam", SERVER_PORT: "443", Scheme: "https", HTTPS: "on",
				Headers: "X-Forwarded-Proto: https", EnvHeaders: "HTTP_X_FORWARDED_PROTO=https; get HTTP_X_FORWARDED_PROTO=https",
			},
		},
		{
			"host",
			ProxyConfig{Host: 1},
			"", "spam",
			forwarded("X-Forwarded-Host", "eggs"), "http://eggs/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "eggs", EnvReqHost: "eggs", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "eggs", SERVER_NAME: "eggs", SERVER_PORT: "80", Scheme: "http", HTTPS: "",
				Headers: "X-Forwarded-Host: eggs", EnvHeaders: "HTTP_X_FORWARDED_HOST=eggs; get HTTP_X_FORWARDED_HOST=eggs",
			},
		},
		{
			"port, host without port",
			ProxyConfig{Port: 1},
			"", "spam",
			forwarded("X-Forwarded-Port", "8080"), "http://spam:8080/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "spam:8080", EnvReqHost: "spam:8080", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "spam:8080", SERVER_NAME: "spam", SERVER_PORT: "8080", Scheme: "http", HTTPS: "",
				Headers: "X-Forwarded-Port: 8080", EnvHeaders: "HTTP_X_FORWARDED_PORT=8080; get HTTP_X_FORWARDED_PORT=8080",
			},
		},
		{
			"port, host with port",
			ProxyConfig{Port: 1},
			"", "spam:9000",
			forwarded("X-Forwarded-Port", "8080"), "http://spam:8080/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "spam:8080", EnvReqHost: "spam:8080", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "spam:8080", SERVER_NAME: "spam", SERVER_PORT: "8080", Scheme: "http", HTTPS: "",
				Headers: "X-Forwarded-Port: 8080", EnvHeaders: "HTTP_X_FORWARDED_PORT=8080; get HTTP_X_FORWARDED_PORT=8080",
			},
		},
		// No Host: SERVER_NAME and SERVER_PORT come from the local address
		// (werkzeug's environ here: SERVER_NAME=spam, SERVER_PORT=80); HTTP_HOST stays absent.
		{
			"port, name",
			ProxyConfig{Port: 1},
			"", "",
			forwarded("X-Forwarded-Port", "8080"), "http://spam:8080/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "", EnvReqHost: "", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "-", SERVER_NAME: "spam", SERVER_PORT: "8080", Scheme: "http", HTTPS: "",
				Headers: "X-Forwarded-Port: 8080", EnvHeaders: "HTTP_X_FORWARDED_PORT=8080; get HTTP_X_FORWARDED_PORT=8080",
			},
		},
		{
			"prefix",
			ProxyConfig{Prefix: 1},
			"", "spam",
			forwarded("X-Forwarded-Prefix", "/eggs"), "http://spam/eggs/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "spam", EnvReqHost: "spam", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "spam", SERVER_NAME: "spam", SERVER_PORT: "80", Scheme: "http", HTTPS: "", SCRIPT_NAME: "/eggs",
				Headers: "X-Forwarded-Prefix: /eggs", EnvHeaders: "HTTP_X_FORWARDED_PREFIX=/eggs; get HTTP_X_FORWARDED_PREFIX=/eggs",
			},
		},
		{
			"all", Hops(XForwarded, 1), "192.168.0.2", "spam:9000",
			forwarded("X-Forwarded-For", "192.168.0.1", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "eggs",
				"X-Forwarded-Port", "443", "X-Forwarded-Prefix", "/ham"), "https://eggs/ham/",
			appView{
				RemoteAddr: "192.168.0.1:0", Host: "eggs:443", EnvReqHost: "eggs:443", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "",
				HTTP_HOST: "eggs:443", SERVER_NAME: "eggs", SERVER_PORT: "443", Scheme: "https", HTTPS: "on", SCRIPT_NAME: "/ham",
				Headers: "X-Forwarded-For: 192.168.0.1; X-Forwarded-Host: eggs; X-Forwarded-Port: 443; X-Forwarded-Prefix: /ham; X-Forwarded-Proto: https",
				EnvHeaders: "HTTP_X_FORWARDED_FOR=192.168.0.1; HTTP_X_FORWARDED_HOST=eggs; HTTP_X_FORWARDED_PORT=443; HTTP_X_FORWARDED_PREFIX=/ham; HTTP_X_FORWARDED_PROTO=https; " +
					"get HTTP_X_FORWARDED_FOR=192.168.0.1; get HTTP_X_FORWARDED_HOST=eggs; get HTTP_X_FORWARDED_PORT=443; get HTTP_X_FORWARDED_PREFIX=/ham; get HTTP_X_FORWARDED_PROTO=https",
			},
		},
		{
			"multiple for",
			ProxyConfig{For: 2},
			"192.168.0.3", "spam",
			forwarded("X-Forwarded-For", "192.168.0.1, 192.168.0.2"), "http://spam/",
			appView{
				RemoteAddr: "192.168.0.1:0", Host: "spam", EnvReqHost: "spam", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "",
				HTTP_HOST: "spam", SERVER_NAME: "spam", SERVER_PORT: "80", Scheme: "http", HTTPS: "",
				Headers:    "X-Forwarded-For: 192.168.0.1, 192.168.0.2",
				EnvHeaders: "HTTP_X_FORWARDED_FOR=192.168.0.1, 192.168.0.2; get HTTP_X_FORWARDED_FOR=192.168.0.1, 192.168.0.2",
			},
		},
		// werkzeug passes the header on; here a count of 0 removes it.
		{
			"ignore 0",
			ProxyConfig{For: 0},
			"", "spam",
			forwarded("X-Forwarded-For", "192.168.0.2"), "http://spam/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "spam", EnvReqHost: "spam", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "spam", SERVER_NAME: "spam", SERVER_PORT: "80", Scheme: "http", HTTPS: "",
			},
		},
		{
			"ignore len < trusted",
			ProxyConfig{For: 3},
			"", "spam",
			forwarded("X-Forwarded-For", "192.168.0.3, 192.168.0.2"), "http://spam/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "spam", EnvReqHost: "spam", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "spam", SERVER_NAME: "spam", SERVER_PORT: "80", Scheme: "http", HTTPS: "",
				Headers:    "X-Forwarded-For: 192.168.0.3, 192.168.0.2",
				EnvHeaders: "HTTP_X_FORWARDED_FOR=192.168.0.3, 192.168.0.2; get HTTP_X_FORWARDED_FOR=192.168.0.3, 192.168.0.2",
			},
		},
		{
			"ignore untrusted",
			ProxyConfig{For: 1, Proto: 1},
			"192.168.0.2", "spam",
			forwarded("X-Forwarded-For", "192.168.0.3, 192.168.0.1"), "http://spam/",
			appView{
				RemoteAddr: "192.168.0.1:0", Host: "spam", EnvReqHost: "spam", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "",
				HTTP_HOST: "spam", SERVER_NAME: "spam", SERVER_PORT: "80", Scheme: "http", HTTPS: "",
				Headers:    "X-Forwarded-For: 192.168.0.3, 192.168.0.1",
				EnvHeaders: "HTTP_X_FORWARDED_FOR=192.168.0.3, 192.168.0.1; get HTTP_X_FORWARDED_FOR=192.168.0.3, 192.168.0.1",
			},
		},
		{
			"ignore empty",
			ProxyConfig{For: 2},
			"", "spam",
			forwarded("X-Forwarded-For", ", 192.168.0.3"), "http://spam/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "spam", EnvReqHost: "spam", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "spam", SERVER_NAME: "spam", SERVER_PORT: "80", Scheme: "http", HTTPS: "",
				Headers:    "X-Forwarded-For: , 192.168.0.3",
				EnvHeaders: "HTTP_X_FORWARDED_FOR=, 192.168.0.3; get HTTP_X_FORWARDED_FOR=, 192.168.0.3",
			},
		},
		{
			"prefix < for",
			ProxyConfig{For: 2, Prefix: 1},
			"192.168.0.2", "spam",
			forwarded("X-Forwarded-For", "192.168.0.1, 192.168.0.3", "X-Forwarded-Prefix", "/ham, /eggs"), "http://spam/eggs/",
			appView{
				RemoteAddr: "192.168.0.1:0", Host: "spam", EnvReqHost: "spam", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "",
				HTTP_HOST: "spam", SERVER_NAME: "spam", SERVER_PORT: "80", Scheme: "http", HTTPS: "", SCRIPT_NAME: "/eggs",
				Headers: "X-Forwarded-For: 192.168.0.1, 192.168.0.3; X-Forwarded-Prefix: /ham, /eggs",
				EnvHeaders: "HTTP_X_FORWARDED_FOR=192.168.0.1, 192.168.0.3; HTTP_X_FORWARDED_PREFIX=/ham, /eggs; " +
					"get HTTP_X_FORWARDED_FOR=192.168.0.1, 192.168.0.3; get HTTP_X_FORWARDED_PREFIX=/ham, /eggs",
			},
		},
		{
			"ipv6 host",
			ProxyConfig{Host: 1},
			"", "spam",
			forwarded("X-Forwarded-Host", "[2001:db8::a]"), "http://[2001:db8::a]/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "[2001:db8::a]", EnvReqHost: "[2001:db8::a]", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "[2001:db8::a]", SERVER_NAME: "[2001:db8::a]", SERVER_PORT: "80", Scheme: "http", HTTPS: "",
				Headers: "X-Forwarded-Host: [2001:db8::a]", EnvHeaders: "HTTP_X_FORWARDED_HOST=[2001:db8::a]; get HTTP_X_FORWARDED_HOST=[2001:db8::a]",
			},
		},
		{
			"ipv6 port, host without port",
			ProxyConfig{Port: 1},
			"", "[2001:db8::a]",
			forwarded("X-Forwarded-Port", "8080"), "http://[2001:db8::a]:8080/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "[2001:db8::a]:8080", EnvReqHost: "[2001:db8::a]:8080", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "[2001:db8::a]:8080", SERVER_NAME: "[2001:db8::a]", SERVER_PORT: "8080", Scheme: "http", HTTPS: "",
				Headers: "X-Forwarded-Port: 8080", EnvHeaders: "HTTP_X_FORWARDED_PORT=8080; get HTTP_X_FORWARDED_PORT=8080",
			},
		},
		{
			"ipv6 - port, host with port",
			ProxyConfig{Port: 1},
			"", "[2001:db8::a]:9000",
			forwarded("X-Forwarded-Port", "8080"), "http://[2001:db8::a]:8080/",
			appView{
				RemoteAddr: "192.168.0.1:5555", Host: "[2001:db8::a]:8080", EnvReqHost: "[2001:db8::a]:8080", REMOTE_ADDR: "192.168.0.1", REMOTE_PORT: "5555",
				HTTP_HOST: "[2001:db8::a]:8080", SERVER_NAME: "[2001:db8::a]", SERVER_PORT: "8080", Scheme: "http", HTTPS: "",
				Headers: "X-Forwarded-Port: 8080", EnvHeaders: "HTTP_X_FORWARDED_PORT=8080; get HTTP_X_FORWARDED_PORT=8080",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Host = tt.host
			r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, addrString("spam:80")))
			r.RemoteAddr = "192.168.0.1:5555"
			if tt.peer != "" {
				r.RemoteAddr = tt.peer + ":5555"
			}
			for k, v := range tt.hdr {
				r.Header.Set(k, v)
			}
			got := serveThrough(t, MustProxy(tt.cfg), r)
			if got != tt.want {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
			if root := urlRoot(got); root != tt.urlRoot {
				t.Errorf("url_root %q, want %q (test_proxy_fix.py)", root, tt.urlRoot)
			}
		})
	}
}
