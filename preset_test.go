package wsgo

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"iter"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
	"github.com/wsgo/wsgo/recover/traceback"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/environ"
)

func TestPresetsDrawTheirOnion(t *testing.T) {
	if got := Production(zap.NewNop()).String(); got != "requestid > access > recover > environ > app" {
		t.Fatalf("production: %s", got)
	}
	if got := Development(zap.NewNop()).String(); got != "(timed) requestid > access > recover > lint > environ > app" {
		t.Fatalf("development: %s", got)
	}
	if got := Preset(false, zap.NewNop()).Remove(LayerAccess).String(); got != "requestid > recover > environ > app" {
		t.Fatalf("adjusted: %s", got)
	}
}

func TestDebugFromEnv(t *testing.T) {
	for v, want := range map[string]bool{"1": true, "true": true, "YES": true, "on": true, "0": false, "": false, "no": false} {
		t.Setenv("WSGO_DEBUG", v)
		if DebugFromEnv() != want {
			t.Errorf("WSGO_DEBUG=%q: %v", v, !want)
		}
	}
}

func TestProductionPresetPanic(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	h := Production(zap.New(core)).ThenFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/x", nil)
	r.RemoteAddr, r.Host = "127.0.0.1:1", "localhost"
	h.ServeHTTP(rec, r)
	id := rec.Header().Get("X-Request-Id")
	if rec.Code != 500 || rec.Body.String() != "500 Internal Server Error\nrequest ID: "+id+"\n" {
		t.Fatalf("%d %q", rec.Code, rec.Body.String())
	}
	var msgs []string
	for _, e := range logs.All() {
		msgs = append(msgs, e.Message)
		if e.ContextMap()["http.request.id"] != id {
			t.Fatalf("entry %q has another ID", e.Message)
		}
	}
	if strings.Join(msgs, ",") != "panic recovered,request" || logs.All()[1].ContextMap()["http.response.status_code"] != int64(500) {
		t.Fatalf("entries %v", logs.All())
	}
}

func TestDevelopmentPreset(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	mux := http.NewServeMux()
	mux.HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) { panic("dev boom") })
	mux.HandleFunc("/untyped", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<p>no Content-Type") })
	h := Development(zap.New(core)).Then(mux)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.RemoteAddr, r.Host = "127.0.0.1:1", "localhost:8081"
		r.Header.Set("Accept", "text/html")
		h.ServeHTTP(rec, r)
		return rec
	}
	rec := get("/boom")
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "dev boom") || !strings.Contains(rec.Body.String(), "preset_test.go") {
		t.Fatalf("no traceback: %d", rec.Code)
	}
	rec = get("/untyped")
	st := rec.Header().Get("Server-Timing")
	for _, name := range []string{"requestid;dur=", "access;dur=", "recover;dur=", "lint;dur=", "environ;dur=", "app;dur=", "total;dur="} {
		if !strings.Contains(st, name) {
			t.Fatalf("Server-Timing %q lacks %s", st, name)
		}
	}
	var warned, tracebacksOn bool
	for _, e := range logs.All() {
		warned = warned || e.Message == "lint: handler breaks the HTTP contract" && e.ContextMap()["rule"] == "body without Content-Type"
		tracebacksOn = tracebacksOn || strings.Contains(e.Message, "traceback pages are on")
	}
	if !warned || !tracebacksOn {
		t.Fatalf("lint warned %v, start-up warning %v", warned, tracebacksOn)
	}
}

// TestStreamingThroughPresets sends a streamed response through the full
// development and production stacks, over HTTP/1.1 and HTTP/2 on loopback:
// the application produces chunk k+1 only after the client has read chunk
// k, so a stack that held chunks back would stall, and the arrival times
// must be spread out as the chunks were produced, not bunched at the end.
func TestStreamingThroughPresets(t *testing.T) {
	const chunks, gap = 4, 30 * time.Millisecond
	for _, debug := range []bool{false, true} {
		ack := make(chan struct{})
		app := environ.App(func(e *environ.Environ, start environ.StartResponse) iter.Seq[[]byte] {
			start("200 OK", [][2]string{{"Content-Type", "text/plain; charset=utf-8"}})
			return func(yield func([]byte) bool) {
				for i := 0; i < chunks; i++ {
					if !yield([]byte("chunk\n")) {
						return
					}
					select {
					case <-ack:
					case <-time.After(10 * time.Second):
						return
					}
					time.Sleep(gap)
				}
			}
		})
		h := Preset(debug, zap.NewNop()).Then(app)
		for _, h2 := range []bool{false, true} {
			ts := httptest.NewUnstartedServer(h)
			ts.EnableHTTP2 = h2
			ts.StartTLS()
			res, err := ts.Client().Get(ts.URL)
			if err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(res.Body)
			var at []time.Time
			for i := 0; i < chunks; i++ {
				line, err := br.ReadString('\n')
				if err != nil || line != "chunk\n" {
					t.Fatalf("debug=%v h2=%v chunk %d: %q %v", debug, h2, i, line, err)
				}
				at = append(at, time.Now())
				ack <- struct{}{}
			}
			res.Body.Close()
			ts.Close()
			for i := 1; i < len(at); i++ {
				if d := at[i].Sub(at[i-1]); d < gap {
					t.Fatalf("debug=%v h2=%v: chunks %d and %d arrived %v apart, produced %v apart", debug, h2, i-1, i, d, gap)
				}
			}
		}
	}
}

