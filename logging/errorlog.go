package logging

import (
	"context"
	"io"
	"net/http"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/internal/plumb"
	"github.com/wsgo/wsgo/mw"
)

type (
	loggerKey  struct{}
	requestKey struct{}
)

// errorLog is what an access-log layer leaves in the request's Scope, once
// per layer, not per request: the logger the error log derives from.
type errorLog struct {
	base          *zap.Logger
	contextFields func(context.Context) []zap.Field
}

// From returns the error log of the request whose context is ctx: the
// logger given to the access-log layer, with the request ID, method and
// path as fields, the trace ID of the request's traceparent header, and the
// fields of [ContextFields] for ctx. What WSGI calls wsgi.errors. Without an access-log layer in
// front, From returns zap.L(), zap's global logger (a no-op logger unless the
// program replaced it), never nil.
//
// The logger is built when asked for: a request that never logs pays
// nothing for it.
func From(ctx context.Context) *zap.Logger {
	el, _ := ctx.Value(loggerKey{}).(*errorLog)
	if el == nil {
		return zap.L()
	}
	fields := make([]zap.Field, 0, 4)
	if id := mw.RequestIDFrom(ctx); id != "" {
		fields = append(fields, zap.String(FieldRequestID, id))
	}
	if r, _ := ctx.Value(requestKey{}).(*http.Request); r != nil {
		fields = append(fields, zap.String(FieldMethod, r.Method), zap.String(FieldPath, r.URL.Path))
		fields = appendTrace(fields, ctx, r.Header, el.contextFields)
	}
	return el.base.With(fields...)
}

// FromRequest is From(r.Context()).
func FromRequest(r *http.Request) *zap.Logger { return From(r.Context()) }

// errorsWriter is wsgi.errors: each Write is one Error entry with the text
// in a field.
type errorsWriter struct{ log *zap.Logger }

// Write logs p as one Error entry, with p in the field "text".
func (w errorsWriter) Write(p []byte) (int, error) {
	w.log.Error("wsgi.errors", zap.ByteString("text", p))
	return len(p), nil
}

// errorsFor makes the wsgi.errors writer of a request (see plumb.ErrorsKey).
func errorsFor(ctx context.Context) io.Writer { return errorsWriter{From(ctx)} }

// attachErrorLog leaves what From and wsgi.errors need in the Scope: two
// pointers and a function value, no allocation.
func attachErrorLog(el *errorLog, r *http.Request) {
	ctx := r.Context()
	plumb.Put(ctx, loggerKey{}, el)
	plumb.Put(ctx, requestKey{}, r)
	plumb.Put(ctx, plumb.ErrorsKey{}, errorsForFunc)
}

var errorsForFunc = errorsFor
