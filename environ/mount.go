package environ

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/wsgo/wsgo/internal/handback"
)

// Mount serves applications mounted under path prefixes, with the semantics
// of Apache's WSGIScriptAlias:
//
//   - the longest matching prefix wins;
//   - a prefix matches whole segments: /rest matches /rest and /rest/x, never
//     /restore;
//   - the application sees SCRIPT_NAME = the SCRIPT_NAME it came with plus
//     the prefix (so nested mounts accumulate), and PATH_INFO = what follows;
//   - r.URL.Path (and r.URL.RawPath, escaped slashes kept) is rewritten to
//     PATH_INFO, as http.StripPrefix does, so a stdlib http.ServeMux or any
//     router mounted inside works unchanged; r.RequestURI and REQUEST_URI
//     keep what the client sent;
//   - a request for exactly the prefix (/rest, no trailing slash) reaches the
//     application with PATH_INFO "" (as mod_wsgi hands it over) and
//     r.URL.Path "/", so a router inside serves its index instead of
//     redirecting out of the mount;
//   - a path that is not clean (an empty, "." or ".." segment, as in
//     /rest//x or /rest/../admin) is answered 308 Permanent Redirect to its
//     clean form, SCRIPT_NAME and query kept, as http.ServeMux does, so that a
//     prefix can never be matched by a path that leaves it;
//   - anything else goes to the fallback (404 Not Found by default).
//
// The request is copied, never modified; the request's Environ (attached when
// there is none) is updated, so an outer access log sees the mount.
type Mount struct {
	entries  []mountEntry // longest prefix first
	fallback http.Handler
}

type mountEntry struct {
	prefix string
	h      http.Handler
}

// NewMount returns a Mount of apps, keyed by prefix. A prefix starts with
// "/", has no empty, "." or ".." segment and no trailing slash ("/" alone
// mounts at the root). A nil fallback means 404 Not Found. A bad prefix or a
// nil application is an error that names it.
func NewMount(apps map[string]http.Handler, fallback http.Handler) (*Mount, error) {
	m := &Mount{fallback: fallback}
	if m.fallback == nil {
		m.fallback = http.NotFoundHandler()
	}
	for prefix, h := range apps {
		if err := checkPrefix(prefix); err != nil {
			return nil, err
		}
		if h == nil {
			return nil, fmt.Errorf("environ: mount %q: nil handler", prefix)
		}
		m.entries = append(m.entries, mountEntry{prefix, h})
	}
	slices.SortFunc(m.entries, func(a, b mountEntry) int {
		if d := len(b.prefix) - len(a.prefix); d != 0 {
			return d
		}
		return strings.Compare(a.prefix, b.prefix)
	})
	return m, nil
}

// MustMount is NewMount that panics on an error, for use at start-up.
func MustMount(apps map[string]http.Handler, fallback http.Handler) *Mount {
	m, err := NewMount(apps, fallback)
	if err != nil {
		panic(err)
	}
	return m
}

func checkPrefix(p string) error {
	switch {
	case p == "/":
		return nil
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("environ: mount %q: prefix must start with /", p)
	case strings.HasSuffix(p, "/"):
		return fmt.Errorf("environ: mount %q: prefix must not end with /", p)
	case strings.ContainsAny(p, "\x00?#"):
		return fmt.Errorf("environ: mount %q: prefix has a NUL, ? or #", p)
	}
	for _, seg := range strings.Split(p[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("environ: mount %q: prefix has an empty, . or .. segment", p)
		}
	}
	return nil
}

// ServeHTTP dispatches r to the application with the longest matching prefix.
func (m *Mount) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if c := cleanPath(p); c != p {
		redirectClean(w, r, c)
		return
	}
	for _, en := range m.entries {
		if en.prefix == "/" {
			r2, _ := Attach(r)
			serveCopy(en.h, w, r, r2, "")
			return
		}
		if !under(p, en.prefix) {
			continue
		}
		serveCopy(en.h, w, r, descend(r, en.prefix), en.prefix)
		return
	}
	m.fallback.ServeHTTP(w, r)
}

// serveCopy serves r2, the copy of r a layer hands inward, with h, and
// gives back to r what the handlers set on r2: the route a ServeMux matched
// (prefix, the part of the path a mount took, put before it) and the
// removal of a multipart form parsed on r2 (see internal/handback). When r2
// is r, it only serves.
func serveCopy(h http.Handler, w http.ResponseWriter, r, r2 *http.Request, prefix string) {
	if r2 == r {
		h.ServeHTTP(w, r)
		return
	}
	defer handback.Return(r, r2, prefix)
	h.ServeHTTP(w, r2)
}

// under reports whether the path p is prefix or lies below it: /rest is
// under /rest, and so is /rest/x, but /restore is not.
func under(p, prefix string) bool {
	return strings.HasPrefix(p, prefix) && (len(p) == len(prefix) || p[len(prefix)] == '/')
}

// descend is r one level down, below prefix, which r's path is under: the
// Environ's SCRIPT_NAME gains prefix and PATH_INFO loses it, and the copy of
// r it returns has the rest as its URL path ("/" when nothing is left), so
// that a router inside works unchanged. r is never modified.
func descend(r *http.Request, prefix string) *http.Request {
	r, e := Attach(r)
	// A layer between the one that attached the Environ and this one may
	// have stripped part of the path too (http.StripPrefix, a router's
	// mount): SCRIPT_NAME gains that part as well.
	base := e.ScriptName() + leading(e.PathInfo(), r.URL.Path)
	rest := r.URL.Path[len(prefix):]
	e.SetPath(base+prefix, rest)
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	r2.URL = &u
	u.Path, u.RawPath = rest, rawRest(r.URL.RawPath, len(prefix), rest)
	if rest == "" {
		u.Path = "/"
	}
	return r2
}

// rawRest returns what follows the first n decoded bytes of the escaped path
// raw, when that is a valid encoding of rest; "" otherwise (net/url then
// escapes Path afresh).
func rawRest(raw string, n int, rest string) string {
	if raw == "" || rest == "" {
		return ""
	}
	i := 0
	for ; n > 0 && i < len(raw); n-- {
		if raw[i] == '%' {
			i += 3
		} else {
			i++
		}
	}
	if i > len(raw) {
		return ""
	}
	if got, err := url.PathUnescape(raw[i:]); err != nil || got != rest {
		return ""
	}
	return raw[i:]
}

// cleanPath returns p with empty, "." and ".." segments resolved, keeping a
// trailing slash; "" and "*" (OPTIONS *) are left alone.
func cleanPath(p string) string {
	if p == "" || p == "*" {
		return p
	}
	if !strings.Contains(p, "//") && !strings.Contains(p, "/.") && strings.HasPrefix(p, "/") {
		return p // the common case, without allocating
	}
	c := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

func redirectClean(w http.ResponseWriter, r *http.Request, clean string) {
	var script string
	if e := Lookup(r.Context()); e != nil {
		script = e.ScriptName()
	}
	u := url.URL{Path: script + clean, RawQuery: r.URL.RawQuery}
	w.Header().Set("Location", u.String())
	w.WriteHeader(http.StatusPermanentRedirect)
}
