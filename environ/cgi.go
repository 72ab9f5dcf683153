package environ

import (
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/wsgo/wsgo/internal/hostport"
	"github.com/wsgo/wsgo/internal/state"
)

// The CGI keys an Environ derives, in sorted order.
var cgiKeys = [...]string{
	"CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "HTTPS", "PATH_INFO", "QUERY_STRING",
	"REMOTE_ADDR", "REMOTE_PORT", "REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME",
	"SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE",
}

// modulePath is wsgo's module, whose version SERVER_SOFTWARE names.
const modulePath = "github.com/wsgo/wsgo"

// serverSoftware is SERVER_SOFTWARE: "wsgo/<version> <Go version>" when the
// build records which version of wsgo it holds, "wsgo <Go version>"
// otherwise (a build inside wsgo's own tree says "(devel)").
var serverSoftware = sync.OnceValue(func() string {
	version := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == modulePath {
			version = bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				version = d.Version
			}
		}
	}
	if version == "" || version == "(devel)" {
		return "wsgo " + runtime.Version()
	}
	return "wsgo/" + version + " " + runtime.Version()
})

// The wsgi.* keys, in sorted order.
var wsgiKeys = [...]string{
	"wsgi.errors", "wsgi.input", "wsgi.multiprocess", "wsgi.multithread",
	"wsgi.run_once", "wsgi.url_scheme", "wsgi.version",
}

func isReserved(key string) bool {
	return strings.HasPrefix(key, "HTTP_") || strings.HasPrefix(key, "wsgi.") || slices.Contains(cgiKeys[:], key)
}

// cgi returns the value of a reserved key; reserved is false for any other.
func (e *Environ) cgi(key string) (v any, ok, reserved bool) {
	switch key {
	case "wsgi.input":
		return e.Input(), true, true
	case "wsgi.errors":
		return e.Errors(), true, true
	case "wsgi.version":
		return [2]int{1, 0}, true, true // PEP 3333's tuple (1, 0)
	case "wsgi.multithread":
		return true, true, true
	case "wsgi.multiprocess", "wsgi.run_once":
		return false, true, true
	}
	s, ok, reserved := e.cgiString(key)
	if !ok {
		return nil, false, reserved
	}
	return s, true, reserved
}

// cgiString returns a reserved key whose value is a string. One switch
// sorts the keys into three groups, request, server and client, each read
// by a function of its own: a single switch for all of them would be one
// long function, and trying the groups one after the other would cost a
// miss in each group before the right one. HTTP_ keys, the ones most read
// by name, are tried first; no other reserved key starts with HTTP_.
func (e *Environ) cgiString(key string) (s string, ok, reserved bool) {
	if strings.HasPrefix(key, "HTTP_") {
		s, ok := e.httpHeader(key[len("HTTP_"):])
		return s, ok, true
	}
	switch key {
	case "REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH":
		return e.requestKey(key), true, true
	case "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE", "GATEWAY_INTERFACE":
		return e.serverKey(key), true, true
	case "REMOTE_ADDR", "REMOTE_PORT", "HTTPS", "wsgi.url_scheme":
		s, ok := e.clientKey(key)
		return s, ok, true
	}
	return "", false, strings.HasPrefix(key, "wsgi.")
}

// requestKey returns one of the keys that describe the request itself: its
// method, target, path as mounted, and body. cgiString calls it with no
// other key.
func (e *Environ) requestKey(key string) string {
	switch key {
	case "REQUEST_METHOD":
		return e.RequestMethod()
	case "REQUEST_URI":
		return e.RequestURI()
	case "SCRIPT_NAME":
		return e.ScriptName()
	case "PATH_INFO":
		return e.PathInfo()
	case "QUERY_STRING":
		return e.QueryString()
	case "CONTENT_TYPE":
		return e.ContentType()
	}
	return e.ContentLength()
}

// serverKey returns one of the keys that describe the server the request
// reached: its name and port, the protocol it speaks, and the gateway.
// cgiString calls it with no other key.
func (e *Environ) serverKey(key string) string {
	switch key {
	case "SERVER_NAME":
		return e.ServerName()
	case "SERVER_PORT":
		return e.ServerPort()
	case "SERVER_PROTOCOL":
		return e.ServerProtocol()
	case "SERVER_SOFTWARE":
		return serverSoftware()
	}
	return "CGI/1.1" // GATEWAY_INTERFACE
}

// clientKey returns one of the keys that describe the client and how it
// connected: its address, and the scheme (wsgi.url_scheme, HTTPS); ok is
// false for HTTPS when it is absent. cgiString calls it with no other key.
func (e *Environ) clientKey(key string) (s string, ok bool) {
	switch key {
	case "REMOTE_ADDR":
		return e.RemoteAddr(), true
	case "REMOTE_PORT":
		return e.RemotePort(), true
	case "wsgi.url_scheme":
		return e.URLScheme(), true
	}
	// HTTPS: "on" for https, absent otherwise, as Go's CGI host and Apache
	// give it to CGI scripts (mod_wsgi removes it: see the package doc):
	// code ported from CGI tests the key's truth, and "off" is true.
	if e.URLScheme() == "https" {
		return "on", true
	}
	return "", false
}