// TestPresetOptionsReachTheirLayers passes each option and checks, through
// a real request, that its layer received it.
func TestPresetOptionsReachTheirLayers(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	boom := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("boom")
		}
	})
	h := Production(zap.New(core),
		AccessOptions(logging.Skip(func(r *http.Request) bool { return r.URL.Path == "/healthz" })),
		RecoverOptions(wsgorecover.Page(func(w http.ResponseWriter, r *http.Request, p *wsgorecover.Panic) {
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "our page")
		})),
		RequestIDOptions(mw.RequestIDHeader("X-Correlation-Id")),
	).Then(boom)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if logs.FilterMessage(logging.FieldMessage).Len() != 0 {
		t.Error("AccessOptions: /healthz was logged")
	}
	if len(rec.Header().Get("X-Correlation-Id")) != 20 || rec.Header().Get("X-Request-Id") != "" {
		t.Errorf("RequestIDOptions: header %v", rec.Header())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/panic", nil))
	if rec.Code != 500 || rec.Body.String() != "our page" {
		t.Errorf("RecoverOptions: %d %q", rec.Code, rec.Body.String())
	}
	// The 500 carries the request ID in the header the request-ID layer uses.
	if len(rec.Header().Get("X-Correlation-Id")) != 20 || rec.Header().Get("X-Request-Id") != "" {
		t.Errorf("the 500's request-ID header: %v", rec.Header())
	}
	if logs.FilterMessage(logging.FieldMessage).Len() != 1 {
		t.Errorf("access entries: %v", logs.All())
	}
}

// presets are the two presets, each built on its own observed logger.
var presets = []struct {
	name  string
	build func(*zap.Logger, ...Option) chain.Chain
}{{"Production", Production}, {"Development", Development}}

// nilErr's Error dereferences its receiver: a nil *nilErr in an error is
// not a nil error, and its Error panics.
type nilErr struct{ msg string }

func (e *nilErr) Error() string { return e.msg }

// TestPresetsAnswerAPanicValueWhoseErrorPanics panics with a nil *nilErr
// through both presets, over a real server: the client gets its 500 (not
// EOF), the panic its entry, and the access log its entry.
func TestPresetsAnswerAPanicValueWhoseErrorPanics(t *testing.T) {
	const msg = "<Error() panicked: runtime error: invalid memory address or nil pointer dereference>"
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			h := p.build(zap.New(core)).ThenFunc(func(w http.ResponseWriter, r *http.Request) {
				var err error = (*nilErr)(nil)
				panic(err)
			})
			var serverLog wsgotest.SyncBuffer
			ts := httptest.NewUnstartedServer(h)
			ts.Config.ErrorLog = log.New(&serverLog, "", 0)
			ts.Start()
			defer ts.Close()
			res, err := ts.Client().Get(ts.URL)
			if err != nil {
				t.Fatalf("%v (server: %s)", err, serverLog.String())
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			id := res.Header.Get("X-Request-Id")
			want := "500 Internal Server Error\nrequest ID: " + id + "\n"
			if p.name == "Development" {
				want = "panic: " + msg + " [*wsgo.nilErr]\n" // the traceback's first line, for this local client
			}
			if res.StatusCode != 500 || id == "" || !strings.HasPrefix(string(body), want) {
				t.Fatalf("%d %q", res.StatusCode, body)
			}
			wsgotest.WaitFor(func() bool { return logs.FilterMessage(logging.FieldMessage).Len() == 1 })
			panics := logs.FilterMessage("panic recovered").All()
			if len(panics) != 1 || panics[0].ContextMap()["panic"] != msg || panics[0].ContextMap()["http.request.id"] != id {
				t.Fatalf("panic entries %v", panics)
			}
			if s := serverLog.String(); s != "" {
				t.Fatalf("the server complained: %s", s)
			}
		})
	}
}

