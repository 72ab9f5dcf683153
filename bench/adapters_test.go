package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/handlers"
	"github.com/gorilla/mux"
	"github.com/urfave/negroni/v3"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/mw"
)

// ours is a wsgo middleware: it stamps the response so a test can see it ran.
var ours mw.Middleware = func(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Wsgo", mw.RequestIDFrom(r.Context())+"ok")
		next.ServeHTTP(w, r)
	})
}

func get(t *testing.T, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	return rec
}

// TestOursFitTheirs puts wsgo middlewares into chi, gorilla/mux and negroni
// as they are, with no adapter.
func TestOursFitTheirs(t *testing.T) {
	hello := func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") }

	r := chi.NewRouter()
	r.Use(mw.RequestID(), ours) // chi's Use takes ...func(http.Handler) http.Handler
	r.Get("/x", hello)

	m := mux.NewRouter()
	m.Use(mw.RequestID(), ours) // gorilla's Use takes ...mux.MiddlewareFunc
	m.HandleFunc("/x", hello)

	n := negroni.New()
	n.Use(negroni.Wrap(chain.New(mw.RequestID(), ours).ThenFunc(hello)))

	for name, h := range map[string]http.Handler{"chi": r, "gorilla/mux": m, "negroni": n} {
		rec := get(t, h)
		if rec.Body.String() != "hello" || len(rec.Header().Get("X-Wsgo")) != 22 {
			t.Errorf("%s: body %q, X-Wsgo %q", name, rec.Body.String(), rec.Header().Get("X-Wsgo"))
		}
	}
}

// TestTheirsFitOurs puts chi's and gorilla's middlewares into a wsgo chain.
func TestTheirsFitOurs(t *testing.T) {
	var gorillaMW mux.MiddlewareFunc = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Gorilla", "ok")
			next.ServeHTTP(w, r)
		})
	}
	c := chain.New(chimw.RequestID, chimw.NoCache, gorillaMW, handlers.CompressHandler, ours)
	rec := get(t, c.ThenFunc(func(w http.ResponseWriter, r *http.Request) {
		if chimw.GetReqID(r.Context()) == "" {
			t.Error("chi's RequestID did not run")
		}
		io.WriteString(w, "hello")
	}))
	if rec.Header().Get("X-Gorilla") != "ok" || rec.Header().Get("Cache-Control") == "" || rec.Header().Get("X-Wsgo") != "ok" {
		t.Fatalf("headers %v", rec.Header())
	}
}

// A slice of ours is chi's Middlewares: this line compiles only because
// mw.Middleware is an alias of the plain function type.
var _ chi.Middlewares = []mw.Middleware{ours}
