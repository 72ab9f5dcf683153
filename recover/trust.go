package recover

import (
	"net"
	"net/http"
	"strings"

	"github.com/wsgo/wsgo/internal/hostport"
	"github.com/wsgo/wsgo/internal/proxied"
)

// forwardingHeaders are the headers by which a proxy says it stands between
// the client and us. Present at all, even empty, they mean the peer address
// is the proxy's, not the client's.
var forwardingHeaders = []string{"X-Forwarded-For", "Forwarded", "X-Real-Ip", "X-Forwarded-Host"}

// tracebackAllowed is the one rule that decides whether r may see a
// traceback: development mode, and either AllowRemote or a client on this
// machine that asked for a trusted host.
//
// It reads only the request this layer received, facts a client cannot
// forge: the connection's peer address, believed only when the request
// carries no forwarding header; or the address an environ.Proxy layer
// outside this one resolved from headers it was configured to believe. A
// value an inner layer puts in the Scope (an Environ's REMOTE_ADDR, say) is
// never a security fact for this layer: inner layers run before a panic
// reaches it, and can put anything there.
func (c *config) tracebackAllowed(r *http.Request) bool {
	if !c.dev {
		return false
	}
	if c.allowRemote {
		return true
	}
	return clientIsLocal(r) && c.trustedHost(r.Host)
}

// clientIsLocal reports whether the client of r is on this machine: see
// tracebackAllowed.
func clientIsLocal(r *http.Request) bool {
	if !proxied.ClientResolved(r) {
		for _, h := range forwardingHeaders {
			if _, ok := r.Header[h]; ok {
				return false
			}
		}
	}
	ip := net.ParseIP(hostport.Addr(r.RemoteAddr))
	return ip != nil && ip.IsLoopback()
}

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
