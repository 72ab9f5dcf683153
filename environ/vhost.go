package environ

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/wsgo/wsgo/internal/hostport"
)

// Site is one virtual host: its names (the first is ServerName, the others
// ServerAlias) and the application that serves them. A name is a host name
// ("example.org"), optionally with a port ("example.org:8080", which then
// matches that port only), or a wildcard ("*.example.org", which matches any
// subdomain of example.org but not example.org itself).
type Site struct {
	Names   []string
	Handler http.Handler
}

// VirtualHosts dispatches requests by their Host, as Apache's name-based
// virtual hosts do: names are compared case-insensitively, a trailing dot is
// ignored, and the port is ignored unless a name gives one. Exact names win
// over wildcards, and longer wildcards over shorter ones. A request whose
// host matches no site (or has no Host, or a malformed one) goes to the
// default handler, or is answered 421 Misdirected Request when there is
// none.
type VirtualHosts struct {
	exact    map[string]http.Handler // "host" and "host:port"
	wild     []wildSite              // longest suffix first
	fallback http.Handler
}

type wildSite struct {
	suffix string // ".example.org" or ".example.org:8080"
	port   bool
	h      http.Handler
}

// NewVirtualHosts returns the VirtualHosts of sites, with def for any other
// host (nil: 421). A malformed or repeated name, or a nil handler, is an
// error naming the site and the name.
func NewVirtualHosts(sites []Site, def http.Handler) (*VirtualHosts, error) {
	v := &VirtualHosts{exact: map[string]http.Handler{}, fallback: def}
	if v.fallback == nil {
		v.fallback = http.HandlerFunc(misdirected)
	}
	seen := map[string]bool{}
	for i, s := range sites {
		if s.Handler == nil {
			return nil, fmt.Errorf("environ: virtual host %d %v: nil handler", i+1, s.Names)
		}
		if len(s.Names) == 0 {
			return nil, fmt.Errorf("environ: virtual host %d: no names", i+1)
		}
		for _, name := range s.Names {
			n, err := normalizeName(name)
			if err != nil {
				return nil, fmt.Errorf("environ: virtual host %d: name %q: %v", i+1, name, err)
			}
			if seen[n] {
				return nil, fmt.Errorf("environ: virtual host %d: name %q is used twice", i+1, name)
			}
			seen[n] = true
			if strings.HasPrefix(n, "*.") {
				v.wild = append(v.wild, wildSite{n[1:], strings.Contains(n, ":"), s.Handler})
			} else {
				v.exact[n] = s.Handler
			}
		}
	}
	slices.SortFunc(v.wild, func(a, b wildSite) int {
		if a.port != b.port { // a name with a port is more specific
			if a.port {
				return -1
			}
			return 1
		}
		return len(b.suffix) - len(a.suffix)
	})
	return v, nil
}

// MustVirtualHosts is NewVirtualHosts that panics on an error.
func MustVirtualHosts(sites []Site, def http.Handler) *VirtualHosts {
	v, err := NewVirtualHosts(sites, def)
	if err != nil {
		panic(err)
	}
	return v
}

func misdirected(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "421 Misdirected Request: no site is served under this host name", http.StatusMisdirectedRequest)
}

// normalizeName checks a configured name and returns it lower-cased.
func normalizeName(name string) (string, error) {
	n := strings.ToLower(name)
	host, port := hostport.Split(n)
	if strings.Contains(n, ":") && port == "" && !strings.HasPrefix(n, "[") {
		return "", fmt.Errorf("bad port")
	}
	host = strings.TrimSuffix(host, ".")
	check := strings.TrimPrefix(host, "*.")
	if check == "" || strings.Contains(check, "*") || !validHost(check) {
		return "", fmt.Errorf("not a host name")
	}
	if port != "" {
		return host + ":" + port, nil
	}
	return host, nil
}

func validHost(h string) bool {
	if strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") {
		h = h[1 : len(h)-1]
		return h != "" && strings.Trim(h, "0123456789abcdef:.") == ""
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return !strings.Contains(h, "..") && !strings.HasPrefix(h, ".")
}

// ServeHTTP dispatches r to the site of its host.
func (v *VirtualHosts) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.handler(r.Host).ServeHTTP(w, r)
}

func (v *VirtualHosts) handler(rawHost string) http.Handler {
	if rawHost == "" || len(rawHost) > 1024 {
		return v.fallback
	}
	host, port := hostport.Split(strings.ToLower(rawHost))
	host = strings.TrimSuffix(host, ".")
	if host == "" || (!validHost(host)) {
		return v.fallback
	}
	if port != "" {
		if h, ok := v.exact[host+":"+port]; ok {
			return h
		}
	}
	if h, ok := v.exact[host]; ok {
		return h
	}
	for _, ws := range v.wild {
		name := host
		if ws.port {
			if port == "" {
				continue
			}
			name = host + ":" + port
		}
		// suffix starts with a dot, and no valid host does: a match is a subdomain.
		if strings.HasSuffix(name, ws.suffix) {
			return ws.h
		}
	}
	return v.fallback
}
