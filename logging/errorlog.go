package logging

import (
	"context"
	"io"
	"net/http"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/state"
	"github.com/wsgo/wsgo/mw"
)

// The slots of the request's state that the access layer fills for FromContext.
var (
	errorLogSlot = state.Declare[*errorLog]()
	requestSlot  = state.Declare[*http.Request]()
)

// errorLog is what an access-log layer leaves in the request's state, once
// per layer, not per request: the logger the error log derives from.
type errorLog struct {
	base          *zap.Logger
	contextFields func(context.Context) []zap.Field
}

// FromContext returns the error log of the request whose context is ctx: the
// logger given to the access-log layer, with the request ID, method and
// path as fields, the trace ID of the request's traceparent header, and the
// fields of [ContextFields] for ctx. What WSGI calls wsgi.errors. Without an access-log layer in
// front, FromContext returns zap.L(), zap's global logger (a no-op logger unless the
// program replaced it), never nil.
//
// The logger is built when asked for: a request that never logs pays
// nothing for it.
//
// In development, the traceback page of recover/traceback puts a core in
// the request's state (state.LogTapSlot) that records the request's
// log for the page. FromContext tees the logger it returns, the access log's
// logger or zap.L() alike, into that core: every entry reaches it, Debug
// ones too, whatever the level of the logger they go to, with the fields
// given to the returned logger's With and per call, but not those FromContext
// adds itself (request ID, method, path, trace ID), which the page shows
// anyway. So do the entries of [SlogFromContext] and wsgi.errors behind an
// access-log layer, which are built on FromContext (without one, SlogFromContext is
// slog.Default(), which knows nothing of the tap; and with a tap, the
// SlogFromContext of a [Slog] logger reaches its handler through zap's fields, not
// straight). A logger that FromContext returned before the tap was put does not
// reach it. A request without a tap pays one more context look-up.
func FromContext(ctx context.Context) *zap.Logger {
	el, _ := errorLogSlot.Get(ctx)
	if el == nil {
		return withTap(ctx, zap.L())
	}
	fields := make([]zap.Field, 0, 4)
	if id := mw.RequestIDFrom(ctx); id != "" {
		fields = append(fields, zap.String(FieldRequestID, id))
	}
	if r, _ := requestSlot.Get(ctx); r != nil {
		fields = append(fields, zap.String(FieldMethod, r.Method), zap.String(FieldPath, r.URL.Path))
		fields = appendTrace(fields, ctx, r.Header, el.contextFields)
	}
	return withTap(ctx, el.base.With(fields...))
}

// withTap tees logger into the core in state.LogTapSlot of ctx, if there
// is one, and returns logger itself otherwise. Wrapping after With keeps
// FromContext's own fields out of the tap.
func withTap(ctx context.Context, logger *zap.Logger) *zap.Logger {
	v, _ := state.LogTapSlot.Get(ctx)
	tap, _ := v.(zapcore.Core)
	if tap == nil {
		return logger
	}
	return logger.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return zapcore.NewTee(c, tap) }))
}

// FromRequest is FromContext(r.Context()).
func FromRequest(r *http.Request) *zap.Logger { return FromContext(r.Context()) }

// errorsWriter is wsgi.errors: each Write is one Error entry with the text
// in a field.
type errorsWriter struct{ log *zap.Logger }

// Write logs p as one Error entry, with p in the field "text".
func (w errorsWriter) Write(p []byte) (int, error) {
	w.log.Error("wsgi.errors", zap.ByteString("text", p))
	return len(p), nil
}

// errorsFor makes the wsgi.errors writer of a request (see state.ErrorLogSlot).
func errorsFor(ctx context.Context) io.Writer { return errorsWriter{FromContext(ctx)} }

// attachErrorLog leaves what FromContext and wsgi.errors need in the
// request's state: two pointers and a function value, held in its slots
// rather than a new context (BenchmarkAccess).
func attachErrorLog(el *errorLog, r *http.Request) {
	ctx := r.Context()
	s := state.From(ctx)
	if s == nil {
		return
	}
	errorLogSlot.Put(s, el)
	requestSlot.Put(s, r)
	state.ErrorLogSlot.Put(s, errorsForFunc)
	if el.contextFields != nil {
		state.ContextFieldsSlot.Put(s, el.contextFields)
	}
}

var errorsForFunc = errorsFor
