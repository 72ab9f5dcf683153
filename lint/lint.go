package lint

import (
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/mw"
)

// Option configures [New].
type Option interface{ apply(*linter) }

type optionFunc func(*linter)

func (f optionFunc) apply(l *linter) { f(l) }

// Strict makes every breach call fail as well as log it, each time, not
// once per route: in a test, pass a t.Errorf-like func, or one that panics.
func Strict(fail func(breach string)) Option {
	return optionFunc(func(l *linter) { l.fail = fail })
}

// The rules the layer checks, as they appear in the "rule" field of its
// entries and at the start of what [Strict]'s fail is given.
const (
	WriteHeaderTwice  = "WriteHeader called twice"
	InvalidStatus     = "status outside 100-999"
	Informational     = "informational status used wrongly"
	HeaderAfterSent   = "header changed after it was sent"
	BodyNotAllowed    = "body on a response that has none"
	ContentLength     = "Content-Length does not match the body"
	NoContentType     = "body without Content-Type"
	ContentTypeNoBody = "Content-Type on a response that has no body"
	WriteAfterReturn  = "write after the handler returned"
	CaptureHeld       = "Capture never released"
	lintMessage       = "lint: handler breaks the HTTP contract"
	lintFullMessage   = "lint: too many breaches to remember; later ones are not logged"
)

// The bounds of what the layer remembers, so that requests to ever new paths
// (a scanner, an attack) cannot grow it without limit: a route is cut to
// maxRoute bytes, and breaches are remembered up to maxReports of
// them or maxKeyBytes of rule and route, whichever comes first.
const (
	maxReports  = 10000
	maxRoute    = 256
	maxKeyBytes = 1 << 20
)

type linter struct {
	log      *zap.Logger
	fail     func(string)
	mu       sync.Mutex
	seen     map[string]bool // rule + route, reported once
	keyBytes int             // the bytes of seen's keys
	full     bool            // the bounds were reached, and it was logged
}

// New returns a development middleware that watches the handlers below it
// keep net/http's contract, as Python's wsgiref.validate does for WSGI, and
// reports each breach once per route (method and path, cut at 256 bytes)
// on logger at Warn. The rules are the constants of this package:
// WriteHeader called twice; a status outside 100-999, or an informational
// status used wrongly (100 Continue, which net/http sends itself, or a 1xx
// to an HTTP/1.0 client); the header changed after it was sent (net/http
// drops the change silently); a body on a 204 or 304; a Content-Length that
// does not match what was written; a body without Content-Type (net/http
// will sniff one); a Content-Type on a 204 or 304 response, which has no
// body to describe (wsgiref.validate's check_content_type; net/http drops
// it); a write after the handler returned, from a goroutine it leaked; and
// a layer below it that called [mw.Capture] and did not Release (its hold
// no longer keeps the writer open, but the layer is wrong).
//
// A body written on HEAD is no breach: net/http discards it, and its own
// http.Error, http.NotFound and http.Redirect write one, as do the 500 page
// of package recover and a WSGI-style environ.App.
//
// A late call is seen whether it comes before or after the writer is
// fenced ([mw.ErrHandlerDone]). What the layer remembers is bounded
// (10,000 breaches, 1 MiB of rules and routes); past that, a
// breach is no longer logged, and one entry says so. New panics when logger
// is nil.
func New(logger *zap.Logger, opts ...Option) mw.Middleware {
	if logger == nil {
		panic("lint: New: nil logger")
	}
	return newLinter(logger, opts...).middleware()
}

// newLinter is the layer's state, made from its options.
func newLinter(logger *zap.Logger, opts ...Option) *linter {
	l := &linter{log: logger, seen: map[string]bool{}}
	for _, o := range opts {
		o.apply(l)
	}
	return l
}

