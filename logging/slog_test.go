package logging_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
)

// allFields is every Field constant that names a field (FieldMessage is
// the message).
var allFields = []string{
	logging.FieldMethod, logging.FieldPath, logging.FieldQuery, logging.FieldProtocol,
	logging.FieldStatus, logging.FieldResponseSize, logging.FieldRequestSize, logging.FieldDuration,
	logging.FieldClient, logging.FieldUserAgent, logging.FieldReferer, logging.FieldHost,
	logging.FieldRequestID, logging.FieldScriptName, logging.FieldError, logging.FieldTraceID,
}

// jsonLines parses every line of b as a JSON object, numbers as json.Number.
func jsonLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		d := json.NewDecoder(bytes.NewReader(line))
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		out = append(out, m)
	}
	return out
}

// fixedID gives every request the ID req-1.
func fixedID() mw.Middleware {
	return mw.RequestID(mw.RequestIDGenerator(func() string { return "req-1" }))
}

// serveOnce serves r through RequestID, Access over log and an environ
// layer, and lets a panic of app end there.
func serveOnce(log *zap.Logger, app http.Handler, r *http.Request) {
	defer func() { _ = recover() }()
	fixedID()(logging.Access(log)(environ.Middleware()(app))).ServeHTTP(httptest.NewRecorder(), r)
}

// seconds is v as a float64 of seconds in [0, 1), or fails.
func seconds(t *testing.T, path string, v any) float64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%s: duration %#v is not a number", path, v)
	}
	f, err := n.Float64()
	if err != nil || f < 0 || f >= 1 {
		t.Fatalf("%s: duration %v is not seconds in [0, 1)", path, n)
	}
	return f
}

// TestSlogAccessMatchesZap: one request logged by Access over
// Slog(slog.NewJSONHandler) and over JSON gives the same value for every
// Field constant (both present or both absent), the duration as a float of
// seconds under 1 in both, the same message, and slog's level for zap's.
func TestSlogAccessMatchesZap(t *testing.T) {
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "Hello Ann!") })
	tests := []struct {
		name   string
		app    http.Handler
		req    func() *http.Request
		level  string // slog's; zap's is the same in lower case
		status string
		every  bool // every Field constant is in the entry
	}{
		{
			name: "every field", level: "WARN", status: "200", every: true,
			app: environ.MustMount(map[string]http.Handler{"/rest": hello}, nil),
			req: func() *http.Request {
				r := httptest.NewRequest("POST", "http://example.org:8080/rest/items?x=1&api_key=s3cret", strings.NewReader("abc"))
				r.RemoteAddr = "[2001:db8::1]:4444"
				r.Header.Set("User-Agent", "curl/8.0")
				r.Header.Set("Referer", "http://example.org/")
				r.Header.Set("Traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
				ctx, cancel := context.WithCancel(r.Context())
				cancel() // the client went away: error.type=client_gone
				return r.WithContext(ctx)
			},
		},
		{name: "ok", level: "INFO", status: "200", app: hello, req: func() *http.Request { return httptest.NewRequest("GET", "/hello", nil) }},
		{name: "not found", level: "WARN", status: "404", app: http.NotFoundHandler(), req: func() *http.Request { return httptest.NewRequest("GET", "/nope", nil) }},
		{
			name: "server error", level: "ERROR", status: "503",
			app: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusServiceUnavailable) }),
			req: func() *http.Request { return httptest.NewRequest("GET", "/down", nil) },
		},
		{
			name: "panic", level: "ERROR", status: "500",
			app: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }),
			req: func() *http.Request { return httptest.NewRequest("GET", "/panic", nil) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sbuf, zbuf bytes.Buffer
			serveOnce(logging.Slog(slog.NewJSONHandler(&sbuf, nil)), tt.app, tt.req())
			serveOnce(logging.JSON(&zbuf), tt.app, tt.req())
			sl, zl := jsonLines(t, sbuf.Bytes()), jsonLines(t, zbuf.Bytes())
			if len(sl) != 1 || len(zl) != 1 {
				t.Fatalf("%d slog lines, %d zap lines:\n%s\n%s", len(sl), len(zl), sbuf.Bytes(), zbuf.Bytes())
			}
			s, z := sl[0], zl[0]
			if s[slog.MessageKey] != logging.FieldMessage || z["msg"] != logging.FieldMessage {
				t.Errorf("messages %v, %v", s[slog.MessageKey], z["msg"])
			}
			if s[slog.LevelKey] != tt.level || z["level"] != strings.ToLower(tt.level) {
				t.Errorf("levels %v (slog), %v (zap), want %s", s[slog.LevelKey], z["level"], tt.level)
			}
			if _, ok := s[slog.TimeKey].(string); !ok {
				t.Errorf("slog time %#v", s[slog.TimeKey])
			}
			if got := s[logging.FieldStatus]; got != json.Number(tt.status) {
				t.Errorf("status %v, want %s", got, tt.status)
			}
			for _, k := range allFields {
				sv, sok := s[k]
				zv, zok := z[k]
				switch {
				case sok != zok:
					t.Errorf("%s: in the slog entry %v, in the zap entry %v", k, sok, zok)
				case tt.every && !sok:
					t.Errorf("%s missing", k)
				case !sok:
				case k == logging.FieldDuration:
					seconds(t, "slog", sv)
					seconds(t, "zap", zv)
				case sv != zv:
					t.Errorf("%s: slog %#v, zap %#v", k, sv, zv)
				}
			}
			// Nothing else: the same keys, less zap's ts and slog's time.
			for k := range s {
				if _, ok := z[k]; !ok && k != slog.TimeKey {
					t.Errorf("slog entry has %s, zap's has not", k)
				}
			}
			if tt.every && (s[logging.FieldError] != "client_gone" || s[logging.FieldScriptName] != "/rest" ||
				s[logging.FieldQuery] != "x=1&api_key=REDACTED" || s[logging.FieldTraceID] != "4bf92f3577b34da6a3ce929d0e0e4736") {
				t.Errorf("entry %v", s)
			}
		})
	}
}

