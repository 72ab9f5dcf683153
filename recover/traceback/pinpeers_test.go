package traceback

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/environ"
)

// TestPINCookieSecureWhenTheRequestIs: the cookie the right PIN sets is
// Secure whenever the request is secure, as werkzeug's (secure=
// request.is_secure): over TLS to this server, and behind a TLS-terminating
// proxy whose scheme an environ.Proxy layer outside believed; never for a
// forwarding header that no Proxy layer believed (which, being proxy
// evidence, makes the client not local: no PIN flow at all, the production
// 500 and no cookie). Over real servers.
func TestPINCookieSecureWhenTheRequestIs(t *testing.T) {
	local := []string{"127.0.0.0/8", "::1/128"}
	xfor := environ.ProxyConfig{Headers: environ.XForwarded, For: 1, TrustedPeers: local}
	xforProto := environ.ProxyConfig{Headers: environ.XForwarded, For: 1, Proto: 1, TrustedPeers: local}
	fwd := environ.ProxyConfig{Headers: environ.Forwarded, For: 1, Proto: 1, TrustedPeers: local}
	xff := func(proto string) []string {
		return []string{"X-Forwarded-For", "127.0.0.1", "X-Forwarded-Proto", proto}
	}
	for _, tt := range []struct {
		name   string
		proxy  *environ.ProxyConfig
		tls    bool
		header []string
		secure bool
		refuse bool // not a local client: the PIN path is the application's
	}{
		{"plain HTTP", nil, false, nil, false, false},
		{"TLS to this server", nil, true, nil, true, false},
		{"raw X-Forwarded-Proto, no Proxy layer", nil, false, []string{"X-Forwarded-Proto", "https"}, false, true},
		{"Proxy believes the client, not the scheme", &xfor, false, xff("https"), false, false},
		{"Proxy believes X-Forwarded-Proto https", &xforProto, false, xff("https"), true, false},
		{"Proxy believes X-Forwarded-Proto http", &xforProto, false, xff("http"), false, false},
		{"Proxy believes Forwarded proto=https", &fwd, false, []string{"Forwarded", "for=127.0.0.1;proto=https"}, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			logger, logs := observed()
			h := devLayer(logger, RequirePIN())(http.HandlerFunc(boom))
			if tt.proxy != nil {
				h = environ.MustProxy(*tt.proxy)(h)
			}
			ts := httptest.NewUnstartedServer(h)
			if tt.tls {
				ts.StartTLS()
			} else {
				ts.Start()
			}
			defer ts.Close()
			client := ts.Client()
			client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			form := url.Values{"pin": {loggedPIN(t, logs)}, "next": {"/boom"}}
			req, _ := http.NewRequest("POST", ts.URL+pinPath, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			set := res.Header.Get("Set-Cookie")
			if tt.refuse {
				if res.StatusCode != http.StatusInternalServerError || set != "" {
					t.Fatalf("status %d, Set-Cookie %q, want the production 500 and no cookie", res.StatusCode, set)
				}
				return
			}
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/boom" {
				t.Fatalf("status %d, Location %q, want 303 /boom", res.StatusCode, res.Header.Get("Location"))
			}
			for _, attr := range []string{pinCookieName + "=", "Path=/", "Max-Age=28800", "HttpOnly", "SameSite=Strict"} {
				if !strings.Contains(set, attr) {
					t.Errorf("Set-Cookie %q lacks %s", set, attr)
				}
			}
			if secure := strings.Contains(set, "; Secure"); secure != tt.secure {
				t.Errorf("Set-Cookie %q: Secure %v, want %v", set, secure, tt.secure)
			}
		})
	}
}

// loggedPIN returns the PIN the start-up log shows.
func loggedPIN(t *testing.T, logs *observer.ObservedLogs) string {
	t.Helper()
	for _, e := range logs.FilterMessage("traceback: PIN").All() {
		if pin, _ := e.ContextMap()["pin"].(string); pin != "" {
			return pin
		}
	}
	t.Fatalf("no PIN in the start-up log: %v", logs.All())
	return ""
}

