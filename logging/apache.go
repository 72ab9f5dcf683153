package logging

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wsgo/wsgo/mw"
)

// Format is one of Apache's standard access-log formats.
type Format int

const (
	// Common is the Common Log Format, mod_log_config's
	//	"%h %l %u %t \"%r\" %>s %b"
	Common Format = iota
	// Combined is the Combined Log Format, mod_log_config's
	//	"%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\""
	Combined
)

// String returns "common" or "combined".
func (f Format) String() string {
	switch f {
	case Common:
		return "common"
	case Combined:
		return "combined"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// Record is what one line of an Apache log says.
type Record struct {
	RemoteHost  string    // %h: the client address
	RemoteUser  string    // %u: the authenticated user, "" for none (see EmptyUser)
	Time        time.Time // %t: when the request arrived
	RequestLine string    // %r: method, request target and protocol
	Status      int       // %>s: "-" when 0 or less
	Bytes       int64     // %b: body bytes, "-" for 0
	Referer     string    // %{Referer}i: the header's values joined by ", "
	UserAgent   string    // %{User-agent}i: the header's values joined by ", "

	// EmptyUser, EmptyReferer and EmptyUserAgent say that the user (an
	// authenticated user with an empty name), the Referer or the User-Agent
	// is there but empty: it is logged as "" where an absent one is logged
	// as -, as Apache does. They change nothing for a value that is not
	// empty.
	EmptyUser, EmptyReferer, EmptyUserAgent bool
}

// AppendLine appends the line of rec in format f to b, with its newline,
// escaped as mod_log_config escapes (ap_escape_logitem): '"' and '\' get a
// backslash, \b \n \r \t \v are written as such, and every other byte that
// is not printable ASCII as \xhh, so that a request can never split a line
// or forge a field. In the user (%u) a space is written as \x20 as well (see
// the package documentation). It writes into b, so a caller that reuses b
// pays for the line only (BenchmarkApache/format=AppendLine).
func AppendLine(b []byte, f Format, rec *Record) []byte {
	return appendLine(b, f, rec, nil)
}

// lineParts is what the middleware knows of %r, %{Referer}i and
// %{User-agent}i, in parts, so that a line is built without joining them
// into strings first.
type lineParts struct {
	method, target, proto string
	referer, userAgent    []string // the header's values, nil when absent
}

func appendLine(b []byte, f Format, rec *Record, lp *lineParts) []byte {
	b = appendItem(b, rec.RemoteHost)
	b = append(b, " - "...)
	switch {
	case rec.RemoteUser != "":
		b = appendEscaped(b, rec.RemoteUser, true)
	case rec.EmptyUser:
		b = append(b, `""`...) // log_remote_user: an empty r->user
	default:
		b = append(b, '-')
	}
	b = append(b, ' ')
	b = appendTime(b, rec.Time)
	b = append(b, ` "`...)
	if lp != nil {
		b = appendEscaped(b, lp.method, false)
		b = append(b, ' ')
		b = appendEscaped(b, lp.target, false)
		b = append(b, ' ')
		b = appendEscaped(b, lp.proto, false)
	} else {
		b = appendEscaped(b, rec.RequestLine, false)
	}
	b = append(b, `" `...)
	if rec.Status <= 0 {
		b = append(b, '-') // pfmt
	} else {
		b = strconv.AppendInt(b, int64(rec.Status), 10)
	}
	b = append(b, ' ')
	if rec.Bytes <= 0 {
		b = append(b, '-')
	} else {
		b = strconv.AppendInt(b, rec.Bytes, 10)
	}
	if f == Combined {
		b = append(b, ` "`...)
		if lp != nil {
			b = appendHeader(b, lp.referer)
		} else {
			b = appendValue(b, rec.Referer, rec.EmptyReferer)
		}
		b = append(b, `" "`...)
		if lp != nil {
			b = appendHeader(b, lp.userAgent)
		} else {
			b = appendValue(b, rec.UserAgent, rec.EmptyUserAgent)
		}
		b = append(b, '"')
	}
	return append(b, '\n')
}

// appendItem is an escaped value, or "-" when empty, as Apache writes an
// absent item.
func appendItem(b []byte, s string) []byte {
	if s == "" {
		return append(b, '-')
	}
	return appendEscaped(b, s, false)
}

// appendValue is a header's value: "-" when absent, nothing when present
// but empty.
func appendValue(b []byte, s string, empty bool) []byte {
	if s == "" && !empty {
		return append(b, '-')
	}
	return appendEscaped(b, s, false)
}

// appendHeader is a request header as %{Name}i logs it: its values joined
// by ", ", as httpd merges a repeated header into one (apr_table_compress
// with APR_OVERLAP_TABLES_MERGE), "-" when the header is absent and nothing
// when it is present but empty.
func appendHeader(b []byte, vs []string) []byte {
	if len(vs) == 0 {
		return append(b, '-')
	}
	for i, v := range vs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendEscaped(b, v, false)
	}
	return b
}

const hexDigits = "0123456789abcdef" // Apache's c2x writes lower-case hex

// appendEscaped is s escaped as ap_escape_logitem escapes, and with space
// written as \x20 as well when space is true.
func appendEscaped(b []byte, s string, space bool) []byte {
	safe := 0 // s[safe:i] needs no escape and is copied in one go
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > 0x20 && c < 0x7f && c != '"' && c != '\\' || c == ' ' && !space {
			continue
		}
		b = append(b, s[safe:i]...)
		safe = i + 1
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\v':
			b = append(b, '\\', 'v')
		default:
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
		}
	}
	return append(b, s[safe:]...)
}

