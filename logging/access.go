package logging

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/handback"
	"github.com/wsgo/wsgo/internal/hostport"
	"github.com/wsgo/wsgo/internal/state"
	"github.com/wsgo/wsgo/internal/traceparent"
	"github.com/wsgo/wsgo/mw"
)

// Option configures [Access].
type Option interface{ apply(*access) }

type optionFunc func(*access)

func (f optionFunc) apply(a *access) { f(a) }

// Levels sets the level of an entry from the response status. The default
// is Error for 5xx, Warn for 4xx and Info for the rest.
func Levels(level func(status int) zapcore.Level) Option {
	return optionFunc(func(a *access) { a.level = level })
}

// Skip leaves out of the access log the requests for which skip returns
// true (health checks, say). It applies to [Access] and [Apache]. It drops
// the access entry only: what the application logs on such a request with
// [FromContext] or wsgi.errors is logged as on any other.
func Skip(skip func(*http.Request) bool) Option {
	return optionFunc(func(a *access) { a.skip = skip })
}

// Fields adds fields of your own to every entry, computed after the handler
// returned, from the request (whose Environ, if any, is environ.Lookup(
// r.Context())) and the response. The fields are appended to the standard
// ones.
func Fields(extra func(r *http.Request, resp *mw.Response) []zap.Field) Option {
	return optionFunc(func(a *access) { a.extra = extra })
}

// Route sets how the route that matched a request is found, for the
// entry's http.route field (OpenTelemetry's name, the key users group the
// log by). route runs after the handler returned, with the request this
// layer handed inward; "" leaves the field out. The default reads
// r.Pattern, which Go's ServeMux sets, and which wsgo's layers give back
// to the request they received when they handed a copy inward (with the
// SCRIPT_NAME a mount took put before it). A router that keeps its route
// elsewhere needs the preset inside it (chi's r.Use, gorilla's Use) and:
//
//	chi:     func(r *http.Request) string { return chi.RouteContext(r.Context()).RoutePattern() }
//	gorilla: func(r *http.Request) string { t, _ := mux.CurrentRoute(r).GetPathTemplate(); return t }
//
// A layer of your own that copies the request inside this one
// (r.WithContext) hides the ServeMux's Pattern from it: give the Pattern
// back to the request you received, or use Route.
func Route(route func(r *http.Request) string) Option {
	return optionFunc(func(a *access) { a.route = route })
}

// DefaultLevel is the default level by outcome: Error for 5xx, Warn for
// 4xx, Info for the rest.
func DefaultLevel(status int) zapcore.Level {
	switch {
	case status >= 500:
		return zapcore.ErrorLevel
	case status >= 400:
		return zapcore.WarnLevel
	}
	return zapcore.InfoLevel
}

// ContextFields adds the fields f returns for a request's context to its
// access entry and to every entry of its per-request logger ([FromContext]), which
// calls f with the handler's context. It is how an active OpenTelemetry
// span reaches the logs without wsgo depending on OpenTelemetry:
//
//	logging.ContextFields(func(ctx context.Context) []zap.Field {
//		sc := trace.SpanContextFromContext(ctx)
//		if !sc.IsValid() {
//			return nil
//		}
//		return []zap.Field{zap.String("trace_id", sc.TraceID().String()), zap.String("span_id", sc.SpanID().String())}
//	})
//
// When f returns a trace_id field, the trace ID of the traceparent header
// ([FieldTraceID]) is left out, so that an entry has one. f runs once per
// entry, on the request's goroutine, and must be cheap.
func ContextFields(f func(context.Context) []zap.Field) Option {
	return optionFunc(func(a *access) { a.contextFields = f })
}

// WriteErrors calls report with every error the [Apache] writer's io.Writer
// returns, and the line that was lost with it, so that a log that cannot be
// written is noticed. Without it, Apache writes the errors to standard
// error, at most one a second, with the number of lines lost since the last.
// report is called under the writer's lock: it must not block for long.
func WriteErrors(report func(err error, line []byte)) Option {
	return optionFunc(func(a *access) { a.writeErr = report })
}

