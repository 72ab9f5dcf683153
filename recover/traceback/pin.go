package traceback

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/internal/errpage"
)

// The PIN endpoint and its cookie.
const (
	// pinPath is where the PIN form posts, and where a GET shows the form.
	pinPath = "/__wsgo/pin"
	// pinCookieName names the cookie that proves the PIN was entered. No
	// __Host- prefix: that requires Secure, and development runs on http.
	pinCookieName = "__wsgo_debug"
	// pinCookieTTL is how long a cookie stays good.
	pinCookieTTL = 8 * time.Hour
	// pinMACLabel is put before the expiry in the HMAC input, so that the
	// key signs nothing else by accident.
	pinMACLabel = "wsgo-debug-pin|"
	// pinMaxFailures wrong PINs in a row (a right one resets the count)
	// lock the PIN until the process restarts.
	pinMaxFailures = 10
	// pinFailureGap is how long after a wrong PIN the next attempt is
	// refused unchecked.
	pinFailureGap = time.Second
	// pinBodyLimit caps a POST's body: a PIN and a path need far less.
	pinBodyLimit = 4 << 10
)

// pinGuard holds the development page's PIN: a traceback is shown only to
// a browser that proved it knows the PIN, by a cookie this guard signed.
//
// Threat model. Traceback pages go only to clients that look local
// (tracebackAllowed), and one case defeats every header-based test: a
// reverse proxy on this machine that adds no forwarding header and
// rewrites Host to a trusted name (nginx's proxy_pass with its defaults).
// Its clients, anywhere on the network, arrive from 127.0.0.1 asking for
// 127.0.0.1. The PIN is the one fact such a client cannot have: it is
// drawn from crypto/rand when the guard is made and printed only in the
// server's log, which the developer reads and the proxy's clients do not.
// (Werkzeug derives its PIN from the user name, the module path, the MAC
// address and the machine ID, facts that a file-read bug elsewhere can
// leak; this one depends on nothing but the random source.)
//
// What follows from that model:
//
//   - Guessing: the PIN has 10⁹ values. Failures are counted globally, not
//     per client (behind the proxy, every client has the same address):
//     at most one wrong attempt per second is checked at all, the attempt
//     after a failure within [pinFailureGap] gets a 429 unchecked, and
//     after [pinMaxFailures] failures the PIN is locked until the process
//     restarts. A right PIN resets the count, as werkzeug's does, so that
//     a developer's typos do not add up over a day: an attacker thus gets
//     nine guesses between two right entries and ten after the last one,
//     each a 10⁻⁹ chance; the price is that an attacker can lock the PIN,
//     which a restart undoes (werkzeug's debugger makes the same trade,
//     with sleeps instead of the 429).
//   - The lock refuses everyone, as werkzeug's does: a cookie signed
//     before it no longer shows tracebacks (the prompt says the PIN is
//     locked), so that a lock an attacker triggers is noticed by the
//     developer too, and a cookie stolen before it is worth nothing after.
//   - Forged or stolen cookies: the cookie is an expiry and an HMAC-SHA256
//     of it under a 32-byte key that never leaves the process, compared
//     with hmac.Equal; it is HttpOnly, SameSite=Strict, and lasts
//     [pinCookieTTL]. It is Secure whenever the request is secure
//     (secureRequest), behind a TLS-terminating proxy too, so that a
//     browser never sends it back over plain HTTP. A restart makes a new
//     key, so old cookies die with the old PIN.
//   - Cross-site requests: a POST that a browser marks as coming from
//     another site (Sec-Fetch-Site), or, from a browser too old to say,
//     whose Origin names another host than the request's, is refused
//     before the PIN is looked at, so a hostile page can neither guess
//     through a developer's browser nor lock the PIN from it.
//   - Injection: every value the pages reflect (the request ID, the path
//     to return to) is HTML-escaped; the pages have no script, and their
//     Content-Security-Policy allows only their own inline style (by its
//     hash) and forms that post to this origin. The path to return to
//     after the PIN is only ever a local path, never another site.
//
// It is safe for concurrent use.
type pinGuard struct {
	pin string   // nine ASCII digits, without dashes
	key [32]byte // HMAC key for the cookie
	// now is the clock, replaced in tests.
	now func() time.Time
	// locked, when set, is called once, when the last allowed wrong PIN
	// locks the PIN: New has it logged.
	locked func()
	// crossOrigin is net/http's cross-origin check: it refuses a request a
	// browser marked as cross-site or same-site in Sec-Fetch-Site and, when
	// that header is missing (browsers before 2023), one whose Origin's
	// host is not the request's Host. When a browser says same-origin,
	// Origin is not compared with Host: a proxy that rewrites Host (the
	// very case the PIN is for) would otherwise refuse every legitimate
	// POST, and a page on another site cannot make a browser send
	// Sec-Fetch-Site: same-origin.
	crossOrigin *http.CrossOriginProtection
	// csp is the PIN pages' Content-Security-Policy (see pinStyle).
	csp string

	mu          sync.Mutex
	failures    int       // wrong PINs since start-up
	lastFailure time.Time // when the last one came
}

