package main

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestHello(t *testing.T) {
	ts := httptest.NewServer(Handler())
	defer ts.Close()
	tests := []struct{ path, want, absent string }{
		{"/", "<h1>Hello World!</h1>", ""},
		{"/any/path?x=1", "<h1>Hello World!</h1>", ""},
		{"/?subject=Ann", "<h1>Hello Ann!</h1>", ""},
		{"/?subject=Ann&subject=Bob", "<h1>Hello Ann!</h1>", ""},
		{"/?subject=%3Cb%3E", "<h1>Hello &lt;b&gt;!</h1>", "<b>"},
		{"/?subject=%22%3E%3Cimg%20src=x%3E", "Hello &#34;&gt;&lt;img src=x&gt;!", "<img"},
		{"/?subject=", "<h1>Hello !</h1>", ""},
		{"/?subject=%zz", "<h1>Hello World!</h1>", ""}, // malformed query: ignored, as parse_qs does
	}
	for _, tt := range tests {
		res, err := http.Get(ts.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("%s: %d %s", tt.path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(string(b), tt.want) || (tt.absent != "" && strings.Contains(string(b), tt.absent)) {
			t.Errorf("%s: body %q, want %q without %q", tt.path, b, tt.want, tt.absent)
		}
		if len(res.Header.Get("X-Request-Id")) != 20 {
			t.Errorf("%s: no request ID", tt.path)
		}
	}
}

// TestMainListensAndStopsOnSignal runs the real program: it must log its
// address, serve, and exit 0 on SIGINT and on SIGTERM.
func TestMainListensAndStopsOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := filepath.Join(t.TempDir(), "hello")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// A bad -addr is a bad flag: exit 2 with the reason, before listening.
	for _, addr := range []string{"nonsense", "1.2.3.4:99999"} {
		var stderr strings.Builder
		cmd := exec.Command(bin, "-addr", addr)
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(stderr.String(), `invalid value "`+addr+`" for flag -addr`) {
			t.Fatalf("-addr %s: %v, stderr %q; want exit 2 and the reason", addr, err, stderr.String())
		}
	}
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.Command(bin, "-addr", "127.0.0.1:0")
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stderr)
		addr := ""
		re := regexp.MustCompile(`"addr": "([^"]+)"`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr = m[1]
				break
			}
		}
		if addr == "" {
			cmd.Process.Kill()
			t.Fatal("no listening line in the log")
		}
		res, err := http.Get("http://" + addr + "/?subject=Ann")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), "Hello Ann!") {
			t.Fatalf("body %q", b)
		}
		cmd.Process.Signal(sig)
		var rest strings.Builder
		for sc.Scan() {
			rest.WriteString(sc.Text() + "\n")
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%v: exit %v", sig, err)
			}
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: did not stop", sig)
		}
		if !strings.Contains(rest.String(), "stopped") {
			t.Fatalf("%v: no 'stopped' line: %s", sig, rest.String())
		}
	}
}
