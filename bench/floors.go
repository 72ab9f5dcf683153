package bench

import (
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"
)

// floorRequestID is the request ID every floor logs: the floors make none,
// they only encode one.
const floorRequestID = "0123456789abcdefghjk"

// accessFieldCount is how many fields accessFields returns.
const accessFieldCount = 13

// fieldPool holds the field arrays of zapFloorCareful. Pooling them is safe
// here only because its logger's core (zapTo's) has encoded the fields when
// Write returns; zap's observer keeps them, so a library that does not
// know its core must not pool them.
var fieldPool = sync.Pool{New: func() any { return new([accessFieldCount]zap.Field) }}

// header is the first value of the header stored under key, which must be
// canonical: a direct map read, where Header.Get canonicalises key again.
func header(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// carefulFields fills f with the fields of accessFields, the headers read
// by their canonical keys, and returns them as a slice of f.
func carefulFields(f *[accessFieldCount]zap.Field, r *http.Request, status int, bytes int64, d time.Duration, id string) []zap.Field {
	f[0] = zap.String("http.request.method", r.Method)
	f[1] = zap.String("url.path", r.URL.Path)
	f[2] = zap.String("url.query", r.URL.RawQuery)
	f[3] = zap.String("network.protocol.version", "1.1")
	f[4] = zap.Int("http.response.status_code", status)
	f[5] = zap.Int64("http.response.body.size", bytes)
	f[6] = zap.Int64("http.request.body.size", r.ContentLength)
	f[7] = zap.Duration("http.server.request.duration", d)
	f[8] = zap.String("client.address", "127.0.0.1")
	f[9] = zap.String("user_agent.original", header(r.Header, "User-Agent"))
	f[10] = zap.String("http.request.header.referer", header(r.Header, "Referer"))
	f[11] = zap.String("server.address", r.Host)
	f[12] = zap.String("http.request.id", id)
	return f[:]
}

// zapFloorCareful is zapFloor as a careful zap user writes it: the entry
// checked before any field is built, the fields in a pooled array (the
// Field values only, cleared before they go back: nothing a handler could
// keep is pooled), the headers read by their canonical keys. It writes the
// same bytes as zapFloor.
func zapFloorCareful(log *zap.Logger) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			h.ServeHTTP(w, r)
			ce := log.Check(zap.InfoLevel, "request")
			if ce == nil {
				return
			}
			f := fieldPool.Get().(*[accessFieldCount]zap.Field)
			ce.Write(carefulFields(f, r, 200, int64(len(HelloBody)), time.Since(start), floorRequestID)...)
			*f = [accessFieldCount]zap.Field{}
			fieldPool.Put(f)
		})
	}
}

// linePool holds the buffers the appender floor writes its lines into: the
// line is written before the buffer goes back, and the writer must not keep
// it (io.Writer's contract).
var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// appenderFloor is the physical floor of the access entry: no zap, the line
// zap's production JSON encoder writes for zapFloor's entry appended by hand
// into a pooled buffer, byte for byte, and written to w with one Write.
func appenderFloor(w io.Writer) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			start := time.Now()
			h.ServeHTTP(rw, r)
			now := time.Now()
			bp := linePool.Get().(*[]byte)
			line := appendAccessLine((*bp)[:0], r, now, now.Sub(start), 200, int64(len(HelloBody)), floorRequestID)
			_, _ = w.Write(line)
			*bp = line
			linePool.Put(bp)
		})
	}
}

// appendAccessLine appends the line zap's production JSON encoder writes
// for the info entry "request" at now with accessFields(r, status, bytes,
// d, id): the level, the time as float seconds since the epoch, the
// message, the 13 fields, the duration as float seconds, a newline.
func appendAccessLine(b []byte, r *http.Request, now time.Time, d time.Duration, status int, bytes int64, id string) []byte {
	b = append(b, `{"level":"info","ts":`...)
	b = appendFloat(b, float64(now.UnixNano())/float64(time.Second))
	b = append(b, `,"msg":"request","http.request.method":"`...)
	b = appendJSONString(b, r.Method)
	b = append(b, `","url.path":"`...)
	b = appendJSONString(b, r.URL.Path)
	b = append(b, `","url.query":"`...)
	b = appendJSONString(b, r.URL.RawQuery)
	b = append(b, `","network.protocol.version":"1.1","http.response.status_code":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"http.response.body.size":`...)
	b = strconv.AppendInt(b, bytes, 10)
	b = append(b, `,"http.request.body.size":`...)
	b = strconv.AppendInt(b, r.ContentLength, 10)
	b = append(b, `,"http.server.request.duration":`...)
	b = appendFloat(b, float64(d)/float64(time.Second))
	b = append(b, `,"client.address":"127.0.0.1","user_agent.original":"`...)
	b = appendJSONString(b, header(r.Header, "User-Agent"))
	b = append(b, `","http.request.header.referer":"`...)
	b = appendJSONString(b, header(r.Header, "Referer"))
	b = append(b, `","server.address":"`...)
	b = appendJSONString(b, r.Host)
	b = append(b, `","http.request.id":"`...)
	b = appendJSONString(b, id)
	return append(b, "\"}\n"...)
}

// appendFloat appends f as zap's JSON encoder does: the shortest decimal
// that reads back as f, no exponent. The floors' floats (a time, a
// duration) are never NaN or infinite, which zap writes as strings.
func appendFloat(b []byte, f float64) []byte { return strconv.AppendFloat(b, f, 'f', -1, 64) }

// hexDigits are the digits of zap's \u00XX escapes: lower case.
const hexDigits = "0123456789abcdef"

// jsonSafe tells which bytes zap's JSON encoder writes as they are without
// looking further: printable ASCII but the quote and the backslash.
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString appends s escaped as zap's JSON encoder escapes it,
// without the quotes: `"` and `\` behind a backslash; \n, \r and \t; other
// bytes below 0x20 as \u00XX; each byte of invalid UTF-8 as \ufffd;
// everything else, U+2028 and U+2029 included, as is.
func appendJSONString(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if jsonSafe[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			b = append(b, s[last:i]...)
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[last:i]...)
			b = appendEscape(b, c)
		}
		i++
		last = i
	}
	return append(b, s[last:]...)
}

// appendEscape appends the escape of c, a byte below 0x20, a quote or a
// backslash.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '\\', '"':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}
