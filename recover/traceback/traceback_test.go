package traceback

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
)

func devRequest(target string) *http.Request {
	r := httptest.NewRequest("GET", target, nil)
	r.RemoteAddr = "127.0.0.1:5555"
	r.Host = "localhost:8081"
	r.Header.Set("Accept", "text/html")
	return r
}

func TestDevelopmentWarnsAtStartUp(t *testing.T) {
	logger, logs := observed()
	devLayer(logger)
	if logs.Len() != 1 || logs.All()[0].Level != zapcore.WarnLevel || !strings.Contains(logs.All()[0].Message, "traceback pages are on") {
		t.Fatalf("%v", logs.All())
	}
	logger, logs = observed()
	wsgorecover.New(logger)
	if logs.Len() != 0 {
		t.Fatal("production must not warn")
	}
}

func TestTracebackPage(t *testing.T) {
	logger, _ := observed()
	h := mw.RequestID()(devLayer(logger)(environ.Enrich("myapp.url_args",
		func(*http.Request, *environ.Environ) any { return []string{"Ann"} })(http.HandlerFunc(boom))))
	rec := serve(h, devRequest("/hello/Ann?subject=Ann"))
	body := rec.Body.String()
	for _, want := range []string{
		"secret panic text /etc/passwd",     // the panic
		"traceback.boom",                    // the frame that panicked
		`func boom(w http.ResponseWriter`,   // its source, read from disk
		`class="cur"`,                       // the line marked
		"of the runtime, net/http and wsgo", // folded frames
		"myapp.url_args", "[Ann]",           // a custom environ key
		"PATH_INFO", "/hello/Ann", // CGI keys
		"subject",                        // the query
		rec.Header().Get("X-Request-Id"), // the ID
		`<textarea id="wsgo-text" readonly>panic: secret panic`, // the plain-text copy
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if rec.Code != 500 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}

	r := devRequest("/x")
	r.Header.Set("Accept", "*/*")
	rec = serve(h, r)
	if !strings.HasPrefix(rec.Body.String(), "panic: secret panic text /etc/passwd [string]\n") || !strings.Contains(rec.Body.String(), "> github.com/wsgo/wsgo/recover/traceback.boom\n") {
		t.Fatalf("text traceback: %q", rec.Body.String())
	}
	r.Header.Set("Accept", "application/json")
	rec = serve(h, r)
	var p map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || !strings.Contains(p["traceback"].(string), "traceback.boom") || p["detail"] != "secret panic text /etc/passwd" {
		t.Fatalf("problem+json: %v %v", p, err)
	}
}

func TestTracebackOnlyForLocalClientsAndTrustedHosts(t *testing.T) {
	logger, _ := observed()
	tests := []struct {
		name   string
		remote string
		host   string
		header map[string]string
		opts   []Option
		trace  bool
	}{
		{"localhost", "127.0.0.1:1", "localhost:8081", nil, nil, true},
		{"sub.localhost", "127.0.0.1:1", "doc.localhost", nil, nil, true},
		{"127.0.0.1", "127.0.0.1:1", "127.0.0.1:8081", nil, nil, true},
		{"[::1]", "[::1]:1", "[::1]:8081", nil, nil, true},
		{"DNS rebinding: evil name on loopback", "127.0.0.1:1", "evil.example:8081", nil, nil, false},
		{"localhost.evil.example", "127.0.0.1:1", "localhost.evil.example", nil, nil, false},
		{"remote client", "203.0.113.5:1", "localhost", nil, nil, false},
		{"proxied without a proxy layer", "127.0.0.1:1", "localhost", map[string]string{"X-Forwarded-For": "203.0.113.5"}, nil, false},
		{"Forwarded without a proxy layer", "127.0.0.1:1", "localhost", map[string]string{"Forwarded": "for=203.0.113.5"}, nil, false},
		{"AllowRemote", "203.0.113.5:1", "example.org", nil, []Option{AllowRemote()}, true},
		{"TrustedHosts", "127.0.0.1:1", "dev.test", nil, []Option{TrustedHosts("dev.test")}, true},
		{"TrustedHosts replaces the default", "127.0.0.1:1", "localhost", nil, []Option{TrustedHosts("dev.test")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := devLayer(logger, tt.opts...)(http.HandlerFunc(boom))
			r := devRequest("/")
			r.RemoteAddr, r.Host = tt.remote, tt.host
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			body := serve(h, r).Body.String()
			if got := strings.Contains(body, "secret panic text"); got != tt.trace {
				t.Fatalf("traceback shown = %v, want %v", got, tt.trace)
			}
		})
	}
}