// corsLike is a CORS front end outside the preset: it sets its headers on
// every response before calling inward.
func corsLike(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "https://app.example")
		w.Header().Set("Access-Control-Expose-Headers", "X-Request-Id")
		w.Header().Set("Vary", "Origin")
		next.ServeHTTP(w, r)
	})
}

// answerThenPanic sets the headers of the answer it means to send, and
// panics before sending it.
func answerThenPanic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("ETag", `"v7"`)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.SetCookie(w, &http.Cookie{Name: "session", Value: "half-logged-in"})
	panic("after answering")
}

// TestPresetThe500KeepsOuterHeaders: a CORS layer outside either preset
// sees its headers on the 500 (or the browser reports a CORS error and the
// script cannot read the request ID); the handler's Content-Type, ETag,
// cookie and max-age are gone, and Cache-Control is no-store. Over
// HTTP/1.1 and HTTP/2.
func TestPresetThe500KeepsOuterHeaders(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			h := corsLike(p.build(zap.NewNop()).ThenFunc(answerThenPanic))
			wsgotest.Modes(t, h, func(t *testing.T, ts *httptest.Server) {
				res, err := ts.Client().Get(ts.URL)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				got := res.Header.Clone()
				got.Del("Date")
				if got.Get("Content-Length") == strconv.Itoa(len(body)) {
					got.Del("Content-Length") // net/http's, when the page fits its buffer
				}
				if p.name == "Development" && strings.Contains(got.Get("Server-Timing"), "total;dur=") {
					got.Del("Server-Timing") // the timed chain's, on every response
				}
				want := http.Header{
					"Access-Control-Allow-Origin":   {"https://app.example"},
					"Access-Control-Expose-Headers": {"X-Request-Id"},
					"Vary":                          {"Origin"},
					"X-Request-Id":                  {res.Header.Get("X-Request-Id")},
					"Cache-Control":                 {"no-store"},
					"X-Content-Type-Options":        {"nosniff"},
					"Content-Type":                  {"text/plain; charset=utf-8"},
				}
				if res.StatusCode != 500 || len(want["X-Request-Id"][0]) != 20 || fmt.Sprint(got) != fmt.Sprint(want) {
					t.Fatalf("%d\nheader %v\nwant   %v", res.StatusCode, got, want)
				}
			})
		})
	}
}

// TestPresetThe500ThroughAnOuterCompressor: a compressor outside the preset
// set Content-Encoding: gzip and compresses the 500; the 500 says so, and
// its body decodes.
func TestPresetThe500ThroughAnOuterCompressor(t *testing.T) {
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			h := wsgotest.Gzip(p.build(zap.NewNop()).ThenFunc(answerThenPanic))
			wsgotest.Modes(t, h, func(t *testing.T, ts *httptest.Server) {
				req, _ := http.NewRequest("GET", ts.URL, nil)
				req.Header.Set("Accept-Encoding", "gzip") // by hand: the client leaves the body encoded
				res, err := ts.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				if res.StatusCode != 500 || res.Header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("%d Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
				}
				zr, err := gzip.NewReader(res.Body)
				if err != nil {
					t.Fatalf("the 500 is not gzip: %v", err)
				}
				b, err := io.ReadAll(zr)
				if err != nil || !strings.Contains(string(b), res.Header.Get("X-Request-Id")) || !strings.Contains(string(b), "500 Internal Server Error") &&
					!strings.HasPrefix(string(b), "panic: after answering") {
					t.Fatalf("body %q, %v", b, err)
				}
			})
		})
	}
}

