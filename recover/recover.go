package recover

import (
	"context"
	"net/http"
	"runtime"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/fieldname"
	"github.com/wsgo/wsgo/internal/handback"
	"github.com/wsgo/wsgo/internal/panicvalue"
	"github.com/wsgo/wsgo/internal/state"
	"github.com/wsgo/wsgo/internal/traceparent"
	"github.com/wsgo/wsgo/mw"
)

// Option configures [New].
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// Tracebacks has d answer the panics of the requests it allows instead of
// the production page: d is package traceback's development page, made by
// traceback.New; the presets of package wsgo pass it in development only,
// and a program that never calls traceback.New does not link it. A nil d
// is no development page.
func Tracebacks(d Debugger) Option { return optionFunc(func(c *config) { c.debugger = d }) }

// OnPanic calls f for every panic that is recovered, after it is logged, to
// report it elsewhere. A panic inside f is recovered and logged in turn.
func OnPanic(f func(r *http.Request, p *Panic)) Option {
	return optionFunc(func(c *config) { c.onPanic = f })
}

// Page replaces the production error page. The status, the request-ID
// header, Cache-Control and the other headers are already set (see the
// package documentation for which headers the 500 keeps); write sets the
// Content-Type and writes the body. If it panics, the answer falls back
// to a plain-text 500.
func Page(write func(w http.ResponseWriter, r *http.Request, p *Panic)) Option {
	return optionFunc(func(c *config) { c.page, c.customPage = write, true })
}

type config struct {
	logger     *zap.Logger
	debugger   Debugger
	onPanic    func(*http.Request, *Panic)
	page       func(http.ResponseWriter, *http.Request, *Panic)
	customPage bool // Page was given: it is shown the whole stack
	whole      bool // a Debugger, OnPanic or Page is given: a panic's whole stack is captured
}

// New returns the recovering middleware: see the package documentation for
// what it does with a panic.
//
// To know whether the response had started when the panic came, it shares
// the request's captured writer ([mw.Capture]): behind an access log, that
// costs nothing more; alone, it captures the writer itself.
//
// A panic with http.ErrAbortHandler passes through untouched and unlogged.
// When the response had started, the panic is logged and the response is
// aborted (a re-panic with http.ErrAbortHandler), so the client sees a broken
// response rather than a truncated one that looks complete. A hijacked
// connection is logged and left alone.
//
// New panics when logger is nil.
func New(logger *zap.Logger, opts ...Option) mw.Middleware {
	if logger == nil {
		panic("recover: New: nil logger")
	}
	c := &config{
		// No caller and no zap stacktrace: both would point into wsgo; the
		// entry's own "stack" field is the panic's.
		logger: logger.WithOptions(zap.WithCaller(false), zap.AddStacktrace(zap.LevelEnablerFunc(func(zapcore.Level) bool { return false }))),
	}
	for _, o := range opts {
		o.apply(c)
	}
	if c.page == nil {
		c.page = productionPage
	}
	c.whole = c.debugger != nil || c.onPanic != nil || c.customPage
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { c.serve(next, w, r) })
	}
}

// layerFunc is the name of the function in which the recover layer runs
// the handler (serve, below): the frames of a panic above it are the
// panic's own, those below are the same for every panic. A test checks
// that a panic's stack has a frame of this name.
const layerFunc = "github.com/wsgo/wsgo/recover.(*config).serve"

// serve runs next under the recover: one Capture (free behind a layer that
// already captured this writer), one deferred function. With a Debugger,
// Enter decides on entry, to the request as this layer received it,
// whether a panic gets its answer; a panic never asks again.
func (c *config) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	resp, r := mw.Capture(w, r)
	defer resp.Release()
	var answer Answer
	if c.debugger != nil {
		var served bool
		entered := r
		if r, answer, served = c.debugger.Enter(resp.Writer(), r); served {
			return
		}
		if r != entered {
			defer handback.Return(entered, r, "")
		}
	}
	// What an outer layer (a compressor) set before calling inward: the 500
	// goes out through it, so the 500 keeps it. A slice header, no copy.
	encoding := w.Header()["Content-Encoding"]
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v) // the standard way to abort: not ours to log
			}
			p := &Panic{Value: v}
			var n int
			if !c.whole {
				// The short capture is taken here, in the deferred
				// function itself: runtime.Callers walks every frame
				// below it, the skipped ones too. It starts at its
				// caller, runtime.gopanic.
				n = runtime.Callers(2, p.buf[:])
			}
			c.handle(resp.Response, r, p, n, answer, encoding)
		}
	}()
	next.ServeHTTP(resp.Writer(), r)
}