// RequestMethod returns REQUEST_METHOD.
func (e *Environ) RequestMethod() string { return e.req.Method }

// ScriptName returns SCRIPT_NAME: the part of the path at which the
// application is mounted, "" at the root, never "/". A mount of wsgo's
// ([Mount], [FastCGI]) sets it; so does any layer that strips a prefix off
// r.URL.Path at a segment boundary, such as http.StripPrefix in a router's
// mount: then it is what was stripped, read from the request target the
// client sent.
func (e *Environ) ScriptName() string {
	if e.pathSet {
		return e.scriptName
	}
	return strippedPrefix(e.req)
}

// PathInfo returns PATH_INFO: the rest of the (decoded) path, after
// SCRIPT_NAME.
func (e *Environ) PathInfo() string {
	if e.pathSet {
		return e.pathInfo
	}
	return e.req.URL.Path
}

// QueryString returns QUERY_STRING, the raw query without "?".
func (e *Environ) QueryString() string { return e.req.URL.RawQuery }

// ContentType returns CONTENT_TYPE.
func (e *Environ) ContentType() string { return e.req.Header.Get("Content-Type") }

// ContentLength returns CONTENT_LENGTH: the request's Content-Length, or ""
// when the length is unknown or there is no body.
func (e *Environ) ContentLength() string {
	if vs := e.req.Header["Content-Length"]; len(vs) > 0 {
		return vs[0]
	}
	if e.req.ContentLength > 0 {
		return strconv.FormatInt(e.req.ContentLength, 10)
	}
	return ""
}

// ServerName returns SERVER_NAME: the host of the Host header (brackets kept
// for an IPv6 address, a malformed port dropped), or of the address the
// connection was accepted on when there is no Host.
func (e *Environ) ServerName() string {
	if e.serverName != "" {
		return e.serverName
	}
	if name, _ := e.hostHeader(); name != "" {
		return name
	}
	name, _ := hostport.Split(e.localAddr())
	return name
}

// ServerPort returns SERVER_PORT: the port of the Host header; when it has
// none, or a malformed one, the port the connection was accepted on, as
// Apache gives it to mod_wsgi. When a layer set the scheme (a trusted proxy,
// FastCGI), the connection is not the client's, and the scheme's default
// port stands in; so it does without a local address (a request built by
// hand, FastCGI).
func (e *Environ) ServerPort() string {
	if e.serverPort != "" {
		return e.serverPort
	}
	if _, port := e.hostHeader(); port != "" {
		return port
	}
	if e.scheme == "" {
		if _, port := hostport.Split(e.localAddr()); port != "" {
			return port
		}
	}
	return schemePort(e.URLScheme())
}

// schemePort is the default port of scheme, as SERVER_PORT says it.
func schemePort(scheme string) string {
	if scheme == "https" {
		return "443"
	}
	return "80"
}

// hostHeader splits the Host header into SERVER_NAME and SERVER_PORT. A
// port that is not one ("x:abc", "x:", "x:99999") is dropped, never left in
// the name; a bare IPv6 address ("::1") is all name.
func (e *Environ) hostHeader() (name, port string) {
	name, port = hostport.Split(e.req.Host)
	if port == "" && !strings.HasPrefix(name, "[") {
		if i := strings.IndexByte(name, ':'); i >= 0 {
			if _, err := netip.ParseAddr(name); err != nil {
				name = name[:i]
			}
		}
	}
	return name, port
}

// localAddr is the address the connection was accepted on, or "".
func (e *Environ) localAddr() string {
	if a, ok := e.req.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && a != nil {
		return a.String()
	}
	return ""
}

// ServerProtocol returns SERVER_PROTOCOL, such as "HTTP/1.1".
func (e *Environ) ServerProtocol() string { return e.req.Proto }

// RemoteAddr returns REMOTE_ADDR: the client's IP address, without brackets
// or port. An IPv4-mapped IPv6 peer address ("[::ffff:192.0.2.1]:5555") is
// given in IPv4 form ("192.0.2.1"), as Apache and chi's RealIP give it.
func (e *Environ) RemoteAddr() string {
	if e.remoteAddr != "" {
		return e.remoteAddr
	}
	return hostport.Addr(e.req.RemoteAddr)
}

// RemotePort returns REMOTE_PORT, or "" when unknown.
func (e *Environ) RemotePort() string {
	if e.remoteAddr != "" {
		return e.remotePort
	}
	_, port := hostport.Split(e.req.RemoteAddr)
	return port
}

// RequestURI returns REQUEST_URI: the request target as the client sent it,
// unchanged by mounting.
func (e *Environ) RequestURI() string {
	if e.req.RequestURI != "" {
		return e.req.RequestURI
	}
	return e.req.URL.RequestURI()
}

