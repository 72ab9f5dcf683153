package logging

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestTwoTraceparentsRestartTheTrace: a request that reaches a real server
// with two traceparent values, on two header lines or on one line joined by
// a comma, is logged with no trace_id (w3c/trace-context test/test.py:
// test_traceparent_duplicated restarts the trace), in the access entry and
// in the handler's entry; one value is still logged.
func TestTwoTraceparentsRestartTheTrace(t *testing.T) {
	const a = "00-" + testTrace + "-" + testParent + "-01"
	const b = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	for _, tt := range []struct {
		name, lines, want string
	}{
		{"one line", "Traceparent: " + a + "\r\n", testTrace},
		{"two lines", "Traceparent: " + a + "\r\nTraceparent: " + b + "\r\n", ""},
		{"one line, comma", "Traceparent: " + a + "," + b + "\r\n", ""},
		{"two lines, same value", "Traceparent: " + a + "\r\nTraceparent: " + a + "\r\n", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := observed()
			done := make(chan struct{})
			app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				FromRequest(r).Info("from the handler")
			})
			inner := Access(log)(app)
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				defer close(done)
				inner.ServeHTTP(w, r)
			}))
			defer ts.Close()
			c, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			req := "GET / HTTP/1.1\r\nHost: x\r\n" + tt.lines + "Connection: close\r\n\r\n"
			if _, err := c.Write([]byte(req)); err != nil {
				t.Fatal(err)
			}
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			<-done
			if res.StatusCode != http.StatusOK || logs.Len() != 2 {
				t.Fatalf("status %d, %d entries", res.StatusCode, logs.Len())
			}
			for _, e := range logs.All() {
				got, _ := e.ContextMap()[FieldTraceID].(string)
				if got != tt.want {
					t.Errorf("%s: trace_id %q, want %q", e.Message, got, tt.want)
				}
			}
		})
	}
}
