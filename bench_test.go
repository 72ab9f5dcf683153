package wsgo

import (
	"io"
	"net/http"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

func jsonDiscard() *zap.Logger {
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
}

// BenchmarkPresets puts the production preset beside the zap floor (zap
// alone encoding the access log's fields after the bare handler) in one run:
// compare with benchstat -col /stack.
func BenchmarkPresets(b *testing.B) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(wsgotest.Hello) })
	floorLog := jsonDiscard()
	floor := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		app.ServeHTTP(w, r)
		floorLog.Info("request",
			zap.String("http.request.method", r.Method), zap.String("url.path", r.URL.Path),
			zap.String("url.query", r.URL.RawQuery), zap.String("network.protocol.version", "1.1"),
			zap.Int("http.response.status_code", 200), zap.Int64("http.response.body.size", 13),
			zap.Int64("http.request.body.size", r.ContentLength), zap.Duration("http.server.request.duration", time.Since(start)),
			zap.String("client.address", "127.0.0.1"), zap.String("user_agent.original", r.UserAgent()),
			zap.String("http.request.header.referer", r.Referer()), zap.String("server.address", r.Host),
			zap.String("http.request.id", "0123456789abcdefghjk"))
	})
	for _, s := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", app},
		{"zapfloor", floor},
		{"production", Production(jsonDiscard()).Then(app)},
		{"development", Development(jsonDiscard()).Then(app)},
	} {
		b.Run("stack="+s.name, func(b *testing.B) { wsgotest.Serve(b, s.h) })
	}
}
