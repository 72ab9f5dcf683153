package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
	"github.com/labstack/echo/v4"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/logging"
)

// TestPresetOutsideEachRouter is the README's one line per router, over a
// real server: with the preset outside the router, a 404 the router answers
// (gorilla/mux runs r.Use middleware only on matched routes) reaches the
// access log, and so does a matched route.
func TestPresetOutsideEachRouter(t *testing.T) {
	hello := func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }
	routers := map[string]func(log *zap.Logger) http.Handler{
		"chi": func(log *zap.Logger) http.Handler {
			r := chi.NewRouter()
			r.Get("/hello", hello)
			return wsgo.Production(log).Then(r)
		},
		"gorilla/mux": func(log *zap.Logger) http.Handler {
			r := mux.NewRouter()
			r.HandleFunc("/hello", hello).Methods("GET")
			return wsgo.Production(log).Then(r)
		},
		"echo": func(log *zap.Logger) http.Handler {
			e := echo.New()
			e.GET("/hello", echo.WrapHandler(http.HandlerFunc(hello)))
			return wsgo.Production(log).Then(e)
		},
		"ServeMux": func(log *zap.Logger) http.Handler {
			m := http.NewServeMux()
			m.HandleFunc("GET /hello", hello)
			return wsgo.Production(log).Then(m)
		},
	}
	for name, build := range routers {
		t.Run(name, func(t *testing.T) {
			core, logs := observer.New(zapcore.InfoLevel)
			ts := httptest.NewServer(build(zap.New(core)))
			defer ts.Close()
			for _, c := range []struct {
				path   string
				status int
			}{{"/hello", 200}, {"/nope", 404}} {
				res, err := ts.Client().Get(ts.URL + c.path)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != c.status || len(res.Header.Get("X-Request-Id")) != 20 {
					t.Errorf("%s: %d, request ID %q", c.path, res.StatusCode, res.Header.Get("X-Request-Id"))
				}
			}
			entries := logs.FilterMessage(logging.FieldMessage).All()
			if len(entries) != 2 || entries[0].ContextMap()[logging.FieldStatus] != int64(200) ||
				entries[1].ContextMap()[logging.FieldStatus] != int64(404) {
				t.Fatalf("access entries: %v", entries)
			}
		})
	}
}

// TestEchoWrapMiddlewareLosesErrorPages shows why the README says to put
// the preset outside echo rather than in echo.WrapMiddleware: echo writes
// the page of an error (a 404, any handler's error) after the middleware
// returned, and wsgo's writer is fenced by then (mw.ErrHandlerDone), so the
// client gets an empty 200 and the access log says 200.
func TestEchoWrapMiddlewareLosesErrorPages(t *testing.T) {
	e := echo.New()
	e.Logger.SetOutput(io.Discard)
	e.Use(echo.WrapMiddleware(wsgo.Production(zap.NewNop()).Middleware()))
	ts := httptest.NewServer(e)
	defer ts.Close()
	res, err := ts.Client().Get(ts.URL + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d: echo's late error page got through; update the README's echo advice", res.StatusCode)
	}
}