// withPINClock sets the clock of RequirePIN's guard; it comes after
// RequirePIN among New's options.
func withPINClock(clk *testClock) Option {
	return optionFunc(func(c *config) { c.pin.now = clk.now })
}

// TestPINRightResetsFailures: a right PIN resets the count of wrong ones,
// as werkzeug's pin_auth does: nine wrong PINs, the right one, nine wrong
// ones again, and the right PIN still opens (without the reset the tenth
// wrong PIN in all would have locked it).
func TestPINRightResetsFailures(t *testing.T) {
	g, clk := newTestGuard(t)
	for round := 1; round <= 3; round++ {
		for i := 1; i < pinMaxFailures; i++ {
			rec := postPIN(g, url.Values{"pin": {wrongPIN(g)}})
			body := rec.Body.String()
			if rec.Code != http.StatusForbidden || !strings.Contains(body, "Wrong PIN.") || strings.Contains(body, "locked") || pinCookie(rec) != nil {
				t.Fatalf("round %d, wrong PIN %d: status %d, Set-Cookie %q; body:\n%s", round, i, rec.Code, rec.Header().Get("Set-Cookie"), body)
			}
			clk.advance(time.Second)
		}
		rec := postPIN(g, url.Values{"pin": {g.PIN()}, "next": {"/boom"}})
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/boom" || pinCookie(rec) == nil {
			t.Fatalf("round %d, right PIN: status %d, Set-Cookie %q; body:\n%s", round, rec.Code, rec.Header().Get("Set-Cookie"), rec.Body)
		}
	}
}

// TestPINLockRefusesEarlierCookies: once wrong PINs locked the PIN, a
// cookie set before the lock shows no traceback any more (werkzeug's
// check_pin_trust refuses everyone once locked): its bearer gets the 500
// page saying that the PIN is locked, with no form; before the lock the
// same cookie got the traceback.
func TestPINLockRefusesEarlierCookies(t *testing.T) {
	logger, logs := observed()
	clk := &testClock{t: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	h := devLayer(logger, RequirePIN(), withPINClock(clk))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == pinPath {
			t.Error("the PIN endpoint reached the application")
		}
		boom(w, r)
	}))
	post := func(pin string) *httptest.ResponseRecorder {
		r := devRequest(pinPath)
		r.Method = http.MethodPost
		r.Body = io.NopCloser(strings.NewReader(url.Values{"pin": {pin}, "next": {"/boom"}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return serve(h, r)
	}
	rec := post(loggedPIN(t, logs))
	cookie := pinCookie(rec)
	if rec.Code != http.StatusSeeOther || cookie == nil {
		t.Fatalf("right PIN: status %d, Set-Cookie %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
	page := func() (int, string) {
		r := devRequest("/boom")
		r.AddCookie(cookie)
		rec := serve(h, r)
		return rec.Code, rec.Body.String()
	}
	if code, body := page(); code != 500 || !strings.Contains(body, "secret panic text") {
		t.Fatalf("with the cookie, before the lock: %d, traceback shown %v", code, strings.Contains(body, "secret panic text"))
	}
	wrong := "000-000-000"
	if wrong == loggedPIN(t, logs) {
		wrong = "111-111-111"
	}
	for i := 1; i <= pinMaxFailures; i++ {
		if rec := post(wrong); rec.Code != http.StatusForbidden {
			t.Fatalf("wrong PIN %d: status %d", i, rec.Code)
		}
		clk.advance(time.Second)
	}
	code, body := page()
	if code != 500 || strings.Contains(body, "secret panic text") || strings.Contains(body, "<form") ||
		!strings.Contains(body, "the PIN is locked: restart the server") || !strings.Contains(body, "Request ID:") {
		t.Fatalf("with the cookie, after the lock: %d\n%s", code, body)
	}
	if rec := post(loggedPIN(t, logs)); rec.Code != http.StatusForbidden || pinCookie(rec) != nil {
		t.Fatalf("right PIN after the lock: status %d, Set-Cookie %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
}
