// Package environ gives every request a WSGI-style environment, mounts
// applications under URL prefixes and virtual hosts, and runs WSGI-style
// applications on net/http.
//
// An [Environ] holds the CGI keys a WSGI application reads (REQUEST_METHOD,
// SCRIPT_NAME, PATH_INFO, QUERY_STRING, REMOTE_ADDR, HTTP_*, ...), the wsgi.*
// keys, and custom keys that layers add ([Environ.Set], [GetAs], [Enrich]),
// such as the tutorial's myapp.url_args. [From] returns a request's Environ,
// never nil; [Middleware] attaches one per request for the layers inside to share.
// A key is derived from the request only when it is read.
//
//	rest := func(w http.ResponseWriter, r *http.Request) {
//		e := environ.From(r)
//		fmt.Fprintf(w, "PATH_INFO = %s\nSCRIPT_NAME = %s\n", e.PathInfo(), e.ScriptName())
//	}
//	site := environ.MustMount(map[string]http.Handler{"/rest": http.HandlerFunc(rest)}, nil)
//
// A request for /rest/custompath then reaches rest with SCRIPT_NAME=/rest,
// PATH_INFO=/custompath and r.URL.Path=/custompath, so a router inside works
// unchanged. The rest of the package:
//
//   - [Mount]: applications under prefixes, as Apache's WSGIScriptAlias.
//   - [VirtualHosts]: dispatch by host name, as Apache's name-based hosts.
//   - [Dispatcher]: the tutorial's table of regular expressions over
//     PATH_INFO, with 405 and Allow when only the method is wrong.
//   - [App]: a WSGI application; it gets the Environ and a [StartResponse]
//     and returns its body as an iter.Seq[[]byte], each chunk written and
//     flushed as it is yielded.
//   - [Proxy]: forwarding headers believed from the proxies you name.
//   - [FastCGI]: SCRIPT_NAME and HTTPS behind Apache's mod_proxy_fcgi.
//
// # Differences from the peers
//
// The keys follow PEP 3333 and RFC 3875 as CPython's wsgiref, Apache with
// mod_wsgi and Go's net/http/cgi give them; [Environ.ShiftPathInfo] is
// wsgiref's shift_path_info and [Environ.AppURL]("") its application_uri.
// wsgo differs on purpose where a peer's choice would mislead or let a client
// forge a value:
//
//   - HTTPS is "on" or absent, never "off" (a CGI port tests its truth);
//     read wsgi.url_scheme.
//   - Values are Go values: strings of the request's bytes, wsgi.input an
//     io.ReadCloser, wsgi.errors an io.Writer; no wsgi.file_wrapper.
//   - SCRIPT_NAME is never "/", so SCRIPT_NAME + PATH_INFO is the path.
//   - A header becomes HTTP_* only when its name is letters, digits and "-",
//     as in Apache, so X_Auth-User cannot pose as X-Auth-User; the Proxy
//     header never shows (httpoxy).
//   - SERVER_NAME and SERVER_PORT come from the Host header, as Apache's
//     UseCanonicalName Off gives them.
//   - [StartResponse] has no exc_info and no write callable, and refuses what
//     would corrupt the response (a 1xx status, hop-by-hop headers, control
//     characters).
//
// [Proxy]'s doc gives its differences from werkzeug's ProxyFix, mod_wsgi and
// chi's RealIP. Every difference, with each peer's behaviour and the reason,
// is in the repository's docs/conformance.md.
package environ