// newPINGuard returns a guard with a fresh random PIN and HMAC key.
func newPINGuard() *pinGuard {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000_000))
	if err != nil {
		panic("traceback: cannot draw a debugger PIN: " + err.Error()) // crypto/rand does not fail
	}
	g := &pinGuard{pin: fmt.Sprintf("%09d", n), now: time.Now, crossOrigin: http.NewCrossOriginProtection(), csp: pinCSP()}
	_, _ = rand.Read(g.key[:]) // never returns an error (it crashes the program instead)
	return g
}

// PIN returns the PIN as the log shows it, in groups of three digits:
// "123-456-789".
func (g *pinGuard) PIN() string {
	return g.pin[:3] + "-" + g.pin[3:6] + "-" + g.pin[6:]
}

// authorized reports whether r carries a valid cookie: one this guard
// signed that has not expired, while the PIN is not locked (the lock
// refuses every cookie, as werkzeug's does). Any malformed value is merely
// not valid.
func (g *pinGuard) authorized(r *http.Request) bool {
	if g.isLocked() {
		return false
	}
	for _, c := range r.CookiesNamed(pinCookieName) { // a cookie set for a parent domain may come first
		if g.validCookie(c.Value) {
			return true
		}
	}
	return false
}

// validCookie reports whether v is "<expiry>.<hex HMAC>" with the HMAC of
// that expiry under this guard's key, and the expiry, in Unix seconds,
// still ahead and not further than [pinCookieTTL].
func (g *pinGuard) validCookie(v string) bool {
	exp, mac, ok := strings.Cut(v, ".")
	if !ok || len(exp) == 0 || len(exp) > 19 || len(mac) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(exp); i++ {
		if exp[i] < '0' || exp[i] > '9' { // no sign, no space: only what cookieValue writes
			return false
		}
	}
	t, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return false
	}
	got, err := hex.DecodeString(mac)
	if err != nil || !hmac.Equal(got, g.mac(exp)) {
		return false
	}
	now := g.now().Unix()
	return t > now && t-now <= int64(pinCookieTTL/time.Second)
}

// isLocked reports whether [pinMaxFailures] wrong PINs locked the PIN.
func (g *pinGuard) isLocked() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.failures >= pinMaxFailures
}

// mac returns the HMAC-SHA256 of an expiry under the guard's key.
func (g *pinGuard) mac(exp string) []byte {
	m := hmac.New(sha256.New, g.key[:])
	_, _ = io.WriteString(m, pinMACLabel)
	_, _ = io.WriteString(m, exp)
	return m.Sum(nil)
}

// cookie returns a fresh cookie that authorizes its bearer for
// [pinCookieTTL]. It is Secure when r is secure (see secureRequest).
func (g *pinGuard) cookie(r *http.Request) *http.Cookie {
	exp := strconv.FormatInt(g.now().Add(pinCookieTTL).Unix(), 10)
	return &http.Cookie{
		Name:     pinCookieName,
		Value:    exp + "." + hex.EncodeToString(g.mac(exp)),
		Path:     "/",
		MaxAge:   int(pinCookieTTL / time.Second),
		Secure:   secureRequest(r),
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	}
}

