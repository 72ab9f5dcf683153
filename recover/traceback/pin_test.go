package traceback

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testClock is a settable clock for a pinGuard.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time          { return c.t }
func (c *testClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// newTestGuard returns a guard on a clock the test moves by hand.
func newTestGuard(t *testing.T) (*pinGuard, *testClock) {
	t.Helper()
	g := newPINGuard()
	clk := &testClock{t: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	g.now = clk.now
	return g, clk
}

// wrongPIN returns a PIN of the right shape that is not g's.
func wrongPIN(g *pinGuard) string {
	b := []byte(g.PIN())
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

// postPIN posts a PIN form to g, with the headers of a same-origin form
// post from a current browser plus extra ones (an empty value deletes).
func postPIN(g *pinGuard, form url.Values, extra ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "http://localhost:8000"+pinPath, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.Header.Set("Origin", "http://localhost:8000")
	for i := 0; i+1 < len(extra); i += 2 {
		if extra[i+1] == "" {
			r.Header.Del(extra[i])
		} else {
			r.Header.Set(extra[i], extra[i+1])
		}
	}
	rec := httptest.NewRecorder()
	g.serve(rec, r)
	return rec
}

// withCookie returns a request to the site carrying the given cookie values.
func withCookie(values ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://localhost:8000/boom", nil)
	for _, v := range values {
		r.AddCookie(&http.Cookie{Name: pinCookieName, Value: v})
	}
	return r
}

// pinCookie returns the PIN cookie a response set, or nil.
func pinCookie(rec *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range rec.Result().Cookies() {
		if c.Name == pinCookieName {
			return c
		}
	}
	return nil
}

func TestPINFormat(t *testing.T) {
	re := regexp.MustCompile(`^[0-9]{3}-[0-9]{3}-[0-9]{3}$`)
	a, b := newPINGuard(), newPINGuard()
	for _, g := range []*pinGuard{a, b} {
		if !re.MatchString(g.PIN()) {
			t.Errorf("PIN() = %q, want ddd-ddd-ddd", g.PIN())
		}
		if strings.ReplaceAll(g.PIN(), "-", "") != g.pin {
			t.Errorf("PIN() = %q does not show pin %q", g.PIN(), g.pin)
		}
	}
	if a.key == b.key {
		t.Error("two guards drew the same HMAC key")
	}
	if a.key == [32]byte{} {
		t.Error("HMAC key is all zeros")
	}
}

func TestPINRightSetsCookie(t *testing.T) {
	g, clk := newTestGuard(t)
	if g.authorized(withCookie()) {
		t.Fatal("authorized without a cookie")
	}
	rec := postPIN(g, url.Values{"pin": {g.PIN()}, "next": {"/app/page?x=1&y=2"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("status %d, want 303; body:\n%s", rec.Code, rec.Body)
	}
	if loc := rec.Header().Get("Location"); loc != "/app/page?x=1&y=2" {
		t.Errorf("Location %q, want /app/page?x=1&y=2", loc)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	c := pinCookie(rec)
	if c == nil {
		t.Fatalf("no %s cookie in %q", pinCookieName, rec.Header().Values("Set-Cookie"))
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.MaxAge != 8*3600 || c.Secure {
		t.Errorf("cookie attributes: %q", rec.Header().Get("Set-Cookie"))
	}
	exp, mac, ok := strings.Cut(c.Value, ".")
	if want := strconv.FormatInt(clk.t.Add(8*time.Hour).Unix(), 10); !ok || exp != want || len(mac) != 64 {
		t.Errorf("cookie value %q, want %s.<64 hex>", c.Value, want)
	}
	if !g.authorized(withCookie(c.Value)) {
		t.Error("the cookie set for the right PIN is not authorized")
	}
	clk.advance(8*time.Hour - time.Second)
	if !g.authorized(withCookie(c.Value)) {
		t.Error("cookie refused before its 8 hours were up")
	}
	clk.advance(time.Second)
	if g.authorized(withCookie(c.Value)) {
		t.Error("cookie still authorized after 8 hours")
	}

	// Over TLS the cookie is Secure.
	r := httptest.NewRequest(http.MethodPost, "https://localhost"+pinPath, strings.NewReader("pin="+g.pin))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	g.serve(rec, r)
	if c := pinCookie(rec); rec.Code != http.StatusSeeOther || c == nil || !c.Secure {
		t.Errorf("over TLS: status %d, Set-Cookie %q, want 303 and Secure", rec.Code, rec.Header().Get("Set-Cookie"))
	}
}

func TestPINTypedWithSeparators(t *testing.T) {
	g, _ := newTestGuard(t)
	p := g.pin
	for _, typed := range []string{
		p,
		g.PIN(),
		p[:3] + " " + p[3:6] + " " + p[6:],
		"  " + p[:3] + " - " + p[3:6] + "\t-" + p[6:] + " ",
		strings.Join(strings.Split(p, ""), "-"),
	} {
		rec := postPIN(g, url.Values{"pin": {typed}})
		if rec.Code != http.StatusSeeOther || pinCookie(rec) == nil {
			t.Errorf("PIN typed as %q: status %d, want 303 with a cookie", typed, rec.Code)
		}
	}
	if g.failures != 0 {
		t.Errorf("%d failures counted for right PINs", g.failures)
	}
}

func TestPINWrong(t *testing.T) {
	g, _ := newTestGuard(t)
	for i, typed := range []string{wrongPIN(g), g.pin + "0", g.pin[:8], "abc-def-ghi"} {
		rec := postPIN(g, url.Values{"pin": {typed}, "next": {"/back"}})
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "Wrong PIN") {
			t.Errorf("PIN %q: status %d, want 403 Wrong PIN; body:\n%s", typed, rec.Code, rec.Body)
		}
		if pinCookie(rec) != nil {
			t.Errorf("PIN %q set a cookie", typed)
		}
		body := rec.Body.String()
		if !strings.Contains(body, `<form method="POST" action="/__wsgo/pin">`) || !strings.Contains(body, `name="next" value="/back"`) {
			t.Errorf("the 403 does not show the form again with next:\n%s", body)
		}
		if g.failures != i+1 {
			t.Errorf("failures = %d, want %d", g.failures, i+1)
		}
		g.lastFailure = time.Time{} // not testing the rate limit here
	}

	// Nothing typed: asked again, not counted.
	rec := postPIN(g, url.Values{"pin": {" - "}})
	if rec.Code != http.StatusBadRequest || g.failures != 4 {
		t.Errorf("empty PIN: status %d, failures %d; want 400 and 4", rec.Code, g.failures)
	}
}

func TestPINRateLimit(t *testing.T) {
	g, clk := newTestGuard(t)
	if rec := postPIN(g, url.Values{"pin": {wrongPIN(g)}}); rec.Code != http.StatusForbidden {
		t.Fatalf("wrong PIN: status %d, want 403", rec.Code)
	}
	for _, d := range []time.Duration{0, 300 * time.Millisecond, 699 * time.Millisecond} {
		clk.advance(d)
		for _, typed := range []string{wrongPIN(g), g.PIN()} {
			rec := postPIN(g, url.Values{"pin": {typed}})
			if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" || pinCookie(rec) != nil {
				t.Errorf("PIN %q within a second of a failure: status %d, Retry-After %q, Set-Cookie %q; want 429, 1, none",
					typed, rec.Code, rec.Header().Get("Retry-After"), rec.Header().Get("Set-Cookie"))
			}
		}
	}
	if g.failures != 1 {
		t.Errorf("failures = %d: attempts refused unchecked were counted", g.failures)
	}
	clk.advance(time.Millisecond) // a full second after the failure
	if rec := postPIN(g, url.Values{"pin": {g.PIN()}}); rec.Code != http.StatusSeeOther {
		t.Errorf("right PIN a second after the failure: status %d, want 303", rec.Code)
	}
}

func TestPINLockedAfterTenFailures(t *testing.T) {
	g, clk := newTestGuard(t)
	for i := 1; i <= pinMaxFailures; i++ {
		rec := postPIN(g, url.Values{"pin": {wrongPIN(g)}})
		body := rec.Body.String()
		if rec.Code != http.StatusForbidden || !strings.Contains(body, "Wrong PIN") {
			t.Fatalf("failure %d: status %d; body:\n%s", i, rec.Code, body)
		}
		if locked := strings.Contains(body, "locked"); locked != (i == pinMaxFailures) {
			t.Errorf("failure %d: page says locked: %v", i, locked)
		}
		clk.advance(time.Second)
	}
	for _, d := range []time.Duration{0, time.Hour, 1000 * time.Hour} {
		clk.advance(d)
		rec := postPIN(g, url.Values{"pin": {g.PIN()}})
		if rec.Code != http.StatusForbidden || pinCookie(rec) != nil || !strings.Contains(rec.Body.String(), "locked: restart the server") {
			t.Errorf("right PIN %v after the lock: status %d, Set-Cookie %q; want 403, none; body:\n%s",
				d, rec.Code, rec.Header().Get("Set-Cookie"), rec.Body)
		}
	}
	if g.failures != pinMaxFailures {
		t.Errorf("failures = %d, want %d", g.failures, pinMaxFailures)
	}
}

func TestPINForgedCookies(t *testing.T) {
	g, clk := newTestGuard(t)
	good := g.cookie(httptest.NewRequest(http.MethodGet, "/", nil)).Value
	exp, mac, _ := strings.Cut(good, ".")
	if !g.authorized(withCookie(good)) {
		t.Fatal("the guard's own cookie is not authorized")
	}
	signed := func(exp string) string { return exp + "." + hex.EncodeToString(g.mac(exp)) }
	flipped := []byte(mac)
	flipped[10] ^= 1 // '0'..'9' and 'a'..'f' stay hex
	later := strconv.FormatInt(clk.t.Add(9*time.Hour).Unix(), 10)
	past := strconv.FormatInt(clk.t.Add(-time.Second).Unix(), 10)
	forged := []string{
		"", ".", "..", "1", "1.", ".ab", "1.zz", "1.ab", "99999999999999999999.ab",
		"9999999999999999999." + mac, // 19 digits: over int64
		exp + "." + string(flipped),  // wrong HMAC
		exp + "." + mac[:62],         // HMAC cut short
		exp + "." + mac + "00",       // HMAC too long
		later + "." + mac,            // expiry changed, old HMAC
		signed(later),                // signed, but further ahead than 8 hours
		signed(past),                 // signed, expired
		signed("-1"),                 // signed, negative
		signed("+" + exp),            // signed, with a sign
		signed(" " + exp),            // signed, with a space
		exp + "." + mac + ".x",       // trailing junk
		exp + "|" + mac,              // werkzeug's separator
		strings.Repeat("9", 5000),    // long
		exp + "." + "g" + mac[1:],    // bad hex
		exp + "\x00." + mac,          // NUL
		exp + "." + mac[:63] + "\n",  // newline
	}
	for _, v := range forged {
		if g.validCookie(v) {
			t.Errorf("validCookie(%q) = true", v)
		}
		r := withCookie()
		r.Header.Set("Cookie", pinCookieName+"="+v) // raw: AddCookie would drop invalid bytes
		if g.authorized(r) {
			t.Errorf("authorized with raw cookie %q", v)
		}
	}
	// A forged cookie first does not hide a good one after it.
	if !g.authorized(withCookie("1.zz", good)) {
		t.Error("a bad cookie before the good one made it unauthorized")
	}
	// Another name is not the cookie.
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: "__wsgo_debug2", Value: good})
	if g.authorized(r) {
		t.Error("authorized with the value under another cookie name")
	}
	clk.advance(8 * time.Hour)
	if g.authorized(withCookie(good)) {
		t.Error("authorized with an expired cookie")
	}
}

func TestPINCookieFromAnotherGuard(t *testing.T) {
	a, _ := newTestGuard(t)
	b, _ := newTestGuard(t)
	rec := postPIN(a, url.Values{"pin": {a.PIN()}})
	c := pinCookie(rec)
	if c == nil {
		t.Fatalf("no cookie: status %d", rec.Code)
	}
	if !a.authorized(withCookie(c.Value)) {
		t.Error("guard a refuses its own cookie")
	}
	if b.authorized(withCookie(c.Value)) {
		t.Error("guard b accepts guard a's cookie (a restart must invalidate cookies)")
	}
}

func TestPINNextOnlyLocal(t *testing.T) {
	g, _ := newTestGuard(t)
	for next, want := range map[string]string{
		"/":                   "/",
		"/ok":                 "/ok",
		"/a/b?c=d#e":          "/a/b?c=d#e",
		"/ok\\still/local":    "/ok\\still/local",
		"":                    "/",
		"//evil.example":      "/",
		"//evil.example/x":    "/",
		"/\\evil":             "/",
		"/\\/evil":            "/",
		"\\\\evil":            "/",
		"https://evil":        "/",
		"http:/evil":          "/",
		"javascript:alert(1)": "/",
		"evil.example":        "/",
		"/ok\r\nX: y":         "/",
		"/\t/evil.example":    "/",
		"/ok\x00":             "/",
		"/ok\x7f":             "/",
	} {
		if got := localPath(next); got != want {
			t.Errorf("localPath(%q) = %q, want %q", next, got, want)
		}
		if strings.ContainsAny(next, "\r\n\x00") {
			continue // not through a form: the header is checked above
		}
		rec := postPIN(g, url.Values{"pin": {g.PIN()}, "next": {next}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
			t.Errorf("next %q: status %d, Location %q; want 303 to %q", next, rec.Code, rec.Header().Get("Location"), want)
		}
	}
	// The header-splitting attempt, through the form.
	rec := postPIN(g, url.Values{"pin": {g.PIN()}, "next": {"/ok\r\nX: y"}})
	if rec.Header().Get("Location") != "/" || rec.Header().Get("X") != "" {
		t.Errorf("next with CRLF: Location %q, X %q", rec.Header().Get("Location"), rec.Header().Get("X"))
	}
	// The GET form keeps only a local next too.
	for next, want := range map[string]string{"/back?x=1": `value="/back?x=1"`, "//evil.example": `name="next" value="/"`} {
		r := httptest.NewRequest(http.MethodGet, pinPath+"?next="+url.QueryEscape(next), nil)
		rec := httptest.NewRecorder()
		g.serve(rec, r)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("GET with next %q: status %d, want 200 with %s; body:\n%s", next, rec.Code, want, rec.Body)
		}
	}
}

func TestPINCrossSitePostRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		headers []string
		want    int
	}{
		{"cross-site", []string{"Sec-Fetch-Site", "cross-site", "Origin", "http://evil.example"}, http.StatusForbidden},
		{"cross-site, Origin faked to match", []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
		{"same-site", []string{"Sec-Fetch-Site", "same-site", "Origin", "http://evil.localhost:8000"}, http.StatusForbidden},
		{"old browser, other Origin", []string{"Sec-Fetch-Site", "", "Origin", "http://evil.example"}, http.StatusForbidden},
		{"old browser, other port", []string{"Sec-Fetch-Site", "", "Origin", "http://localhost:9999"}, http.StatusForbidden},
		{"old browser, Origin null", []string{"Sec-Fetch-Site", "", "Origin", "null"}, http.StatusForbidden},
		{"old browser, same Origin", []string{"Sec-Fetch-Site", ""}, http.StatusSeeOther},
		{"no browser headers", []string{"Sec-Fetch-Site", "", "Origin", ""}, http.StatusSeeOther},
		{"typed in the address bar", []string{"Sec-Fetch-Site", "none", "Origin", ""}, http.StatusSeeOther},
		// A proxy rewrote Host: the browser's same-origin is believed.
		{"same-origin behind a Host-rewriting proxy", []string{"Origin", "http://dev.example.com"}, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, _ := newTestGuard(t)
			rec := postPIN(g, url.Values{"pin": {g.PIN()}}, tc.headers...)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d; body:\n%s", rec.Code, tc.want, rec.Body)
			}
			if tc.want != http.StatusForbidden {
				return
			}
			if pinCookie(rec) != nil {
				t.Error("a refused POST set the cookie")
			}
			// Refused before the PIN was looked at: neither counted nor
			// rate-limiting the next attempt.
			rec = postPIN(g, url.Values{"pin": {wrongPIN(g)}}, tc.headers...)
			if g.failures != 0 || rec.Code != http.StatusForbidden {
				t.Errorf("a refused POST counted as a failure (%d)", g.failures)
			}
			if rec := postPIN(g, url.Values{"pin": {g.PIN()}}); rec.Code != http.StatusSeeOther {
				t.Errorf("same-origin right PIN after refused POSTs: status %d", rec.Code)
			}
		})
	}
}

