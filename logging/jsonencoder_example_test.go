package logging_test

import (
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/logging"
)

// A zap logger of one's own, with wsgo's JSON encoder in place of zap's:
// the same bytes, fewer instructions.
func ExampleJSONEncoder() {
	cfg := zap.NewProductionEncoderConfig()
	cfg.TimeKey = "" // no time, so the output is stable
	core := zapcore.NewCore(logging.JSONEncoder(cfg), zapcore.AddSync(os.Stdout), zapcore.InfoLevel)
	log := zap.New(core).Named("app").With(zap.String("service", "hello"))
	log.Info("request", zap.String("user_agent.original", "\"curl\"\n\xff"), zap.Int("http.response.status_code", 200))
	// Output:
	// {"level":"info","logger":"app","msg":"request","service":"hello","user_agent.original":"\"curl\"\n\ufffd","http.response.status_code":200}
}
