// Package wsgo is the friendly face of the toolkit: the development and
// production stacks, assembled from the packages beside it, as zap's root
// package is over zapcore.
//
//	debug := flag.Bool("debug", wsgo.DebugFromEnv(), "development mode (also WSGO_DEBUG=1)")
//	h := wsgo.Preset(*debug, nil).Then(app)
//
// A preset is a chain.Chain like any other, with named layers (the Layer
// constants): adjust it by name. What users change most is passed as an
// option instead: [AccessOptions], [RecoverOptions], [TracebackOptions],
// [RequestIDOptions] and [BehindProxy].
//
// The packages underneath: mw (the contract, the one writer wrapper per
// request, request IDs, lint), environ (the WSGI environ, mounts, virtual
// hosts, dispatch, proxies), logging (access and error logs on zap), recover
// (safe 500s), recover/traceback (the development page that recover shows
// instead, in development only) and chain (the composition DSL on alice).
//
// [Production] never reaches recover/traceback, so a program that calls
// only Production does not link it (nor html/template); [Development] and
// [Preset] do, Preset because its switch is read at run time.
package wsgo

import (
	"os"
	"strings"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/lint"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
	"github.com/wsgo/wsgo/recover/traceback"
)

// The names of the preset layers, for chain.Chain's Remove, Without,
// InsertBefore, InsertAfter and Replace.
const (
	LayerProxy     = "proxy"
	LayerRequestID = "requestid"
	LayerAccess    = "access"
	LayerRecover   = "recover"
	LayerLint      = "lint"
	LayerEnviron   = "environ"
)

// Option configures [Production], [Development] and [Preset].
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	proxy     *environ.ProxyConfig
	access    []logging.Option
	recover   []wsgorecover.Option
	traceback []traceback.Option
	requestID []mw.RequestIDOption
}

// BehindProxy puts an environ.Proxy layer with cfg outermost, named
// LayerProxy, so that every layer (the access log's client address, the
// recover layer's decision to show a traceback) sees the client the proxies
// you run in front of the application forwarded. An invalid cfg panics when
// the preset is built, with environ.Proxy's message.
//
// Give cfg.TrustedPeers (your proxies' addresses) with the development
// preset: a client address taken from X-Forwarded-For or Forwarded counts as
// one on this machine, for a traceback, only when TrustedPeers limits who
// may send the header; without them any client that reaches the port can
// send "X-Forwarded-For: 127.0.0.1" (see traceback.New).
func BehindProxy(cfg environ.ProxyConfig) Option {
	return optionFunc(func(c *config) { c.proxy = &cfg })
}

// AccessOptions passes opts to the access log (logging.Access): levels,
// requests to skip, fields of your own. Given twice, both sets apply.
func AccessOptions(opts ...logging.Option) Option {
	return optionFunc(func(c *config) { c.access = append(c.access, opts...) })
}

// RecoverOptions passes opts to the recover layer (recover.New): a page of
// your own, a hook. Given twice, both sets apply.
func RecoverOptions(opts ...wsgorecover.Option) Option {
	return optionFunc(func(c *config) { c.recover = append(c.recover, opts...) })
}

// TracebackOptions passes opts to the development page (traceback.New) of
// [Development], and of [Preset] in development: RequirePIN, TrustedHosts,
// Redact, EditorLink, AllowRemote. [Production] ignores them. Given twice,
// both sets apply.
func TracebackOptions(opts ...traceback.Option) Option {
	return optionFunc(func(c *config) { c.traceback = append(c.traceback, opts...) })
}

// RequestIDOptions passes opts to the request-ID layer (mw.RequestID): the
// header, whether an incoming ID is trusted. Given twice, both sets apply.
func RequestIDOptions(opts ...mw.RequestIDOption) Option {
	return optionFunc(func(c *config) { c.requestID = append(c.requestID, opts...) })
}

func newConfig(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		o.apply(c)
	}
	return c
}

// stack is the layers both presets share, around the recover layer's
// options and the layers between recover and environ.
func (c *config) stack(log *zap.Logger, recoverOpts []wsgorecover.Option, inner ...chain.Layer) chain.Chain {
	var layers []chain.Layer
	if c.proxy != nil {
		layers = append(layers, chain.Named(LayerProxy, environ.MustProxy(*c.proxy)))
	}
	layers = append(layers,
		chain.Named(LayerRequestID, mw.RequestID(c.requestID...)),
		chain.Named(LayerAccess, logging.Access(log, c.access...)),
		chain.Named(LayerRecover, wsgorecover.New(log, append(recoverOpts, c.recover...)...)),
	)
	layers = append(layers, inner...)
	layers = append(layers, chain.Named(LayerEnviron, environ.Middleware()))
	return chain.New().Use(layers...)
}

// Production returns the recommended production stack, in the right order:
//
//	requestid > access > recover > environ > app
//
// request IDs (mw.RequestID), the access log on log (logging.Access), plain
// 500s for panics (recover.New), and the environ (environ.Layer); with
// [BehindProxy], a proxy layer outside them all. A nil log means
// logging.JSON(os.Stderr): zap's JSON, never sampled.
func Production(log *zap.Logger, opts ...Option) chain.Chain {
	if log == nil {
		log = logging.JSON(os.Stderr)
	}
	return newConfig(opts).stack(log, nil)
}

// Development returns the development stack: Production's layers with
// traceback pages (recover.Tracebacks with traceback.New: served to this
// machine only),
// lint, and a Server-Timing header (the chain is Timed):
//
//	(timed) requestid > access > recover > lint > environ > app
//
// A nil log means logging.Console(os.Stderr): zap's console encoder,
// coloured on a terminal. Building it logs a Warn line: tracebacks are on.
func Development(log *zap.Logger, opts ...Option) chain.Chain {
	if log == nil {
		log = logging.Console(os.Stderr)
	}
	c := newConfig(opts)
	tb := wsgorecover.Tracebacks(traceback.New(log, c.traceback...))
	return c.stack(log, []wsgorecover.Option{tb}, chain.Named(LayerLint, lint.New(log))).Timed()
}

// Preset returns Development(log, opts...) when debug is true and
// Production(log, opts...) otherwise: the one switch a program needs.
//
//	debug := flag.Bool("debug", wsgo.DebugFromEnv(), "development mode")
//	h := wsgo.Preset(*debug, nil).Then(app)
func Preset(debug bool, log *zap.Logger, opts ...Option) chain.Chain {
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
