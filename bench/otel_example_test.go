package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/logging"
)

// spanFields is what a program gives logging.ContextFields to put the
// active OpenTelemetry span in its logs.
func spanFields(ctx context.Context) []zap.Field {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return nil
	}
	return []zap.Field{zap.String("trace_id", sc.TraceID().String()), zap.String("span_id", sc.SpanID().String())}
}

// otelStacks builds the production preset with otelhttp outside it and
// inside it (around the application), as the README describes.
func otelStacks(log *zap.Logger, tp trace.TracerProvider) (outside, inside http.Handler) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logging.FromRequest(r).Info("in the handler")
		io.WriteString(w, "ok")
	})
	otel := func(h http.Handler) http.Handler {
		return otelhttp.NewHandler(h, "site", otelhttp.WithTracerProvider(tp),
			otelhttp.WithPropagators(propagation.TraceContext{}))
	}
	preset := wsgo.Production(log, wsgo.AccessOptions(logging.ContextFields(spanFields)))
	return otel(preset.Then(app)), preset.Then(otel(app))
}

const (
	otelTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	otelParent = "00f067aa0ba902b7"
)

// TestOTelCorrelation runs both orders over a real server with a
// traceparent: outside, every entry carries the trace and otelhttp's span;
// inside, the handler's entries do, and the access entry keeps the
// traceparent's trace ID (the same trace).
func TestOTelCorrelation(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(context.Background())
	core, logs := observer.New(zapcore.InfoLevel)
	outside, inside := otelStacks(zap.New(core), tp)
	for _, tc := range []struct {
		name       string
		h          http.Handler
		accessSpan bool
	}{{"otelhttp outside", outside, true}, {"otelhttp inside", inside, false}} {
		t.Run(tc.name, func(t *testing.T) {
			ts := httptest.NewServer(tc.h)
			defer ts.Close()
			before := logs.Len()
			req, _ := http.NewRequest("GET", ts.URL+"/", nil)
			req.Header.Set("Traceparent", "00-"+otelTrace+"-"+otelParent+"-01")
			res, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			entries := logs.All()[before:]
			if len(entries) != 2 {
				t.Fatalf("%d entries", len(entries))
			}
			handler, access := entries[0].ContextMap(), entries[1].ContextMap()
			if handler["trace_id"] != otelTrace || handler["span_id"] == nil || handler["span_id"] == otelParent {
				t.Errorf("handler entry: trace_id %v span_id %v", handler["trace_id"], handler["span_id"])
			}
			if access["trace_id"] != otelTrace {
				t.Errorf("access entry: trace_id %v", access["trace_id"])
			}
			if _, ok := access["span_id"]; ok != tc.accessSpan {
				t.Errorf("access entry: span_id %v, want present = %v", access["span_id"], tc.accessSpan)
			}
			if tc.accessSpan && access["span_id"] != handler["span_id"] {
				t.Errorf("access span %v, handler span %v: one server span", access["span_id"], handler["span_id"])
			}
		})
	}
}

// Example_otelhttp shows the two orders of otelhttp and the production
// preset, and which entries carry the span.
func Example_otelhttp() {
	tp := sdktrace.NewTracerProvider()
	defer tp.Shutdown(context.Background())
	core, logs := observer.New(zapcore.InfoLevel)
	outside, inside := otelStacks(zap.New(core), tp)
	for _, h := range []http.Handler{outside, inside} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Traceparent", "00-"+otelTrace+"-"+otelParent+"-01")
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	for _, e := range logs.All() {
		_, span := e.ContextMap()["span_id"]
		fmt.Println(e.Message, e.ContextMap()["trace_id"], "span:", span)
	}
	// Output:
	// in the handler 4bf92f3577b34da6a3ce929d0e0e4736 span: true
	// request 4bf92f3577b34da6a3ce929d0e0e4736 span: true
	// in the handler 4bf92f3577b34da6a3ce929d0e0e4736 span: true
	// request 4bf92f3577b34da6a3ce929d0e0e4736 span: false
}
