package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/logging"
)

// jsonLines parses each line of s as a JSON object.
func jsonLines(s string) []map[string]any {
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
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
	var buf wsgotest.SyncBuffer
	h := Handler(slog.NewJSONHandler(&buf, nil), false)
	wsgotest.Modes(t, h, func(t *testing.T, ts *httptest.Server) {
		before := len(jsonLines(buf.String()))
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
		wsgotest.WaitFor(func() bool { return len(jsonLines(buf.String())) >= before+2 })
		lines := jsonLines(buf.String())[before:]
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
