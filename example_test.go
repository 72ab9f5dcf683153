package wsgo_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/logging"
)

// The README's Quick start: a mounted application behind the preset, served
// with the timeouts a server on the internet needs. In a program, the preset
// is wsgo.Preset(wsgo.DebugFromEnv(), nil) and the last lines are
// srv.ListenAndServe().
func ExamplePreset() {
	rest := func(w http.ResponseWriter, r *http.Request) {
		e := environ.From(r)
		fmt.Fprintf(w, "PATH_INFO = %s\nSCRIPT_NAME = %s\n", e.PathInfo(), e.ScriptName())
	}
	site := environ.MustMount(map[string]http.Handler{"/rest": http.HandlerFunc(rest)}, nil)
	c := wsgo.Preset(false, zap.NewNop()) // false: production; WSGO_DEBUG=1 with DebugFromEnv
	srv := &http.Server{
		Addr:              "localhost:8081",
		Handler:           c.Then(site),
		ReadHeaderTimeout: 10 * time.Second, // a client that never finishes its headers
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second, // streaming handlers extend theirs with http.ResponseController
		IdleTimeout:       120 * time.Second,
	}

	rec := httptest.NewRecorder() // here, one request instead of srv.ListenAndServe()
	srv.Handler.ServeHTTP(rec, httptest.NewRequest("GET", "/rest/custompath", nil))
	fmt.Println(c)
	fmt.Print(rec.Body.String())
	// Output:
	// requestid > access > recover > environ > app
	// PATH_INFO = /custompath
	// SCRIPT_NAME = /rest
}

// What users change most goes in as options: here, health checks are left
// out of the access log.
func ExampleProduction() {
	healthz := func(r *http.Request) bool { return r.URL.Path == "/healthz" }
	core, logs := observer.New(zap.InfoLevel) // in a program: nil, or logging.JSON(os.Stderr)
	c := wsgo.Production(zap.New(core), wsgo.AccessOptions(logging.Skip(healthz)))
	h := c.ThenFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	for _, path := range []string{"/healthz", "/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		fmt.Print(path, " ", rec.Code, " ", rec.Body.String())
	}
	for _, e := range logs.All() {
		fmt.Println("logged:", e.ContextMap()[logging.FieldPath])
	}
	// Output:
	// /healthz 200 ok
	// / 200 ok
	// logged: /
}