func TestRedaction(t *testing.T) {
	logger, _ := observed()
	h := devLayer(logger)(environ.Enrich("myapp.session_id",
		func(*http.Request, *environ.Environ) any { return "sess-VALUE-4" })(http.HandlerFunc(boom)))
	r := devRequest("/?password=pw-VALUE-1&q=visible")
	r.Header.Set("Authorization", "Bearer auth-VALUE-2")
	r.Header.Set("Cookie", "sid=cookie-VALUE-3")
	r.Header.Set("X-Api-Token", "token-VALUE-5")
	r.Header.Set("Proxy-Authorization", "Basic proxy-VALUE-6")
	body := withoutSource(serve(h, r).Body.String())
	for _, secret := range []string{"pw-VALUE-1", "auth-VALUE-2", "cookie-VALUE-3", "sess-VALUE-4", "token-VALUE-5", "proxy-VALUE-6"} {
		if strings.Contains(body, secret) {
			t.Errorf("page shows %q", secret)
		}
	}
	if !strings.Contains(body, "visible") || strings.Count(body, "REDACTED") < 8 {
		t.Errorf("redaction: %d marks", strings.Count(body, "REDACTED"))
	}
	// The list is configurable.
	h = devLayer(logger, Redact("q"))(http.HandlerFunc(boom))
	body = withoutSource(serve(h, devRequest("/?q=hidden-VALUE")).Body.String())
	if strings.Contains(body, "hidden-VALUE") {
		t.Error("Redact(q) did not hide q")
	}
}

// Everything that came from the request or the panic is escaped.
func TestTracebackEscapesEverything(t *testing.T) {
	logger, _ := observed()
	const x1, x2 = `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`
	h := devLayer(logger)(environ.Enrich(x2, func(*http.Request, *environ.Environ) any { return x1 })(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(x1 + x2) })))
	r := devRequest("/" + "%3Cscript%3Ealert(1)%3C/script%3E?q=" + strings.ReplaceAll(x2, " ", "%20"))
	r.Header.Set("X-Evil", x1+x2)
	for _, accept := range []string{"text/html", ""} {
		r.Header.Set("Accept", accept)
		rec := serve(h, r)
		body := rec.Body.String()
		if accept == "text/html" {
			ours := "<script>" + pageScript + "</script>"
			if strings.Count(body, ours) != 1 {
				t.Fatal("the page's own script is not there once")
			}
			if rest := strings.Replace(body, ours, "", 1); strings.Contains(rest, "<script") || strings.Contains(rest, "<img") {
				t.Fatalf("unescaped input on the HTML page")
			}
		}
		if accept == "" && rec.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatal("the text traceback must be served as text/plain")
		}
	}
	// The production page shows nothing of it.
	h = wsgorecover.New(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(x1) }))
	if body := serve(h, devRequest("/")).Body.String(); strings.Contains(body, "script") {
		t.Fatal("production page shows the panic")
	}
}

var sourceRE = regexp.MustCompile(`(?s)<pre class="src">.*?</pre>`)

// withoutSource drops the source listings, which show this test's own
// lines, literals included.
func withoutSource(page string) string { return sourceRE.ReplaceAllString(page, "") }

