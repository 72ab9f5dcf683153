package recover

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/mw"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func observed() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

func boom(w http.ResponseWriter, r *http.Request) { panic("secret panic text /etc/passwd") }

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestProductionPageFollowsAccept(t *testing.T) {
	tests := []struct{ accept, ctype string }{
		{"", "text/plain; charset=utf-8"},
		{"*/*", "text/plain; charset=utf-8"},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html; charset=utf-8"},
		{"application/json", "application/problem+json"},
		{"application/problem+json", "application/problem+json"},
		{"text/html;q=0.1, application/json", "application/problem+json"},
		{"image/png", "text/plain; charset=utf-8"},
		{"text/*;q=bogus, ;;;, */*;q=0.5", "text/plain; charset=utf-8"},
		// q=0 means "not acceptable" (RFC 9110 §12.4.2), never a last resort.
		{"text/html;q=0, text/plain", "text/plain; charset=utf-8"},
		{"text/html;q=0", "text/plain; charset=utf-8"},
		{"text/html;Q=0, */*", "text/plain; charset=utf-8"},
		{"application/problem+json;q=0", "text/plain; charset=utf-8"},
		{"application/json;q=0, application/problem+json;q=0.0", "text/plain; charset=utf-8"},
		{"application/json;q=0, text/html;q=0.5", "text/html; charset=utf-8"},
		// The most specific range sets a type's q (RFC 9110 §12.5.1).
		{"*/*, text/plain;q=0", "text/html; charset=utf-8"},
		{"text/*, text/plain;q=0", "text/html; charset=utf-8"},
		{"text/plain;q=0, */*;q=0.5", "text/html; charset=utf-8"},
		{"*/*;q=0.1, application/*;q=0, text/html;q=0", "text/plain; charset=utf-8"},
		{"application/json, text/html", "application/problem+json"},
		{"text/html, application/json", "text/html; charset=utf-8"},
		{"*/*, text/html", "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			logger, logs := observed()
			h := mw.RequestID()(New(logger)(http.HandlerFunc(boom)))
			r := httptest.NewRequest("GET", "/boom?q=1", nil)
			r.Header.Set("Accept", tt.accept)
			rec := serve(h, r)
			id := rec.Header().Get("X-Request-Id")
			body := rec.Body.String()
			if rec.Code != 500 || rec.Header().Get("Content-Type") != tt.ctype || !strings.Contains(body, id) || len(id) != 20 {
				t.Fatalf("%d %s %q", rec.Code, rec.Header().Get("Content-Type"), body)
			}
			for _, leak := range []string{"secret", "passwd", ".go", "/work", "goroutine", "boom", "go1."} {
				if strings.Contains(body, leak) {
					t.Fatalf("production page leaks %q: %s", leak, body)
				}
			}
			if tt.ctype == "application/problem+json" {
				var p map[string]any
				if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p["status"] != 500.0 || p["title"] != "Internal Server Error" || p["request_id"] != id {
					t.Fatalf("problem: %v %v", p, err)
				}
			}
			if logs.Len() != 1 {
				t.Fatalf("%d log entries", logs.Len())
			}
			e := logs.All()[0]
			m := e.ContextMap()
			if e.Level != zapcore.ErrorLevel || e.Message != "panic recovered" || m["http.request.id"] != id ||
				m["panic"] != "secret panic text /etc/passwd" || m["http.request.method"] != "GET" || m["url.path"] != "/boom" ||
				!strings.HasPrefix(m["stack"].(string), "github.com/wsgo/wsgo/recover.boom\n") {
				t.Fatalf("log entry %q %v", e.Message, m)
			}
		})
	}
}

type custom struct{ A int }

func TestPanicValues(t *testing.T) {
	base := errors.New("disk full")
	tests := []struct {
		name      string
		value     any
		msg, typ  string
		chainLens int
	}{
		{"string", "boom", "boom", "string", 0},
		{"error", fmt.Errorf("save: %w", base), "save: disk full", "*fmt.wrapError", 2},
		{"joined", errors.Join(base, errors.New("other")), "disk full\nother", "*errors.joinError", 3},
		{"struct", custom{7}, "{7}", "recover.custom", 0},
		{"int", 42, "42", "int", 0},
		{"nil", nil, "panic called with nil argument", "*runtime.PanicNilError", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, logs := observed()
			h := New(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(tt.value) }))
			if rec := serve(h, httptest.NewRequest("GET", "/", nil)); rec.Code != 500 {
				t.Fatalf("status %d", rec.Code)
			}
			m := logs.All()[0].ContextMap()
			chain, _ := m["error.chain"].([]any)
			if m["panic"] != tt.msg || m["panic.type"] != tt.typ || len(chain) != tt.chainLens {
				t.Fatalf("panic %q type %q chain %v", m["panic"], m["panic.type"], m["error.chain"])
			}
		})
	}
}