// middleware is the layer that reports to l.
func (l *linter) middleware() mw.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r)
			defer resp.Release()
			holds := resp.Holds()
			q := &lintRequest{l: l, resp: resp.Response, ww: resp.Writer(), r: r, route: routeOf(r.Method, r.URL.Path)}
			q.obs = mw.Observer{
				AfterDone:       q.afterDone,
				WriteHeader:     q.writeHeader,
				LateWriteHeader: q.lateWriteHeader,
				Write:           q.write,
			}
			resp.Observe(&q.obs)
			next.ServeHTTP(q.ww, r)
			if held := resp.Holds() - holds; held > 0 {
				l.report(CaptureHeld, q.route, "holds", strconv.Itoa(held))
			}
			q.handlerReturned()
		})
	}
}

// lintRequest is what the layer knows of one request: its observer callbacks are
// methods of it, so that each rule is a small function of its own and the
// state they share (the header as sent, whether the handler returned) is in
// one place instead of in variables captured by closures.
type lintRequest struct {
	l     *linter
	resp  *mw.Response
	ww    http.ResponseWriter // the writer handed to the handler
	r     *http.Request
	route string
	obs   mw.Observer // the callbacks, kept here so they cost no allocation of their own

	mu         sync.Mutex  // late writes come from other goroutines
	sent       http.Header // the header as it went out
	returned   bool
	reportedCT bool
}

// afterDone reports a call on the writer after the capturing layer
// returned, which the fence turned into a no-op.
func (q *lintRequest) afterDone(method string) {
	q.l.report(WriteAfterReturn, q.route, "call", method)
}

// writeHeader checks a status as it goes out, and keeps a copy of the
// header sent with a final status, for the checks at the end of the request.
func (q *lintRequest) writeHeader(code int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.returned {
		q.l.report(WriteAfterReturn, q.route, "status", strconv.Itoa(code))
		return
	}
	q.checkStatus(code)
	if code >= 200 || code == http.StatusSwitchingProtocols {
		q.sent = q.ww.Header().Clone()
	}
	if (code == http.StatusNoContent || code == http.StatusNotModified) && len(q.sent["Content-Type"]) > 0 {
		q.l.report(ContentTypeNoBody, q.route, "status", strconv.Itoa(code))
	}
}

// checkStatus reports a status outside 100-999 and an informational status
// that net/http or the client cannot take: 100 Continue, which net/http
// sends itself, and a 1xx other than 101 to an HTTP/1.0 client.
func (q *lintRequest) checkStatus(code int) {
	switch {
	case code < 100 || code > 999:
		q.l.report(InvalidStatus, q.route, "status", strconv.Itoa(code))
	case code == http.StatusContinue:
		q.l.report(Informational, q.route, "status", "100 Continue is sent by net/http when the handler reads the body")
	case code < 200 && q.r.ProtoMajor == 1 && q.r.ProtoMinor == 0 && code != http.StatusSwitchingProtocols:
		q.l.report(Informational, q.route, "status", strconv.Itoa(code)+" to an HTTP/1.0 client")
	}
}

// lateWriteHeader reports a WriteHeader after the final status went out,
// which net/http ignores.
func (q *lintRequest) lateWriteHeader(code int) {
	q.l.report(WriteHeaderTwice, q.route, "status", strconv.Itoa(code)+" from "+caller())
}

// caller names the function that called WriteHeader (through wsgo's
// writer, and net/http's ResponseController): the layer to blame, which
// net/http would have called mw's wrapper.
func caller() string {
	var pcs [16]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs[:])])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "github.com/wsgo/wsgo/mw.") && !strings.HasPrefix(f.Function, "github.com/wsgo/wsgo/lint.(*lintRequest)") &&
			!strings.HasPrefix(f.Function, "net/http.(*ResponseController)") {
			return f.Function + " (" + filepath.Base(f.File) + ":" + strconv.Itoa(f.Line) + ")"
		}
		if !more {
			return "an unknown caller"
		}
	}
}

// write checks a body write: a write after the handler returned, a body on
// a response that has none, and (once per request) a body without
// Content-Type, which net/http would sniff.
func (q *lintRequest) write(n int64, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.returned {
		q.l.report(WriteAfterReturn, q.route, "bytes", strconv.FormatInt(n, 10))
		return
	}
	if n == 0 && err != http.ErrBodyNotAllowed {
		return
	}
	status := q.resp.Status()
	if err == http.ErrBodyNotAllowed || status == http.StatusNoContent || status == http.StatusNotModified {
		q.l.report(BodyNotAllowed, q.route, "status", strconv.Itoa(status)+" "+q.r.Method)
	}
	if !q.reportedCT && q.sent != nil && first(q.sent["Content-Type"]) == "" {
		q.reportedCT = true
		q.l.report(NoContentType, q.route, "status", strconv.Itoa(status))
	}
}