type access struct {
	apacheExact   bool
	writeErr      func(error, []byte)
	contextFields func(context.Context) []zap.Field
	logger        *zap.Logger
	level         func(int) zapcore.Level
	skip          func(*http.Request) bool
	extra         func(*http.Request, *mw.Response) []zap.Field
	route         func(*http.Request) string
	el            *errorLog
}

// fieldsPool holds the slices of fields an entry is made of, so that a
// request does not allocate one: ce.Write(fs...) passes the slice as it is.
var fieldsPool = sync.Pool{New: func() any { s := make([]zap.Field, 0, 16); return &s }}

// Access returns the access-log middleware: one entry per request on
// logger, written when the response is done, with the fields named by the
// Field constants, at a level chosen by the status (see [Levels]). The
// message is always [FieldMessage].
//
// The thirteen fields every entry has (method, path, query, protocol,
// status, both sizes, duration, client, user agent, referer, host, request
// ID) reach the core as one zap.Inline field, which every encoder writes
// as thirteen fields: zap's observer shows them in ContextMap, but its
// FilterField, which compares whole fields, does not find them one by
// one (use Filter with ContextMap). The optional ones (url.script_name,
// http.route, error.type, the trace's, Fields') are fields of their own.
//
// url.query is the raw query with the value of every secret parameter
// replaced by REDACTED, as OpenTelemetry's HTTP conventions ask; the rest of
// the query stays byte for byte as sent. A name is secret when it contains
// a long stem (password, passwd, passphrase, secret, token, session, sessid,
// apikey, accesskey, privatekey, credential, signature, cookie, jwt, bearer,
// csrf, xsrf, authorization, ...) anywhere, in any case, across '_', '-',
// '.', '[' and ']' (api_key, accessToken, PHPSESSID, user[password]), or
// has a short word (auth, pin, otp, pass, pw, pwd, code, cvv, cvc, ssn,
// sid, key, sig, ...) as a word of its own (x-auth-y, userPIN, connect.sid),
// so that shipping, compass, keyboard and monkey stay visible. The
// development page of package recover uses the same rule. The Referer is
// redacted the same way in its query and fragment (#access_token=...), and
// the password of its user information is replaced by REDACTED. [Apache]
// redacts %r and %{Referer}i too, unless [ApacheExact] is given.
//
// The values that come from the request (url.path, url.query,
// user_agent.original, http.request.header.referer, server.address,
// client.address, url.script_name) have their C1 control characters
// (U+0080 to U+009F, U+009B the 8-bit CSI among them), which zap's encoders
// write as they are, written as the six characters \u0080 to \u009f, so
// that no request can drive the terminal that shows the log.
//
// Every request gets its entry, whatever happened to it:
//   - a handler that panics is logged as 500 with error.type=panic (or with
//     the status already sent and error.type=aborted when the response had
//     started), at Error, and the panic goes on up, to a recover layer or to
//     net/http; one that panicked with http.ErrAbortHandler, which aborts on
//     purpose, is error.type=aborted at Warn. A panic that a recover layer
//     inside this one recovered is logged the same way, with the status that
//     went out (its 500, or 101 after a hijack);
//   - a hijacked connection is logged as 101 when the request asked for an
//     upgrade (a WebSocket library writes its own 101), and with status 0
//     otherwise, since no status went out through net/http;
//   - a client that went away before the response was done (a write
//     returned an error, or the request's context was cancelled before the
//     entry was written: an SSE stream closed, a download cut) is
//     error.type=client_gone, at Warn at least, not a plain 200;
//   - a timeout outside this layer is error.type=timeout, at Error: behind
//     an http.TimeoutHandler (a write failed with http.ErrHandlerTimeout)
//     with its 503; after a deadline on the request's context (chi's
//     Timeout) with the status that went out, if one did, never a made-up
//     200. A timeout layer inside this one writes its 503 or 504 through it,
//     and is logged as that status;
//   - a gRPC call (HTTP/2 with a Grpc-Status trailer: grpc-go, connect's
//     gRPC protocol) carries rpc.grpc.status_code, and its level is at least
//     Warn for a failed call and Error for the codes that mean the server
//     failed (Unknown, DeadlineExceeded, Unimplemented, Internal,
//     Unavailable, DataLoss): the HTTP status is 200 whatever the outcome.
//
// The entries carry no caller and no zap stacktrace, whatever the logger's
// options: both would point into wsgo, and the panic entry of the recover
// layer carries the stack that matters.
//
// Status, bytes and write errors come from the shared writer
// ([mw.Capture]). The layer also makes the request's error log: [FromContext] and
// wsgi.errors.
//
// Access panics when logger is nil.
func Access(logger *zap.Logger, opts ...Option) mw.Middleware {
	if logger == nil {
		panic("logging: Access: nil logger")
	}
	a := &access{logger: quiet(logger), level: DefaultLevel, el: &errorLog{base: logger}}
	for _, o := range opts {
		o.apply(a)
	}
	a.el.contextFields = a.contextFields
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if a.skip != nil && a.skip(r) {
				a.serveSkipped(next, w, r)
				return
			}
			start := time.Now()
			serveLogged(next, w, r, a.el, func(r *http.Request, resp *mw.Response, panicked any) {
				a.write(r, resp, start, panicked, w)
			})
		})
	}
}

