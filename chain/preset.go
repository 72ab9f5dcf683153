package chain

import (
	"os"
	"strings"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
)

// The names of the preset layers, for Remove, InsertBefore and InsertAfter.
const (
	LayerRequestID = "requestid"
	LayerAccess    = "access"
	LayerRecover   = "recover"
	LayerLint      = "lint"
	LayerEnviron   = "environ"
)

// Production returns the recommended production stack, in the right order:
//
//	requestid > access > recover > environ > app
//
// request IDs (mw.RequestID), the access log on log (logging.Access), plain
// 500s for panics (recover, production), and the environ. A nil log means
// logging.Production(os.Stderr): zap's JSON. The result is a Chain like any
// other: adjust it by name.
func Production(log *zap.Logger) Chain {
	if log == nil {
		log = logging.Production(os.Stderr)
	}
	return New().Use(
		Named(LayerRequestID, mw.RequestID()),
		Named(LayerAccess, logging.Access(log)),
		Named(LayerRecover, wsgorecover.Middleware(log)),
		Named(LayerEnviron, environ.Middleware()),
	)
}

// Development returns the development stack: Production's layers with
// traceback pages (served to this machine only), lint, and a Server-Timing
// header (the chain is Timed):
//
//	(timed) requestid > access > recover > lint > environ > app
//
// A nil log means logging.Development(os.Stderr): zap's console encoder,
// coloured on a terminal. Building it logs a Warn line: tracebacks are on.
func Development(log *zap.Logger) Chain {
	if log == nil {
		log = logging.Development(os.Stderr)
	}
	return New().Use(
		Named(LayerRequestID, mw.RequestID()),
		Named(LayerAccess, logging.Access(log)),
		Named(LayerRecover, wsgorecover.Middleware(log, wsgorecover.Development())),
		Named(LayerLint, mw.Lint(log)),
		Named(LayerEnviron, environ.Middleware()),
	).Timed()
}

// Preset returns Development(log) when debug is true and Production(log)
// otherwise: the one switch a program needs.
//
//	debug := flag.Bool("debug", chain.DebugFromEnv(), "development mode")
//	h := chain.Preset(*debug, nil).Then(app)
func Preset(debug bool, log *zap.Logger) Chain {
	if debug {
		return Development(log)
	}
	return Production(log)
}

// DebugFromEnv reports whether the environment variable WSGO_DEBUG asks for
// development mode: 1, true, yes or on, in any case.
func DebugFromEnv() bool {
	switch strings.ToLower(os.Getenv("WSGO_DEBUG")) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
