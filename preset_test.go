package wsgo

import (
	"bufio"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"

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
