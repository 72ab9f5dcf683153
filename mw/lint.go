package mw

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"go.uber.org/zap"
)

// LintOption configures [Lint].
type LintOption interface{ apply(*linter) }

type lintOptionFunc func(*linter)

func (f lintOptionFunc) apply(l *linter) { f(l) }

// LintStrict makes every breach call fail as well as log it, each time, not
// once per route: in a test, pass t.Errorf-like func, or one that panics.
func LintStrict(fail func(breach string)) LintOption {
	return lintOptionFunc(func(l *linter) { l.fail = fail })
}

// The rules Lint checks, as they appear in the "rule" field of its entries.
const (
	LintWriteHeaderTwice  = "WriteHeader called twice"
	LintInvalidStatus     = "status outside 100-999"
	LintInformational     = "informational status used wrongly"
	LintHeaderAfterSent   = "header changed after it was sent"
	LintBodyNotAllowed    = "body on a response that has none"
	LintContentLength     = "Content-Length does not match the body"
	LintNoContentType     = "body without Content-Type"
	LintContentTypeNoBody = "Content-Type on a response that has no body"
	LintWriteAfterReturn  = "write after the handler returned"
	LintCaptureHeld       = "Capture never released"
	lintMessage           = "lint: handler breaks the HTTP contract"
	lintFullMessage       = "lint: too many breaches to remember; later ones are not logged"
)

// The bounds of what Lint remembers, so that requests to ever new paths
// (a scanner, an attack) cannot grow it without limit: a route is cut to
// maxLintRoute bytes, and breaches are remembered up to maxLintReports of
// them or maxLintKeyBytes of rule and route, whichever comes first.
const (
	maxLintReports  = 10000
	maxLintRoute    = 256
	maxLintKeyBytes = 1 << 20
)

type linter struct {
	log      *zap.Logger
	fail     func(string)
	mu       sync.Mutex
	seen     map[string]bool // rule + route, reported once
	keyBytes int             // the bytes of seen's keys
	full     bool            // the bounds were reached, and it was logged
}

// Lint returns a development middleware that watches the handlers below it
// keep net/http's contract, as Python's wsgiref.validate does for WSGI, and
// reports each breach once per route (method and path, cut at 256 bytes)
// on logger at Warn: WriteHeader called twice; a status outside 100-999, or
// an informational status used wrongly (100 Continue, which net/http sends
// itself, or a 1xx to an HTTP/1.0 client); the header changed after it was
// sent (net/http drops the change silently); a body on a 204 or 304; a
// Content-Length that does not match what was written; a body without
// Content-Type (net/http will sniff one); a Content-Type on a 204 or 304
// response, which has no body to describe (wsgiref.validate's
// check_content_type; net/http drops it); and a write after the handler
// returned, from a goroutine it leaked; and a layer below it that called
// [Capture] and did not Release (its hold no longer keeps the writer open,
// but the layer is wrong).
//
// A body written on HEAD is no breach: net/http discards it, and its own
// http.Error, http.NotFound and http.Redirect write one, as do the 500 page
// of package recover and a WSGI-style environ.App.
//
// A late call is seen whether it comes before or after the writer is
// fenced ([ErrHandlerDone]). What Lint remembers is bounded (10,000
// breaches, 1 MiB of routes); past that, a breach is no longer logged, and
// one entry says so. Lint panics when logger is nil.
func Lint(logger *zap.Logger, opts ...LintOption) Middleware {
	if logger == nil {
		panic("mw: Lint: nil logger")
	}
	return newLinter(logger, opts...).middleware()
}

// newLinter is Lint's state, made from its options.
func newLinter(logger *zap.Logger, opts ...LintOption) *linter {
	l := &linter{log: logger, seen: map[string]bool{}}
	for _, o := range opts {
		o.apply(l)
	}
	return l
}

// middleware is the Lint layer that reports to l.
func (l *linter) middleware() Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := Capture(w, r)
			defer resp.Release()
			holds := resp.refs
			q := &lintRequest{l: l, resp: resp.Response, ww: resp.Writer(), r: r, route: lintRoute(r.Method, r.URL.Path)}
			q.obs = Observer{
				AfterDone:       q.afterDone,
				WriteHeader:     q.writeHeader,
				LateWriteHeader: q.lateWriteHeader,
				Write:           q.write,
			}
			resp.Observe(&q.obs)
			next.ServeHTTP(q.ww, r)
			if held := resp.refs - holds; held > 0 {
				l.report(LintCaptureHeld, q.route, "holds", strconv.Itoa(held))
			}
			q.handlerReturned()
		})
	}
}

// lintRequest is what Lint knows of one request: its observer callbacks are
// methods of it, so that each rule is a small function of its own and the
// state they share (the header as sent, whether the handler returned) is in
// one place instead of in variables captured by closures.
type lintRequest struct {
	l     *linter
	resp  *Response
	ww    http.ResponseWriter // the writer handed to the handler
	r     *http.Request
	route string
	obs   Observer // the callbacks, kept here so they cost no allocation of their own

	mu         sync.Mutex  // late writes come from other goroutines
	sent       http.Header // the header as it went out
	returned   bool
	reportedCT bool
}

