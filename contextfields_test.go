package wsgo

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/logging"
)

type spanKey struct{}

// TestContextFieldsReachThePanicEntry: the fields logging.ContextFields
// gives the access entry (an OpenTelemetry span outside the preset) are on
// the recover layer's panic entry too, in both presets, with one trace_id.
func TestContextFieldsReachThePanicEntry(t *testing.T) {
	fields := logging.ContextFields(func(ctx context.Context) []zap.Field {
		span, _ := ctx.Value(spanKey{}).(string)
		if span == "" {
			return nil
		}
		return []zap.Field{zap.String("trace_id", "t-"+span), zap.String("span_id", span)}
	})
	for _, preset := range []string{"production", "development"} {
		t.Run(preset, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			c := Preset(preset == "development", zap.New(core), AccessOptions(fields))
			h := c.Then(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			r = r.WithContext(context.WithValue(r.Context(), spanKey{}, "s1"))
			h.ServeHTTP(httptest.NewRecorder(), r)
			entries := logs.FilterMessage("panic recovered").All()
			if len(entries) != 1 {
				t.Fatalf("%d panic entries", len(entries))
			}
			m := entries[0].ContextMap()
			if m["trace_id"] != "t-s1" || m["span_id"] != "s1" {
				t.Fatalf("panic entry trace_id %v span_id %v; want t-s1 and s1", m["trace_id"], m["span_id"])
			}
			n := 0
			for _, f := range entries[0].Context {
				if f.Key == "trace_id" {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d trace_id fields on the panic entry, want 1", n)
			}
		})
	}
}
