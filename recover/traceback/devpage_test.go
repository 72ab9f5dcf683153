package traceback

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/internal/errpage"
	wsgorecover "github.com/wsgo/wsgo/recover"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/logging"
)

var inlineRE = regexp.MustCompile(`(?s)<(style|script)>(.*?)</(?:style|script)>`)

// TestTracebackPageCSP: the page says, in its Content-Security-Policy,
// that only its own style and script may run, by hashes that are those of
// the inline elements the page carries, and nothing may load.
func TestTracebackPageCSP(t *testing.T) {
	logger, _ := observed()
	rec := serve(devLayer(logger)(http.HandlerFunc(boom)), devRequest("/"))
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "img-src 'none'", "form-action 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	inline := inlineRE.FindAllStringSubmatch(rec.Body.String(), -1)
	if len(inline) != 2 {
		t.Fatalf("%d inline elements, want one style and one script", len(inline))
	}
	for _, m := range inline {
		sum := sha256.Sum256([]byte(m[2]))
		want := m[1] + "-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q does not allow the page's %s (%s)", csp, m[1], want)
		}
	}
	if strings.Contains(rec.Body.String(), " style=") || strings.Contains(rec.Body.String(), "http://") || strings.Contains(rec.Body.String(), "https://") {
		t.Error("the page has a style attribute (refused by its CSP) or names a URL to load")
	}
	// The text page needs no CSP; the production page has no traceback.
	r := devRequest("/")
	r.Header.Set("Accept", "text/plain")
	if rec := serve(devLayer(logger)(http.HandlerFunc(boom)), r); rec.Header().Get("Content-Type") != errpage.TypeText {
		t.Fatal(rec.Header())
	}
}

// TestEveryFrameCarriesItsSource: a folded frame of net/http opens, in
// place, on its ±10 lines, the panicking line marked; the application's
// frames are open.
func TestEveryFrameCarriesItsSource(t *testing.T) {
	logger, _ := observed()
	body := serve(devLayer(logger)(http.HandlerFunc(boom)), devRequest("/")).Body.String()
	lib := regexp.MustCompile(`(?s)<details class="frame lib"><summary><span class="fn">http\.HandlerFunc\.ServeHTTP</span>.*?</summary>\s*<pre class="src">(.*?)</pre>`).FindStringSubmatch(body)
	if lib == nil {
		t.Fatal("net/http's frame has no source")
	}
	if n := strings.Count(lib[1], "<span"); n != 2*sourceContext+1 || !strings.Contains(lib[1], `<span class="cur">`) || !strings.Contains(lib[1], "f(w, r)") {
		t.Fatalf("%d lines: %s", n, lib[1])
	}
	if !regexp.MustCompile(`<details class="frame" open><summary><span class="fn">traceback\.boom</span>`).MatchString(body) {
		t.Fatal("the application's frame is not open")
	}
}

func TestEditorLink(t *testing.T) {
	logger, _ := observed()
	body := serve(devLayer(logger, EditorLink("vscode://file/{path}:{line}"))(http.HandlerFunc(boom)), devRequest("/")).Body.String()
	if !regexp.MustCompile(`<a href="vscode://file/[^"]*/recover/traceback/helpers_test\.go:\d+">helpers_test\.go:\d+</a>`).MatchString(body) {
		t.Fatal("no editor link on the application's frame")
	}
	body = serve(devLayer(logger)(http.HandlerFunc(boom)), devRequest("/")).Body.String()
	if strings.Contains(body, "<a href=\"vscode") || strings.Contains(body, "<a href=\"goland") {
		t.Fatal("an editor link without EditorLink")
	}

	c := &config{}
	EditorLink("goland://open?file={path}&line={line}").apply(c)
	if got, want := c.editorURL(`/home/a b/"x"<y>&#.go`, 7), template.URL("goland://open?file=/home/a%20b/%22x%22%3Cy%3E%26%23.go&line=7"); got != want {
		t.Errorf("editorURL = %q, want %q", got, want)
	}
	if got := c.editorURL("C:/src/x.go", 3); got != "goland://open?file=C:/src/x.go&line=3" {
		t.Errorf("a Windows path: %q", got)
	}
	for _, bad := range []string{"", "vscode://file/", "/local/{path}", "javascript:alert('{path}')", "JavaScript:x{path}", "data:text/html,{path}", "vbscript:{path}", "%zz://{path}"} {
		func() {
			defer func() {
				if v, _ := recover().(string); !strings.HasPrefix(v, "traceback: EditorLink: ") {
					t.Errorf("EditorLink(%q): panic %v", bad, v)
				}
			}()
			EditorLink(bad)
		}()
	}
}

