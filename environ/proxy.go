package environ

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/textproto"
	"strings"

	"github.com/wsgo/wsgo/internal/hostport"

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
// not believed at all, and its header is removed from the request the
// application sees (see [Proxy]). With XForwarded, Prefix counts
// X-Forwarded-Prefix; Forwarded has no port and no prefix, and Port and
// Prefix count nothing with it.
type ProxyConfig struct {
	Headers                        ProxyHeaders
	For, Proto, Host, Port, Prefix int
	// TrustedPeers, when not empty, are the CIDRs the immediate peer must
	// be in for any header to be believed (your proxies' addresses).
	// Without them, a client that reaches the port directly can name any
	// address: the recover layer never takes a client address resolved
	// without TrustedPeers for one on this machine, nor one resolved for a
	// peer address without a port (a layer outside, such as chi's RealIP,
	// rewrote it from a header).
	TrustedPeers []string
}

// Hops returns a ProxyConfig that believes every value from n proxies, as
// werkzeug's ProxyFix(x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n).
func Hops(headers ProxyHeaders, n int) ProxyConfig {
	return ProxyConfig{Headers: headers, For: n, Proto: n, Host: n, Port: n, Prefix: n}
}

// Proxy returns a middleware that believes a reverse proxy's forwarding
// headers as far as cfg says (see [ProxyConfig]) and hands the next layer a
// copy of the request fixed to match, never modifying the one it got. Put it
// outermost, so that every other layer sees the client:
//
//	m := environ.MustProxy(environ.ProxyConfig{For: 1, Proto: 1, TrustedPeers: []string{"10.0.0.0/8"}})
//
// A believed value fixes the request and its Environ as one: the client
// address (r.RemoteAddr, REMOTE_ADDR, REMOTE_PORT), the scheme
// (wsgi.url_scheme and HTTPS; r.TLS describes the connection and is left
// alone), the host (r.Host, HTTP_HOST, SERVER_NAME, SERVER_PORT), the port,
// and the prefix, prepended to SCRIPT_NAME. A value that does not parse is
// ignored.
//
// Every forwarding header it does not believe is removed from the copy, so
// that the application reads no value a client forged: all of them when the
// peer is outside TrustedPeers; always X-Real-IP, True-Client-IP,
// CF-Connecting-IP and the other headers that name a client (Via and
// CDN-Loop stay); the headers of the kind cfg.Headers did not choose; and
// each value whose count is 0. A header of a believed kind
// passes as it came: read the Environ, not the header. A removed header
// keeps its key with a nil value, net/http's own convention, so Get finds
// nothing while a layer inside can still tell that a proxy was there. A Proxy
// with every count zero therefore removes every forwarding header.
//
// A malformed CIDR or a negative count is a start-up error that names it.
//
// Differences from the peers. As werkzeug's ProxyFix, a value is taken
// that many entries from the right. Unlike it, Proxy removes the headers it
// does not believe (ProxyFix passes them on), sets SERVER_NAME and
// SERVER_PORT from a believed host, prepends the prefix to SCRIPT_NAME
// instead of replacing it, folds an IPv4-mapped address to IPv4, and does not
// believe a zoned IPv6 address, an empty entry or an obfuscated node
// (for=_hidden): the peer's address stays. mod_wsgi removes untrusted headers
// only for the kinds its WSGITrustedProxyHeaders names. chi's RealIP believes
// True-Client-IP, X-Real-IP or X-Forwarded-For's first entry from any peer;
// Proxy only counted hops, and only from TrustedPeers when they are given.
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
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			trusted := len(peers) == 0 || peerTrusted(r.RemoteAddr, peers)
			serveCopy(next, w, r, cfg.apply(r, trusted), "")
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

// apply returns r fixed as Proxy's doc says; r itself is never modified.
// trusted is false for a peer outside TrustedPeers: nothing is believed and
// every forwarding header is removed.
func (cfg ProxyConfig) apply(r *http.Request, trusted bool) *http.Request {
	var f forwarded
	if trusted {
		f = cfg.believed(r.Header)
	}
	strip := cfg.unbelieved(r.Header, trusted)
	if f == (forwarded{}) && len(strip) == 0 {
		return r
	}
	r2 := new(http.Request)
	*r2 = *r
	stripHeaders(r2, strip)
	outer := Lookup(r.Context())
	f.setRemoteAddr(r2)
	serverName, serverPort := f.setHost(r2, f.scheme(r, outer))
	f.setURL(r2, r)
	if f == (forwarded{}) {
		// Only headers removed: an Environ an outer layer attached must not
		// list them; none is attached for nothing.
		if outer != nil {
			outer.req = r2
		}
		return r2
	}
	// The Environ is made from (or, when an outer layer attached one, moved
	// to) the fixed copy, so that HTTP_HOST and the HTTP_* keys are what r2
	// says whatever the order of the layers.
	r3, e := Attach(r2)
	e.req = r2
	f.setEnviron(e, serverName, serverPort)
	if f.addr != "" {
		// Tell the layers inside (the recover layer's traceback rule) that
		// this RemoteAddr is the client's, resolved from headers, and
		// whether only TrustedPeers could send them: a peer the connection
		// gave, not one a layer outside rewrote from a header.
		r3 = proxied.Mark(r3, len(cfg.TrustedPeers) > 0 && proxied.FromConnection(r.RemoteAddr))
	}
	return r3
}

// believed reads what the trusted proxies said from the one kind of header
// cfg believes.
func (cfg ProxyConfig) believed(h http.Header) forwarded {
	if cfg.Headers == Forwarded {
		return cfg.fromForwarded(h.Values("Forwarded"))
	}
	return cfg.fromXForwarded(h)
}

