package recover

import (
	"net"
	"net/http"
	"strings"

	"github.com/wsgo/wsgo/environ"
)

// tracebackAllowed reports whether r may see a traceback: development mode,
// and either AllowRemote or a client on loopback that asked for a trusted
// host.
func (c *config) tracebackAllowed(r *http.Request) bool {
	if !c.dev {
		return false
	}
	if c.allowRemote {
		return true
	}
	return clientIsLocal(r) && c.trustedHost(r.Host)
}

// clientIsLocal: REMOTE_ADDR from the environ when one is attached (a
// trusted proxy layer may have corrected it), else the connection's peer;
// a forwarding header that no layer has accounted for means a proxy stands
// between, and the client is not believed to be local.
func clientIsLocal(r *http.Request) bool {
	var addr string
	if e := environ.Lookup(r.Context()); e != nil {
		addr = e.RemoteAddr()
	} else {
		for _, h := range []string{"X-Forwarded-For", "Forwarded", "X-Real-Ip"} {
			if r.Header.Get(h) != "" {
				return false
			}
		}
		addr = r.RemoteAddr
		if host, _, err := net.SplitHostPort(addr); err == nil {
			addr = host
		}
	}
	ip := net.ParseIP(strings.Trim(addr, "[]"))
	return ip != nil && ip.IsLoopback()
}

func (c *config) trustedHost(host string) bool {
	host = strings.ToLower(host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
		if strings.Contains(h, ":") {
			host = "[" + h + "]"
		}
	}
	host = strings.TrimSuffix(host, ".")
	for _, t := range c.trusted {
		if host == t || (strings.HasPrefix(t, ".") && strings.HasSuffix(host, t)) {
			return true
		}
	}
	return false
}