func TestPINMethodsAndBodyLimit(t *testing.T) {
	g, _ := newTestGuard(t)
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		r := httptest.NewRequest(m, pinPath, strings.NewReader("pin="+g.pin))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		g.serve(rec, r)
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, POST" || pinCookie(rec) != nil {
			t.Errorf("%s: status %d, Allow %q; want 405, GET, POST", m, rec.Code, rec.Header().Get("Allow"))
		}
	}
	// A PIN in the query string is not read.
	r := httptest.NewRequest(http.MethodPost, pinPath+"?pin="+g.pin, nil)
	rec := httptest.NewRecorder()
	g.serve(rec, r)
	if rec.Code == http.StatusSeeOther {
		t.Error("a PIN in the query string was accepted")
	}
	// A body over 4 KiB is refused, and not counted.
	big := url.Values{"pin": {g.pin}, "pad": {strings.Repeat("x", pinBodyLimit)}}
	rec = postPIN(g, big)
	if rec.Code != http.StatusRequestEntityTooLarge || pinCookie(rec) != nil || g.failures != 0 {
		t.Errorf("large body: status %d, failures %d; want 413, 0", rec.Code, g.failures)
	}
	if !g.isPINRequest(httptest.NewRequest(http.MethodGet, pinPath+"?next=/", nil)) ||
		g.isPINRequest(httptest.NewRequest(http.MethodGet, pinPath+"/x", nil)) ||
		g.isPINRequest(httptest.NewRequest(http.MethodGet, "/__wsgo/PIN", nil)) {
		t.Error("isPINRequest does not match exactly " + pinPath)
	}
}

