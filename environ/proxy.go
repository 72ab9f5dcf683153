package environ

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/wsgo/wsgo/internal/proxied"
	"github.com/wsgo/wsgo/mw"
)

// ProxyHeaders names the headers a reverse proxy sends; a [Proxy] layer
// believes one kind and ignores the other, so that a client cannot slip a
// forged value in through the header the proxy does not overwrite.
type ProxyHeaders int

const (
	// XForwarded is X-Forwarded-For, -Proto, -Host, -Port and -Prefix
	// (Apache's mod_proxy_http sends the first three; nginx and
	// werkzeug's ProxyFix know all five).
	XForwarded ProxyHeaders = iota
	// Forwarded is RFC 7239's Forwarded header: for=, proto= and host=.
	Forwarded
)

// ProxyConfig says what a [Proxy] layer may believe. Each count is the
// number of proxies in front of the application that set that value:
// the value is taken that many entries from the right of the header's
// comma-separated list, which is the one the last trusted proxy added; a
// client can prepend entries, never change that one. Zero means the value is
// not believed at all. With XForwarded, Prefix counts X-Forwarded-Prefix;
// Forwarded has no prefix.
type ProxyConfig struct {
	Headers                        ProxyHeaders
	For, Proto, Host, Port, Prefix int
	// TrustedPeers, when not empty, are the CIDRs the immediate peer must
	// be in for any header to be believed (your proxies' addresses).
	TrustedPeers []string
}

// Hops returns a ProxyConfig that believes every value from n proxies, as
// werkzeug's ProxyFix(x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n).
func Hops(headers ProxyHeaders, n int) ProxyConfig {
	return ProxyConfig{Headers: headers, For: n, Proto: n, Host: n, Port: n, Prefix: n}
}

// Proxy returns a middleware in the spirit of werkzeug's ProxyFix and
// Apache's mod_remoteip: it believes the forwarding headers only as far as
// cfg says (see [ProxyConfig]) and then fixes the environ (REMOTE_ADDR,
// REMOTE_PORT, wsgi.url_scheme and HTTPS, SERVER_NAME, SERVER_PORT,
// SCRIPT_NAME) and a copy of the request (RemoteAddr, Host). A value that
// does not parse (an address that is not an IP, a scheme other than http or
// https, a bad host or port, a prefix that is not a clean absolute path) is
// ignored. With every count zero it changes nothing.
//
// A malformed CIDR or a negative count is a start-up error that names it.
func Proxy(cfg ProxyConfig) (mw.Middleware, error) {
	for name, n := range map[string]int{"For": cfg.For, "Proto": cfg.Proto, "Host": cfg.Host, "Port": cfg.Port, "Prefix": cfg.Prefix} {
		if n < 0 {
			return nil, fmt.Errorf("environ: proxy: %s = %d: a count of proxies cannot be negative", name, n)
		}
	}
	if cfg.Headers != XForwarded && cfg.Headers != Forwarded {
		return nil, fmt.Errorf("environ: proxy: unknown headers %d", cfg.Headers)
	}
	var peers []netip.Prefix
	for _, c := range cfg.TrustedPeers {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return nil, fmt.Errorf("environ: proxy: trusted peer %q: not a CIDR: %v", c, err)
		}
		peers = append(peers, p.Masked())
	}
	if cfg.For+cfg.Proto+cfg.Host+cfg.Port+cfg.Prefix == 0 {
		return mw.Identity, nil
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if len(peers) > 0 && !peerTrusted(r.RemoteAddr, peers) {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, cfg.apply(r))
		})
	}, nil
}

// MustProxy is Proxy that panics on an error.
func MustProxy(cfg ProxyConfig) mw.Middleware {
	m, err := Proxy(cfg)
	if err != nil {
		panic(err)
	}
	return m
}

