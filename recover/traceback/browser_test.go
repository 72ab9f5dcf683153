package traceback

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium returns the path of Debian's chromium, or skips the test when it
// is not installed (unless WSGO_REQUIRE_BROWSER=1, as in CI: then it fails).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("WSGO_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium is not installed, and WSGO_REQUIRE_BROWSER=1")
	}
	t.Skip("chromium is not installed: apt-get install chromium, or set WSGO_REQUIRE_BROWSER=1 to fail instead")
	return ""
}

// runChromium runs headless chromium on url with args, and returns what it
// wrote on stdout and on stderr (its console, CSP violations included).
func runChromium(t *testing.T, bin, url string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	args = append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0", "--virtual-time-budget=2000",
	}, append(args, url)...)
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errOut.String())
	}
	return out.String(), errOut.String()
}

// TestTracebackPageInChromium opens the page in a real browser: it renders,
// its script runs under its Content-Security-Policy (the copy buttons,
// hidden until it does, are shown), the policy blocks nothing of the
// page's own, and a script the request reflected does not run. It also
// takes the page's screenshot at 1280 px wide.
func TestTracebackPageInChromium(t *testing.T) {
	bin := chromium(t)
	logger, _ := observed()
	const x = `<script>document.title="XSS"</script>`
	h := devLayer(logger)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("ledger: balance does not add up " + r.URL.Query().Get("q"))
	}))
	srv := httptest.NewServer(h) // 127.0.0.1: a local client asking for a trusted host
	defer srv.Close()
	url := srv.URL + "/account?q=" + strings.ReplaceAll(x, " ", "%20")

	dom, console := runChromium(t, bin, url, "--dump-dom")
	for _, want := range []string{
		"<h1>ledger: balance does not add up &lt;script&gt;",
		`<button type="button" data-copy="wsgo-text">Copy as text</button>`, // shown: the script ran
		`<button type="button" data-copy="wsgo-markdown">Copy as Markdown</button>`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the rendered page lacks %q", want)
		}
	}
	if strings.Contains(dom, "<title>XSS</title>") {
		t.Error("a reflected script ran")
	}
	if strings.Contains(console, "Content Security Policy") {
		t.Errorf("the policy blocked something of the page's own:\n%s", console)
	}

	shot := filepath.Join(t.TempDir(), "page.png")
	runChromium(t, bin, url, "--window-size=1280,2000", "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cfg, err := png.DecodeConfig(f); err != nil || cfg.Width != 1280 {
		t.Fatalf("screenshot: %v %+v", err, cfg)
	}
}
