package recover

import (
	"net/http"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/mw"
)

// Option configures [Middleware].
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// Development turns traceback pages on. They are served only to a client on
// this machine that asked for a trusted host (see [TrustedHosts]), unless
// [AllowRemote] is given; anyone else gets the production page.
//
// Whether the client is on this machine is decided from the request this
// layer received, never from a value an inner layer put in the Scope: the
// connection's peer address, believed only when the request carries none of
// X-Forwarded-For, Forwarded, X-Real-IP and X-Forwarded-Host; or the address
// an environ.Proxy layer outside this one resolved from the headers it was
// told to believe. A proxy that sends no forwarding header and rewrites Host
// to 127.0.0.1 (nginx's proxy_pass with its defaults) cannot be told apart
// from a browser on this machine: in front of such a proxy, do not turn
// tracebacks on. The middleware logs a Warn line when it is built with
// tracebacks on, saying so.
func Development() Option { return optionFunc(func(c *config) { c.dev = true }) }

// AllowRemote serves traceback pages to every client. Never in production:
// a traceback shows source code, the environ and the stack.
func AllowRemote() Option { return optionFunc(func(c *config) { c.allowRemote = true }) }

// TrustedHosts replaces the host names for which traceback pages are served
// (default: localhost, any .localhost name, 127.0.0.1 and [::1]). A name
// that starts with "." matches every subdomain. Ports are ignored. This is
// the DNS-rebinding lesson of werkzeug's CVE-2024-34069: a page that a
// malicious site's name resolves to 127.0.0.1 must not get a traceback.
func TrustedHosts(hosts ...string) Option {
	return optionFunc(func(c *config) {
		c.trusted = nil
		for _, h := range hosts {
			c.trusted = append(c.trusted, strings.ToLower(h))
		}
	})
}

// Redact replaces the substrings that make a header, query parameter or
// environ key secret on the traceback page: a name that contains one of
// them anywhere, without regard to case, is secret. The default list is
// auth, credential, passwd, password, pwd, passphrase, secret, token, key,
// session, cookie, signature, sig and jwt; Redact replaces it, so repeat
// those you want to keep. Authorization, Cookie, Set-Cookie and
// Proxy-Authorization are always redacted, whatever the list.
//
// A secret header, environ key or entry of the Query table is shown as
// [redacted]. Where the page shows a raw query (the request URL,
// QUERY_STRING, REQUEST_URI, and the query and fragment of a Referer), the
// value of each secret parameter is replaced by REDACTED and the rest is
// kept as sent; a query that url.ParseQuery rejects is split at '&' and ';'
// and redacted parameter by parameter all the same.
//
// Substrings over-redact: monkey loses its value to "key", design to "sig".
// That is on purpose: on a development page a hidden value costs a look at
// the code, while a shown secret may end up in a screenshot or an issue.
func Redact(substrings ...string) Option {
	return optionFunc(func(c *config) {
		c.redact = nil
		for _, s := range substrings {
			c.redact = append(c.redact, strings.ToLower(s))
		}
	})
}

// OnPanic calls f for every panic that is recovered, after it is logged, to
// report it elsewhere. A panic inside f is recovered and logged in turn.
func OnPanic(f func(r *http.Request, p *Panic)) Option {
	return optionFunc(func(c *config) { c.onPanic = f })
}

// Page replaces the production error page. The status, the request-ID
// header, Cache-Control and the other headers are already set; write sets
// the Content-Type and writes the body. If it panics, the answer falls back
// to a plain-text 500.
func Page(write func(w http.ResponseWriter, r *http.Request, p *Panic)) Option {
	return optionFunc(func(c *config) { c.page = write })
}

type config struct {
	logger      *zap.Logger
	dev         bool
	allowRemote bool
	trusted     []string
	redact      []string
	onPanic     func(*http.Request, *Panic)
	page        func(http.ResponseWriter, *http.Request, *Panic)
	sources     sourceCache
}

// Middleware returns the recovering middleware: see the package
// documentation for what it does with a panic.
//
// To know whether the response had started when the panic came, it reads
// the shared writer of an outer layer ([mw.Lookup]): behind an access log,
// a request that does not panic pays for the deferred recover only. Alone,
// it captures the writer itself ([mw.Capture]) and pays for that.
//
// A panic with http.ErrAbortHandler passes through untouched and unlogged.
// When the response had started, the panic is logged and the response is
// aborted (a re-panic with http.ErrAbortHandler), so the client sees a broken
// response rather than a truncated one that looks complete. A hijacked
// connection is logged and left alone.
//
// Middleware panics when logger is nil.
func Middleware(logger *zap.Logger, opts ...Option) mw.Middleware {
	if logger == nil {
		panic("recover: Middleware: nil logger")
	}
	c := &config{
		// No caller and no zap stacktrace: both would point into wsgo; the
		// entry's own "stack" field is the panic's.
		logger:  logger.WithOptions(zap.WithCaller(false), zap.AddStacktrace(zap.LevelEnablerFunc(func(zapcore.Level) bool { return false }))),
		trusted: []string{"localhost", ".localhost", "127.0.0.1", "[::1]"},
		redact: []string{"auth", "credential", "passwd", "password", "pwd", "passphrase",
			"secret", "token", "key", "session", "cookie", "signature", "sig", "jwt"},
	}
	for _, o := range opts {
		o.apply(c)
	}
	if c.page == nil {
		c.page = productionPage
	}
	if c.dev {
		logger.Warn("recover: traceback pages are on: they show source, stack and environ; development only. "+
			"They are served to clients on this machine: a reverse proxy on this machine that sends no X-Forwarded-For "+
			"and rewrites Host to a trusted name would pass its clients' requests off as local",
			zap.Strings("trusted_hosts", c.trusted), zap.Bool("allow_remote", c.allowRemote))
	}
	return func(next http.Handler) http.Handler { return &layer{c, next} }
}

