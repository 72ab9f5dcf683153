package environ

import (
	"net/http"
	"net/url"
	"strings"
)

// strippedPrefix is the part of the path that a layer outside the environ
// removed from r's URL path (http.StripPrefix, a router's mount): the path
// of the request target as the client sent it, less r.URL.Path, when
// r.URL.Path is what is left of it at a segment boundary; "" otherwise, and
// for a request that was not read from a client (no RequestURI). It makes
// SCRIPT_NAME + PATH_INFO the path the client asked for, as behind Apache.
func strippedPrefix(r *http.Request) string {
	target := r.RequestURI
	if target == "" || target == r.URL.Path {
		return "" // the common case: nothing was stripped, nothing to parse
	}
	full, _, _ := strings.Cut(target, "?")
	if full[0] != '/' {
		// The absolute form, scheme://authority/path: the path starts at
		// the first slash after the authority. "*" has none.
		_, rest, ok := strings.Cut(full, "://")
		i := strings.IndexByte(rest, '/')
		if !ok || i < 0 {
			return ""
		}
		full = rest[i:]
	}
	if full == r.URL.Path {
		return ""
	}
	if strings.IndexByte(full, '%') >= 0 {
		var err error
		if full, err = url.PathUnescape(full); err != nil {
			return ""
		}
	}
	return leading(full, r.URL.Path)
}

// leading is what full has before rest, when rest is what is left of full
// at a segment boundary: full is leading + rest, leading starts with "/"
// and does not end with one, and rest is empty or starts with "/".
// Otherwise it is "".
func leading(full, rest string) string {
	if len(full) <= len(rest) || !strings.HasSuffix(full, rest) {
		return ""
	}
	lead := full[:len(full)-len(rest)]
	if lead[0] != '/' || strings.HasSuffix(lead, "/") || rest != "" && rest[0] != '/' {
		return ""
	}
	return lead
}
