package logging

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/mw"
)

func observed() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

func serveRec(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestAccessFields(t *testing.T) {
	log, logs := observed()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, "created!")
	})
	h := mw.RequestID()(Access(log)(app))
	r := httptest.NewRequest("POST", "http://example.org:8080/items?x=1", strings.NewReader("abc"))
	r.RemoteAddr = "[2001:db8::1]:4444"
	r.Header.Set("User-Agent", "curl/8.0")
	r.Header.Set("Referer", "http://example.org/")
	rec := serveRec(h, r)
	if logs.Len() != 1 {
		t.Fatalf("%d entries", logs.Len())
	}
	e := logs.All()[0]
	if e.Message != "request" || e.Level != zapcore.InfoLevel {
		t.Fatalf("message %q level %v", e.Message, e.Level)
	}
	got := e.ContextMap()
	want := map[string]any{
		FieldMethod:       "POST",
		FieldPath:         "/items",
		FieldQuery:        "x=1",
		FieldProtocol:     "1.1",
		FieldStatus:       int64(201),
		FieldResponseSize: int64(8),
		FieldRequestSize:  int64(3),
		FieldClient:       "2001:db8::1",
		FieldUserAgent:    "curl/8.0",
		FieldReferer:      "http://example.org/",
		FieldHost:         "example.org:8080",
		FieldRequestID:    rec.Header().Get("X-Request-Id"),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	if d, ok := got[FieldDuration].(time.Duration); !ok || d <= 0 {
		t.Errorf("duration %#v", got[FieldDuration])
	}
	if _, ok := got[FieldScriptName]; ok {
		t.Error("url.script_name on a request that was not mounted")
	}
	if _, ok := got[FieldError]; ok {
		t.Error("error.type without an error")
	}
}

func TestAccessLevelsSkipAndExtra(t *testing.T) {
	log, logs := observed()
	status := func(code int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) })
	}
	mux := http.NewServeMux()
	mux.Handle("/ok", status(200))
	mux.Handle("/missing", status(404))
	mux.Handle("/broken", status(503))
	mux.Handle("/healthz", status(200))
	mux.Handle("/nothing", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	h := Access(log,
		Skip(func(r *http.Request) bool { return r.URL.Path == "/healthz" }),
		Fields(func(r *http.Request, resp *mw.Response) []zap.Field {
			return []zap.Field{zap.Bool("committed", resp.Committed())}
		}),
	)(mux)
	for _, p := range []string{"/ok", "/missing", "/broken", "/healthz", "/nothing"} {
		serveRec(h, httptest.NewRequest("GET", p, nil))
	}
	wantLevels := []zapcore.Level{zapcore.InfoLevel, zapcore.WarnLevel, zapcore.ErrorLevel, zapcore.InfoLevel}
	wantStatus := []int64{200, 404, 503, 200}
	if logs.Len() != 4 {
		t.Fatalf("%d entries, want 4 (healthz skipped)", logs.Len())
	}
	for i, e := range logs.All() {
		m := e.ContextMap()
		if e.Level != wantLevels[i] || m[FieldStatus] != wantStatus[i] {
			t.Errorf("entry %d: %v %v", i, e.Level, m[FieldStatus])
		}
		if m["committed"] != (i < 3) {
			t.Errorf("entry %d: extra field committed=%v", i, m["committed"])
		}
	}

	log, logs = observed()
	h = Access(log, Levels(func(int) zapcore.Level { return zapcore.DebugLevel }))(mux)
	serveRec(h, httptest.NewRequest("GET", "/broken", nil))
	if logs.All()[0].Level != zapcore.DebugLevel {
		t.Fatal("Levels option ignored")
	}
}

func TestAccessLogsTheMount(t *testing.T) {
	log, logs := observed()
	app := environ.MustMount(map[string]http.Handler{"/rest": http.NotFoundHandler()}, nil)
	h := mw.RequestID()(Access(log)(environ.Middleware()(app)))
	serveRec(h, httptest.NewRequest("GET", "/rest/custompath", nil))
	if got := logs.All()[0].ContextMap()[FieldScriptName]; got != "/rest" {
		t.Fatalf("url.script_name = %v", got)
	}
}

func TestAccessLogsPanicsAndLetsThemGoOn(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		status  int64
		errType string
	}{
		{"before the header", func(w http.ResponseWriter, r *http.Request) { panic("boom") }, 500, "panic"},
		{"after the header", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(202)
			io.WriteString(w, "part")
			panic(errors.New("boom"))
		}, 202, "aborted"},
		{"abort", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }, 0, "aborted"}, // no status went out: none logged
		{"panic(nil)", func(w http.ResponseWriter, r *http.Request) { panic(nil) }, 500, "panic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := observed()
			var got any
			func() {
				defer func() { got = recover() }()
				serveRec(Access(log)(tt.handler), httptest.NewRequest("GET", "/", nil))
			}()
			if got == nil {
				t.Fatal("the panic was swallowed")
			}
			if logs.Len() != 1 {
				t.Fatalf("%d entries", logs.Len())
			}
			e := logs.All()[0]
			m := e.ContextMap()
			status, has := m[FieldStatus]
			if tt.status == 0 && has || tt.status != 0 && status != tt.status || m[FieldError] != tt.errType {
				t.Fatalf("status %v error.type %v", m[FieldStatus], m[FieldError])
			}
		})
	}
}

var modes = wsgotest.Modes

