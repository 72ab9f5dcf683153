package recover

import (
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/handback"
	"github.com/wsgo/wsgo/internal/plumb"
	"github.com/wsgo/wsgo/internal/traceparent"
	"github.com/wsgo/wsgo/mw"
)

// Option configures [New].
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// Tracebacks turns traceback pages on, for development. They are served only to a client on
// this machine that asked for a trusted host (see [TrustedHosts]), unless
// [AllowRemote] is given; anyone else gets the production page.
//
// The decision is made once, when this layer receives the request, before
// anything is handed inward: a layer inside that rewrites the request in
// place (chi's RealIP setting RemoteAddr from True-Client-IP, a layer
// deleting X-Forwarded-*) or puts values in the Scope cannot change it.
// The client is on this machine when the connection's peer is loopback
// (127.0.0.0/8 or ::1; not a private LAN address) and the request carries
// no header by which a proxy or a CDN names the client or says it is there
// (any X-Forwarded-*, Forwarded, X-Real-IP, True-Client-IP,
// CF-Connecting-IP, Fastly-Client-IP, X-Client-IP, X-Cluster-Client-IP,
// X-Original-Forwarded-For, Via, CDN-Loop and the like); or when an
// environ.Proxy layer outside this one resolved the client address from
// forwarding headers it believes from its TrustedPeers only, and that
// address is loopback. Without TrustedPeers a resolved address never
// counts: any client that reaches the port can send X-Forwarded-For:
// 127.0.0.1.
//
// A proxy that sends none of those headers (nginx's proxy_pass with its
// defaults, Go's httputil.ReverseProxy with Rewrite and no SetXForwarded,
// Apache with ProxyAddHeaders Off, a TCP forwarder) and sends or rewrites
// Host to a trusted name cannot be told apart from a browser on this
// machine: in front of such a proxy, turn tracebacks on only with
// [RequirePIN]. The middleware logs a Warn line when it is built with
// tracebacks on, saying so.
func Tracebacks() Option { return optionFunc(func(c *config) { c.dev = true }) }

// RequirePIN asks for a PIN before a traceback page is shown, as
// werkzeug's debugger does: for development mode behind a reverse proxy on
// this machine, which no header can reveal (nginx's proxy_pass with its
// defaults sends no X-Forwarded-For and can rewrite Host to localhost), so
// that the proxy's clients would pass for local ones.
//
// The PIN is drawn at random when the middleware is built and written to
// the log then, in a Warn entry ("recover: traceback PIN"). A client the
// traceback rule allows gets, instead of the traceback, the production page
// with a form that asks for the PIN; the form posts to /__wsgo/pin, which
// this layer answers itself, and the right PIN sets a cookie
// (__wsgo_debug: HMAC-signed with a key drawn at start-up, HttpOnly,
// SameSite=Strict, for 8 hours) with which the tracebacks are shown. A
// client that did not ask for HTML gets the production page. A restart
// draws a new PIN and a new key. As werkzeug's debugger does:
//
//   - the cookie is Secure whenever the request is secure: over a TLS
//     connection to this server, or behind a TLS-terminating proxy whose
//     X-Forwarded-Proto (or proto=) an environ.Proxy layer outside this one
//     believed; a forwarding header no Proxy layer believed counts for
//     nothing;
//   - wrong attempts are limited: one per second is checked, and the tenth
//     wrong PIN in a row locks the PIN until the server restarts; a right
//     PIN resets the count;
//   - the lock refuses everyone: a cookie set before it shows no more
//     tracebacks, and the prompt says that the PIN is locked.
func RequirePIN() Option { return optionFunc(func(c *config) { c.pin = newPINGuard() }) }

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

// Redact adds substrings that make a header, query parameter, environ
// key, form or JSON key or log field secret on the traceback page: a name
// that contains one of them anywhere, without regard to case (as sent or
// percent-decoded), is secret. They add to the rule the page always
// applies, which the access log of package logging applies too: a name is
// secret when it contains a long stem (password, passwd, passphrase,
// passcode, secret, token, session, sessid, apikey, accesskey, privatekey,
// credential, signature, cookie, jwt, bearer, csrf, xsrf, authorization,
// authkey, authcode, cardnumber, creditcard, pincode, otpcode,
// socialsecurity, securitycode) anywhere, across '_', '-', '.', '[' and
// ']' (api_key, card_number, PHPSESSID, user[password]), or has a short
// word (auth, pin, otp, totp, hotp, pass, pw, pwd, code, cvv, cvc, ssn,
// sid, key, sig) as a word of its own, split at those separators, at case
// changes and between letters and digits (x-auth-y, userPIN, cvv2). So
// shipping, compass, keyboard and monkey are shown, and Authorization,
// Cookie, Set-Cookie and Proxy-Authorization are always secret. Called
// again, Redact replaces the substrings it added before.
//
// A secret header, environ key, entry of the Query table, form field, JSON
// member or log field is shown as REDACTED, the marker the access log
// writes. Where the page shows a raw query (the request URL, QUERY_STRING,
// REQUEST_URI, and the query and fragment of a Referer), the value of each
// secret parameter is replaced by REDACTED and the rest is kept as sent; a
// query that url.ParseQuery rejects is split at '&' and ';' and redacted
// parameter by parameter all the same. A Referer's password is REDACTED
// too (user:REDACTED@host).
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
// header, Cache-Control and the other headers are already set (see the
// package documentation for which headers the 500 keeps); write sets the
// Content-Type and writes the body. If it panics, the answer falls back
// to a plain-text 500.
func Page(write func(w http.ResponseWriter, r *http.Request, p *Panic)) Option {
	return optionFunc(func(c *config) { c.page, c.customPage = write, true })
}

