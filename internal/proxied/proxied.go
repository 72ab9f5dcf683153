// Package proxied is what wsgo knows about the proxies in front of it, in
// one place for environ's Proxy layer and the recover layer's traceback
// rule: the headers by which a proxy or a CDN names the client or says it
// is there (headers.go), and the one fact a proxy layer establishes for the
// layers inside it: that the client address of a request was resolved from
// forwarding headers by a layer configured to believe them, and whether
// that layer limited who may send them.
//
// The fact is tied to the request it was made for: it is stored in that
// request's own context (context.WithValue, never in a shared Scope that an
// inner layer could write to) together with the RemoteAddr the proxy layer
// set, and it counts only for a request whose RemoteAddr is still that one.
// A layer that receives a request made by a proxy layer outside it sees the
// fact; a layer outside the proxy layer never does.
package proxied

import (
	"context"
	"net/http"
	"net/netip"
)

type key struct{}

type fact struct {
	remoteAddr string
	limited    bool
}

// Mark returns a copy of r that records r.RemoteAddr as the client
// address a proxy layer resolved from forwarding headers. limited says
// whether the layer believed them only from peers it was given
// (environ.ProxyConfig.TrustedPeers): without that, any client that reaches
// the port can write the header that named the address. The proxy layer
// calls it after it set RemoteAddr.
func Mark(r *http.Request, limited bool) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), key{}, &fact{r.RemoteAddr, limited}))
}

// FromConnection reports whether remoteAddr has the form net/http gives
// the address of a connection: an IP address and a port that is not 0. A
// layer that rewrote RemoteAddr from a header (chi's RealIP, gorilla's
// ProxyHeaders) leaves no port, and environ.Proxy leaves port 0 when the
// proxy gave none: a peer address of either kind may have come from a
// client, so TrustedPeers matching it limits nothing.
func FromConnection(remoteAddr string) bool {
	ap, err := netip.ParseAddrPort(remoteAddr)
	return err == nil && ap.Port() != 0
}

// Resolved reports whether r's RemoteAddr is the client address a proxy
// layer outside the caller resolved for r, and whether that layer believed
// the headers only from the peers it was given (see [Mark]).
func Resolved(r *http.Request) (resolved, limited bool) {
	f, ok := r.Context().Value(key{}).(*fact)
	if !ok || f.remoteAddr != r.RemoteAddr {
		return false, false
	}
	return true, f.limited
}
