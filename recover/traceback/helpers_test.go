package traceback

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
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

// devLayer is the recover layer with the development page made with opts,
// as wsgo's Development preset builds it.
func devLayer(logger *zap.Logger, opts ...Option) mw.Middleware {
	return wsgorecover.New(logger, wsgorecover.Tracebacks(New(logger, opts...)))
}

// capturing stands for the access log: an outer layer that captures the
// shared writer.
func capturing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, r := mw.Capture(w, r)
		next.ServeHTTP(resp.Writer(), r)
		resp.Release()
	})
}

// The bounds of internal/panicvalue's error walk, which the tree shows.
const (
	maxErrDepth = 32
	maxErrNodes = 64
)
