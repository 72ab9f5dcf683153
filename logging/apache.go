package logging

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/wsgo/wsgo/environ"
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
	RemoteUser  string    // %u: the user name of HTTP basic authentication, "" for none
	Time        time.Time // %t: when the request arrived
	RequestLine string    // %r: method, request URI and protocol
	Status      int       // %>s
	Bytes       int64     // %b: body bytes, "-" for 0
	Referer     string    // %{Referer}i
	UserAgent   string    // %{User-agent}i
}

// AppendLine appends the line of rec in format f to b, with its newline,
// escaped as mod_log_config escapes (ap_escape_logitem): '"' and '\' get a
// backslash, \b \n \r \t \v are written as such, and every other byte that
// is not printable ASCII as \xhh, so that a request can never split a line
// or forge a field. It allocates nothing beyond growing b.
func AppendLine(b []byte, f Format, rec *Record) []byte {
	return appendLine(b, f, rec, requestLine{})
}

// requestLine is %r in parts, so a line is built without joining them into
// a string first.
type requestLine struct{ method, uri, proto string }

func appendLine(b []byte, f Format, rec *Record, rl requestLine) []byte {
	b = appendItem(b, rec.RemoteHost)
	b = append(b, " - "...)
	b = appendItem(b, rec.RemoteUser)
	b = append(b, ' ')
	b = appendTime(b, rec.Time)
	b = append(b, ` "`...)
	if rl.method != "" {
		b = appendEscaped(b, rl.method)
		b = append(b, ' ')
		b = appendEscaped(b, rl.uri)
		b = append(b, ' ')
		b = appendEscaped(b, rl.proto)
	} else {
		b = appendEscaped(b, rec.RequestLine)
	}
	b = append(b, `" `...)
	b = strconv.AppendInt(b, int64(rec.Status), 10)
	b = append(b, ' ')
	if rec.Bytes == 0 {
		b = append(b, '-')
	} else {
		b = strconv.AppendInt(b, rec.Bytes, 10)
	}
	if f == Combined {
		b = append(b, ` "`...)
		b = appendItem(b, rec.Referer)
		b = append(b, `" "`...)
		b = appendItem(b, rec.UserAgent)
		b = append(b, '"')
	}
	return append(b, '\n')
}

// appendItem is an escaped value, or "-" when empty, as Apache writes an
// absent header or user.
func appendItem(b []byte, s string) []byte {
	if s == "" {
		return append(b, '-')
	}
	return appendEscaped(b, s)
}

const hexDigits = "0123456789abcdef" // Apache's c2x writes lower-case hex

func appendEscaped(b []byte, s string) []byte {
	safe := 0 // s[safe:i] needs no escape and is copied in one go
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
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

// Apache returns a middleware that writes one line per request to out, in
// format f, when the response is done (a handler that panics is logged with
// the status sent, or 500, and the panic goes on). Each line reaches out in
// one Write, under a lock, so concurrent requests never interleave. Buffers
// are reused: a line costs no allocation of its own.
//
// The request line (%r) is logged raw, byte-exact as Apache does: secret
// query parameters are not redacted, unlike url.query in [Access].
//
// A line that out fails to take is reported (see [WriteErrors]), never
// dropped in silence. [Skip] and WriteErrors apply; the other options do
// not.
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
	lw := &lineWriter{out: out, report: o.writeErr}
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
			resp, r := mw.Capture(w, r)
			defer func() {
				if v := recover(); v != nil {
					status := resp.Status()
					if !resp.Committed() && !resp.Hijacked() && v != http.ErrAbortHandler {
						status = http.StatusInternalServerError
					}
					lw.write(f, r, resp, start, status)
					resp.Release()
					panic(v)
				}
			}()
			next.ServeHTTP(resp.Writer(), r)
			status := resp.Status()
			if status == 0 && !resp.Hijacked() {
				status = http.StatusOK
			}
			lw.write(f, r, resp, start, status)
			resp.Release()
		})
	}
}

type lineWriter struct {
	mu     sync.Mutex
	out    io.Writer
	report func(error, []byte)
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

func (lw *lineWriter) write(f Format, r *http.Request, resp *mw.Response, start time.Time, status int) {
	rec := Record{
		RemoteHost: clientAddress(r, environ.Lookup(r.Context())),
		Time:       start,
		Status:     status,
		Bytes:      resp.Written(),
		Referer:    r.Referer(),
		UserAgent:  r.UserAgent(),
	}
	if user, _, ok := r.BasicAuth(); ok {
		rec.RemoteUser = user
	}
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	bp := linePool.Get().(*[]byte)
	b := appendLine((*bp)[:0], f, &rec, requestLine{r.Method, uri, r.Proto})
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

// appendTime writes t as %t does, [10/Oct/2000:13:55:36 -0700]: by hand,
// as time.AppendFormat costs more than the rest of the line.
func appendTime(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
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
	b = append2(b, min)
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
