// Package environ gives every request a WSGI-style environment: the CGI keys
// a WSGI application reads (REQUEST_METHOD, SCRIPT_NAME, PATH_INFO,
// QUERY_STRING, HTTP_USER_AGENT, ...), the wsgi.* keys, and custom keys that
// middlewares add, such as the tutorial's myapp.url_args.
//
// It also mounts applications under prefixes with the semantics of Apache's
// WSGIScriptAlias ([Mount]): a request for /rest/custompath reaches the
// application mounted at /rest with SCRIPT_NAME=/rest and
// PATH_INFO=/custompath, and its r.URL.Path rewritten to /custompath so that
// any router inside works unchanged. [VirtualHosts] dispatches by host name
// as Apache's NameVirtualHost does, and [Dispatcher] is the tutorial's table
// of regular expressions done right.
//
// The Environ is derived from the request only when a key is read: a request
// that reads no key pays for the Environ and nothing else.
//
// # The peers, and where wsgo differs from them
//
// The keys follow PEP 3333 and RFC 3875 as CPython's wsgiref, Apache with
// mod_wsgi, and Go's net/http/cgi host give them: GATEWAY_INTERFACE is
// CGI/1.1; wsgi.version is [2]int{1, 0}; [Environ.ShiftPathInfo] is
// wsgiref's shift_path_info and AppURL("") its application_uri. wsgo differs
// on purpose in these places:
//
//   - HTTPS is "on" when wsgi.url_scheme is https (over TLS, or as a trusted
//     layer said) and absent otherwise, never "off", as Go's CGI host and
//     Apache give it to CGI scripts. mod_wsgi removes the key from the WSGI
//     environ, and its documentation says to read wsgi.url_scheme; wsgiref's
//     server never sets it. Read wsgi.url_scheme: HTTPS is there for code
//     ported from CGI, which tests the key's truth ("off" would be true).
//   - Values are Go values: a CGI key is a string holding the request's
//     bytes as they came (PEP 3333 decodes them as Latin-1 into a "native
//     string"; percent-escaping either gives the same URL), wsgi.input an
//     io.ReadCloser, wsgi.errors an io.Writer (os.Stderr, as wsgiref's
//     server, unless a logging layer gives one). There is no
//     wsgi.file_wrapper, which PEP 3333 makes optional. wsgi.multithread is
//     true, wsgi.multiprocess and wsgi.run_once false: a Go server is one
//     process serving requests concurrently.
//   - SCRIPT_NAME is never "/", so that SCRIPT_NAME + PATH_INFO is the path.
//     wsgiref's shift_path_info makes it "/" when it shifts PATH_INFO "/" at
//     the root; ShiftPathInfo leaves it empty.
//   - A header becomes HTTP_* only when its name is letters, digits and "-",
//     as Apache's http2env decides (wsgiref's server and Go's CGI host
//     export every name), so that X_Auth-User, X.Auth-User or
//     X~Auth-User cannot pose as X-Auth-User. The Proxy header never shows
//     (httpoxy, CVE-2016-5386), as in Go's CGI host; wsgiref passes it on.
//     Repeated headers are joined with ", " ("; " for Cookie), as Go's CGI
//     host joins them (wsgiref's server joins with ",").
//   - SERVER_NAME and SERVER_PORT come from the Host header, as Apache's
//     UseCanonicalName Off gives them (wsgiref's server names the machine).
//     Without a port in Host, or with a malformed one, SERVER_PORT is the
//     port the connection was accepted on, as in Apache (Go's CGI host says
//     80 or 443), and a malformed port never shows in SERVER_NAME. When a
//     layer set the scheme (a trusted [Proxy], [FastCGI]) the connection is
//     not the client's, and the scheme's default port stands in.
//   - SERVER_SOFTWARE is "wsgo go1.x" (with wsgo's module version,
//     "wsgo/v1.2.3 go1.x", when the build records it); Go's CGI host says
//     "go". REQUEST_URI and REMOTE_PORT are there, as Apache gives them,
//     though RFC 3875 has neither; CONTENT_TYPE and CONTENT_LENGTH are there
//     and empty when the request has none (PEP 3333 allows either).
//     REMOTE_HOST is not there, as under Apache with HostnameLookups Off,
//     its default; Go's CGI host copies REMOTE_ADDR into it, as RFC 3875
//     allows. REMOTE_ADDR is the key to read.
//   - [Environ.AppURL] leaves out the scheme's default port even when the
//     Host header names it, and drops a malformed one, where wsgiref's
//     application_uri copies HTTP_HOST as it is; the host a trusted layer
//     set ([Environ.SetServer]) goes before the Host header. wsgiref's
//     request_uri is AppURL(env.PathInfo()) with "?" and QUERY_STRING.
//   - Over [FastCGI], HTTPS on, yes and 1 mean https in any case; wsgiref's
//     guess_scheme takes them lower-case only, mod_wsgi on in any case and 1
//     but not yes. net/http/fcgi reads HTTPS
//     itself and keeps it from the handler, knowing only on, ON and 1: the
//     other spellings must come as WSGO_HTTPS, as SCRIPT_NAME comes as
//     WSGO_SCRIPT_NAME.
//   - [StartResponse] has no exc_info and returns no write callable: it may
//     be called again until the first chunk goes out (the last call wins),
//     and refuses with [ErrStarted] after. It refuses what would corrupt
//     or confuse the response, where wsgiref asserts or lets it through: a
//     1xx status, a header name that is not a token, a hop-by-hop header
//     (PEP 3333 forbids them), a Status header (CGI's and FastCGI's status
//     line, which would go out beside the status given), and a value with a
//     control character other than tab (RFC 9110 5.5, as wsgiref's
//     Headers).
//
// # Behind a reverse proxy
//
// [Proxy] is werkzeug's ProxyFix with a stricter form of mod_wsgi's header
// hygiene: it believes each forwarding header only from as many proxies as
// [ProxyConfig] counts, fixes the request and its environ as one
// (r.RemoteAddr and REMOTE_ADDR, r.Host and HTTP_HOST, SERVER_NAME,
// SERVER_PORT, wsgi.url_scheme, SCRIPT_NAME), and removes the forwarding
// headers it does not believe, so that the application can read no value a
// client forged. mod_wsgi removes them only for the kinds (client address,
// scheme, host, script name) for which WSGITrustedProxyHeaders names a
// header: with X-Forwarded-For alone named, a client's X-Forwarded-Host and
// X-Forwarded-Proto reach the application. r.TLS is never changed: a
// believed scheme shows in wsgi.url_scheme and HTTPS only.
//
// The client address is read fail closed; where it differs from what
// werkzeug does (which takes the entry as it is) or what one might expect:
//
//   - An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is folded to 1.2.3.4, so
//     that one client has one REMOTE_ADDR whichever socket family the proxy
//     used.
//   - An IPv6 address with a zone (fe80::1%eth0, [fe80::1%25eth0]:80) is not
//     believed, and the peer's address stays, rather than the zone being
//     stripped as has been suggested: a zone names a network interface of
//     the proxy's own host, so the entry describes something on the proxy's
//     link, not a client address that means anything here; stripping it
//     would turn it into an address that was never the client's.
//   - An empty entry at the trusted position (X-Forwarded-For "1.2.3.4, "
//     with one hop) is not believed either, and the peer's address stays:
//     the proxy we trust said nothing usable, and the entries before it are
//     the client's to write.
//   - An RFC 7239 obfuscated node (for=_hidden, for=unknown) is not an
//     address: the peer's address stays.
//
// Other deliberate differences from ProxyFix: a forwarding header it does
// not believe is removed (ProxyFix passes every header on), so a Proxy with
// every count zero is not a no-op but removes them all; a believed
// X-Forwarded-Host sets SERVER_NAME and SERVER_PORT too (its port, or the
// scheme's default: werkzeug 3.2 leaves them alone); a believed
// X-Forwarded-Prefix is prepended to SCRIPT_NAME rather than replacing it;
// and a value that does not parse is ignored, not copied.
package environ