// secureRequest reports whether r reached the server over HTTPS, as
// werkzeug's request.is_secure does, from facts a client cannot forge:
// r.TLS, for a TLS connection to this server; or wsgi.url_scheme "https"
// in the Environ an outer layer attached, which says so only when an
// environ.Proxy layer believed the scheme from proxies it was configured to
// trust (or a FastCGI front server said HTTPS): a raw X-Forwarded-Proto that
// no Proxy layer believed is never read. The PIN endpoint is answered
// before any inner layer runs, so the Environ is what outer layers made it.
func secureRequest(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	e := environ.Lookup(r.Context())
	if e == nil { // no Proxy layer either
		return false
	}
	scheme, _ := e.String("wsgi.url_scheme")
	return scheme == "https"
}

// isPINRequest reports whether r is for the PIN endpoint, which [pinGuard.serve]
// answers.
func (g *pinGuard) isPINRequest(r *http.Request) bool { return r.URL.Path == pinPath }

// pinOutcome is what a PIN attempt came to.
type pinOutcome int

const (
	pinRight   pinOutcome = iota // the PIN matched
	pinWrong                     // checked, and wrong
	pinLast                      // checked, wrong, and now the PIN is locked
	pinEmpty                     // nothing was typed: not checked, not counted
	pinTooSoon                   // within pinFailureGap of a failure: not checked
	pinLocked                    // locked before this attempt: not checked
)

// attempt checks a typed PIN against the limits and the PIN. Dashes and
// white space in what was typed are ignored.
func (g *pinGuard) attempt(typed string) pinOutcome {
	typed = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, typed)
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	switch {
	case g.failures >= pinMaxFailures:
		return pinLocked
	case g.failures > 0 && now.Sub(g.lastFailure) < pinFailureGap:
		return pinTooSoon
	case typed == "":
		return pinEmpty
	case subtle.ConstantTimeCompare([]byte(typed), []byte(g.pin)) == 1:
		g.failures = 0 // as werkzeug does: see the threat model
		return pinRight
	}
	g.failures++
	g.lastFailure = now
	if g.failures >= pinMaxFailures {
		return pinLast
	}
	return pinWrong
}

// serve answers a request for [pinPath]: GET shows the form; POST checks
// the form's pin field and, when right, sets the cookie and redirects (303)
// to its next field, if that is a local path, or to "/". A wrong PIN gets a
// 403 and the form again; an attempt too soon after a failure a 429 with
// Retry-After; any attempt once the PIN is locked a 403; a cross-site POST
// a 403; other methods a 405.
func (g *pinGuard) serve(w http.ResponseWriter, r *http.Request) {
	g.setPageHeaders(w.Header())
	switch r.Method {
	case http.MethodGet:
		g.writeForm(w, http.StatusOK, "", localPath(r.URL.Query().Get("next")))
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		g.writeForm(w, http.StatusMethodNotAllowed, "Method not allowed: use the form.", "/")
		return
	}
	if g.crossOrigin.Check(r) != nil {
		g.writeForm(w, http.StatusForbidden, "Refused: the form was posted from another site.", "/")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, pinBodyLimit)
	if err := r.ParseForm(); err != nil {
		if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
			g.writeForm(w, http.StatusRequestEntityTooLarge, "The form was too large.", "/")
			return
		}
		g.writeForm(w, http.StatusBadRequest, "The form could not be read.", "/")
		return
	}
	next := localPath(r.PostForm.Get("next"))
	switch g.attempt(r.PostForm.Get("pin")) {
	case pinRight:
		http.SetCookie(w, g.cookie(r))
		w.Header().Set("Location", next)
		w.WriteHeader(http.StatusSeeOther)
	case pinWrong:
		g.writeForm(w, http.StatusForbidden, "Wrong PIN.", next)
	case pinLast:
		if g.locked != nil {
			g.locked()
		}
		g.writeForm(w, http.StatusForbidden, "Wrong PIN. Too many wrong PINs: the PIN is now locked: restart the server to get a new one.", next)
	case pinEmpty:
		g.writeForm(w, http.StatusBadRequest, "Enter the PIN.", next)
	case pinTooSoon:
		w.Header().Set("Retry-After", "1")
		g.writeForm(w, http.StatusTooManyRequests, "Too many attempts: wait a second and try again.", next)
	case pinLocked:
		g.writeForm(w, http.StatusForbidden, "Too many wrong PINs: the PIN is locked: restart the server to get a new one.", next)
	}
}