func TestErrAbortHandlerPassesUntouched(t *testing.T) {
	logger, logs := observed()
	h := New(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }))
	var got any
	func() {
		defer func() { got = recover() }()
		serve(h, httptest.NewRequest("GET", "/", nil))
	}()
	if got != http.ErrAbortHandler || logs.Len() != 0 {
		t.Fatalf("recovered %v, %d log entries", got, logs.Len())
	}
}

func TestOnPanicHook(t *testing.T) {
	logger, logs := observed()
	var reported *Panic
	h := New(logger, OnPanic(func(r *http.Request, p *Panic) { reported = p }))(http.HandlerFunc(boom))
	rec := serve(h, httptest.NewRequest("GET", "/", nil))
	if reported == nil || reported.RequestID != rec.Header().Get("X-Request-Id") || reported.Frames()[0].Function != "github.com/wsgo/wsgo/recover.boom" {
		t.Fatalf("hook got %+v", reported)
	}
	if logs.Len() != 1 || logs.All()[0].Message != "panic recovered" {
		t.Fatalf("the panic is logged once, before the hook: %v", logs.All())
	}
	logger, logs = observed()
	h = New(logger, OnPanic(func(r *http.Request, p *Panic) { panic("hook broke") }))(http.HandlerFunc(boom))
	rec = serve(h, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || logs.Len() != 2 || logs.All()[1].Message != "recover: OnPanic hook panicked" || logs.All()[1].ContextMap()["panic"] != "hook broke" {
		t.Fatalf("%d, %v", rec.Code, logs.All())
	}
}

func TestPageReplacementAndRenderingPanic(t *testing.T) {
	logger, logs := observed()
	h := New(logger, Page(func(w http.ResponseWriter, r *http.Request, p *Panic) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(500)
		io.WriteString(w, "our own page "+p.RequestID)
	}))(http.HandlerFunc(boom))
	rec := serve(h, httptest.NewRequest("GET", "/", nil))
	if rec.Body.String() != "our own page "+rec.Header().Get("X-Request-Id") {
		t.Fatalf("%q", rec.Body.String())
	}
	if logs.Len() != 1 || logs.All()[0].Message != "panic recovered" {
		t.Fatalf("entries: %v", logs.All())
	}
	logger, logs = observed()
	h = New(logger, Page(func(w http.ResponseWriter, r *http.Request, p *Panic) { panic("page broke") }))(http.HandlerFunc(boom))
	rec = serve(h, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || !strings.HasPrefix(rec.Body.String(), "500 Internal Server Error\nrequest ID: ") {
		t.Fatalf("fallback: %d %q", rec.Code, rec.Body.String())
	}
	if logs.Len() != 2 || logs.All()[0].ContextMap()["panic"] != "secret panic text /etc/passwd" || logs.All()[1].Message != "recover: rendering the error page panicked" {
		t.Fatalf("the original panic must still be logged: %v", logs.All())
	}
}

func TestNilLogger(t *testing.T) {
	defer func() {
		if r := recover(); r != "recover: New: nil logger" {
			t.Fatalf("panic %v", r)
		}
	}()
	New(nil)
}

// modes runs f over a real server in HTTP/1.1 and HTTP/2, with the
// server's own error log captured.
func modes(t *testing.T, h http.Handler, f func(t *testing.T, ts *httptest.Server, serverLog *wsgotest.SyncBuffer)) {
	for _, h2 := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP/1.1", true: "HTTP/2"}[h2], func(t *testing.T) {
			var buf wsgotest.SyncBuffer
			ts := httptest.NewUnstartedServer(h)
			ts.EnableHTTP2 = h2
			ts.Config.ErrorLog = log.New(&buf, "", 0)
			ts.StartTLS()
			f(t, ts, &buf)
			ts.Close()
			if strings.Contains(buf.String(), "superfluous") {
				t.Fatalf("server log: %s", buf.String())
			}
		})
	}
}