// write writes the entry of r; w is the writer this layer received, whose
// header holds the trailers once the handler returned.
func (a *access) write(r *http.Request, resp *mw.Response, start time.Time, panicked any, w http.ResponseWriter) {
	status, errType, level := outcome(r, resp, panicked)
	if l := a.level(status); l > level {
		level = l
	}
	grpc, isGRPC := grpcStatus(r, w)
	if isGRPC {
		level = max(level, grpcLevel(grpc))
	}
	ce := a.logger.Check(level, FieldMessage)
	if ce == nil {
		return
	}
	var client, scriptName string // REMOTE_ADDR (see clientAddress) and SCRIPT_NAME
	if env := environOf(r); env != nil {
		client, scriptName = env.Logged()
	} else {
		client = hostport.Addr(r.RemoteAddr)
	}
	fp := fieldsPool.Get().(*[]zap.Field)
	fs := append((*fp)[:0], zap.Inline(&accessEntry{
		method:      r.Method,
		path:        escapeC1(r.URL.Path),
		query:       escapeC1(redactQuery(r.URL.RawQuery)),
		protocol:    protocolVersion(r),
		status:      status,
		written:     resp.Written(),
		requestSize: r.ContentLength,
		duration:    elapsed(ce, start),
		client:      escapeC1(client),
		userAgent:   escapeC1(first(r.Header["User-Agent"])),
		referer:     escapeC1(redactURL(first(r.Header["Referer"]))),
		host:        escapeC1(r.Host),
		requestID:   mw.RequestIDFrom(r.Context()),
	}))
	if scriptName != "" {
		fs = append(fs, zap.String(FieldScriptName, escapeC1(scriptName)))
	}
	if isGRPC {
		fs = append(fs, zap.Int(FieldGRPCStatus, grpc))
	}
	if route := a.routeOf(r); route != "" {
		fs = append(fs, zap.String(FieldRoute, escapeC1(route)))
	}
	if errType != "" {
		fs = append(fs, zap.String(FieldError, errType))
	}
	fs = appendTrace(fs, r.Context(), r.Header, a.contextFields)
	if a.extra != nil {
		fs = append(fs, a.extra(r, resp)...)
	}
	ce.Write(fs...)
	// Not cleared: the next entry overwrites these fields, and until then a
	// pooled slice keeps one request's strings alive, per P. Clearing cost
	// as much as one field's encoding.
	*fp = fs[:0]
	fieldsPool.Put(fp)
}