type config struct {
	logger      *zap.Logger
	dev         bool
	allowRemote bool
	trusted     []string
	redact      []string
	onPanic     func(*http.Request, *Panic)
	page        func(http.ResponseWriter, *http.Request, *Panic)
	customPage  bool              // Page was given: it is shown the whole stack
	editor      string            // EditorLink's pattern
	pin         *pinGuard         // RequirePIN's
	isSecret    func(string) bool // c.secret, made once
	sources     sourceCache
}

// New returns the recovering middleware: see the package documentation for
// what it does with a panic.
//
// To know whether the response had started when the panic came, it shares
// the request's captured writer ([mw.Capture]): behind an access log, that
// costs nothing more; alone, it captures the writer itself.
//
// A panic with http.ErrAbortHandler passes through untouched and unlogged.
// When the response had started, the panic is logged and the response is
// aborted (a re-panic with http.ErrAbortHandler), so the client sees a broken
// response rather than a truncated one that looks complete. A hijacked
// connection is logged and left alone.
//
// New panics when logger is nil.
func New(logger *zap.Logger, opts ...Option) mw.Middleware {
	if logger == nil {
		panic("recover: New: nil logger")
	}
	c := &config{
		// No caller and no zap stacktrace: both would point into wsgo; the
		// entry's own "stack" field is the panic's.
		logger:  logger.WithOptions(zap.WithCaller(false), zap.AddStacktrace(zap.LevelEnablerFunc(func(zapcore.Level) bool { return false }))),
		trusted: []string{"localhost", ".localhost", "127.0.0.1", "[::1]"},
	}
	for _, o := range opts {
		o.apply(c)
	}
	if c.page == nil {
		c.page = productionPage
	}
	c.isSecret = c.secret
	if c.dev {
		logger.Warn("recover: traceback pages are on: they show source, stack and environ; development only. "+
			"They are served to clients on this machine: a reverse proxy on this machine that sends no X-Forwarded-For "+
			"and rewrites Host to a trusted name would pass its clients' requests off as local; RequirePIN guards that case",
			zap.Strings("trusted_hosts", c.trusted), zap.Bool("allow_remote", c.allowRemote), zap.Bool("pin", c.pin != nil))
		c.announcePIN(logger)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { c.serve(next, w, r) })
	}
}

// announcePIN logs the PIN of RequirePIN, if it was given, and has its
// lock logged when it comes.
func (c *config) announcePIN(logger *zap.Logger) {
	if c.pin == nil {
		return
	}
	logger.Warn("recover: traceback PIN", zap.String("pin", c.pin.PIN()))
	c.pin.locked = func() {
		logger.Warn("recover: the traceback PIN is locked after 10 wrong PINs: restart the server for a new one")
	}
}

// serve runs next under the recover: one Capture (free behind a layer that
// already captured this writer), one deferred function.
func (c *config) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	if c.pin != nil && c.pin.isPINRequest(r) && c.tracebackAllowed(r) {
		c.pin.serve(w, r)
		return
	}
	resp, r := mw.Capture(w, r)
	defer resp.Release()
	// The traceback rule is applied here, on entry, to the request as
	// received (a nil dc: no traceback), never again at panic time.
	captured := r
	dc, r := c.startCapture(r)
	if r != captured {
		defer handback.Return(captured, r, "")
	}
	// What an outer layer (a compressor) set before calling inward: the 500
	// goes out through it, so the 500 keeps it. A slice header, no copy.
	encoding := w.Header()["Content-Encoding"]
	defer func() {
		if v := recover(); v != nil {
			c.handle(resp.Response, r, v, dc, encoding)
		}
	}()
	next.ServeHTTP(resp.Writer(), r)
}

// handle answers a recovered panic v (recover itself must be called by the
// deferred function, so the caller calls it and passes the value).
// dc is what was captured for the development page, or nil; encoding is
// the Content-Encoding the response had when this layer received it.
func (c *config) handle(resp *mw.Response, r *http.Request, v any, dc *devCapture, encoding []string) {
	if v == http.ErrAbortHandler {
		panic(v) // the standard way to abort: not ours to log
	}
	plumb.MarkRecovered(r.Context()) // for an access log outside: this request panicked
	p := &Panic{Value: v, Time: time.Now()}
	p.capture(c.dev || c.onPanic != nil || c.customPage)
	p.Committed, p.Hijacked = resp.Committed(), resp.Hijacked()
	p.RequestID = mw.RequestIDFrom(r.Context())
	if p.RequestID == "" {
		p.RequestID = mw.NewRequestID()
	}
	p.TraceID, _, _ = traceparent.FromHeader(r.Header)
	c.log(r, p)
	c.callHook(r, p)
	switch {
	case p.Hijacked:
		return
	case p.Committed:
		panic(http.ErrAbortHandler) // no second status can be sent: abort the response
	}
	c.respond(resp, r, p, dc, encoding)
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
	if p.TraceID != "" {
		fields = append(fields, zap.String("trace_id", p.TraceID))
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
