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
	LayerProxy     = "proxy"
)

// PresetOption configures [Production], [Development] and [Preset].
type PresetOption interface{ apply(*presetConfig) }

type presetConfig struct {
	proxy *environ.ProxyConfig
}

type presetOptionFunc func(*presetConfig)

func (f presetOptionFunc) apply(c *presetConfig) { f(c) }

// BehindProxy puts an environ.Proxy layer with cfg outermost, named
// LayerProxy, so that every layer (the access log's client address, the
// recover layer's decision to show a traceback) sees the client the proxies
// you run in front of the application forwarded. An invalid cfg panics when
// the preset is built, with environ.Proxy's message.
func BehindProxy(cfg environ.ProxyConfig) PresetOption {
	return presetOptionFunc(func(c *presetConfig) { c.proxy = &cfg })
}

// wrap adds the layers the options ask for around c.
func (p *presetConfig) wrap(c Chain) Chain {
	if p.proxy != nil {
		c = New().Use(Named(LayerProxy, environ.MustProxy(*p.proxy))).Extend(c)
	}
	return c
}

func presetOptions(opts []PresetOption) *presetConfig {
	p := &presetConfig{}
	for _, o := range opts {
		o.apply(p)
	}
	return p
}

// Production returns the recommended production stack, in the right order:
//
//	requestid > access > recover > environ > app
//
// request IDs (mw.RequestID), the access log on log (logging.Access), plain
// 500s for panics (recover, production), and the environ; with
// [BehindProxy], a proxy layer outside them all. A nil log means
// logging.JSON(os.Stderr): zap's JSON. The result is a Chain like any
// other: adjust it by name.
func Production(log *zap.Logger, opts ...PresetOption) Chain {
	if log == nil {
		log = logging.JSON(os.Stderr)
	}
	return presetOptions(opts).wrap(New().Use(
		Named(LayerRequestID, mw.RequestID()),
		Named(LayerAccess, logging.Access(log)),
		Named(LayerRecover, wsgorecover.New(log)),
		Named(LayerEnviron, environ.Layer()),
	))
}

// Development returns the development stack: Production's layers with
// traceback pages (served to this machine only), lint, and a Server-Timing
// header (the chain is Timed):
//
//	(timed) requestid > access > recover > lint > environ > app
//
// A nil log means logging.Console(os.Stderr): zap's console encoder,
// coloured on a terminal. Building it logs a Warn line: tracebacks are on.
func Development(log *zap.Logger, opts ...PresetOption) Chain {
	if log == nil {
		log = logging.Console(os.Stderr)
	}
	return presetOptions(opts).wrap(New().Use(
		Named(LayerRequestID, mw.RequestID()),
		Named(LayerAccess, logging.Access(log)),
		Named(LayerRecover, wsgorecover.New(log, wsgorecover.Tracebacks())),
		Named(LayerLint, mw.Lint(log)),
		Named(LayerEnviron, environ.Layer()),
	)).Timed()
}

// Preset returns Development(log, opts...) when debug is true and
// Production(log, opts...) otherwise: the one switch a program needs.
//
//	debug := flag.Bool("debug", chain.DebugFromEnv(), "development mode")
//	h := chain.Preset(*debug, nil).Then(app)
func Preset(debug bool, log *zap.Logger, opts ...PresetOption) Chain {
	if debug {
		return Development(log, opts...)
	}
	return Production(log, opts...)
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
