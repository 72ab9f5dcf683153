package logging

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/mw"
)

const (
	testTrace  = "0af7651916cd43dd8448eb211c80319c"
	testParent = "b7ad6b7169203331"
)

// TestTraceIDFromTraceparent: a valid traceparent's trace ID is in the
// access entry and in every entry of the per-request logger; an invalid one
// is in neither; the parent ID is never logged as a span ID.
func TestTraceIDFromTraceparent(t *testing.T) {
	for _, tt := range []struct {
		name, header, want string
	}{
		{"valid", "00-" + testTrace + "-" + testParent + "-01", testTrace},
		{"upper case is invalid", "00-0AF7651916CD43DD8448EB211C80319C-" + testParent + "-01", ""},
		{"zero trace ID", "00-00000000000000000000000000000000-" + testParent + "-01", ""},
		{"absent", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := observed()
			app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				FromRequest(r).Info("from the handler")
			})
			r := httptest.NewRequest("GET", "/", nil)
			if tt.header != "" {
				r.Header.Set("Traceparent", tt.header)
			}
			serveRec(Access(log)(app), r)
			if logs.Len() != 2 {
				t.Fatalf("%d entries", logs.Len())
			}
			for _, e := range logs.All() {
				m := e.ContextMap()
				got, _ := m[FieldTraceID].(string)
				if got != tt.want {
					t.Errorf("%s: trace_id %q, want %q", e.Message, got, tt.want)
				}
				if _, ok := m["span_id"]; ok {
					t.Errorf("%s: the caller's parent ID logged as span_id", e.Message)
				}
			}
		})
	}
}

type spanKey struct{}

// span is what an OpenTelemetry span gives ContextFields in a program.
type span struct{ trace, span string }

func spanFields(ctx context.Context) []zap.Field {
	s, ok := ctx.Value(spanKey{}).(span)
	if !ok {
		return nil
	}
	return []zap.Field{zap.String("trace_id", s.trace), zap.String("span_id", s.span)}
}

func withSpan(s span) mw.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), spanKey{}, s)))
		})
	}
}

// TestContextFields: with the span outside the access log, every entry
// carries its trace_id and span_id (once: the traceparent's is left out);
// with the span inside, the per-request logger does, and the access entry
// keeps the traceparent's trace ID.
func TestContextFields(t *testing.T) {
	s := span{testTrace, "00f067aa0ba902b7"}
	tp := "00-" + testTrace + "-" + testParent + "-01"
	for _, tt := range []struct {
		name                      string
		build                     func(log *zap.Logger, app http.Handler) http.Handler
		accessSpan, handlerSpan   string
		accessTrace, handlerTrace string
	}{
		{"span outside", func(log *zap.Logger, app http.Handler) http.Handler {
			return withSpan(s)(Access(log, ContextFields(spanFields))(app))
		}, s.span, s.span, testTrace, testTrace},
		{"span inside", func(log *zap.Logger, app http.Handler) http.Handler {
			return Access(log, ContextFields(spanFields))(withSpan(s)(app))
		}, "", s.span, testTrace, testTrace},
	} {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := observed()
			app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { FromRequest(r).Info("from the handler") })
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Traceparent", tp)
			serveRec(tt.build(log, app), r)
			if logs.Len() != 2 {
				t.Fatalf("%d entries", logs.Len())
			}
			handler, access := logs.All()[0], logs.All()[1]
			for _, c := range []struct {
				e           []zap.Field
				span, trace string
				which       string
			}{{handler.Context, tt.handlerSpan, tt.handlerTrace, "handler"}, {access.Context, tt.accessSpan, tt.accessTrace, "access"}} {
				traces, spans := 0, ""
				for _, f := range c.e {
					switch f.Key {
					case "trace_id":
						traces++
						if f.String != c.trace {
							t.Errorf("%s: trace_id %q, want %q", c.which, f.String, c.trace)
						}
					case "span_id":
						spans = f.String
					}
				}
				if traces != 1 || spans != c.span {
					t.Errorf("%s: %d trace_id fields, span_id %q; want 1 and %q", c.which, traces, spans, c.span)
				}
			}
		})
	}
}
