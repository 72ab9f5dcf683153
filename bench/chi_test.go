package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	chimw "github.com/go-chi/chi/v5/middleware"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo"
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