func TestOverRealServers(t *testing.T) {
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		status   int // 0: the client must see a broken response
		logged   bool
		bodyPart string
	}{
		{"before headers", boom, 500, true, "500 Internal Server Error"},
		{"after headers", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
			panic("late")
		}, 0, true, ""},
		{"mid-stream, Content-Length promised", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
			panic("late")
		}, 0, true, ""},
		{"abort", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }, 0, false, ""},
		{"panic(nil)", func(w http.ResponseWriter, r *http.Request) { panic(nil) }, 500, true, "500 Internal Server Error"},
	}
	// The layer finds the captured writer in the request's Scope, in a Scope
	// under an Environ, or behind a layer that wrapped the writer again; or
	// it captures the writer itself.
	capture := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r)
			defer resp.Release()
			next.ServeHTTP(resp.Writer(), r)
		})
	}
	rewrap := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(flushWriter{w}, r)
		})
	}
	stacks := []struct {
		name   string
		layers []mw.Middleware
	}{
		{"alone", nil},
		{"captured", []mw.Middleware{capture}},
		{"captured and wrapped again", []mw.Middleware{capture, rewrap}},
		{"under an environ", []mw.Middleware{environ.Middleware()}},
		{"captured, under an environ", []mw.Middleware{capture, environ.Middleware()}},
	}
	for _, stack := range stacks {
		for _, tt := range tests {
			t.Run(stack.name+"/"+tt.name, func(t *testing.T) {
				logger, logs := observed()
				h := New(logger)(tt.handler)
				for i := len(stack.layers) - 1; i >= 0; i-- {
					h = stack.layers[i](h)
				}
				overRealServers(t, h, logs, tt.status, tt.logged, tt.bodyPart)
			})
		}
	}
}

// flushWriter wraps a writer the way many middlewares do: an embedded
// ResponseWriter and the one optional interface it knows about.
type flushWriter struct{ http.ResponseWriter }

func (f flushWriter) Flush() { http.NewResponseController(f.ResponseWriter).Flush() }

// overRealServers asks h for one answer over HTTP/1.1 and HTTP/2: a status
// (0: the client must see a broken response) with bodyPart in its body, and
// one panic entry when logged.
func overRealServers(t *testing.T, h http.Handler, logs *observer.ObservedLogs, status int, logged bool, bodyPart string) {
	want := 0
	if logged {
		want = 1
	}
	modes(t, h, func(t *testing.T, ts *httptest.Server, serverLog *wsgotest.SyncBuffer) {
		before := logs.Len()
		res, err := ts.Client().Get(ts.URL)
		if status == 0 {
			if err == nil {
				_, err = io.ReadAll(res.Body)
				res.Body.Close()
			}
			if err == nil {
				t.Fatal("the client saw a clean end of a response that was cut off")
			}
		} else {
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != status || !strings.Contains(string(b), bodyPart) {
				t.Fatalf("%d %q", res.StatusCode, b)
			}
		}
		wsgotest.WaitFor(func() bool { return logs.Len() >= before+want })
		if got := logs.Len() - before; got != want {
			t.Fatalf("%d entries", got)
		}
		if logged && status == 0 && logs.All()[before].ContextMap()["committed"] != true {
			t.Fatal("the entry must say the response had started")
		}
	})
}

func TestHijackedConnectionIsLeftAlone(t *testing.T) {
	logger, logs := observed()
	h := New(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, buf, _ := http.NewResponseController(w).Hijack()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		buf.Flush()
		defer c.Close()
		panic("after hijack")
	}))
	var serverLog wsgotest.SyncBuffer
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ErrorLog = log.New(&serverLog, "", 0)
	ts.Start()
	defer ts.Close()
	_, b := wsgotest.RawGet(t, ts.Listener.Addr().String())
	wsgotest.WaitFor(func() bool { return logs.Len() == 1 })
	if string(b) != "ok" || logs.Len() != 1 || logs.All()[0].ContextMap()["hijacked"] != true {
		t.Fatalf("body %q, log %v", b, logs.All())
	}
	if s := serverLog.String(); s != "" {
		t.Fatalf("the server complained: %s", s)
	}
}