func peerTrusted(remoteAddr string, peers []netip.Prefix) bool {
	ap, err := netip.ParseAddrPort(remoteAddr)
	var addr netip.Addr
	if err == nil {
		addr = ap.Addr()
	} else if addr, err = netip.ParseAddr(strings.Trim(remoteAddr, "[]")); err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range peers {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// forwarded is what the trusted proxies said.
type forwarded struct{ addr, port, proto, host, hostPort, prefix string }

func (cfg ProxyConfig) apply(r *http.Request) *http.Request {
	var f forwarded
	if cfg.Headers == Forwarded {
		f = cfg.fromForwarded(r.Header.Values("Forwarded"))
	} else {
		f = cfg.fromXForwarded(r.Header)
	}
	if f == (forwarded{}) {
		return r
	}
	r2 := new(http.Request)
	*r2 = *r
	r, e := Attach(r2)
	if f.addr != "" {
		e.SetRemote(f.addr, f.port)
		if f.port != "" {
			r.RemoteAddr = net.JoinHostPort(f.addr, f.port)
		} else {
			r.RemoteAddr = net.JoinHostPort(f.addr, "0")
		}
	}
	if f.proto != "" {
		e.SetURLScheme(f.proto)
	}
	if f.host != "" || f.hostPort != "" {
		name, port := e.ServerName(), e.ServerPort()
		if f.host != "" {
			name, port = splitHostPort(f.host)
			if port == "" {
				port = defaultPort(e.URLScheme())
			}
			r.Host = f.host
		}
		if f.hostPort != "" {
			port = f.hostPort
		}
		e.SetServer(name, port)
	}
	if f.prefix != "" {
		e.SetPath(f.prefix+e.ScriptName(), e.PathInfo())
	}
	if f.addr != "" {
		// Tell the layers inside (the recover layer's traceback rule) that
		// this RemoteAddr is the client's, resolved from trusted headers.
		r = proxied.Mark(r)
	}
	return r
}

func defaultPort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// fromRight returns the n-th value from the right of the comma-separated
// lists in vs, or "" when there are fewer than n.
func fromRight(vs []string, n int) string {
	if n == 0 {
		return ""
	}
	var all []string
	for _, v := range vs {
		for _, part := range strings.Split(v, ",") {
			all = append(all, strings.TrimSpace(part))
		}
	}
	if len(all) < n {
		return ""
	}
	return all[len(all)-n]
}

func (cfg ProxyConfig) fromXForwarded(h http.Header) forwarded {
	var f forwarded
	if v := fromRight(h.Values("X-Forwarded-For"), cfg.For); v != "" {
		f.addr, f.port = parseNode(v)
	}
	f.proto = parseProto(fromRight(h.Values("X-Forwarded-Proto"), cfg.Proto))
	f.host = parseHost(fromRight(h.Values("X-Forwarded-Host"), cfg.Host))
	if p := fromRight(h.Values("X-Forwarded-Port"), cfg.Port); validPort(p) {
		f.hostPort = p
	}
	f.prefix = parsePrefix(fromRight(h.Values("X-Forwarded-Prefix"), cfg.Prefix))
	return f
}

// fromForwarded reads RFC 7239: each proxy appends one element
// ("for=...;proto=...;host=..."); the element n from the right is the one
// the n-th trusted proxy (from the application) wrote.
func (cfg ProxyConfig) fromForwarded(vs []string) forwarded {
	var elems []string
	for _, v := range vs {
		elems = append(elems, strings.Split(v, ",")...)
	}
	param := func(n int, key string) string {
		if n == 0 || len(elems) < n {
			return ""
		}
		for _, pair := range strings.Split(elems[len(elems)-n], ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if ok && strings.EqualFold(k, key) {
				return strings.Trim(v, `"`)
			}
		}
		return ""
	}
	var f forwarded
	if v := param(cfg.For, "for"); v != "" {
		f.addr, f.port = parseNode(v)
	}
	f.proto = parseProto(param(cfg.Proto, "proto"))
	f.host = parseHost(param(cfg.Host, "host"))
	return f
}

// parseNode reads "1.2.3.4", "1.2.3.4:5", "[2001:db8::1]:5" or
// "2001:db8::1"; anything that is not an IP address gives "".
func parseNode(v string) (addr, port string) {
	host, p := splitHostPort(v)
	host = strings.Trim(host, "[]")
	a, err := netip.ParseAddr(host)
	if err != nil || a.Zone() != "" {
		return "", ""
	}
	return a.String(), p
}

func parseProto(v string) string {
	switch strings.ToLower(v) {
	case "http":
		return "http"
	case "https":
		return "https"
	}
	return ""
}

func parseHost(v string) string {
	if v == "" || len(v) > 255 {
		return ""
	}
	host, port := splitHostPort(strings.ToLower(v))
	if strings.Contains(v, ":") && port == "" && !strings.HasPrefix(v, "[") {
		return ""
	}
	if !validHost(strings.TrimSuffix(host, ".")) {
		return ""
	}
	return v
}

func parsePrefix(v string) string {
	if v == "" || v == "/" || !strings.HasPrefix(v, "/") || cleanPath(v) != v || strings.HasSuffix(v, "/") ||
		strings.ContainsAny(v, "?#\x00\r\n") {
		return ""
	}
	return v
}