// TestRenderingFailureFallsBackToText: a page that cannot be rendered is
// answered with the plain-text traceback, never half a page.
func TestRenderingFailureFallsBackToText(t *testing.T) {
	logger, _ := observed()
	d := New(logger)
	d.c.page = func() pageAssets {
		return pageAssets{tmpl: template.Must(template.New("broken").Parse(`<html>{{.NoSuchField}}`)), csp: "default-src 'none'"}
	}
	rec := serve(wsgorecover.New(logger, wsgorecover.Tracebacks(d))(http.HandlerFunc(boom)), devRequest("/"))
	if rec.Code != 500 || rec.Header().Get("Content-Type") != errpage.TypeText || rec.Header().Get("Content-Security-Policy") != "" ||
		!strings.HasPrefix(rec.Body.String(), "panic: secret panic text /etc/passwd [string]\n") ||
		!strings.Contains(rec.Body.String(), "(the HTML page could not be rendered: ") || strings.Contains(rec.Body.String(), "<html>") {
		t.Fatalf("%d %v %q", rec.Code, rec.Header(), rec.Body.String())
	}
}

func recurse(n int) {
	if n == 0 {
		panic("deep")
	}
	recurse(n - 1)
}

// TestDeepStack: a recursion shows as its frame once, with the count of
// the same call; a panic 150 calls deep keeps maxDepth (128) frames and
// says the stack was cut; one 90 deep (over 100 frames with the test's
// own) is whole. Only the first maxOpenFrames frames are open.
func TestDeepStack(t *testing.T) {
	logger, _ := observed()
	for _, tt := range []struct {
		depth int
		cut   bool
	}{{90, false}, {150, true}} {
		h := devLayer(logger)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { recurse(tt.depth) }))
		body := withoutSource(serve(h, devRequest("/")).Body.String())
		if n := strings.Count(body, `<span class="fn">traceback.recurse</span>`); n != 2 {
			t.Errorf("depth %d: %d frames of recurse, want 2 (the panic, and the recursive call)", tt.depth, n)
		}
		m := regexp.MustCompile(`the same call (\d+) more times \(recursion\)`).FindStringSubmatch(body)
		if m == nil || (m[1] == strconv.Itoa(tt.depth-1)) == tt.cut {
			t.Errorf("depth %d: repeat note %v", tt.depth, m)
		}
		if got := strings.Contains(body, "The stack was deeper"); got != tt.cut {
			t.Errorf("depth %d: cut note %v", tt.depth, got)
		}
		if n := strings.Count(body, `<details class="frame" open>`); n > maxOpenFrames {
			t.Errorf("depth %d: %d frames open", tt.depth, n)
		}
	}
}

func TestMarkdownFences(t *testing.T) {
	p := &wsgorecover.Panic{Value: "a ``` b\nc"}
	md := tracebackMarkdown(p, "x ```` y\n")
	if md != "**panic** ` string `: ```` a ``` b c ````\n\n`````text\nx ```` y\n`````\n" {
		t.Fatalf("%q", md)
	}
}