// TestStreamingThroughTheLogger flushes chunks with ResponseController and
// http.Flusher through the logger: each arrives before the next is written,
// and the entry has the real byte count.
func TestStreamingThroughTheLogger(t *testing.T) {
	log, logs := observed()
	ack := make(chan struct{})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		for i := 0; i < 3; i++ {
			io.WriteString(w, "chunk\n")
			var err error
			if i%2 == 0 {
				err = rc.Flush()
			} else {
				w.(http.Flusher).Flush()
			}
			if err != nil {
				t.Error(err)
			}
			select {
			case <-ack:
			case <-time.After(5 * time.Second):
				t.Error("chunk not flushed")
				return
			}
		}
	})
	modes(t, Access(log)(app), func(t *testing.T, ts *httptest.Server) {
		before := logs.Len()
		res, err := ts.Client().Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(res.Body)
		for i := 0; i < 3; i++ {
			if line, err := br.ReadString('\n'); err != nil || line != "chunk\n" {
				t.Fatalf("chunk %d: %q %v", i, line, err)
			}
			ack <- struct{}{}
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		wsgotest.WaitFor(func() bool { return logs.Len() > before }) // written after the handler returns
		m := logs.All()[logs.Len()-1].ContextMap()
		if m[FieldResponseSize] != int64(18) || m[FieldProtocol] != map[int]string{1: "1.1", 2: "2"}[res.ProtoMajor] {
			t.Fatalf("entry: %v", m)
		}
	})
}

func TestHijackThroughTheLogger(t *testing.T) {
	log, logs := observed()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
		buf.Flush()
		c.Close()
	})
	ts := httptest.NewServer(Access(log)(app))
	defer ts.Close()
	if _, b := wsgotest.RawGet(t, ts.Listener.Addr().String()); string(b) != "ok" {
		t.Fatalf("body %q", b)
	}
	wsgotest.WaitFor(func() bool { return logs.Len() > 0 })
	if _, has := logs.All()[0].ContextMap()[FieldStatus]; logs.Len() != 1 || has {
		t.Fatalf("hijacked request without a status: %v; want an entry with no status", logs.All())
	}
}

func TestAccessNilLogger(t *testing.T) {
	defer func() {
		if r := recover(); r != "logging: Access: nil logger" {
			t.Fatalf("panic %v", r)
		}
	}()
	Access(nil)
}

func TestErrorLog(t *testing.T) {
	log, logs := observed()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		FromRequest(r).Warn("cache miss", zap.String("key", "k1"))
		r, e := environ.Attach(r)
		io.WriteString(e.Errors(), "something broke\n")
		_ = r
	})
	h := mw.RequestID()(Access(log)(app))
	rec := serveRec(h, httptest.NewRequest("GET", "/path", nil))
	id := rec.Header().Get("X-Request-Id")
	entries := logs.All()
	if len(entries) != 3 {
		t.Fatalf("%d entries", len(entries))
	}
	for _, e := range entries[:2] {
		m := e.ContextMap()
		if m[FieldRequestID] != id || m[FieldMethod] != "GET" || m[FieldPath] != "/path" {
			t.Fatalf("error-log entry %q lacks the request: %v", e.Message, m)
		}
	}
	if entries[0].Message != "cache miss" || entries[1].Message != "wsgi.errors" || entries[1].ContextMap()["text"] != "something broke\n" {
		t.Fatalf("entries: %v", entries)
	}
	if FromContext(httptest.NewRequest("GET", "/", nil).Context()) != zap.L() {
		t.Fatal("without the middleware FromContext must return zap.L()")
	}
}

// fixedClock is a zap clock of the kind tests use: a time without a
// monotonic reading, far from now.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                         { return c.t }
func (c fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

func TestAccessDurationWithTheUsersClock(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	clock := fixedClock{time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)}
	h := Access(zap.New(core, zap.WithClock(clock)))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	e := logs.All()[0]
	if d := e.ContextMap()[FieldDuration].(time.Duration); d < 2*time.Millisecond || d > time.Minute {
		t.Fatalf("duration %v: the request took about 2ms", d)
	}
	if !e.Time.Equal(clock.t) {
		t.Fatalf("entry time %v, want the clock's", e.Time)
	}
}

// The client address as Access (client.address) and Apache (%h) log it
// when no Environ is attached. A RemoteAddr without a port is what gorilla's
// ProxyHeaders and chi's RealIP leave behind (gorilla/handlers
// logging_test.go, TestLogFormatterCombinedLog_Scenario5, logs "::1" whole).
func TestClientAddressWithoutEnviron(t *testing.T) {
	for _, tt := range []struct{ remoteAddr, want string }{
		{"192.0.2.1:1234", "192.0.2.1"},
		{"192.0.2.1", "192.0.2.1"},
		{"[::1]:1234", "::1"},
		{"::1", "::1"},
		{"2001:db8::1", "2001:db8::1"},
		{"[2001:db8::1]", "2001:db8::1"},
		{"[2001:db8::1]:443", "2001:db8::1"},
		{"fe80::1%eth0", "fe80::1%eth0"},
		{"[fe80::1%eth0]:80", "fe80::1%eth0"},
		{"localhost:80", "localhost"},
		{"", ""},
	} {
		t.Run(tt.remoteAddr, func(t *testing.T) {
			log, logs := observed()
			var line strings.Builder
			h := Access(log)(Apache(&line, Common)(http.NotFoundHandler()))
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remoteAddr
			serveRec(h, r)
			if got := logs.All()[0].ContextMap()[FieldClient]; got != tt.want {
				t.Errorf("client.address %q, want %q", got, tt.want)
			}
			want := tt.want
			if want == "" {
				want = "-"
			}
			if got, _, _ := strings.Cut(line.String(), " "); got != want {
				t.Errorf("%%h %q, want %q in %q", got, want, line.String())
			}
		})
	}
}
