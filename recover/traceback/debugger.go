package traceback

import (
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/internal/errpage"
	wsgorecover "github.com/wsgo/wsgo/recover"
)

// Debugger is the development page: give it to the recover layer with
// recover.Tracebacks. It decides, when the layer receives a request,
// whether the client may see a traceback (see [New] for the rule), starts
// capturing the request's body and log for it, and answers its panic with
// the traceback (or the PIN prompt of [RequirePIN]). It is safe for
// concurrent use, and one Debugger may serve several recover layers.
type Debugger struct{ c *config }

var _ wsgorecover.Debugger = (*Debugger)(nil)

type config struct {
	allowRemote bool
	trusted     []string
	redact      []string
	editor      string            // EditorLink's pattern
	pin         *pinGuard         // RequirePIN's
	isSecret    func(string) bool // c.secret, made once
	sources     sourceCache
	started     time.Time           // when New was called
	page        func() pageAssets   // parsed on the first traceback
	program     func() *programInfo // read on the first traceback
}

// New returns the development page, to give to recover.Tracebacks:
//
//	h := recover.New(log, recover.Tracebacks(traceback.New(log)))(app)
//
// It is served only to a client on this machine that asked for a trusted
// host (see [TrustedHosts]), unless [AllowRemote] is given; anyone else
// gets the recover layer's production page.
//
// The decision is made once, when the recover layer receives the request,
// before anything is handed inward: a layer inside that rewrites the
// request in place (chi's RealIP setting RemoteAddr from True-Client-IP, a
// layer deleting X-Forwarded-*) or puts values in the request's state cannot change
// it. The client is on this machine when the connection's peer is loopback
// (127.0.0.0/8 or ::1; not a private LAN address) and the request carries
// no header by which a proxy or a CDN names the client or says it is there
// (any X-Forwarded-*, Forwarded, X-Real-IP, True-Client-IP,
// CF-Connecting-IP, Fastly-Client-IP, X-Client-IP, X-Cluster-Client-IP,
// X-Original-Forwarded-For, Via, CDN-Loop and the like); or when an
// environ.Proxy layer outside the recover layer resolved the client
// address from forwarding headers it believes from its TrustedPeers only,
// and that address is loopback. Without TrustedPeers a resolved address
// never counts: any client that reaches the port can send
// X-Forwarded-For: 127.0.0.1.
//
// A proxy that sends none of those headers (nginx's proxy_pass with its
// defaults, Go's httputil.ReverseProxy with Rewrite and no SetXForwarded,
// Apache with ProxyAddHeaders Off, a TCP forwarder) and sends or rewrites
// Host to a trusted name cannot be told apart from a browser on this
// machine: in front of such a proxy, use [RequirePIN]. New logs a Warn
// line on logger saying so, and the PIN when there is one.
//
// New panics when logger is nil.
func New(logger *zap.Logger, opts ...Option) *Debugger {
	if logger == nil {
		panic("traceback: New: nil logger")
	}
	c := &config{trusted: []string{"localhost", ".localhost", "127.0.0.1", "[::1]"}}
	for _, o := range opts {
		o.apply(c)
	}
	c.isSecret = c.secret
	c.started = time.Now()
	c.page = sync.OnceValue(parsePage)
	c.program = sync.OnceValue(func() *programInfo { return readProgram(c.started) })
	logger.Warn("traceback: traceback pages are on: they show source, stack and environ; development only. "+
		"They are served to clients on this machine: a reverse proxy on this machine that sends no X-Forwarded-For "+
		"and rewrites Host to a trusted name would pass its clients' requests off as local; RequirePIN guards that case",
		zap.Strings("trusted_hosts", c.trusted), zap.Bool("allow_remote", c.allowRemote), zap.Bool("pin", c.pin != nil))
	c.announcePIN(logger)
	return &Debugger{c: c}
}

// announcePIN logs the PIN of RequirePIN, if it was given, and has its
// lock logged when it comes.
func (c *config) announcePIN(logger *zap.Logger) {
	if c.pin == nil {
		return
	}
	logger.Warn("traceback: PIN", zap.String("pin", c.pin.PIN()))
	c.pin.locked = func() {
		logger.Warn("traceback: the PIN is locked after 10 wrong PINs: restart the server for a new one")
	}
}

// Enter implements recover.Debugger: it answers the PIN form's requests
// itself (with RequirePIN, for a client the rule allows), and for a
// request whose client may see a traceback starts the capture of its body
// and log and returns the answer to its panic.
func (d *Debugger) Enter(w http.ResponseWriter, r *http.Request) (*http.Request, wsgorecover.Answer, bool) {
	c := d.c
	if c.pin != nil && c.pin.isPINRequest(r) && c.tracebackAllowed(r) {
		c.pin.serve(w, r)
		return r, nil, true
	}
	dc, r := c.startCapture(r)
	if dc == nil {
		return r, nil, false
	}
	return r, func(w http.ResponseWriter, r *http.Request, p *wsgorecover.Panic) bool {
		return c.answer(w, r, p, dc)
	}, false
}

// answer writes the traceback of p, or, with RequirePIN and no valid
// cookie, the PIN prompt to a browser; it leaves anyone else to the
// production page.
func (c *config) answer(w http.ResponseWriter, r *http.Request, p *wsgorecover.Panic, dc *devCapture) bool {
	switch {
	case c.pin == nil || c.pin.authorized(r):
		c.traceback(w, r, p, dc)
		return true
	case errpage.Negotiate(r.Header.Get("Accept")) == errpage.TypeHTML:
		c.pin.writePrompt(w, r, p.RequestID)
		return true
	}
	return false
}