// TestRedactionWhatThePageShows renders the page for each request and
// reads it as a user would: the secret values are nowhere, the marks and
// the rest of the query are there.
func TestRedactionWhatThePageShows(t *testing.T) {
	tests := []struct {
		name    string
		target  string
		header  map[string]string
		secrets []string // must not be on the page
		want    []string // must be on the page, HTML-escaped
	}{
		{"api key", "/?api_key=K-abc", nil, []string{"K-abc"}, []string{"/?api_key=REDACTED", "QUERY_STRING"}},
		{
			"token, page kept", "/?access_token=T-x&page=2", nil,
			[]string{"T-x"},
			[]string{"access_token=REDACTED&amp;page=2", "<th>page</th><td>2</td>", `<th>access_token</th><td class="red">REDACTED</td>`},
		},
		{"Google signature", "/?X-Goog-Signature=S-s", nil, []string{"S-s"}, []string{"X-Goog-Signature=REDACTED"}},
		{"monkey shown: key is a word of its own", "/?monkey=M-1", nil, nil, []string{"monkey=M-1", "<th>monkey</th><td>M-1</td>"}},
		{"unparsable query", "/?a=%zz&token=T-t", nil, []string{"T-t"}, []string{"a=%zz&amp;token=REDACTED"}},
		{"semicolon", "/?sig=G-1;b=2", nil, []string{"G-1"}, []string{"sig=REDACTED;b=2"}},
		{"empty value", "/?token=&page=2", nil, nil, []string{"token=&amp;page=2"}},
		{"repeated names", "/?token=R-a&x=1&Token=R-b", nil, []string{"R-a", "R-b"}, []string{"token=REDACTED&amp;x=1&amp;Token=REDACTED"}},
		{"percent-encoded name", "/?api%5Fkey=E-1&to%6Ben=E-2", nil, []string{"E-1", "E-2"}, []string{"api%5Fkey=REDACTED&amp;to%6Ben=REDACTED"}},
		{
			"every word in a header", "/",
			map[string]string{
				"X-Auth-User": "H-1", "X-Credential": "H-2", "X-Passwd": "H-3", "X-Pwd": "H-4", "X-Passphrase": "H-5",
				"X-Secret": "H-6", "X-Csrf-Token": "H-7", "X-Api-Key": "H-8", "X-Session-Id": "H-9", "Cookie": "H-10",
				"X-Hub-Signature-256": "H-11", "X-Sig": "H-12", "X-Jwt-Assertion": "H-13", "X-Password": "H-14",
			},
			[]string{"H-1", "H-2", "H-3", "H-4", "H-5", "H-6", "H-7", "H-8", "H-9", "H-10", "H-11", "H-12", "H-13", "H-14"},
			[]string{`<th>X-Hub-Signature-256</th><td class="red">REDACTED</td>`, `<th>HTTP_X_JWT_ASSERTION</th><td class="red">REDACTED</td>`},
		},
		{"Referer: its query and fragment", "/", map[string]string{
			"Referer": "https://app.example/cb?state=ok&access_token=RT-1;sig=RT-2#id_token=RT-3&scope=openid",
		}, []string{"RT-1", "RT-2", "RT-3"}, []string{
			"https://app.example/cb?state=ok&amp;access_token=REDACTED;sig=REDACTED#id_token=REDACTED&amp;scope=openid",
			"<th>HTTP_REFERER</th><td>https://app.example/cb?state=ok&amp;access_token=REDACTED",
		}},
	}
	logger, _ := observed()
	h := devLayer(logger)(http.HandlerFunc(boom))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := devRequest(tt.target)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			html := withoutSource(serve(h, r).Body.String())
			r.Header.Set("Accept", "text/plain")
			text := serve(h, r).Body.String()
			for _, s := range tt.secrets {
				if strings.Contains(html, s) || strings.Contains(text, s) {
					t.Errorf("the page shows %q", s)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			if tt.secrets != nil && !strings.Contains(html, "REDACTED") {
				t.Error("no redaction mark")
			}
		})
	}
}

// TestTracebackShowsTheTraceID: the page, the text and the problem+json
// carry the trace ID of a valid traceparent, and nothing of an invalid one.
func TestTracebackShowsTheTraceID(t *testing.T) {
	logger, _ := observed()
	h := devLayer(logger)(http.HandlerFunc(boom))
	const trace = "0af7651916cd43dd8448eb211c80319c"
	for _, accept := range []string{"text/html", "text/plain", "application/problem+json"} {
		r := devRequest("/")
		r.Header.Set("Accept", accept)
		r.Header.Set("Traceparent", "00-"+trace+"-b7ad6b7169203331-01")
		if body := serve(h, r).Body.String(); !strings.Contains(body, trace) {
			t.Errorf("%s: no trace ID in %.200q", accept, body)
		}
		r.Header.Set("Traceparent", "00-"+trace+"-0000000000000000-01")
		// (the page shows this test's source, which names the markers)
		if body := withoutSource(serve(h, r).Body.String()); strings.Contains(body, "trace ID") || strings.Contains(body, "trace_id") || strings.Contains(body, "· trace <b>") {
			t.Errorf("%s: an invalid traceparent's trace shown", accept)
		}
	}
}
