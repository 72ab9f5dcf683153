package environ

import (
	"net/url"
	"path"
	"strings"
)

// ShiftPathInfo moves one segment from PATH_INFO to SCRIPT_NAME and returns
// it, as wsgiref.util.shift_path_info does: empty and "." segments in the
// middle of PATH_INFO are dropped, ".." is resolved in SCRIPT_NAME, and a
// trailing slash shifts as the empty segment. When PATH_INFO is empty it
// changes nothing and returns "", false. When PATH_INFO is "/." it empties
// PATH_INFO and returns "", false: there was no segment to shift, as
// wsgiref's None says.
//
// It changes the Environ only, not the request's URL; a [Mount] does both.
func (e *Environ) ShiftPathInfo() (string, bool) {
	pathInfo := e.PathInfo()
	if pathInfo == "" {
		return "", false
	}
	parts := strings.Split(pathInfo, "/")
	if len(parts) > 2 {
		kept := []string{parts[0]}
		for _, p := range parts[1 : len(parts)-1] {
			if p != "" && p != "." {
				kept = append(kept, p)
			}
		}
		parts = append(kept, parts[len(parts)-1])
	}
	if len(parts) < 2 { // PATH_INFO without a leading slash: all of it is the segment
		e.SetPath(e.ScriptName()+"/"+pathInfo, "")
		return pathInfo, true
	}
	name := parts[1]
	rest := strings.Join(append(parts[:1:1], parts[2:]...), "/")
	script := path.Clean(e.ScriptName() + "/" + name)
	script = strings.TrimSuffix(script, "/")
	if name == "" && script != "" {
		script += "/"
	}
	e.SetPath(script, rest)
	if name == "." {
		return "", false
	}
	return name, true
}

// AppPath returns the path of p inside the application, for a link: the
// (escaped) SCRIPT_NAME followed by p, so that an application mounted at any
// prefix links to itself. p is a path relative to the application, with or
// without its leading slash:
//
//	env.AppPath("hello/Ann")   // "/myapp2/hello/Ann" when mounted at /myapp2
//	env.AppPath("")            // "/myapp2": the application itself, as wsgiref's application_uri
//	env.AppPath("/")           // "/myapp2/"
//
// At the root, AppPath("") is "/".
func (e *Environ) AppPath(p string) string {
	full := e.ScriptName()
	if p != "" {
		full += "/" + strings.TrimPrefix(p, "/")
	} else if full == "" {
		full = "/"
	}
	return (&url.URL{Path: full}).EscapedPath()
}

// AppURL returns the absolute URL of p inside the application: the scheme,
// the host the request came to, and AppPath(p). AppURL("") is wsgiref's
// application_uri, and AppURL(env.PathInfo()) plus "?" and QUERY_STRING is
// its request_uri. As application_uri takes HTTP_HOST, the host and port
// are the Host header's (a port only when it has one), or what a trusted
// layer set ([Environ.SetServer]), or SERVER_NAME and SERVER_PORT without a
// Host; the scheme's default port is left out.
func (e *Environ) AppURL(p string) string {
	scheme := e.URLScheme()
	host, port := e.ServerName(), e.ServerPort()
	if e.serverName == "" && e.req.Host != "" {
		_, port = e.hostHeader()
	}
	if port != "" && port != schemePort(scheme) {
		host += ":" + port
	}
	return scheme + "://" + host + e.AppPath(p)
}
