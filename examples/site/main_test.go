package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startProgram runs the built site with args on a loopback port chosen by
// the system and returns the address it logged; the program gets SIGTERM
// when the test ends, and must then exit 0.
func startProgram(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	re := regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)
	addr := ""
	timeout := time.After(15 * time.Second)
	for addr == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("%v: exited without listening", args)
			}
			if m := re.FindStringSubmatch(line); m != nil {
				addr = m[1]
			}
		case <-timeout:
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("%v: no listening line in 15s", args)
		}
	}
	go func() {
		for range lines { // drain, so the program never blocks on its log
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%v: exit after SIGTERM: %v", args, err)
			}
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			t.Errorf("%v: did not stop on SIGTERM", args)
		}
	})
	return addr
}

// TestProgram runs the real program: its index links doc.localhost to the
// port it listens on, and the proxy flags decide what /env believes.
func TestProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := filepath.Join(t.TempDir(), "site")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	fetch := func(url string, hdr map[string]string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %q", url, res.StatusCode, b)
		}
		return string(b)
	}

	addr := startProgram(t, bin)
	_, port, _ := net.SplitHostPort(addr)
	if body := fetch("http://"+addr+"/", nil); !strings.Contains(body, `<a href="http://doc.localhost:`+port+`/">`) {
		t.Errorf("index on port %s:\n%s", port, body)
	}

	xf := map[string]string{
		"X-Forwarded-For": "6.6.6.6, 203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "example.org",
		"X-Forwarded-Port": "8443", "X-Forwarded-Prefix": "/app",
		"Forwarded": "for=198.51.100.7;proto=https;host=fwd.example",
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "REMOTE_ADDR = 127.0.0.1\nwsgi.url_scheme = http\nSERVER_NAME = 127.0.0.1\nSERVER_PORT = {port}\nSCRIPT_NAME = /env\n"},
		{[]string{"-trusted-proxies", "1"}, "REMOTE_ADDR = 203.0.113.9\nwsgi.url_scheme = https\nSERVER_NAME = example.org\nSERVER_PORT = 443\nSCRIPT_NAME = /env\n"},
		{[]string{"-proxy-for", "2", "-proxy-port", "1", "-proxy-prefix", "1"}, "REMOTE_ADDR = 6.6.6.6\nwsgi.url_scheme = http\nSERVER_NAME = 127.0.0.1\nSERVER_PORT = 8443\nSCRIPT_NAME = /app/env\n"},
		{[]string{"-proxy-headers", "forwarded", "-proxy-for", "1", "-proxy-host", "1"}, "REMOTE_ADDR = 198.51.100.7\nwsgi.url_scheme = http\nSERVER_NAME = fwd.example\nSERVER_PORT = 80\nSCRIPT_NAME = /env\n"},
	} {
		addr := startProgram(t, bin, tt.args...)
		_, itsPort, _ := net.SplitHostPort(addr)
		want := strings.Replace(tt.want, "{port}", itsPort, 1)
		if body := fetch("http://"+addr+"/env", xf); !strings.Contains(body, want) {
			t.Errorf("%v: /env says\n%s\nwant\n%s", tt.args, body, want)
		}
	}

	// A negative count is a bad flag: exit 2 with the reason, before listening.
	for _, args := range [][]string{{"-proxy-for", "-1"}, {"-trusted-proxies", "-1"}, {"-addr", "nonsense"}} {
		var stderr strings.Builder
		cmd := exec.Command(bin, args...)
		cmd.Stderr = &stderr
		err := cmd.Run()
		if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 2 || !strings.Contains(stderr.String(), args[0]) {
			t.Errorf("%v: %v, stderr %q; want exit 2 naming %s", args, err, stderr.String(), args[0])
		}
	}
}

// WSGO_DEBUG=true, read by wsgo.DebugFromEnv, is the default of -debug:
// /panic then shows the traceback to a browser on this machine;
// -debug=false still turns it off.
func TestDebugDefaultsToWSGODebug(t *testing.T) {
	for _, tt := range []struct {
		env       string
		args      []string
		traceback bool
	}{
		{"", nil, false},
		{"true", nil, true},
		{"1", nil, true},
		{"true", []string{"-debug=false"}, false},
	} {
		t.Setenv("WSGO_DEBUG", tt.env)
		var stderr strings.Builder
		_, cfg, err := parseFlags(tt.args, &stderr)
		if err != nil {
			t.Fatalf("WSGO_DEBUG=%q %v: %v %s", tt.env, tt.args, err, stderr.String())
		}
		ts, _, _ := site(t, cfg)
		res, body := get(t, ts, "/panic", map[string]string{"Accept": "text/html", "Host": "localhost"})
		if shown := strings.Contains(body, "ledger: balance does not add up"); res.StatusCode != 500 || shown != tt.traceback {
			t.Errorf("WSGO_DEBUG=%q %v: %d, traceback shown = %v, want 500 and %v", tt.env, tt.args, res.StatusCode, shown, tt.traceback)
		}
	}
}
