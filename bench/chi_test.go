package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
)

// TestChiRequestIDAdopted runs chi's RequestID outside the production
// preset, which adopts chi's ID (mw.AdoptRequestID(chimw.GetReqID)), over a
// real server: the handler, chi, the response header and the access log all
// see one ID.
func TestChiRequestIDAdopted(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	type seen struct{ wsgo, chi string }
	got := make(chan seen, 1)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- seen{mw.RequestIDFrom(r.Context()), chimw.GetReqID(r.Context())}
		io.WriteString(w, "ok")
	})
	h := chimw.RequestID(wsgo.Production(zap.New(core),
		wsgo.RequestIDOptions(mw.AdoptRequestID(chimw.GetReqID))).Then(app))
	ts := httptest.NewServer(h)
	defer ts.Close()
	res, err := ts.Client().Get(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	s := <-got
	if s.chi == "" || s.wsgo != s.chi || res.Header.Get("X-Request-Id") != s.chi {
		t.Fatalf("wsgo %q, chi %q, header %q", s.wsgo, s.chi, res.Header.Get("X-Request-Id"))
	}
	if id := logs.All()[0].ContextMap()[logging.FieldRequestID]; id != s.chi {
		t.Fatalf("access log has %v, want chi's %q", id, s.chi)
	}
}

// TestChiMountWithStripPrefix is the README's recipe for a wsgo site inside
// chi.Mount: chi routes on its own route path and leaves r.URL.Path alone,
// so http.StripPrefix hands wsgo the rest, and the environ takes what it
// removed as SCRIPT_NAME.
func TestChiMountWithStripPrefix(t *testing.T) {
	report := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := environ.From(r)
		io.WriteString(w, e.ScriptName()+"|"+e.PathInfo())
	})
	site := environ.MustMount(map[string]http.Handler{"/api": report}, nil)
	router := chi.NewRouter()
	router.Mount("/legacy", http.StripPrefix("/legacy", site))
	ts := httptest.NewServer(wsgo.Production(zap.NewNop()).Then(router))
	defer ts.Close()
	res, err := ts.Client().Get(ts.URL + "/legacy/api/users/7")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(b) != "/legacy/api|/users/7" {
		t.Fatalf("%d %q, want 200 /legacy/api|/users/7", res.StatusCode, b)
	}
}
