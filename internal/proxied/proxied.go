// Package proxied carries the one fact a proxy layer establishes for the
// layers outside it cannot see: that the client address of a request was
// resolved from forwarding headers by a layer configured to believe them.
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
)

type key struct{}

type fact struct{ remoteAddr string }

// Mark returns a copy of r that records r.RemoteAddr as the client
// address a trusted proxy layer resolved. The proxy layer calls it after it
// set RemoteAddr.
func Mark(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), key{}, &fact{r.RemoteAddr}))
}

// ClientResolved reports whether r's RemoteAddr is the client address a
// trusted proxy layer outside the caller resolved for r.
func ClientResolved(r *http.Request) bool {
	f, ok := r.Context().Value(key{}).(*fact)
	return ok && f.remoteAddr == r.RemoteAddr
}