// ApacheExact makes [Apache] log the request line (%r) and the Referer
// (%{Referer}i) as Apache's mod_log_config does, byte for byte, secrets
// included, for a program whose log must match Apache's (a tool that
// compares them, a test). Without it, Apache redacts their secrets: a
// deviation from Apache, on by default because an access log is read by
// more people, and kept longer, than the secrets it would carry. [Access]
// ignores it.
func ApacheExact() Option {
	return optionFunc(func(a *access) { a.apacheExact = true })
}

// Apache returns a middleware that writes one line per request to out, in
// format f, when the response is done (a handler that panics is logged with
// the status sent, or 500, and the panic goes on). Each line reaches out in
// one Write, under a lock, so concurrent requests never interleave. Buffers
// are reused, since a line is written once and dropped (BenchmarkApache).
//
// Each field is what mod_log_config writes, with the few deliberate
// differences the package documentation lists, and one more by default:
// secrets are redacted in the request line (%r) and the Referer
// (%{Referer}i), as url.query and the Referer are in [Access] (the same rule
// says which parameters are secret): the value of each secret parameter of
// the query or the fragment is replaced by REDACTED, and so is the
// password of a Referer's user information (user:REDACTED@host); the
// password of an absolute-form target is hidden as Apache hides it
// (XXXXXXXX). With [ApacheExact], both are logged as Apache logs them, byte
// for byte. The user (%u) is REMOTE_USER of the
// request's Environ when an authentication layer set it, else the user
// name of a Basic Authorization header.
//
// A line that out fails to take is reported (see [WriteErrors]), never
// dropped in silence. [Skip], WriteErrors and ApacheExact apply; the other
// options do not.
//
// Apache panics when out is nil or f is not Common or Combined.
func Apache(out io.Writer, f Format, opts ...Option) mw.Middleware {
	if out == nil {
		panic("logging: Apache: nil writer")
	}
	if f != Common && f != Combined {
		panic(fmt.Sprintf("logging: Apache: unknown format %v", f))
	}
	var o access
	for _, opt := range opts {
		opt.apply(&o)
	}
	lw := &lineWriter{out: out, report: o.writeErr, exact: o.apacheExact}
	if lw.report == nil {
		lw.report = lw.toStderr
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if o.skip != nil && o.skip(r) {
				next.ServeHTTP(w, r)
				return
			}
			start := time.Now()
			// %r is the request as it came in (r->the_request): read before
			// the handler, which may rewrite r.URL in place.
			lp := lineParts{method: r.Method, target: requestTarget(r), proto: r.Proto}
			serveLogged(next, w, r, nil, func(r *http.Request, resp *mw.Response, panicked any) {
				lw.write(f, r, resp, start, apacheStatus(r, resp, panicked), &lp)
			})
		})
	}
}

