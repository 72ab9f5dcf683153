// Package handback gives back to the request a layer received what net/http
// and the layers outside it expect to find there once the handler returned,
// when the layer handed inward a copy of it: the route a ServeMux matched
// (Request.Pattern, which otelhttp names its spans from and the access log
// logs), and the cleanup of the multipart form parsed on the copy, whose
// temporary files net/http removes only for its own request.
//
// Every wsgo layer that hands a copy inward defers Return; a copy made
// further in, by a layer that is not wsgo's, is that layer's to give back.
package handback

import (
	"net/http"
	"strings"
)

// Return gives back to received what the handlers set on cp, the copy of
// it that the caller handed inward, after they returned: the copy's
// multipart form is removed when it is the copy's own (never one received
// already had: an outer layer owns that), and its Pattern is copied to
// received when received has none, with prefix (the SCRIPT_NAME a mount
// took off the path) put before its path. cp may be received itself: then
// Return does nothing.
func Return(received, cp *http.Request, prefix string) {
	if cp == received {
		return
	}
	if f := cp.MultipartForm; f != nil && f != received.MultipartForm {
		_ = f.RemoveAll() // as net/http's finishRequest does for its own request
	}
	if received.Pattern == "" && cp.Pattern != "" {
		received.Pattern = Prefixed(cp.Pattern, prefix)
	}
}

// Prefixed returns the ServeMux pattern p ("[METHOD ][HOST]/PATH") with
// prefix put before its path: "GET /users/{id}" under "/api" is
// "GET /api/users/{id}". A pattern without a path (a router's own kind) gets
// the prefix in front.
func Prefixed(p, prefix string) string {
	if prefix == "" {
		return p
	}
	method, rest := "", p
	if i := strings.IndexAny(p, " \t"); i >= 0 {
		method, rest = p[:i+1], strings.TrimLeft(p[i+1:], " \t")
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return method + prefix + rest
	}
	return method + rest[:i] + prefix + rest[i:]
}