// URLScheme returns wsgi.url_scheme: "https" for a TLS connection (or when a
// trusted proxy said so), "http" otherwise.
func (e *Environ) URLScheme() string {
	if e.scheme != "" {
		return e.scheme
	}
	if e.req.TLS != nil {
		return "https"
	}
	return "http"
}

// Input returns wsgi.input, the request body (never nil).
func (e *Environ) Input() io.ReadCloser {
	if e.req.Body == nil {
		return http.NoBody
	}
	return e.req.Body
}

// Errors returns wsgi.errors: the per-request error log a logging layer put
// for the request (logging.Access does), or os.Stderr (as wsgiref's server
// does) when none did.
func (e *Environ) Errors() io.Writer {
	if errorsFor, ok := state.ErrorLogSlot.Get(e.req.Context()); ok {
		return errorsFor(e.req.Context())
	}
	return os.Stderr
}

// setRemote, setURLScheme and setServer replace what REMOTE_ADDR,
// REMOTE_PORT, wsgi.url_scheme, HTTPS, SERVER_NAME and SERVER_PORT say. They
// are for this package's layers that know better than the connection: a
// trusted reverse proxy's headers (Proxy), FastCGI parameters (FastCGI). No
// other layer may rewrite who the client is.
func (e *Environ) setRemote(addr, port string) { e.remoteAddr, e.remotePort = addr, port }

// setURLScheme: see setRemote.
func (e *Environ) setURLScheme(scheme string) { e.scheme = scheme }

// setServer: see setRemote.
func (e *Environ) setServer(name, port string) { e.serverName, e.serverPort = name, port }

// SetPath sets SCRIPT_NAME and PATH_INFO, as a mount does. A scriptName of
// "/" is stored as "", since SCRIPT_NAME is empty at the root.
func (e *Environ) SetPath(scriptName, pathInfo string) {
	if scriptName == "/" {
		scriptName = ""
	}
	e.scriptName, e.pathInfo, e.pathSet = scriptName, pathInfo, true
}

// httpHeader returns the request header whose CGI name is HTTP_+name, with
// several values joined by ", " (by "; " for Cookie). The Proxy header never
// shows (httpoxy, CVE-2016-5386), nor Content-Type and Content-Length, which
// are CONTENT_TYPE and CONTENT_LENGTH, nor any header whose name has a
// character other than a letter, a digit or "-": Apache's http2env drops
// them, so that X-Auth_User, X.Auth-User or X~Auth-User cannot pose as
// X-Auth-User once "-" becomes "_".
func (e *Environ) httpHeader(name string) (string, bool) {
	if name == "HOST" { // net/http moves Host out of the header map
		return e.req.Host, e.req.Host != ""
	}
	for k, vs := range e.req.Header {
		if !cgiNameIs(k, name) || !exported(k) || len(vs) == 0 {
			continue
		}
		if len(vs) == 1 {
			return vs[0], true
		}
		sep := ", "
		if k == "Cookie" {
			sep = "; "
		}
		return strings.Join(vs, sep), true
	}
	return "", false
}

func exported(header string) bool {
	switch header {
	case "Proxy", "Content-Type", "Content-Length", "Host":
		return false
	}
	for i := 0; i < len(header); i++ {
		c := header[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return header != ""
}

// cgiNameIs reports whether header, upper-cased with "-" as "_", is name.
func cgiNameIs(header, name string) bool {
	if len(header) != len(name) {
		return false
	}
	for i := 0; i < len(header); i++ {
		c := header[i]
		switch {
		case c == '-':
			c = '_'
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}

// cgiName is the CGI name of a header: HTTP_ and the name upper-cased, "-"
// as "_".
func cgiName(header string) string {
	b := make([]byte, 0, len("HTTP_")+len(header))
	b = append(b, "HTTP_"...)
	for i := 0; i < len(header); i++ {
		c := header[i]
		switch {
		case c == '-':
			c = '_'
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

func (e *Environ) cgiAll() []keyVal {
	all := make([]keyVal, 0, len(cgiKeys)+len(e.req.Header)+len(wsgiKeys))
	for _, k := range cgiKeys {
		if s, ok, _ := e.cgiString(k); ok {
			all = append(all, keyVal{k, s})
		}
	}
	for k := range e.req.Header {
		if !exported(k) {
			continue
		}
		name := cgiName(k)
		if v, ok := e.httpHeader(name[len("HTTP_"):]); ok {
			all = append(all, keyVal{name, v})
		}
	}
	if e.req.Host != "" {
		all = append(all, keyVal{"HTTP_HOST", e.req.Host})
	}
	slices.SortFunc(all, func(a, b keyVal) int { return strings.Compare(a.key, b.key) })
	for _, k := range wsgiKeys {
		v, _, _ := e.cgi(k)
		all = append(all, keyVal{k, v})
	}
	return all
}