// TestTracebackPageSections: the error tree with each error's type, the
// program and the goroutines are on the page, and the tree and the program
// in the plain text.
func TestTracebackPageSections(t *testing.T) {
	logger, _ := observed()
	base := errors.New("ledger: balance does not add up")
	h := devLayer(logger)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(fmt.Errorf("render: %w", errors.Join(base, fmt.Errorf("audit: %w", os.ErrNotExist))))
	}))
	page := withoutSource(serve(h, devRequest("/")).Body.String())
	for _, want := range []string{
		`<li class="d0"><span class="ty">*fmt.wrapError</span>: render: ledger: balance does not add up`,
		`<li class="d1"><span class="ty">*errors.joinError</span>: ledger`,
		`<li class="d2"><span class="ty">*errors.errorString</span>: ledger: balance does not add up</li>`,
		`<li class="d3"><span class="ty">*errors.errorString</span>: file does not exist</li>`,
		"<th>Go</th><td>" + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "</td>",
		"<th>Goroutines</th><td>", "<th>Panic at</th><td>20", "<th>Host</th><td>",
		`<pre class="block">goroutine `, "traceback.TestTracebackPageSections",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	r := devRequest("/")
	r.Header.Set("Accept", "text/plain")
	text := serve(h, r).Body.String()
	for _, want := range []string{
		"\nerrors:\n*fmt.wrapError: render: ledger",
		"\n    *errors.errorString: ledger: balance does not add up\n",
		"\n      *errors.errorString: file does not exist\n",
		"\ngo: " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n",
		"\ntime: 20",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q:\n%s", want, text)
		}
	}
}

// TestTracebackShowsTheBodyAndCookies: a form and a JSON body, read in
// part or not at all by the handler, are on the page with their secrets
// redacted; a body over 64 KiB is marked as cut; cookies show by name.
func TestTracebackShowsTheBodyAndCookies(t *testing.T) {
	logger, _ := observed()
	readSome := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [5]byte
		_, _ = io.ReadFull(r.Body, b[:])
		panic("after reading 5 bytes")
	})
	h := devLayer(logger)(readSome)
	for _, tt := range []struct {
		name, ctype, body string
		want              []string
	}{
		{
			"form", "application/x-www-form-urlencoded", "user=ann&password=PW-SECRET-1&note=hi+there",
			[]string{`<th>user</th><td>ann</td>`, `<th>password</th><td class="red">REDACTED</td>`, `<th>note</th><td>hi there</td>`, "application/x-www-form-urlencoded · 43 bytes"},
		},
		{
			"json", "application/json", `{"user":"ann","auth":{"token":"TOK-SECRET-2"},"items":[1,2]}`,
			[]string{"&#34;user&#34;: &#34;ann&#34;", "&#34;auth&#34;: &#34;REDACTED&#34;", "application/json · 60 bytes"},
		},
		{
			"other", "application/octet-stream", "PW-SECRET-3 raw bytes",
			[]string{"21 bytes of application/octet-stream, not shown: only form and JSON bodies are"},
		},
	} {
		r := httptest.NewRequest("POST", "/submit", strings.NewReader(tt.body))
		r.RemoteAddr, r.Host = "127.0.0.1:5555", "localhost"
		r.Header.Set("Accept", "text/html")
		r.Header.Set("Content-Type", tt.ctype)
		r.AddCookie(&http.Cookie{Name: "session_id", Value: "COOKIE-SECRET-4"})
		r.AddCookie(&http.Cookie{Name: "theme", Value: "COOKIE-SECRET-5"})
		page := withoutSource(serve(h, r).Body.String())
		for _, w := range append(tt.want, `<th>session_id</th><td class="red">REDACTED</td>`, `<th>theme</th><td class="red">REDACTED</td>`) {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the page lacks %q", tt.name, w)
			}
		}
		for _, s := range []string{"SECRET-1", "SECRET-2", "SECRET-3", "SECRET-4", "SECRET-5"} {
			if strings.Contains(page, s) {
				t.Errorf("%s: the page shows %s", tt.name, s)
			}
		}
	}
	// Over 64 KiB: cut, and marked.
	big := "note=" + strings.Repeat("x", 100<<10)
	r := httptest.NewRequest("POST", "/submit", strings.NewReader(big))
	r.RemoteAddr, r.Host = "127.0.0.1:5555", "localhost"
	r.Header.Set("Accept", "text/html")
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	page := withoutSource(serve(h, r).Body.String())
	if !strings.Contains(page, "65536 bytes shown, cut at 64 KiB") || !strings.Contains(page, "only its first 64 KiB were kept") ||
		strings.Count(page, "x") < 65000 || strings.Contains(page, strings.Repeat("x", 65532)) {
		t.Errorf("cut body: %d x", strings.Count(page, "x"))
	}
	// A remote client's body is not captured: the handler gets the request as it came.
	var got io.ReadCloser
	h = devLayer(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Body }))
	r = httptest.NewRequest("POST", "/", strings.NewReader("a=1"))
	r.RemoteAddr = "203.0.113.9:1"
	body := r.Body
	serve(h, r)
	if got != body {
		t.Error("a remote client's body was wrapped")
	}
}