// apacheStatus is %>s: the status Access logs (see outcome), where 0, for a
// hijacked connection that asked for no upgrade or an http.ErrAbortHandler
// before anything was sent, is logged as -.
func apacheStatus(r *http.Request, resp *mw.Response, panicked any) int {
	status, _, _ := outcome(r, resp, panicked)
	return status
}

type lineWriter struct {
	mu     sync.Mutex
	out    io.Writer
	report func(error, []byte)
	exact  bool // ApacheExact: %r and %{Referer}i as sent
	// for the default report, under mu
	lost     int
	reported time.Time
}

// toStderr is the default report of a failed write: a line on standard
// error, at most one a second, counting the lines lost in between.
func (lw *lineWriter) toStderr(err error, _ []byte) {
	lw.lost++
	if now := time.Now(); now.Sub(lw.reported) >= time.Second {
		fmt.Fprintf(os.Stderr, "logging: Apache: %d access log line(s) lost: %v\n", lw.lost, err)
		lw.lost, lw.reported = 0, now
	}
}

var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func (lw *lineWriter) write(f Format, r *http.Request, resp *mw.Response, start time.Time, status int, lp *lineParts) {
	rec := Record{
		RemoteHost: clientAddress(r),
		Time:       start,
		Status:     status,
		Bytes:      resp.Written(),
	}
	if lp.method == http.MethodHead {
		rec.Bytes = 0 // no body went out, whatever the handler wrote
	}
	rec.RemoteUser, rec.EmptyUser = remoteUser(r)
	lp.target = hidePassword(lp.method, lp.target)
	lp.referer, lp.userAgent = r.Header["Referer"], r.Header["User-Agent"]
	if !lw.exact {
		lp.target, lp.referer = redactTarget(lp.target), redactURLs(lp.referer)
	}
	bp := linePool.Get().(*[]byte)
	b := appendLine((*bp)[:0], f, &rec, lp)
	lw.mu.Lock()
	if n, err := lw.out.Write(b); err != nil || n < len(b) {
		if err == nil {
			err = io.ErrShortWrite
		}
		lw.report(err, b)
	}
	lw.mu.Unlock()
	if cap(b) <= 64<<10 { // a huge line's buffer is not worth keeping
		*bp = b[:0]
		linePool.Put(bp)
	}
}

// redactTarget is the target of %r with the values of secret parameters
// in its query and fragment replaced by REDACTED; its password, if any, is
// hidePassword's to hide, as Apache hides it.
func redactTarget(target string) string {
	i := strings.IndexAny(target, "?#")
	if i < 0 {
		return target
	}
	if tail := redactURL(target[i:]); tail != target[i:] {
		return target[:i] + tail
	}
	return target
}

// redactURLs is vs with each value redacted as redactURL redacts it: vs
// itself when none has a secret to hide.
func redactURLs(vs []string) []string {
	var out []string
	for i, v := range vs {
		if r := redactURL(v); r != v {
			if out == nil {
				out = slices.Clone(vs)
			}
			out[i] = r
		}
	}
	if out == nil {
		return vs
	}
	return out
}