// afterDone reports a call on the writer after the capturing layer
// returned, which the fence turned into a no-op.
func (q *lintRequest) afterDone(method string) {
	q.l.report(LintWriteAfterReturn, q.route, "call", method)
}

// writeHeader checks a status as it goes out, and keeps a copy of the
// header sent with a final status, for the checks at the end of the request.
func (q *lintRequest) writeHeader(code int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.returned {
		q.l.report(LintWriteAfterReturn, q.route, "status", strconv.Itoa(code))
		return
	}
	q.checkStatus(code)
	if code >= 200 || code == http.StatusSwitchingProtocols {
		q.sent = q.ww.Header().Clone()
	}
	if (code == http.StatusNoContent || code == http.StatusNotModified) && len(q.sent["Content-Type"]) > 0 {
		q.l.report(LintContentTypeNoBody, q.route, "status", strconv.Itoa(code))
	}
}

// checkStatus reports a status outside 100-999 and an informational status
// that net/http or the client cannot take: 100 Continue, which net/http
// sends itself, and a 1xx other than 101 to an HTTP/1.0 client.
func (q *lintRequest) checkStatus(code int) {
	switch {
	case code < 100 || code > 999:
		q.l.report(LintInvalidStatus, q.route, "status", strconv.Itoa(code))
	case code == http.StatusContinue:
		q.l.report(LintInformational, q.route, "status", "100 Continue is sent by net/http when the handler reads the body")
	case code < 200 && q.r.ProtoMajor == 1 && q.r.ProtoMinor == 0 && code != http.StatusSwitchingProtocols:
		q.l.report(LintInformational, q.route, "status", strconv.Itoa(code)+" to an HTTP/1.0 client")
	}
}

// lateWriteHeader reports a WriteHeader after the final status went out,
// which net/http ignores.
func (q *lintRequest) lateWriteHeader(code int) {
	q.l.report(LintWriteHeaderTwice, q.route, "status", strconv.Itoa(code))
}

// write checks a body write: a write after the handler returned, a body on
// a response that has none, and (once per request) a body without
// Content-Type, which net/http would sniff.
func (q *lintRequest) write(n int64, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.returned {
		q.l.report(LintWriteAfterReturn, q.route, "bytes", strconv.FormatInt(n, 10))
		return
	}
	if n == 0 && err != http.ErrBodyNotAllowed {
		return
	}
	status := q.resp.Status()
	if err == http.ErrBodyNotAllowed || status == http.StatusNoContent || status == http.StatusNotModified {
		q.l.report(LintBodyNotAllowed, q.route, "status", strconv.Itoa(status)+" "+q.r.Method)
	}
	if !q.reportedCT && q.sent != nil && q.sent.Get("Content-Type") == "" {
		q.reportedCT = true
		q.l.report(LintNoContentType, q.route, "status", strconv.Itoa(status))
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
		q.l.report(LintHeaderAfterSent, q.route, "header", changed)
	}
	if cl := q.sent.Get("Content-Length"); cl != "" && q.r.Method != http.MethodHead {
		if n, err := strconv.ParseInt(cl, 10, 64); err != nil || n != q.resp.Written() {
			q.l.report(LintContentLength, q.route, "header", fmt.Sprintf("Content-Length %s, body %d bytes", cl, q.resp.Written()))
		}
	}
}

// headerChange names a header that differs between what was sent and what
// the handler left, or returns "".
func headerChange(sent, now http.Header) string {
	for k, vs := range now {
		if old, ok := sent[k]; !ok || fmt.Sprint(old) != fmt.Sprint(vs) {
			return k
		}
	}
	for k := range sent {
		if _, ok := now[k]; !ok {
			return k
		}
	}
	return ""
}

// lintRoute is the route a breach is reported for: the method and the
// path, cut at maxLintRoute bytes (at the start of a UTF-8 character) and
// marked with "…" when cut.
func lintRoute(method, path string) string {
	if len(method)+1+len(path) <= maxLintRoute {
		return method + " " + path
	}
	n := max(maxLintRoute-len(method)-1, 0)
	for n > 0 && n < len(path) && !utf8.RuneStart(path[n]) {
		n--
	}
	route := method + " " + path[:min(n, len(path))] + "…"
	if len(route) > maxLintRoute+len("…") { // a method longer than the bound
		route = route[:maxLintRoute] + "…"
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
	room := len(l.seen) < maxLintReports && l.keyBytes+len(id) <= maxLintKeyBytes
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
		l.log.Warn(lintFullMessage, zap.Int("breaches", maxLintReports), zap.Int("bytes", maxLintKeyBytes))
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