// TestSlogFrom: a handler behind Access that logs with SlogFromContext writes an
// entry carrying the request ID, method and path and its own attributes,
// through the zap logger given to Access (a zapslog handler) and through
// Slog's handler (the handler itself).
func TestSlogFrom(t *testing.T) {
	engines := []struct {
		name  string
		log   func(w io.Writer) *zap.Logger
		level string
	}{
		{"zap", logging.JSON, "info"},
		{"slog", func(w io.Writer) *zap.Logger { return logging.Slog(slog.NewJSONHandler(w, nil)) }, "INFO"},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			var buf bytes.Buffer
			app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				logging.SlogFromContext(r.Context()).Info("hello", "subject", "Ann", slog.Int("n", 3))
				io.WriteString(w, "Hello Ann!")
			})
			serveOnce(e.log(&buf), app, httptest.NewRequest("GET", "/hello?subject=Ann", nil))
			lines := jsonLines(t, buf.Bytes())
			if len(lines) != 2 {
				t.Fatalf("%d lines: %s", len(lines), buf.Bytes())
			}
			want := map[string]any{
				"msg": "hello", "level": e.level,
				logging.FieldRequestID: "req-1", logging.FieldMethod: "GET", logging.FieldPath: "/hello",
				"subject": "Ann", "n": json.Number("3"),
			}
			for k, v := range want {
				if got := lines[0][k]; got != v {
					t.Errorf("%s = %#v, want %#v", k, got, v)
				}
			}
			if lines[1]["msg"] != logging.FieldMessage {
				t.Errorf("second line %v, want the access entry", lines[1])
			}
		})
	}
	if logging.SlogFromContext(context.Background()) != slog.Default() {
		t.Error("SlogFrom without an access-log layer is not slog.Default()")
	}
}

// TestSlogEnabled: the core asks the handler: at Warn, the Info access
// entry of a 200 is dropped and the Warn entry of a 404 kept.
func TestSlogEnabled(t *testing.T) {
	var buf bytes.Buffer
	log := logging.Slog(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if log.Core().Enabled(zapcore.InfoLevel) || !log.Core().Enabled(zapcore.WarnLevel) {
		t.Fatal("Enabled does not follow the handler's level")
	}
	serveOnce(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), httptest.NewRequest("GET", "/ok", nil))
	if buf.Len() != 0 {
		t.Fatalf("the 200's Info entry was written: %s", buf.Bytes())
	}
	serveOnce(log, http.NotFoundHandler(), httptest.NewRequest("GET", "/nope", nil))
	lines := jsonLines(t, buf.Bytes())
	if len(lines) != 1 || lines[0]["level"] != "WARN" || lines[0][logging.FieldStatus] != json.Number("404") {
		t.Fatalf("lines %v", lines)
	}
}

type point struct{ x, y int }

