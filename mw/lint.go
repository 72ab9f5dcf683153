package mw

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"go.uber.org/zap"
)

// LintOption configures [Lint].
type LintOption interface{ applyLint(*linter) }

type lintOptionFunc func(*linter)

func (f lintOptionFunc) applyLint(l *linter) { f(l) }

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
	maxLintReports        = 10000
	lintMessage           = "lint: handler breaks the HTTP contract"
)

type linter struct {
	log  *zap.Logger
	fail func(string)
	mu   sync.Mutex
	seen map[string]bool // rule + route, reported once
}

// Lint returns a development middleware that watches the handlers below it
// keep net/http's contract, as Python's wsgiref.validate does for WSGI, and
// reports each breach once per route (method and path) on logger at Warn:
// WriteHeader called twice; a status outside 100-999, or an informational
// status used wrongly (100 Continue, which net/http sends itself, or a 1xx
// to an HTTP/1.0 client); the header changed after it was sent (net/http
// drops the change silently); a body on HEAD, 204 or 304; a Content-Length
// that does not match what was written; a body without Content-Type (net/http
// will sniff one); a Content-Type on a 204 or 304 response, which has no body
// to describe (wsgiref.validate's check_content_type; net/http drops it); and
// a write after the handler returned, from a goroutine it leaked.
//
// A late call is seen whether it comes before or after the writer is
// fenced ([ErrHandlerDone]). Lint panics when logger is nil.
func Lint(logger *zap.Logger, opts ...LintOption) Middleware {
	if logger == nil {
		panic("mw: Lint: nil logger")
	}
	l := &linter{log: logger, seen: map[string]bool{}}
	for _, o := range opts {
		o.applyLint(l)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := Capture(w, r)
			defer resp.Release()
			ww := resp.Writer()
			route := r.Method + " " + r.URL.Path
			var (
				sent       http.Header // the header as it went out
				returned   bool
				mu         sync.Mutex // late writes come from other goroutines
				reportedCT bool
			)
			resp.Observe(&Observer{
				AfterDone: func(method string) {
					l.report(LintWriteAfterReturn, route, "call", method)
				},
				WriteHeader: func(code int) {
					mu.Lock()
					defer mu.Unlock()
					if returned {
						l.report(LintWriteAfterReturn, route, "status", strconv.Itoa(code))
						return
					}
					switch {
					case code < 100 || code > 999:
						l.report(LintInvalidStatus, route, "status", strconv.Itoa(code))
					case code == http.StatusContinue:
						l.report(LintInformational, route, "status", "100 Continue is sent by net/http when the handler reads the body")
					case code < 200 && r.ProtoMajor == 1 && r.ProtoMinor == 0 && code != http.StatusSwitchingProtocols:
						l.report(LintInformational, route, "status", strconv.Itoa(code)+" to an HTTP/1.0 client")
					}
					if code >= 200 || code == http.StatusSwitchingProtocols {
						sent = ww.Header().Clone()
					}
					if (code == http.StatusNoContent || code == http.StatusNotModified) && len(sent["Content-Type"]) > 0 {
						l.report(LintContentTypeNoBody, route, "status", strconv.Itoa(code))
					}
				},
				LateWriteHeader: func(code int) {
					l.report(LintWriteHeaderTwice, route, "status", strconv.Itoa(code))
				},
				Write: func(n int64, err error) {
					mu.Lock()
					defer mu.Unlock()
					if returned {
						l.report(LintWriteAfterReturn, route, "bytes", strconv.FormatInt(n, 10))
						return
					}
					if n == 0 && err != http.ErrBodyNotAllowed {
						return
					}
					status := resp.Status()
					if r.Method == http.MethodHead || err == http.ErrBodyNotAllowed || status == http.StatusNoContent || status == http.StatusNotModified {
						l.report(LintBodyNotAllowed, route, "status", strconv.Itoa(status)+" "+r.Method)
					}
					if !reportedCT && sent != nil && sent.Get("Content-Type") == "" {
						reportedCT = true
						l.report(LintNoContentType, route, "status", strconv.Itoa(status))
					}
				},
			})
			next.ServeHTTP(ww, r)
			mu.Lock()
			defer mu.Unlock()
			returned = true
			if sent != nil && !resp.Hijacked() {
				if changed := headerChange(sent, ww.Header()); changed != "" {
					l.report(LintHeaderAfterSent, route, "header", changed)
				}
				if cl := sent.Get("Content-Length"); cl != "" && r.Method != http.MethodHead {
					if n, err := strconv.ParseInt(cl, 10, 64); err != nil || n != resp.Written() {
						l.report(LintContentLength, route, "header", fmt.Sprintf("Content-Length %s, body %d bytes", cl, resp.Written()))
					}
				}
			}
		})
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

func (l *linter) report(rule, route, key, detail string) {
	if l.fail != nil {
		l.fail(rule + ": " + route + ": " + detail)
	}
	l.mu.Lock()
	id := rule + "\x00" + route
	first := !l.seen[id] && len(l.seen) < maxLintReports
	if first {
		l.seen[id] = true
	}
	l.mu.Unlock()
	if first {
		l.log.Warn(lintMessage, zap.String("rule", rule), zap.String("route", route), zap.String(key, detail))
	}
}