// first is the first value of a header, read from the map by its canonical
// key: r.UserAgent() and Header.Get canonicalise the key on every call,
// which costs more than the look-up.
func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// routeOf is the route that matched r: see [Route].
func (a *access) routeOf(r *http.Request) string {
	if a.route != nil {
		return a.route(r)
	}
	return r.Pattern
}

// outcome is what the entry says happened: the status, the error.type ("" for
// none) and the least level the entry gets for it.
func outcome(r *http.Request, resp *mw.Response, panicked any) (status int, errType string, level zapcore.Level) {
	status, level = resp.Status(), zapcore.DebugLevel
	if resp.Hijacked() && status == 0 && upgradeRequested(r) {
		status = http.StatusSwitchingProtocols
	}
	if errType, ok := recoveredInside(r, resp, status, panicked); ok {
		return status, errType, zapcore.ErrorLevel
	}
	if panicked != nil {
		return panicOutcome(resp, status, panicked)
	}
	if resp.Hijacked() {
		return status, "", level
	}
	if errors.Is(resp.Err(), http.ErrHandlerTimeout) {
		// An http.TimeoutHandler outside answered 503 in place of what
		// the handler wrote.
		return http.StatusServiceUnavailable, "timeout", zapcore.ErrorLevel
	}
	if errors.Is(r.Context().Err(), context.DeadlineExceeded) {
		// A timeout layer outside (chi's Timeout) answers, or the server
		// cuts the response: what went out is not this layer's to see, and
		// 200 would be a lie. The status is the one that went out, if any.
		return status, "timeout", zapcore.ErrorLevel
	}
	if status == 0 {
		status = http.StatusOK // net/http answers 200 for a handler that wrote nothing
	}
	if resp.Err() != nil || r.Context().Err() != nil {
		return status, "client_gone", zapcore.WarnLevel
	}
	return status, "", level
}

// panicOutcome is outcome for a panic that reached this layer: aborted at
// Warn for http.ErrAbortHandler, which aborts on purpose; else a 500, or
// the status that went out when the response had started (aborted) or the
// connection was hijacked (panic), at Error.
func panicOutcome(resp *mw.Response, status int, panicked any) (int, string, zapcore.Level) {
	switch {
	case panicked == http.ErrAbortHandler:
		return status, "aborted", zapcore.WarnLevel
	case resp.Hijacked():
		return status, "panic", zapcore.ErrorLevel
	case resp.Committed():
		return status, "aborted", zapcore.ErrorLevel
	}
	return http.StatusInternalServerError, "panic", zapcore.ErrorLevel
}

// recoveredInside is the error.type of a request whose panic a recover
// layer inside this one recovered (see state.RecoveredSlot), and true; ""
// and false when none did. Such a panic reaches this layer as a 500 that
// layer answered (panic), an http.ErrAbortHandler it re-panicked because
// the response had started (aborted), or nothing at all after a hijack
// (panic). Only those requests pay for the look-up.
func recoveredInside(r *http.Request, resp *mw.Response, status int, panicked any) (string, bool) {
	switch {
	case panicked == http.ErrAbortHandler:
	case panicked != nil, status < 500 && !resp.Hijacked():
		return "", false
	}
	if recovered, _ := state.RecoveredSlot.Get(r.Context()); !recovered {
		return "", false
	}
	if panicked == http.ErrAbortHandler {
		return "aborted", true
	}
	return "panic", true
}

// upgradeRequested reports whether r asked to switch protocols: an Upgrade
// header, and "upgrade" among the Connection tokens (RFC 9110 7.8).
func upgradeRequested(r *http.Request) bool {
	if r.Header.Get("Upgrade") == "" {
		return false
	}
	for _, v := range r.Header["Connection"] {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(tok), "upgrade") {
				return true
			}
		}
	}
	return false
}