// remoteUser is %u: REMOTE_USER of the request's Environ when a layer set it
// (an authentication layer does, as Apache's auth modules set r->user),
// else the user name of a Basic Authorization header; present is false when
// there is neither, and the user is then logged as -.
func remoteUser(r *http.Request) (user string, present bool) {
	if user, ok := environString(r, "REMOTE_USER"); ok {
		return user, true
	}
	user, _, present = r.BasicAuth()
	return user, present
}

// requestTarget is the target of %r: r.RequestURI, as the client sent it.
// A request that was built rather than read (http.NewRequest, a test) has
// none; then it is the authority for a CONNECT (RFC 9113 8.5: an HTTP/2
// CONNECT has no :path, its target is :authority, which is r.Host), and
// r.URL's path and query otherwise.
func requestTarget(r *http.Request) string {
	if r.RequestURI != "" {
		return r.RequestURI
	}
	if r.Method == http.MethodConnect && r.URL.Path == "" && r.URL.Opaque == "" {
		if r.Host != "" {
			return r.Host
		}
		return r.URL.Host
	}
	return r.URL.RequestURI()
}

// appendTime writes t as %t does, [10/Oct/2000:13:55:36 -0700]: by hand,
// as time.AppendFormat costs more than the rest of the line.
func appendTime(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	_, off := t.Zone()
	b = append(b, '[')
	b = append2(b, day)
	b = append(b, '/')
	b = append(b, month.String()[:3]...)
	b = append(b, '/')
	b = append2(b, year/100)
	b = append2(b, year%100)
	b = append(b, ':')
	b = append2(b, hour)
	b = append(b, ':')
	b = append2(b, minute)
	b = append(b, ':')
	b = append2(b, sec)
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, ' ', sign)
	b = append2(b, off/3600)
	b = append2(b, off%3600/60)
	return append(b, ']')
}

func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10%10), byte('0'+n%10)) }

// hidePassword is the target of %r with the password of an absolute-form
// target's user information replaced by XXXXXXXX, as log_request_line does:
// when apr_uri_parse found a password (a ':' in the user information, even
// with nothing after it), it logs apr_uri_unparse(r->parsed_uri, 0), which
// writes the password as XXXXXXXX and drops a port that is empty, 0 or the
// scheme's default; the rest comes out as it went in. A target without a
// password, the common case, is returned as it is, at no cost.
func hidePassword(method, target string) string {
	if target == "" || target[0] == '/' || method == http.MethodConnect {
		return target // origin-form, or authority-form (apr_uri_parse_hostinfo)
	}
	scheme, hostinfo, tail, ok := splitAbsolute(target)
	if !ok {
		return target
	}
	at := strings.LastIndexByte(hostinfo, '@') // the last '@', as apr_uri_parse
	if at < 0 {
		return target
	}
	user, _, hasPassword := strings.Cut(hostinfo[:at], ":") // the first ':'
	if !hasPassword {
		return target
	}
	host, port, hasPort := aprHostPort(hostinfo[at+1:])
	if hasPort && aprOmitsPort(scheme, port) {
		hasPort = false
	}
	var b strings.Builder
	b.Grow(len(target) + 8)
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(user)
	b.WriteString(":XXXXXXXX@")
	b.WriteString(host)
	if hasPort {
		b.WriteByte(':')
		b.WriteString(port)
	}
	b.WriteString(tail)
	return b.String()
}

// splitAbsolute splits an absolute-form target "scheme://hostinfo/rest"
// into its scheme, its hostinfo (user information, host and port) and the
// tail from the first '/', '?' or '#' after the hostinfo on, which
// hidePassword writes back as it came. ok is false for a target that does
// not start with a scheme and "://": it has no user information to hide.
func splitAbsolute(target string) (scheme, hostinfo, tail string, ok bool) {
	i := 0
	for i < len(target) && isSchemeByte(target[i], i == 0) {
		i++
	}
	if i == 0 || !strings.HasPrefix(target[i:], "://") {
		return "", "", "", false
	}
	hostinfo = target[i+3:]
	if end := strings.IndexAny(hostinfo, "/?#"); end >= 0 {
		hostinfo, tail = hostinfo[:end], hostinfo[end:]
	}
	return target[:i], hostinfo, tail, true
}