// localPath returns next if it is a path on this site, "/" otherwise: it
// must start with "/" but not with "//" or "/\" (which browsers read as
// another host), and hold no control character.
func localPath(next string) string {
	if len(next) == 0 || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return "/"
	}
	for i := 0; i < len(next); i++ {
		if next[i] < 0x20 || next[i] == 0x7f {
			return "/"
		}
	}
	return next
}

// writePrompt writes the 500 page for a request that would get a
// traceback but has no valid cookie: the request ID and the PIN form,
// whose next field brings the browser back to r's URL; once the PIN is
// locked, the request ID and a line saying so, without the form.
func (g *pinGuard) writePrompt(w http.ResponseWriter, r *http.Request, requestID string) {
	g.setPageHeaders(w.Header())
	w.Header().Set("Content-Type", errpage.TypeHTML)
	w.WriteHeader(http.StatusInternalServerError)
	var b strings.Builder
	writePINHead(&b, "500 Internal Server Error")
	b.WriteString(`<h1>500 Internal Server Error</h1>
<p>Request ID: <code>`)
	b.WriteString(html.EscapeString(requestID))
	b.WriteString(`</code></p>
`)
	if g.isLocked() {
		b.WriteString(`<p class="err">Too many wrong PINs: the PIN is locked: restart the server to get a new one.</p>
`)
	} else {
		b.WriteString(`<p>A traceback is available for this request. This server requires the debugger PIN, printed in its log at start-up.</p>
`)
		writePINForm(&b, r.URL.RequestURI())
	}
	b.WriteString(errpage.Tail)
	_, _ = io.WriteString(w, b.String())
}

// writeForm writes the PIN endpoint's own page, with status, an optional
// message and the form, whose next field is next.
func (g *pinGuard) writeForm(w http.ResponseWriter, status int, msg, next string) {
	w.Header().Set("Content-Type", errpage.TypeHTML)
	w.WriteHeader(status)
	var b strings.Builder
	writePINHead(&b, "Debugger PIN")
	b.WriteString("<h1>Debugger PIN</h1>\n")
	if msg != "" {
		b.WriteString(`<p class="err">`)
		b.WriteString(html.EscapeString(msg))
		b.WriteString("</p>\n")
	}
	b.WriteString("<p>Tracebacks on this server require the debugger PIN, printed in its log at start-up.</p>\n")
	writePINForm(&b, next)
	b.WriteString(errpage.Tail)
	_, _ = io.WriteString(w, b.String())
}

// writePINForm writes the form that posts a PIN, with next, escaped, as
// its hidden next field.
func writePINForm(b *strings.Builder, next string) {
	b.WriteString(`<form method="POST" action="` + pinPath + `">
<input type="hidden" name="next" value="`)
	b.WriteString(html.EscapeString(next))
	b.WriteString(`">
<label>PIN <input name="pin" autocomplete="off" inputmode="numeric" autofocus required></label>
<button type="submit">Unlock</button>
</form>
`)
}

// setPageHeaders sets the headers every PIN page carries: not cached,
// not sniffed, and the policy that allows nothing but the inline style and
// a form posting to this origin.
func (g *pinGuard) setPageHeaders(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", g.csp)
	h.Set("Referrer-Policy", "no-referrer")
}

// pinStyle is the PIN pages' inline style: the production page's
// (errpage.Style), with rules for the form and the message.
const pinStyle = errpage.Style + `
form{margin:1rem 0 0}input[name=pin]{font:16px ui-monospace,monospace;width:9rem;padding:.3rem .5rem;margin:0 .5rem}
button{font:inherit;padding:.3rem .9rem}.err{color:#a00;font-weight:600}`

// writePINHead writes a PIN page's head, titled title (a constant, not
// escaped), up to the start of its main element.
func writePINHead(b *strings.Builder, title string) {
	b.WriteString(errpage.HeadStart)
	b.WriteString(title)
	b.WriteString(errpage.HeadStyle + pinStyle + errpage.HeadEnd + "\n")
}

// pinCSP is the PIN pages' Content-Security-Policy: the hash of pinStyle,
// and forms that post to this origin.
func pinCSP() string {
	return "default-src 'none'; style-src " + cspHash(pinStyle) + "; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}