func TestPanicInTheMiddleOfAChain(t *testing.T) {
	logger, logs := observed()
	broken := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(errors.New("middleware bug")) })
	}
	h := mw.RequestID()(New(logger)(environ.Middleware()(broken(http.NotFoundHandler()))))
	rec := serve(h, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 500 || logs.All()[0].ContextMap()["panic"] != "middleware bug" {
		t.Fatalf("%d %v", rec.Code, logs.All())
	}
}

// 10,000 requests over 64 goroutines, every tenth panicking.
func TestConcurrentPanics(t *testing.T) {
	core, logs := observer.New(zapcore.ErrorLevel)
	var n atomic.Int64
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%10 == 0 {
			panic("tenth")
		}
		io.WriteString(w, "ok")
	})
	h := mw.RequestID()(New(zap.New(core))(app))
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < 10000; i += 64 {
				rec := serve(h, httptest.NewRequest("GET", "/", nil))
				switch rec.Code {
				case 200:
					ok.Add(1)
				case 500:
					failed.Add(1)
				}
			}
		}(g)
	}
	wg.Wait()
	if logs.Len() != 1000 || ok.Load() != 9000 || failed.Load() != 1000 {
		t.Fatalf("%d panic entries, %d answers of 200, %d of 500", logs.Len(), ok.Load(), failed.Load())
	}
}

// TestHandlerHeadersAreNotKeptOnThe500 sets a cookie and other headers
// before panicking: none of them may reach the client with the 500, which
// is not the response they describe.
func TestHandlerHeadersAreNotKeptOnThe500(t *testing.T) {
	logger, _ := observed()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "half-logged-in"})
		w.Header().Set("Location", "/elsewhere")
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Length", "99999")
		panic("after setting headers")
	})
	for _, h := range []http.Handler{New(logger)(app), mw.RequestID()(New(logger)(app))} {
		wsgotest.Modes(t, h, func(t *testing.T, ts *httptest.Server) {
			res, err := ts.Client().Get(ts.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 500 || len(res.Cookies()) != 0 || res.Header.Get("Location") != "" ||
				res.Header.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.Contains(string(body), "request ID: ") {
				t.Fatalf("status %d, header %v, body %q", res.StatusCode, res.Header, body)
			}
		})
	}
}

// TestErrorPageThatPanicsAfterCommitAborts: a replacement page that sent its
// header and then panicked cannot be followed by a second status; the
// response is aborted, so the client sees it broken, not a truncated page
// that looks complete.
func TestErrorPageThatPanicsAfterCommitAborts(t *testing.T) {
	logger, logs := observed()
	h := New(logger, Page(func(w http.ResponseWriter, r *http.Request, p *Panic) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(500)
		io.WriteString(w, "<h1>Oops")
		panic("page broke half-way")
	}))(http.HandlerFunc(boom))
	var got any
	func() {
		defer func() { got = recover() }()
		serve(h, httptest.NewRequest("GET", "/", nil))
	}()
	if got != http.ErrAbortHandler {
		t.Fatalf("panic value %v, want http.ErrAbortHandler", got)
	}
	if logs.Len() != 2 || logs.All()[1].Message != "recover: rendering the error page panicked" {
		t.Fatalf("entries: %v", logs.All())
	}
	// Over a real server, the client sees a broken response.
	ts := httptest.NewServer(h)
	defer ts.Close()
	res, err := ts.Client().Get(ts.URL)
	if err == nil {
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	if err == nil {
		t.Fatal("the client read a complete response from an aborted page")
	}
}

func TestPanicEntryCarriesTheTraceID(t *testing.T) {
	logger, logs := observed()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	serve(New(logger)(http.HandlerFunc(boom)), r)
	if logs.Len() != 1 || logs.All()[0].ContextMap()["trace_id"] != "0af7651916cd43dd8448eb211c80319c" {
		t.Fatalf("entries: %v", logs.All())
	}
	logger, logs = observed()
	r.Header.Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331")
	serve(New(logger)(http.HandlerFunc(boom)), r)
	if _, ok := logs.All()[0].ContextMap()["trace_id"]; ok {
		t.Fatal("an invalid traceparent's trace ID was logged")
	}
}
