package main

import (
	"bufio"
	"io"
	"net"
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

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// tracebackText is what only the traceback page shows: the error at the bottom
// of apps.Boom's chain.
const tracebackText = "ledger: balance does not add up"

func get(t *testing.T, url, accept string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", accept)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// / itself panics, as the README says: a safe 500 in production, the
// traceback with debug; the page and the log share the request ID, and the
// api_key of the query is on neither page.
func TestPanicExample(t *testing.T) {
	for _, debug := range []bool{false, true} {
		core, logs := observer.New(zapcore.ErrorLevel)
		ts := httptest.NewServer(Handler(zap.New(core), debug))
		res, body := get(t, ts.URL+"/?account=42&api_key=s3cr3t", "text/html")
		id := res.Header.Get("X-Request-Id")
		if res.StatusCode != 500 || !strings.Contains(body, id) {
			t.Fatalf("debug=%v: %d %q", debug, res.StatusCode, body)
		}
		if got := strings.Contains(body, tracebackText); got != debug {
			t.Fatalf("debug=%v: traceback shown = %v", debug, got)
		}
		if strings.Contains(body, "s3cr3t") {
			t.Fatal("the api_key is on the page")
		}
		var panics int
		for _, e := range logs.All() {
			if e.Message == "panic recovered" {
				panics++
				if e.ContextMap()["http.request.id"] != id {
					t.Fatalf("log and page disagree on the ID")
				}
			}
		}
		if panics != 1 {
			t.Fatalf("%d panic entries", panics)
		}
		// A browser's other requests (favicon.ico) do not panic.
		if res, _ := get(t, ts.URL+"/favicon.ico", "*/*"); res.StatusCode != 404 {
			t.Fatalf("debug=%v: /favicon.ico %d, want 404", debug, res.StatusCode)
		}
		ts.Close()
	}
}

// The start-up line gives the URL the README says to open for the default
// -addr, and the port chosen for port 0.
func TestPageURL(t *testing.T) {
	bound := func(ip string, port int) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: port} }
	for _, tt := range []struct {
		addr  string
		bound net.Addr
		want  string
	}{
		{"localhost:8081", bound("127.0.0.1", 8081), "http://localhost:8081/"},
		{"127.0.0.1:0", bound("127.0.0.1", 40123), "http://127.0.0.1:40123/"},
		{":8081", bound("::", 8081), "http://localhost:8081/"},
		{"0.0.0.0:8081", bound("0.0.0.0", 8081), "http://localhost:8081/"},
		{"[::1]:8081", bound("::1", 8081), "http://[::1]:8081/"},
	} {
		if got := pageURL(tt.addr, tt.bound); got != tt.want {
			t.Errorf("pageURL(%q, %v) = %q, want %q", tt.addr, tt.bound, got, tt.want)
		}
	}
}

// buildProgram builds the example once for the tests that run it.
func buildProgram(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := filepath.Join(t.TempDir(), "panic")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startProgram runs bin with args and WSGO_DEBUG set to env ("" for unset)
// and returns the URL its start-up line says to open and the lines logged
// up to it. The program gets SIGTERM when the test ends.
func startProgram(t *testing.T, bin, env string, args ...string) (url string, startup []string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WSGO_DEBUG=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if env != "" {
		cmd.Env = append(cmd.Env, "WSGO_DEBUG="+env)
	}
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	re := regexp.MustCompile(`open this URL.*"url": ?"([^"]+)"`) // console or JSON
	timeout := time.After(15 * time.Second)
	for url == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("WSGO_DEBUG=%q %v: exited before saying which URL to open; logged %q", env, args, startup)
			}
			startup = append(startup, line)
			if m := re.FindStringSubmatch(line); m != nil {
				url = m[1]
			}
		case <-timeout:
			t.Fatalf("WSGO_DEBUG=%q %v: no URL to open logged in 15s; logged %q", env, args, startup)
		}
	}
	go func() {
		for range lines { // drain, so the program never blocks on its log
		}
	}()
	return url, startup
}

// The README's steps, run literally: start the program with -debug (or
// WSGO_DEBUG=true), open the URL its log gives, see the traceback; without
// either, or with -debug=false, the safe 500.
// The start-up log is a line per entry: the warning that tracebacks are on
// carries no stack of the logger.
func TestProgramShowsTheTracebackAtTheURLItLogs(t *testing.T) {
	bin := buildProgram(t)
	for _, tt := range []struct {
		env       string // WSGO_DEBUG, "" for unset
		args      []string
		traceback bool
	}{
		{"", []string{"-debug"}, true},
		{"", nil, false},
		// WSGO_DEBUG is the default of -debug, as wsgo.DebugFromEnv reads it.
		{"true", nil, true},
		{"1", nil, true},
		{"0", nil, false},
		{"true", []string{"-debug=false"}, false},
	} {
		url, startup := startProgram(t, bin, tt.env, append([]string{"-addr", "127.0.0.1:0"}, tt.args...)...)
		if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/") {
			t.Fatalf("WSGO_DEBUG=%q %v: URL to open %q", tt.env, tt.args, url)
		}
		res, body := get(t, url, "text/html")
		if shown := strings.Contains(body, tracebackText); res.StatusCode != 500 || shown != tt.traceback {
			t.Fatalf("WSGO_DEBUG=%q %v: %s: %d, traceback shown = %v, want 500 and %v", tt.env, tt.args, url, res.StatusCode, shown, tt.traceback)
		}
		for _, line := range startup {
			if strings.HasPrefix(line, "\t") || strings.Contains(line, "runtime.main") || strings.HasPrefix(line, "github.com/") {
				t.Fatalf("WSGO_DEBUG=%q %v: a stack trace in the start-up log:\n%s", tt.env, tt.args, strings.Join(startup, "\n"))
			}
		}
		if warned := strings.Contains(strings.Join(startup, "\n"), "traceback pages are on"); warned != tt.traceback {
			t.Fatalf("WSGO_DEBUG=%q %v: warning that tracebacks are on = %v:\n%s", tt.env, tt.args, warned, strings.Join(startup, "\n"))
		}
	}
}
