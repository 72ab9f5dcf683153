package logging

import (
	"io"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// JSON returns the production logger: zap's production JSON encoder config
// (ISO-8601 times, durations in seconds), encoded by JSONEncoder (the same
// bytes as zap's JSON encoder, written faster), writing to w at Info and
// above.
// It never samples: every access entry and every panic entry is written,
// whatever the load. (zap.NewProduction samples: after the first 100 entries
// of a message and level in a second, it keeps every 100th. An access log
// built on it loses most requests under load.)
func JSON(w io.Writer) *zap.Logger {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.ISO8601TimeEncoder // with LowercaseLevelEncoder and SecondsDurationEncoder: standard
	core := zapcore.NewCore(standardJSONEncoder(cfg), zapcore.AddSync(w), zapcore.InfoLevel)
	return zap.New(core, zap.ErrorOutput(zapcore.AddSync(w)))
}

// Console returns the development logger: zap's development console
// encoder (readable lines, fields as JSON after the message), at Debug and
// above, with coloured levels when w is a terminal. It never samples.
func Console(w io.Writer) *zap.Logger {
	cfg := zap.NewDevelopmentEncoderConfig()
	if isTerminal(w) {
		cfg.EncodeLevel = zapcore.CapitalColorLevelEncoder
	}
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(cfg), zapcore.AddSync(w), zapcore.DebugLevel)
	return zap.New(core, zap.Development(), zap.ErrorOutput(zapcore.AddSync(w)))
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