// handle answers a recovered panic p (recover itself must be called by the
// deferred function, so the caller calls it and passes the value in p).
// n is how many PCs of the short capture the deferred function put in
// p.buf, 0 when it made none; answer is the Debugger's for this request,
// or nil; encoding is the Content-Encoding the response had when this
// layer received it.
func (c *config) handle(resp *mw.Response, r *http.Request, p *Panic, n int, answer Answer, encoding []string) {
	state.RecoveredSlot.Set(r.Context(), true) // for an access log outside: this request panicked
	p.Time = time.Now()
	p.capture(n)
	p.Committed, p.Hijacked = resp.Committed(), resp.Hijacked()
	p.RequestID = mw.RequestIDFrom(r.Context())
	if p.RequestID == "" {
		p.RequestID = mw.NewRequestID()
	}
	p.TraceID, _, _ = traceparent.FromHeader(r.Header)
	c.log(r, p)
	c.callHook(r, p)
	switch {
	case p.Hijacked:
		return
	case p.Committed:
		panic(http.ErrAbortHandler) // no second status can be sent: abort the response
	}
	c.respond(resp, r, p, answer, encoding)
}

// The fields of the panic entry that package logging does not write.
const (
	fieldPanic     = "panic"
	fieldPanicType = "panic.type"
	fieldStack     = "stack"
	fieldChain     = "error.chain"
	fieldCommitted = "committed"
	fieldHijacked  = "hijacked"
)

// appendContextFields appends the fields logging.ContextFields gives the
// access entry (an OpenTelemetry span's trace_id and span_id), when an
// access layer outside has them, and the traceparent's trace ID unless
// they hold a trace_id: the panic entry and the access entry of a request
// carry the same trace.
func appendContextFields(fields []zap.Field, r *http.Request, traceID string) []zap.Field {
	var cf []zap.Field
	if v, ok := state.ContextFieldsSlot.Get(r.Context()); ok {
		if f, ok := v.(func(context.Context) []zap.Field); ok {
			cf = f(r.Context())
		}
	}
	for _, f := range cf {
		if f.Key == fieldname.TraceID {
			traceID = ""
		}
	}
	if traceID != "" {
		fields = append(fields, zap.String(fieldname.TraceID, traceID))
	}
	return append(fields, cf...)
}

func (c *config) log(r *http.Request, p *Panic) {
	fields := []zap.Field{
		zap.String(fieldPanic, p.Message()),
		zap.String(fieldPanicType, p.Type()),
		zap.String(fieldname.Method, r.Method),
		zap.String(fieldname.Path, r.URL.Path),
		zap.String(fieldname.RequestID, p.RequestID),
		zap.String(fieldStack, p.Stack()),
	}
	fields = appendContextFields(fields, r, p.TraceID)
	if chain := p.Chain(); chain != nil {
		fields = append(fields, zap.Strings(fieldChain, chain))
	}
	if p.Committed {
		fields = append(fields, zap.Bool(fieldCommitted, true))
	}
	if p.Hijacked {
		fields = append(fields, zap.Bool(fieldHijacked, true))
	}
	c.logger.Error("panic recovered", fields...)
}

func (c *config) callHook(r *http.Request, p *Panic) {
	if c.onPanic == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			c.logger.Error("recover: OnPanic hook panicked",
				zap.String(fieldPanic, panicvalue.Text(v, 0)), zap.String(fieldname.RequestID, p.RequestID))
		}
	}()
	c.onPanic(r, p)
}