func TestPINPromptEscapes(t *testing.T) {
	g, _ := newTestGuard(t)
	r := httptest.NewRequest(http.MethodGet, `/<script>alert(1)</script>?q=<script>alert(2)</script>&r="'><b>x`, nil)
	rec := httptest.NewRecorder()
	g.writePrompt(rec, r, `<b>id</b>"'&`)
	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	for _, want := range []string{
		"500 Internal Server Error",
		"<code>&lt;b&gt;id&lt;/b&gt;&#34;&#39;&amp;</code>",
		"A traceback is available for this request. This server requires the debugger PIN, printed in its log at start-up.",
		`<form method="POST" action="/__wsgo/pin">`,
		`<input name="pin" autocomplete="off" inputmode="numeric"`,
		`name="next" value="/%3Cscript%3Ealert%281%29%3C/script%3E?q=&lt;script&gt;alert(2)&lt;/script&gt;&amp;r=&#34;&#39;&gt;&lt;b&gt;x"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s; body:\n%s", want, body)
		}
	}
	for _, bad := range []string{"<script", "<b>", `"'>`} {
		if strings.Contains(body, bad) {
			t.Errorf("page has %s unescaped; body:\n%s", bad, body)
		}
	}

	// next reflected by the PIN endpoint's own pages is escaped too.
	next := "/<script>alert(1)</script>"
	rec = postPIN(g, url.Values{"pin": {wrongPIN(g)}, "next": {next}})
	rec2 := httptest.NewRecorder()
	g.serve(rec2, httptest.NewRequest(http.MethodGet, pinPath+"?next="+url.QueryEscape(next), nil))
	for _, rec := range []*httptest.ResponseRecorder{rec, rec2} {
		b := rec.Body.String()
		if strings.Contains(b, "<script") || !strings.Contains(b, `value="/&lt;script&gt;alert(1)&lt;/script&gt;"`) {
			t.Errorf("status %d: next not escaped; body:\n%s", rec.Code, b)
		}
	}
}