func (p point) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddInt("x", p.x)
	enc.AddInt("y", p.y)
	return nil
}

type nilErr struct{}

func (*nilErr) Error() string { panic("nil receiver") }

// TestSlogFields: each kind of zap field becomes the attribute the Slog doc
// promises: dotted keys kept, durations in seconds, times as times, errors
// as their text, objects and namespaces (of With and of the entry) as
// groups, arrays as lists; the logger's name and the stack trace at the
// top; the levels, the caller and Sync.
func TestSlogFields(t *testing.T) {
	var buf bytes.Buffer
	h := slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true})
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	log := logging.Slog(h).Named("app").WithOptions(zap.AddCaller()).
		With(zap.String("service.name", "shop"), zap.Namespace("req"), zap.Int("attempt", 2))
	log.Info("m",
		zap.Duration("took", 1500*time.Millisecond),
		zap.Time("at", when),
		zap.Error(errors.New("disk full")),
		zap.NamedError("nilerr", (*nilErr)(nil)),
		zap.Object("pt", point{1, 2}),
		zap.Durations("laps", []time.Duration{time.Second, 250 * time.Millisecond}),
		zap.Objects("pts", []point{{3, 4}}),
		zap.Namespace("inner"),
		zap.Bool("ok", true),
	)
	lines := jsonLines(t, buf.Bytes())
	if len(lines) != 1 {
		t.Fatalf("%d lines: %s", len(lines), buf.Bytes())
	}
	got := lines[0]
	if got["service.name"] != "shop" || got["logger"] != "app" || got["level"] != "INFO" || got["msg"] != "m" {
		t.Errorf("top level %v", got)
	}
	req, _ := got["req"].(map[string]any)
	want := map[string]string{
		"attempt": "2", "took": "1.5", "at": `"2024-05-06T07:08:09Z"`, "error": `"disk full"`, "nilerr": `"\u003cnil\u003e"`,
		"pt": `{"x":1,"y":2}`, "laps": "[1,0.25]", "pts": `[{"x":3,"y":4}]`, "inner": `{"ok":true}`,
	}
	for k, v := range want {
		b, _ := json.Marshal(req[k])
		if string(b) != v {
			t.Errorf("req.%s = %s, want %s", k, b, v)
		}
	}
	if len(req) != len(want) {
		t.Errorf("req %v", req)
	}
	src, _ := got[slog.SourceKey].(map[string]any)
	if f, _ := src["file"].(string); !strings.HasSuffix(f, "slog_test.go") {
		t.Errorf("source %v", got[slog.SourceKey])
	}

	// Two loggers made With the same namespaced parent share nothing; an
	// entry without fields still has the namespace's fields; the stack trace
	// stays at the top.
	buf.Reset()
	parent := logging.Slog(slog.NewJSONHandler(&buf, nil)).WithOptions(zap.AddStacktrace(zapcore.ErrorLevel)).
		With(zap.Namespace("req"), zap.String("id", "1"))
	a, b2 := parent.With(zap.String("a", "A")), parent.With(zap.String("b", "B"))
	a.Info("a")
	b2.Error("b")
	parent.Info("p")
	lines = jsonLines(t, buf.Bytes())
	wantReq := []string{`{"a":"A","id":"1"}`, `{"b":"B","id":"1"}`, `{"id":"1"}`}
	for i, l := range lines {
		if b, _ := json.Marshal(l["req"]); i >= len(wantReq) || string(b) != wantReq[i] {
			t.Errorf("line %d: req %s", i, b)
		}
	}
	if st, _ := lines[1]["stacktrace"].(string); !strings.Contains(st, "TestSlogFields") {
		t.Errorf("stacktrace %q, want it at the top", st)
	}

	buf.Reset()
	log = logging.Slog(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log.Debug("d")
	log.Info("i")
	log.Warn("w")
	log.Error("e")
	log.DPanic("dp") // not a development logger: no panic
	var levels []any
	for _, l := range jsonLines(t, buf.Bytes()) {
		levels = append(levels, l["level"])
	}
	if b, _ := json.Marshal(levels); string(b) != `["DEBUG","INFO","WARN","ERROR","ERROR"]` {
		t.Errorf("levels %s", b)
	}
	if err := log.Sync(); err != nil {
		t.Errorf("Sync: %v", err)
	}
}

// TestSlogNilHandler: Slog(nil) panics, as Access(nil) does.
func TestSlogNilHandler(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	logging.Slog(nil)
}