// isSchemeByte reports whether c may stand in a URI scheme, at its start
// when first: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func isSchemeByte(c byte, first bool) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		return true
	}
	return !first && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')
}

// aprHostPort splits what follows the user information as apr_uri_parse
// does: a bracketed IPv6 host (as unparseIPv6 writes it back) is taken only
// when nothing but a port follows the ']', and otherwise the host ends at
// the first ':'. hasPort is true when a ':' introduced a port, even an
// empty one, which apr_uri_unparse then drops.
func aprHostPort(hostport string) (host, port string, hasPort bool) {
	host = hostport
	if !strings.HasPrefix(host, "[") {
		if c := strings.IndexByte(host, ':'); c >= 0 {
			return host[:c], host[c+1:], true
		}
		return host, "", false
	}
	if end := strings.IndexByte(host, ']'); end >= 0 {
		if rest := host[end+1:]; rest == "" || rest[0] == ':' {
			if rest != "" {
				port, hasPort = rest[1:], true
			}
			host = unparseIPv6(host[1:end])
		}
	}
	return host, port, hasPort
}

// aprOmitsPort reports whether apr_uri_unparse leaves out a port the
// target gave: one that is empty, 0 or the scheme's default.
func aprOmitsPort(scheme, port string) bool {
	n, ok := aprPort(port)
	return port == "" || ok && (n == 0 || n == defaultPort(scheme))
}

// unparseIPv6 is the host inside brackets as apr_uri_unparse writes it: in
// brackets when it has a ':' (bare otherwise), and, for a link-local address
// (fe80::/10), with its zone delimiter written "%25" (RFC 6874) whether it
// came as "%25" or as a bare '%'.
func unparseIPv6(h string) string {
	if strings.IndexByte(h, ':') < 0 {
		return h
	}
	linkLocal := len(h) >= 5 && h[4] == ':' && strings.EqualFold(h[:2], "fe") &&
		strings.IndexByte("89aAbB", h[2]) >= 0 && strings.IndexByte("0123456789aAbBcCdDeEfF", h[3]) >= 0
	if pct := strings.IndexByte(h, '%'); linkLocal && pct >= 0 && !strings.HasPrefix(h[pct+1:], "25") {
		h = h[:pct+1] + "25" + h[pct+1:]
	}
	return "[" + h + "]"
}

// aprPort is the port number apr_uri_parse stores for port: strtol's value
// (saturated at LONG_MAX), cut to 16 bits as apr_port_t is; ok is false for
// a port that is not all digits.
func aprPort(port string) (n uint16, ok bool) {
	var v uint64
	for i := 0; i < len(port); i++ {
		c := port[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		const longMax = 1<<63 - 1
		if d := uint64(c - '0'); v <= (longMax-d)/10 {
			v = v*10 + d
		} else {
			v = longMax
		}
	}
	return uint16(v), true
}

// defaultPort is apr_uri_port_of_scheme: the default port of the schemes
// APR knows, matched in any case, and 0 for the others.
func defaultPort(scheme string) uint16 {
	for _, s := range [...]struct {
		name string
		port uint16
	}{
		{"http", 80},
		{"ftp", 21},
		{"https", 443},
		{"gopher", 70},
		{"ldap", 389},
		{"nntp", 119},
		{"snews", 563},
		{"imap", 143},
		{"pop", 110},
		{"sip", 5060},
		{"rtsp", 554},
		{"wais", 210},
		{"z39.50r", 210},
		{"z39.50s", 210},
		{"prospero", 191},
		{"nfs", 2049},
		{"tip", 3372},
		{"acap", 674},
		{"telnet", 23},
		{"ssh", 22},
	} {
		if strings.EqualFold(scheme, s.name) {
			return s.port
		}
	}
	return 0
}