// handlerReturned marks the handler as returned, so that any later call is
// a write after return, and runs the checks that need the whole response:
// a header changed after it was sent, and a Content-Length that does not
// match the body.
func (q *lintRequest) handlerReturned() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.returned = true
	if q.sent == nil || q.resp.Hijacked() {
		return
	}
	if changed := headerChange(q.sent, q.ww.Header()); changed != "" {
		q.l.report(HeaderAfterSent, q.route, "header", changed)
	}
	if cl := first(q.sent["Content-Length"]); cl != "" && q.r.Method != http.MethodHead {
		if n, err := strconv.ParseInt(cl, 10, 64); err != nil || n != q.resp.Written() {
			q.l.report(ContentLength, q.route, "header", fmt.Sprintf("Content-Length %s, body %d bytes", cl, q.resp.Written()))
		}
	}
}

// headerChange names a header that differs between what was sent and what
// the handler left, or returns "". Trailers are no change: the keys the
// Trailer header declared, and keys with http.TrailerPrefix, are set after
// the header went out, as net/http documents (grpc-go and connect do it on
// every call).
func headerChange(sent, now http.Header) string {
	for k, vs := range now {
		if trailer(sent, k) {
			continue
		}
		if old, ok := sent[k]; !ok || !slices.Equal(old, vs) {
			return k
		}
	}
	for k := range sent {
		if _, ok := now[k]; !ok && !trailer(sent, k) {
			return k
		}
	}
	return ""
}

// trailer reports whether k is a trailer of a response whose header was
// sent: declared in its Trailer header, or with http.TrailerPrefix.
func trailer(sent http.Header, k string) bool {
	if strings.HasPrefix(k, http.TrailerPrefix) {
		return true
	}
	for _, v := range sent["Trailer"] {
		for _, name := range strings.Split(v, ",") {
			if http.CanonicalHeaderKey(strings.TrimSpace(name)) == http.CanonicalHeaderKey(k) {
				return true
			}
		}
	}
	return false
}

// routeOf is the route a breach is reported for: the method and the
// path, cut at maxRoute bytes (at the start of a UTF-8 character) and
// marked with "…" when cut.
func routeOf(method, path string) string {
	if len(method)+1+len(path) <= maxRoute {
		return method + " " + path
	}
	n := max(maxRoute-len(method)-1, 0)
	for n > 0 && n < len(path) && !utf8.RuneStart(path[n]) {
		n--
	}
	route := method + " " + path[:min(n, len(path))] + "…"
	if len(route) > maxRoute+len("…") { // a method longer than the bound
		route = route[:maxRoute] + "…"
	}
	return route
}

func (l *linter) report(rule, route, key, detail string) {
	if l.fail != nil {
		l.fail(rule + ": " + route + ": " + detail)
	}
	id := rule + "\x00" + route
	l.mu.Lock()
	first := !l.seen[id]
	room := len(l.seen) < maxReports && l.keyBytes+len(id) <= maxKeyBytes
	if first && room {
		l.seen[id] = true
		l.keyBytes += len(id)
	}
	logFull := first && !room && !l.full
	l.full = l.full || logFull
	l.mu.Unlock()
	switch {
	case first && room:
		l.log.Warn(lintMessage, zap.String("rule", rule), zap.String("route", route), zap.String(key, detail))
	case logFull:
		l.log.Warn(lintFullMessage, zap.Int("breaches", maxReports), zap.Int("bytes", maxKeyBytes))
	}
}

// stored is what the linter remembers: the number of breaches and the
// bytes of their keys.
func (l *linter) stored() (breaches, bytes int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for id := range l.seen {
		n += len(id)
	}
	return len(l.seen), n
}

// first is the first value of a header, read by its canonical key
// (Header.Get canonicalises the key on every call).
func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}