// styleHash returns the CSP source for the one inline style of page.
func styleHash(t *testing.T, page string) string {
	t.Helper()
	if strings.Count(page, "<style>") != 1 || strings.Count(page, "</style>") != 1 {
		t.Fatalf("want exactly one <style> element; page:\n%s", page)
	}
	_, rest, _ := strings.Cut(page, "<style>")
	style, _, _ := strings.Cut(rest, "</style>")
	sum := sha256.Sum256([]byte(style))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func TestPINPagesPolicy(t *testing.T) {
	g, _ := newTestGuard(t)
	prompt := httptest.NewRecorder()
	g.writePrompt(prompt, httptest.NewRequest(http.MethodGet, "/boom", nil), "req-1")
	form := httptest.NewRecorder()
	g.serve(form, httptest.NewRequest(http.MethodGet, pinPath, nil))
	wrong := postPIN(g, url.Values{"pin": {wrongPIN(g)}})
	for name, rec := range map[string]*httptest.ResponseRecorder{"prompt": prompt, "GET form": form, "wrong PIN": wrong} {
		h, body := rec.Header(), rec.Body.String()
		csp := h.Get("Content-Security-Policy")
		want := "default-src 'none'; style-src " + styleHash(t, body) +
			"; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
		if csp != want {
			t.Errorf("%s: CSP\n %s\nwant (hash of the page's style)\n %s", name, csp, want)
		}
		if h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: headers %v", name, h)
		}
		for _, bad := range []string{"<script", " style=", "javascript:", "<base", "<iframe", "<link"} {
			if strings.Contains(strings.ToLower(body), bad) {
				t.Errorf("%s: page contains %q", name, bad)
			}
		}
		if handler := regexp.MustCompile(`(?i)\son[a-z]+\s*=`).FindString(body); handler != "" {
			t.Errorf("%s: page has an event handler attribute %q", name, handler)
		}
	}
	if form.Code != http.StatusOK || !strings.Contains(form.Body.String(), `<form method="POST" action="/__wsgo/pin">`) {
		t.Errorf("GET form: status %d; body:\n%s", form.Code, form.Body)
	}
}

// FuzzPINCookieAndNext checks that no cookie value panics or passes
// without the key, and that localPath only ever returns a local path.
func FuzzPINCookieAndNext(f *testing.F) {
	g := newPINGuard()
	good := g.cookie(httptest.NewRequest(http.MethodGet, "/", nil)).Value
	for _, s := range []string{"", ".", "1.zz", "99999999999999999999.ab", "-1.ab", good, good[:20], "//x", "/\\x", "/ok\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if g.validCookie(s) && s != good {
			t.Errorf("validCookie(%q) = true", s)
		}
		p := localPath(s)
		if p != "/" && p != s {
			t.Errorf("localPath(%q) = %q", s, p)
		}
		if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") ||
			strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Errorf("localPath(%q) = %q, not a local path", s, p)
		}
	})
}
