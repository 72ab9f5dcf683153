package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/logging"
)

// syncBuffer is an io.Writer for a handler that servers write to from
// several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) lines() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// TestSlogOverARealServer serves the example over HTTP/1.1 and HTTP/2: the
// handler's slog line and the access entry both reach the slog handler, as
// JSON, with the request ID the client got, and the duration in seconds.
func TestSlogOverARealServer(t *testing.T) {
	var buf syncBuffer
	h := Handler(slog.NewJSONHandler(&buf, nil), false)
	wsgotest.Modes(t, h, func(t *testing.T, ts *httptest.Server) {
		before := len(buf.lines())
		res, err := ts.Client().Get(ts.URL + "/?subject=Ann")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		id := res.Header.Get("X-Request-Id")
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Hello Ann!") || len(id) != 20 {
			t.Fatalf("%d %q, request ID %q", res.StatusCode, body, id)
		}
		wsgotest.WaitFor(func() bool { return len(buf.lines()) >= before+2 })
		lines := buf.lines()[before:]
		greeting, access := lines[0], lines[1]
		if greeting["msg"] != "greeting" || greeting["subject"] != "Ann" || greeting[logging.FieldRequestID] != id ||
			greeting[logging.FieldMethod] != "GET" || greeting[logging.FieldPath] != "/" {
			t.Errorf("the handler's line: %v", greeting)
		}
		d, _ := access[logging.FieldDuration].(float64)
		if access["msg"] != logging.FieldMessage || access["level"] != "INFO" || access[logging.FieldRequestID] != id ||
			access[logging.FieldStatus] != float64(200) || d <= 0 || d >= 1 {
			t.Errorf("the access line: %v", access)
		}
	})
}
