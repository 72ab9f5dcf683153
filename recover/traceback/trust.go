package traceback

import (
	"net"
	"net/http"
	"strings"

	"github.com/wsgo/wsgo/internal/hostport"
	"github.com/wsgo/wsgo/internal/proxied"
)

// tracebackAllowed is the one rule that decides whether r may see a
// traceback: AllowRemote, or a client on this machine that asked for a
// trusted host.
//
// It is called once, when the recover layer receives r, before anything is handed
// inward (see startCapture): the answer is kept, and a panic never asks
// again. Inner layers run before a panic reaches the recover layer and share r's
// header map, and some rewrite r in place (chi's RealIP sets RemoteAddr from
// True-Client-IP or X-Forwarded-For; others delete X-Forwarded-*): nothing
// they do, and no value they put in the request's state (an Environ's REMOTE_ADDR),
// changes the answer. In production it is never called: a production
// stack has no Debugger.
func (c *config) tracebackAllowed(r *http.Request) bool {
	if c.allowRemote {
		return true
	}
	return clientIsLocal(r) && c.trustedHost(r.Host)
}

// clientIsLocal reports whether the client of r is on this machine, from
// facts a client cannot forge: the connection's peer address, believed only
// when the request carries no header by which a proxy names the client or
// says it is there (proxied.Present: X-Forwarded-*, Forwarded, X-Real-IP,
// True-Client-IP, CF-Connecting-IP, Via, ...); or the address an
// environ.Proxy layer outside this one resolved from forwarding headers,
// and only when that layer believed them from its TrustedPeers alone:
// without them, any client that reaches the port can name 127.0.0.1.
//
// Loopback only: a client elsewhere on the LAN (a private address) is not on
// this machine.
func clientIsLocal(r *http.Request) bool {
	switch resolved, limited := proxied.Resolved(r); {
	case resolved && !limited:
		return false
	case !resolved && proxied.Present(r.Header):
		return false
	}
	ip := net.ParseIP(hostport.Addr(r.RemoteAddr))
	return ip != nil && ip.IsLoopback()
}

// trustedHost reports whether host, without its port and a final dot, is
// one of the trusted names, or a subdomain of one that starts with ".".
func (c *config) trustedHost(host string) bool {
	host, _ = hostport.Split(strings.ToLower(host))
	host = strings.TrimSuffix(host, ".")
	for _, t := range c.trusted {
		if host == t || (strings.HasPrefix(t, ".") && strings.HasSuffix(host, t)) {
			return true
		}
	}
	return false
}
