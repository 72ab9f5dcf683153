package traceback

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
)

// TestRequirePINBehindSameHostProxy runs the case the PIN is for: a reverse
// proxy on this machine that sends no forwarding header and rewrites Host
// to localhost, so that the traceback rule cannot tell its clients from
// local ones. Without RequirePIN its clients get the traceback (the
// documented limit); with it they get the PIN form, and the traceback only
// after the PIN from the start-up log was entered once.
func TestRequirePINBehindSameHostProxy(t *testing.T) {
	for _, pin := range []bool{false, true} {
		logger, logs := observed()
		var opts []Option
		if pin {
			opts = append(opts, RequirePIN())
		}
		app := devLayer(logger, opts...)(http.HandlerFunc(boom))
		backend := httptest.NewServer(app)
		target, _ := url.Parse(backend.URL)
		proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = "localhost" // nginx: proxy_set_header Host localhost; no X-Forwarded-For
		}})
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar}
		get := func() (int, string) {
			req, _ := http.NewRequest("GET", proxy.URL+"/account?id=7", nil)
			req.Header.Set("Accept", "text/html")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		code, body := get()
		if !pin {
			if code != 500 || !strings.Contains(body, "secret panic text") {
				t.Fatalf("without a PIN: %d, traceback shown = %v", code, strings.Contains(body, "secret panic text"))
			}
			proxy.Close()
			backend.Close()
			continue
		}
		if code != 500 || strings.Contains(body, "secret panic text") || !strings.Contains(body, `action="/__wsgo/pin"`) ||
			!strings.Contains(body, `name="next" value="/account?id=7"`) {
			t.Fatalf("before the PIN: %d %s", code, body)
		}
		var thePIN string
		for _, e := range logs.All() {
			if e.Message == "traceback: PIN" {
				thePIN, _ = e.ContextMap()["pin"].(string)
			}
		}
		if len(thePIN) != 11 {
			t.Fatalf("no PIN in the start-up log: %v", logs.All())
		}
		// The right PIN redirects to next, which panics again: now with the traceback.
		resp, err := client.PostForm(proxy.URL+"/__wsgo/pin", url.Values{"pin": {thePIN}, "next": {"/account?id=7"}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 500 || !strings.Contains(string(b), "secret panic text") || resp.Request.URL.Path != "/account" {
			t.Fatalf("after the PIN: %d %s %.300s", resp.StatusCode, resp.Request.URL, b)
		}
		// Another client, with a wrong PIN, still gets no traceback.
		other := &http.Client{}
		resp, err = other.PostForm(proxy.URL+"/__wsgo/pin", url.Values{"pin": {"000-000-000"}, "next": {"/"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
			t.Fatalf("wrong PIN: %d %v", resp.StatusCode, resp.Cookies())
		}
		// A curl without the cookie gets the production text.
		req, _ := http.NewRequest("GET", proxy.URL+"/", nil)
		req.Header.Set("Accept", "text/plain")
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(string(b), "500 Internal Server Error\nrequest ID: ") {
			t.Fatalf("text client without the cookie: %q", b)
		}
		proxy.Close()
		backend.Close()
	}
}

// TestPINEndpointOnlyForTracebackClients: /__wsgo/pin is the application's
// own path for a client that could not get a traceback anyway, and for
// every client in production.
func TestPINEndpointOnlyForTracebackClients(t *testing.T) {
	logger, _ := observed()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "the app's own "+r.URL.Path) })
	for _, tt := range []struct {
		name   string
		layer  func() mw.Middleware
		remote string
		want   string
	}{
		{"remote client", func() mw.Middleware { return devLayer(logger, RequirePIN()) }, "203.0.113.9:1", "the app's own /__wsgo/pin"},
		{"production", func() mw.Middleware { return wsgorecover.New(logger) }, "127.0.0.1:1", "the app's own /__wsgo/pin"},
		{"development without a PIN", func() mw.Middleware { return devLayer(logger) }, "127.0.0.1:1", "the app's own /__wsgo/pin"},
		{"local client with a PIN", func() mw.Middleware { return devLayer(logger, RequirePIN()) }, "127.0.0.1:1", "Debugger PIN"},
	} {
		r := devRequest("/__wsgo/pin")
		r.RemoteAddr = tt.remote
		if body := serve(tt.layer()(app), r).Body.String(); !strings.Contains(body, tt.want) {
			t.Errorf("%s: %.200q", tt.name, body)
		}
	}
}

// TestPINLockIsLogged: the PIN is logged at start-up, and the tenth wrong
// PIN, which locks it, is logged once.
func TestPINLockIsLogged(t *testing.T) {
	logger, logs := observed()
	c := &config{}
	RequirePIN().apply(c)
	c.announcePIN(logger)
	if logs.Len() != 1 || logs.All()[0].ContextMap()["pin"] != c.pin.PIN() {
		t.Fatalf("start-up: %v", logs.All())
	}
	now := time.Unix(1_800_000_000, 0)
	c.pin.now = func() time.Time { return now }
	for i := 1; i <= pinMaxFailures+2; i++ {
		r := httptest.NewRequest(http.MethodPost, pinPath, strings.NewReader("pin=000-000-000"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		c.pin.serve(httptest.NewRecorder(), r)
		locks := 0
		for _, e := range logs.All() {
			if strings.Contains(e.Message, "PIN is locked") {
				locks++
			}
		}
		if want := min(1, max(0, i-pinMaxFailures+1)); locks != want {
			t.Fatalf("after %d wrong PINs: %d lock entries, want %d", i, locks, want)
		}
		now = now.Add(2 * time.Second)
	}
}
