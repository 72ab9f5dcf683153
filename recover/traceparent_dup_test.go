package recover

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestPanicEntryTwoTraceparents: the panic entry of a request with two
// traceparent values (two lines, or one line with a comma) has no trace_id,
// as the W3C test suite wants (the trace restarts); with one it has.
func TestPanicEntryTwoTraceparents(t *testing.T) {
	const a = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	const b = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	for _, tt := range []struct {
		name   string
		values []string
		want   string
	}{
		{"one", []string{a}, "0af7651916cd43dd8448eb211c80319c"},
		{"two lines", []string{a, b}, ""},
		{"one line, comma", []string{a + "," + b}, ""},
	} {
		logger, logs := observed()
		r := httptest.NewRequest("GET", "/", nil)
		for _, v := range tt.values {
			r.Header.Add("Traceparent", v)
		}
		rec := serve(New(logger)(http.HandlerFunc(boom)), r)
		if rec.Code != http.StatusInternalServerError || logs.Len() != 1 {
			t.Fatalf("%s: status %d, %d entries", tt.name, rec.Code, logs.Len())
		}
		got, _ := logs.All()[0].ContextMap()["trace_id"].(string)
		if got != tt.want {
			t.Errorf("%s: trace_id %q, want %q", tt.name, got, tt.want)
		}
	}
}