// TestTracebackShowsTheRequestLogs: what the handler wrote on its
// request's logger before the panic is on the page, in order, Debug
// included though the logger is at Info, with its fields and secrets
// redacted; nothing of another request.
func TestTracebackShowsTheRequestLogs(t *testing.T) {
	logger, _ := observed() // at Info
	h := logging.Access(logger)(devLayer(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log := logging.FromContext(r.Context())
		log.Debug("loading account", zap.Int("account", 42))
		log.Named("ledger").Info("balance", zap.String("currency", "EUR"), zap.String("api_token", "TOKEN-SECRET-9"))
		log.Warn("about to fail")
		if r.URL.Path == "/quiet" {
			return
		}
		panic("boom")
	})))
	serve(h, devRequest("/quiet")) // another request's entries stay with it
	page := withoutSource(serve(h, devRequest("/")).Body.String())
	want := []string{
		`<td class="lvl debug">DEBUG</td><td>loading account <span class="kv">account=<b>42</b></span>`,
		`<td class="lvl info">INFO</td><td><span class="kv">ledger</span> balance <span class="kv">currency=<b>EUR</b></span> <span class="kv">api_token=<b class="red">REDACTED</b></span>`,
		`<td class="lvl warn">WARN</td><td>about to fail</td>`,
	}
	last := 0
	for _, w := range want {
		i := strings.Index(page, w)
		if i < last {
			t.Fatalf("the page lacks %q after the previous entry", w)
		}
		last = i
	}
	if strings.Count(page, "loading account") != 1 || strings.Contains(page, "TOKEN-SECRET-9") {
		t.Fatalf("%d entries; secret shown = %v", strings.Count(page, "loading account"), strings.Contains(page, "TOKEN-SECRET-9"))
	}
}

// TestEveryNewSectionEscapes puts a script into everything the new sections
// reflect (the error tree, the body as a form and as JSON, the cookie
// names, the log entries) and finds none on the page, nor in the Markdown.
func TestEveryNewSectionEscapes(t *testing.T) {
	const x = `<script>alert(1)</script><img src=x onerror=alert(2)>`
	logger, _ := observed()
	h := logging.Access(logger)(devLayer(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logging.FromContext(r.Context()).Named(x).Info(x, zap.String(x, x), zap.Any("obj", map[string]string{x: x}))
		panic(fmt.Errorf("%s: %w", x, errors.Join(errors.New(x))))
	})))
	for _, tt := range []struct{ ctype, body string }{
		{"application/x-www-form-urlencoded", url.QueryEscape(x) + "=" + url.QueryEscape(x)},
		{"application/json", `{"` + x + `":"` + x + `","a":[` + strconv.Quote(x) + `]}`},
		{"multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"" + x + "\"; filename=\"" + x + "\"\r\nContent-Type: " + x + "\r\n\r\n" + x + "\r\n--B--\r\n"},
		{x, x},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
		r.RemoteAddr, r.Host = "127.0.0.1:5555", "localhost"
		r.Header.Set("Accept", "text/html")
		r.Header.Set("Content-Type", tt.ctype)
		r.Header.Set("Cookie", url.QueryEscape(x)+"=1; "+x+"=2")
		page := serve(h, r).Body.String()
		rest := strings.Replace(page, "<script>"+pageScript+"</script>", "", 1)
		if strings.Contains(rest, "<script") || strings.Contains(rest, "<img") {
			t.Errorf("%s: unescaped on the page", tt.ctype)
		}
		if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the reflected text is not there at all", tt.ctype)
		}
	}
}
