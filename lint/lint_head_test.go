package lint_test

import (
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/lint"
)

// TestLintHeadIsNoBreach: HEAD answered through the development preset
// (which has Lint) by wsgo's own 500 page, for a local client (the
// traceback) and a remote one, by an environ.App, and by net/http's own
// http.NotFound: each writes a body that net/http discards, and none is a
// breach (issue 21: each was BodyNotAllowed, once per path).
func TestLintHeadIsNoBreach(t *testing.T) {
	app := environ.App(func(e *environ.Environ, start environ.StartResponse) iter.Seq[[]byte] {
		_ = start("200 OK", [][2]string{{"Content-Type", "text/plain"}})
		return environ.Chunks([]byte("hello"))
	})
	mux := http.NewServeMux()
	mux.HandleFunc("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	mux.Handle("/app", app)
	core, logs := observer.New(zapcore.WarnLevel)
	h := wsgo.Development(zap.New(core)).Then(mux)
	for _, tt := range []struct{ path, remote string }{
		{"/panic", "127.0.0.1:1"}, {"/panic", "192.0.2.1:1"}, {"/app", "192.0.2.1:1"}, {"/missing", "192.0.2.1:1"},
	} {
		r := httptest.NewRequest("HEAD", tt.path, nil)
		r.RemoteAddr, r.Host = tt.remote, "localhost"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		_, _ = io.Copy(io.Discard, rec.Body)
		if e := logs.FilterMessage("lint: handler breaks the HTTP contract"); e.Len() != 0 {
			t.Fatalf("HEAD %s from %s: %v", tt.path, tt.remote, e.All()[0].ContextMap())
		}
	}
	// A body on 204 is still a breach.
	h = lint.New(zap.New(core))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
		_, _ = io.WriteString(w, "x")
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("HEAD", "/", nil))
	if e := logs.FilterField(zap.String("rule", lint.BodyNotAllowed)); e.Len() != 1 {
		t.Fatalf("a body on 204: %d entries", e.Len())
	}
}