// TestPresetAccessEntryOfARecoveredPanic: the recover layer inside the
// access log recovers the panic, so the access layer sees no panic; its
// entry must still say one happened: after a hijack (a WebSocket handler
// that panics: 101, not a clean upgrade), before the response (the 500),
// and after it started (aborted).
func TestPresetAccessEntryOfARecoveredPanic(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		defer c.Close()
		buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		buf.Flush()
		panic("after the upgrade")
	})
	mux.HandleFunc("/before", func(w http.ResponseWriter, r *http.Request) { panic("before") })
	mux.HandleFunc("/after", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "partial")
		w.(http.Flusher).Flush()
		panic("after")
	})
	mux.HandleFunc("/fine", func(w http.ResponseWriter, r *http.Request) {})
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			ts := httptest.NewUnstartedServer(p.build(zap.New(core)).Then(mux))
			ts.Config.ErrorLog = log.New(io.Discard, "", 0)
			ts.Start()
			defer ts.Close()
			addr := ts.Listener.Addr().String()
			for _, tt := range []struct {
				path    string
				status  int64
				errType any
				level   zapcore.Level
			}{
				{"/ws", 101, "panic", zapcore.ErrorLevel},
				{"/before", 500, "panic", zapcore.ErrorLevel},
				{"/after", 200, "aborted", zapcore.ErrorLevel},
				{"/fine", 200, nil, zapcore.InfoLevel},
			} {
				before := logs.FilterMessage(logging.FieldMessage).Len()
				conn := "Connection: close\r\n" // the server closes after answering
				if tt.path == "/ws" {
					conn = "Connection: Upgrade\r\nUpgrade: websocket\r\n" // the handler closes the hijacked connection
				}
				rawGet(t, addr, "GET "+tt.path+" HTTP/1.1\r\nHost: localhost\r\n"+conn+"\r\n")
				wsgotest.WaitFor(func() bool { return logs.FilterMessage(logging.FieldMessage).Len() > before })
				entries := logs.FilterMessage(logging.FieldMessage).All()
				if len(entries) != before+1 {
					t.Fatalf("%s: %d access entries", tt.path, len(entries)-before)
				}
				e := entries[before]
				m := e.ContextMap()
				if m[logging.FieldStatus] != tt.status || m[logging.FieldError] != tt.errType || e.Level != tt.level {
					t.Fatalf("%s: level %v, %v", tt.path, e.Level, m)
				}
			}
		})
	}
}

// rawGet sends req over a new connection to addr and reads what comes back
// until the server closes the connection. It does not half-close: net/http
// takes a client's EOF for a client gone, and cancels the request's context.
func rawGet(t *testing.T, addr, req string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	io.Copy(io.Discard, c)
}

// TestPresetRecoveredPanicMarkRacesWithNoGoroutine: a handler leaves a
// goroutine reading its context's values and panics; the mark the recover
// layer leaves for the access log must not write where that goroutine
// reads (go test -race).
func TestPresetRecoveredPanicMarkRacesWithNoGoroutine(t *testing.T) {
	type probe struct{}
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			stop, stopped := make(chan struct{}), make(chan struct{})
			h := p.build(zap.New(core)).ThenFunc(func(w http.ResponseWriter, r *http.Request) {
				ctx, started := r.Context(), make(chan struct{})
				go func() {
					defer close(stopped)
					close(started)
					for {
						select {
						case <-stop:
							return
						default:
							_ = ctx.Value(probe{})
						}
					}
				}()
				<-started
				panic("with a goroutine reading the context")
			})
			ts := httptest.NewServer(h)
			defer ts.Close()
			res, err := ts.Client().Get(ts.URL)
			close(stop)
			<-stopped
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			wsgotest.WaitFor(func() bool { return logs.FilterMessage(logging.FieldMessage).Len() == 1 })
			if e := logs.FilterMessage(logging.FieldMessage).All(); res.StatusCode != 500 || len(e) != 1 || e[0].ContextMap()[logging.FieldError] != "panic" {
				t.Fatalf("%d, access entries %v", res.StatusCode, e)
			}
		})
	}
}

// TestTracebackOptionsReachTheDevelopmentPage: TracebackOptions reach the
// development page of Development and of Preset(true): with RequirePIN a
// browser on this machine gets the PIN prompt, not the traceback, and the
// PIN is logged; Production and Preset(false) ignore them and answer with
// the production page, logging no PIN.
func TestTracebackOptionsReachTheDevelopmentPage(t *testing.T) {
	boom := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("ledger: balance does not add up") })
	for _, tt := range []struct {
		name  string
		build func(*zap.Logger, ...Option) chain.Chain
		pin   bool
	}{
		{"Development", Development, true},
		{"Preset(true)", func(l *zap.Logger, o ...Option) chain.Chain { return Preset(true, l, o...) }, true},
		{"Production", Production, false},
		{"Preset(false)", func(l *zap.Logger, o ...Option) chain.Chain { return Preset(false, l, o...) }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			h := tt.build(zap.New(core), TracebackOptions(traceback.RequirePIN())).Then(boom)
			r := httptest.NewRequest("GET", "http://localhost/", nil)
			r.RemoteAddr = "127.0.0.1:50000"
			r.Header.Set("Accept", "text/html")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			body := rec.Body.String()
			prompt := strings.Contains(body, `action="/__wsgo/pin"`)
			pinLogged := logs.FilterMessage("traceback: PIN").Len() == 1
			if rec.Code != 500 || prompt != tt.pin || pinLogged != tt.pin || strings.Contains(body, "balance does not add up") {
				t.Fatalf("%d prompt=%v PIN logged=%v:\n%.300s", rec.Code, prompt, pinLogged, body)
			}
		})
	}
}
