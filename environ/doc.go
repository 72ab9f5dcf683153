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
// # Behind a reverse proxy
//
// [Proxy] is werkzeug's ProxyFix with mod_wsgi's header hygiene: it believes
// each forwarding header only from as many proxies as [ProxyConfig] counts,
// fixes the request and its environ as one (r.RemoteAddr and REMOTE_ADDR,
// r.Host and HTTP_HOST, SERVER_NAME, SERVER_PORT, wsgi.url_scheme,
// SCRIPT_NAME), and removes the forwarding headers it does not believe, so
// that the application can read no value a client forged. r.TLS is never
// changed: a believed scheme shows in wsgi.url_scheme and HTTPS only.
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
