package mw_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/wsgo/wsgo/mw"
)

// A layer that observes the response: it captures the shared writer, passes
// it on, and reads what the handler sent once it returns. However many such
// layers a chain has, the writer is wrapped once.
func ExampleCapture() {
	statusLog := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r)
			defer resp.Release()
			next.ServeHTTP(resp.Writer(), r)
			fmt.Println("status", resp.Status(), "bytes", resp.Written())
		})
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, "short and stout")
	})
	h := statusLog(statusLog(app)) // two observers, one wrapper
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	// Output:
	// status 418 bytes 15
	// status 418 bytes 15
}

// Observers run before the header goes out, so a layer can still add to it.
func ExampleResponse_Observe() {
	poweredBy := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r)
			defer resp.Release()
			ww := resp.Writer()
			resp.Observe(&mw.Observer{WriteHeader: func(code int) {
				ww.Header().Set("X-Powered-By", "wsgo")
			}})
			next.ServeHTTP(ww, r)
		})
	}
	rec := httptest.NewRecorder()
	poweredBy(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hi")
	})).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Header().Get("X-Powered-By"), rec.Body.String())
	// Output: wsgo hi
}

func ExampleRequestID() {
	h := mw.RequestID()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := mw.RequestIDFrom(r.Context())
		fmt.Println(len(id), id == w.Header().Get("X-Request-ID"))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	// Output: 20 true
}

// A Middleware is the plain func(http.Handler) http.Handler, so a middleware
// written for chi or gorilla/mux is one, with no adapter.
func ExampleMiddleware() {
	m := mw.Middleware(func(next http.Handler) http.Handler { // any chi middleware has this type
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Frame-Options", "DENY")
			next.ServeHTTP(w, r)
		})
	})
	rec := httptest.NewRecorder()
	m(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Code, rec.Header().Get("X-Frame-Options"))
	// Output: 404 DENY
}

// A handler that keeps its writer past its return (a goroutine, a timeout,
// a bug) cannot reach anyone with it: once the layer that captured the
// writer returned, every write fails with ErrHandlerDone.
func ExampleErrHandlerDone() {
	var kept http.ResponseWriter
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kept = w
		io.WriteString(w, "on time")
	})
	h := mw.RequestID()(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r)
			defer resp.Release()
			next.ServeHTTP(resp.Writer(), r)
		})
	}(app))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	_, err := io.WriteString(kept, "too late")
	fmt.Println(rec.Body.String())
	fmt.Println(err)
	// Output:
	// on time
	// mw: write after the handler returned
}

// ServerTiming and the marks placed by hand: each mark starts an entry that
// lasts until the next one, and "total" holds them all. (chain.Chain's
// Timed places the same layers for a whole chain.)
func ExampleServerTiming() {
	slow := func(next http.Handler) http.Handler { return next } // a layer worth timing
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	h := mw.ServerTiming()(mw.TimingMark("auth")(slow(mw.TimingMark("app")(app))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	for _, entry := range strings.Split(rec.Header().Get("Server-Timing"), ", ") {
		name, _, _ := strings.Cut(entry, ";dur=") // the durations change from run to run
		fmt.Println(name)
	}
	// Output:
	// auth
	// app
	// total
}