// stripHeaders removes the headers named by strip from r2, the copy, by
// setting them to nil in a clone of its header map: the map is shared with
// the request Proxy got, which must not change, and a nil value is how
// net/http marks a header removed (see Proxy's doc).
func stripHeaders(r2 *http.Request, strip []string) {
	if len(strip) == 0 {
		return
	}
	r2.Header = r2.Header.Clone()
	for _, k := range strip {
		r2.Header[k] = nil
	}
}

// scheme is the request's scheme, which gives the default SERVER_PORT of a
// believed host without a port: the believed one, else what an outer
// layer's Environ says, else the connection's.
func (f *forwarded) scheme(r *http.Request, outer *Environ) string {
	switch {
	case f.proto != "":
		return f.proto
	case outer != nil:
		return outer.URLScheme()
	case r.TLS != nil:
		return "https"
	}
	return "http"
}

// setRemoteAddr puts the believed client address in r2.RemoteAddr, with
// port 0 when the proxy gave none, so that it stays the "ip:port" net/http
// promises.
func (f *forwarded) setRemoteAddr(r2 *http.Request) {
	if f.addr == "" {
		return
	}
	port := f.port
	if port == "" {
		port = "0"
	}
	r2.RemoteAddr = net.JoinHostPort(f.addr, port)
}

// setHost puts the believed host and port in r2.Host, and returns the
// SERVER_NAME and SERVER_PORT they give ("" for what was not believed): a
// believed host without a port has the scheme's default port, and a
// believed port replaces the port of r2.Host, whether or not the host was
// believed too; an empty Host stays empty.
func (f *forwarded) setHost(r2 *http.Request, scheme string) (serverName, serverPort string) {
	if f.host != "" {
		r2.Host = f.host
		serverName, serverPort = hostport.Split(f.host)
		if serverPort == "" {
			serverPort = schemePort(scheme)
		}
	}
	if f.hostPort != "" {
		serverPort = f.hostPort
		if r2.Host != "" {
			h, _ := hostport.Split(r2.Host)
			r2.Host = h + ":" + f.hostPort
		}
	}
	return serverName, serverPort
}

// setURL rewrites the scheme and host of r2.URL, on a copy of r's URL,
// only when the client sent an absolute URL, so that they never disagree
// with wsgi.url_scheme and r2.Host; net/http leaves them empty for the
// usual origin-form request, and empty they stay.
func (f *forwarded) setURL(r2, r *http.Request) {
	if (f.proto != "" && r.URL.Scheme != "") || (r2.Host != r.Host && r.URL.Host != "") {
		u := *r.URL
		if f.proto != "" && u.Scheme != "" {
			u.Scheme = f.proto
		}
		if u.Host != "" {
			u.Host = r2.Host
		}
		r2.URL = &u
	}
}

// setEnviron tells e what was believed: the client's address, the scheme,
// the server's name and port (from setHost), and the prefix prepended to
// SCRIPT_NAME.
func (f *forwarded) setEnviron(e *Environ, serverName, serverPort string) {
	if f.addr != "" {
		e.setRemote(f.addr, f.port)
	}
	if f.proto != "" {
		e.setURLScheme(f.proto)
	}
	if serverName != "" {
		e.setServer(serverName, serverPort)
	} else if serverPort != "" {
		e.setServer(e.serverName, serverPort)
	}
	if f.prefix != "" {
		e.SetPath(f.prefix+e.ScriptName(), e.PathInfo())
	}
}

// unbelieved returns the keys of h that name a forwarding header Proxy does
// not believe under cfg (all of them when the peer is not trusted) and that
// carry a value: see Proxy's doc.
func (cfg ProxyConfig) unbelieved(h http.Header, trusted bool) []string {
	var keys []string
	for k, vs := range h {
		if len(vs) == 0 {
			continue
		}
		believed, forwarding := cfg.believes(textproto.CanonicalMIMEHeaderKey(k))
		if forwarding && (!trusted || !believed) {
			keys = append(keys, k)
		}
	}
	return keys
}

// believes reports whether the header named by the canonical key is a
// forwarding header, and whether cfg believes it from a trusted peer.
func (cfg ProxyConfig) believes(key string) (believed, forwarding bool) {
	switch {
	case key == "Forwarded":
		return cfg.Headers == Forwarded && cfg.For+cfg.Proto+cfg.Host > 0, true
	case strings.HasPrefix(key, "X-Forwarded-"):
		if cfg.Headers != XForwarded {
			return false, true
		}
		n := 0
		switch key {
		case "X-Forwarded-For":
			n = cfg.For
		case "X-Forwarded-Proto":
			n = cfg.Proto
		case "X-Forwarded-Host":
			n = cfg.Host
		case "X-Forwarded-Port":
			n = cfg.Port
		case "X-Forwarded-Prefix":
			n = cfg.Prefix
		}
		return n > 0, true
	}
	return false, proxied.Forwarding(key)
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
	if p := fromRight(h.Values("X-Forwarded-Port"), cfg.Port); hostport.ValidPort(p) {
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
// "2001:db8::1"; anything that is not an IP address gives "", and so does
// an IPv6 address with a zone (see the package doc). An IPv4-mapped IPv6
// address ("::ffff:1.2.3.4") is folded to its IPv4 form.
func parseNode(v string) (addr, port string) {
	host, p := hostport.Split(v)
	host = strings.Trim(host, "[]")
	a, err := netip.ParseAddr(host)
	if err != nil || a.Zone() != "" {
		return "", ""
	}
	return a.Unmap().String(), p
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
	host, port := hostport.Split(strings.ToLower(v))
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
