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
package environ