// layer is the handler Middleware returns: a type of its own rather than an
// http.HandlerFunc, whose ServeHTTP is one more indirect call per request
// (about 2 ns here, of a layer that aims to cost 5).
type layer struct {
	c    *config
	next http.Handler
}

// ServeHTTP defers the recover. A request that does not panic pays for the
// check below and the deferred call only: the context is the Scope in the
// common case, and which writer was captured is asked after a panic.
func (l *layer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s, ok := r.Context().(*mw.Scope); ok && s.Response() != nil {
		// returned spares a request that did not panic the call to
		// recover (a third of the layer's cost); recover still runs for a
		// panic and for runtime.Goexit, where it returns nil.
		returned := false
		defer func() {
			if !returned {
				if v := recover(); v != nil {
					l.c.handle(w, r, v)
				}
			}
		}()
		l.next.ServeHTTP(w, r)
		returned = true
		return
	}
	l.c.serveOther(l.next, w, r)
}

// serveOther serves a request whose context is not a Scope with a captured
// writer: one below another context (an Environ, a context.WithValue) may
// still have one; when no outer layer captured the writer, it is captured
// here, to know whether the header went out.
func (c *config) serveOther(next http.Handler, w http.ResponseWriter, r *http.Request) {
	if mw.ScopeOf(r.Context()).Response() == nil {
		var resp *mw.Response
		resp, r = mw.Capture(w, r)
		defer resp.Release()
		w = resp.Writer()
	}
	defer c.recover(w, r)
	next.ServeHTTP(w, r)
}

// recover is the deferred call of the layer: recover only stops a panic when
// the deferred function itself calls it, so this method must be deferred
// directly, never called from another deferred function.
func (c *config) recover(w http.ResponseWriter, r *http.Request) {
	if v := recover(); v != nil {
		c.handle(w, r, v)
	}
}

// handle answers a recovered panic v (recover itself must be called by the
// deferred function, so the callers call it and pass the value).
func (c *config) handle(w http.ResponseWriter, r *http.Request, v any) {
	if v == http.ErrAbortHandler {
		panic(v) // the standard way to abort: not ours to log
	}
	p := &Panic{Value: v}
	p.pcs = stackPCs(p.buf[:])
	resp := mw.Lookup(w, r)
	if resp == nil {
		// A layer between the capture and this one wrapped the writer again;
		// whether the header went out is still best known by the capture.
		resp = mw.ScopeOf(r.Context()).Response()
	}
	if resp != nil {
		p.Committed, p.Hijacked = resp.Committed(), resp.Hijacked()
	}
	p.RequestID = mw.RequestIDFrom(r.Context())
	if p.RequestID == "" {
		p.RequestID = mw.NewRequestID()
	}
	c.log(r, p)
	c.callHook(r, p)
	switch {
	case p.Hijacked:
		return
	case p.Committed:
		panic(http.ErrAbortHandler) // no second status can be sent: abort the response
	}
	c.respond(w, r, p)
}

func (c *config) log(r *http.Request, p *Panic) {
	fields := []zap.Field{
		zap.String("panic", p.Message()),
		zap.String("panic.type", p.Type()),
		zap.String("http.request.method", r.Method),
		zap.String("url.path", r.URL.Path),
		zap.String("http.request.id", p.RequestID),
		zap.String("stack", p.Stack()),
	}
	if chain := p.Chain(); chain != nil {
		fields = append(fields, zap.Strings("error.chain", chain))
	}
	if p.Committed {
		fields = append(fields, zap.Bool("committed", true))
	}
	if p.Hijacked {
		fields = append(fields, zap.Bool("hijacked", true))
	}
	c.logger.Error("panic recovered", fields...)
}

func (c *config) callHook(r *http.Request, p *Panic) {
	if c.onPanic == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			c.logger.Error("recover: OnPanic hook panicked",
				zap.String("panic", (&Panic{Value: v}).Message()), zap.String("http.request.id", p.RequestID))
		}
	}()
	c.onPanic(r, p)
}