// serveSkipped serves a request Skip leaves out: it gets no access entry,
// but keeps its error log (FromContext, wsgi.errors): the application's
// "database is down" on /healthz is not the access entry's to drop.
func (a *access) serveSkipped(next http.Handler, w http.ResponseWriter, r *http.Request) {
	r2 := r
	if state.From(r.Context()) == nil {
		r2, _ = state.New(r)
		defer handback.Return(r, r2, "")
	}
	attachErrorLog(a.el, r2)
	next.ServeHTTP(w, r2)
}

// quiet returns logger without caller and stacktrace: on an entry a wsgo
// layer writes, both point into wsgo, never at the application.
func quiet(logger *zap.Logger) *zap.Logger {
	return logger.WithOptions(zap.WithCaller(false), zap.AddStacktrace(zap.LevelEnablerFunc(func(zapcore.Level) bool { return false })))
}

// elapsed is the request's duration, ended when the entry was made: zap has
// just read the clock for ce.Time, and a second read would cost as much again
// for the same instant. A Time without a monotonic clock reading comes from a
// clock of the user's (zap.WithClock, a test's fixed time) and cannot be
// compared with start; then the clock is read again.
func elapsed(ce *zapcore.CheckedEntry, start time.Time) time.Duration {
	if t := ce.Time; t != t.Round(0) { // Round(0) strips the monotonic reading
		return t.Sub(start)
	}
	return time.Since(start)
}

func protocolVersion(r *http.Request) string {
	switch {
	case r.ProtoMajor == 1 && r.ProtoMinor == 1:
		return "1.1"
	case r.ProtoMajor == 2:
		return "2"
	case r.ProtoMajor == 1 && r.ProtoMinor == 0:
		return "1.0"
	case r.ProtoMajor == 3:
		return "3"
	}
	return strings.TrimPrefix(r.Proto, "HTTP/")
}

// clientAddress is REMOTE_ADDR: that of r's Environ, when one is attached
// (a trusted proxy layer may have set it), else the host of r.RemoteAddr.
// A RemoteAddr without a port, as gorilla's ProxyHeaders and chi's RealIP
// leave it (192.0.2.1, ::1, 2001:db8::1, [::1]), is the address whole, less
// the brackets of an IPv6 literal.
func clientAddress(r *http.Request) string {
	if env := environOf(r); env != nil {
		addr, _ := env.Logged()
		return addr
	}
	return hostport.Addr(r.RemoteAddr)
}

// environOf is r's Environ, or nil when no layer attached one (see
// state.Scope.Environ: logging does not import environ). An Environ
// attached but not made yet is not made for it.
func environOf(r *http.Request) state.Environ {
	if s := state.From(r.Context()); s != nil {
		if e, ok := s.Environ(); ok {
			return e
		}
	}
	return nil
}

// environString is the value of key in r's Environ, when a layer attached
// one.
func environString(r *http.Request, key string) (string, bool) {
	if e := environOf(r); e != nil {
		return e.String(key)
	}
	return "", false
}

// appendTrace appends what ties an entry to its trace: the fields of
// contextFields for ctx, and the trace ID of the request's traceparent
// header (in h) unless those fields carry one.
func appendTrace(fs []zap.Field, ctx context.Context, h http.Header, contextFields func(context.Context) []zap.Field) []zap.Field {
	var cf []zap.Field
	if contextFields != nil {
		cf = contextFields(ctx)
		for _, f := range cf {
			if f.Key == FieldTraceID {
				return append(fs, cf...)
			}
		}
	}
	if traceID, _, ok := traceparent.FromHeader(h); ok {
		fs = append(fs, zap.String(FieldTraceID, traceID))
	}
	return append(fs, cf...)
}
