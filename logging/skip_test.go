package logging

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/mw"
)

// TestSkipKeepsTheErrorLog: Skip leaves out the access entry of /healthz,
// not the application's own error entries on it, through FromContext and
// wsgi.errors, with the request ID when a RequestID layer is outside.
func TestSkipKeepsTheErrorLog(t *testing.T) {
	for _, outer := range []string{"alone", "behind RequestID"} {
		t.Run(outer, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				FromContext(r.Context()).Error("database is down")
				_, e := environ.Attach(r)
				e.Errors().Write([]byte("cache is down"))
			})
			h := Access(zap.New(core), Skip(func(r *http.Request) bool { return r.URL.Path == "/healthz" }))(app)
			if outer != "alone" {
				h = mw.RequestID()(h)
			}
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
			if n := logs.FilterMessage(FieldMessage).Len(); n != 0 {
				t.Fatalf("%d access entries for a skipped request", n)
			}
			db := logs.FilterMessage("database is down").All()
			if len(db) != 1 || db[0].ContextMap()[FieldPath] != "/healthz" {
				t.Fatalf("the application's entry: %v", logs.All())
			}
			if _, hasID := db[0].ContextMap()[FieldRequestID]; hasID != (outer != "alone") {
				t.Errorf("request ID on the entry: %v, want %v", hasID, outer != "alone")
			}
			if n := logs.FilterMessage("wsgi.errors").Len(); n != 1 {
				t.Fatalf("wsgi.errors entries: %d, want 1", n)
			}
		})
	}
}
