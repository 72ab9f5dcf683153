package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/apps"
	"github.com/wsgo/wsgo/examples/internal/serve"
)

const apacheBin = "/usr/sbin/apache2"

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startSite serves the site on loopback, over HTTP or FastCGI, until the
// test ends.
func startSite(t *testing.T, cfg Config) string {
	t.Helper()
	h, err := Site(cfg, Logs{Error: zap.NewNop(), Access: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.FastCGI {
		go fcgi.Serve(ln, h)
		t.Cleanup(func() { ln.Close() })
	} else {
		srv := serve.Server(h, zap.NewNop())
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
	}
	return ln.Addr().String()
}

// readableCopy copies the directory dir into a new directory that Apache's
// workers can read wherever the checkout is: run as root, they run as
// www-data, who may not enter a checkout under a private directory (a
// mktemp -d is 0700).
func readableCopy(t *testing.T, dir string) string {
	t.Helper()
	dst, err := os.MkdirTemp("", "wsgo-static-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dst) })
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(dst, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(path, mode)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// startApache runs a real Apache httpd with the configuration file of
// examples/apache, its addresses replaced by the test's, in a ServerRoot
// of its own, on a loopback port chosen now; it returns Apache's address.
func startApache(t *testing.T, confFile string, siteAddr string) string {
	t.Helper()
	if _, err := os.Stat(apacheBin); err != nil {
		if os.Getenv("WSGO_REQUIRE_APACHE") == "1" {
			t.Fatalf("WSGO_REQUIRE_APACHE=1 but %s is missing: %v", apacheBin, err)
		}
		t.Skipf("Apache httpd is not installed (%v): apt-get install apache2, or set WSGO_REQUIRE_APACHE=1 to fail instead", err)
	}
	root := t.TempDir()
	os.Chmod(root, 0o755)
	addr := freePort(t)
	static := readableCopy(t, "static")
	frag, err := os.ReadFile(filepath.Join("..", "apache", confFile))
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer(
		"127.0.0.1:8081", siteAddr, "127.0.0.1:9000", siteAddr,
		"/srv/wsgo/examples/site/static", static, "*:80>", "*:"+addr[strings.LastIndexByte(addr, ':')+1:]+">",
	).Replace(string(frag))
	base := fmt.Sprintf(`ServerRoot %[1]s
ServerName 127.0.0.1
Listen %[2]s
PidFile %[1]s/httpd.pid
ErrorLog %[1]s/error.log
LogLevel warn
DefaultRuntimeDir %[1]s
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
`, root, addr)
	if os.Geteuid() == 0 {
		base += "User www-data\nGroup www-data\n"
	}
	path := filepath.Join(root, "httpd.conf")
	if err := os.WriteFile(path, []byte(base+conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(apacheBin, "-f", path, "-DFOREGROUND")
	out, _ := os.Create(filepath.Join(root, "stdout.log"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			for _, f := range []string{"stdout.log", "error.log"} {
				b, _ := os.ReadFile(filepath.Join(root, f))
				t.Logf("%s:\n%s", f, b)
			}
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(root, "stdout.log"))
			e, _ := os.ReadFile(filepath.Join(root, "error.log"))
			t.Fatalf("Apache did not start: %v\n%s\n%s", err, b, e)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fetch(t *testing.T, url string, hdr map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// checkStream reads /stream through Apache and checks that the chunks came
// spread over time, not in one piece at the end.
func checkStream(t *testing.T, url string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	var at []time.Time
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			break
		}
		if strings.HasPrefix(line, "chunk ") {
			at = append(at, time.Now())
		}
	}
	if len(at) != 10 || at[9].Sub(at[0]) < 9*apps.StreamInterval*8/10 {
		t.Fatalf("%d chunks, first to last %v: not streamed", len(at), at[len(at)-1].Sub(at[0]))
	}
}

func TestThroughApacheHTTP(t *testing.T) {
	apps.StreamInterval = 50 * time.Millisecond
	site := startSite(t, Config{LogFormat: "json", Proxy: environ.ProxyConfig{For: 1, Proto: 1, Host: 1}})

	ap := startApache(t, "rest.conf", site)
	if code, body := fetch(t, "http://"+ap+"/rest/custompath", nil); code != 200 || body != "Hello World!\nPATH_INFO = /custompath\nSCRIPT_NAME = /rest" {
		t.Fatalf("rest.conf: %d %q", code, body)
	}

	ap = startApache(t, "side-by-side.conf", site)
	for path, want := range map[string]string{
		"/myapp?subject=Ann": "<h1>Hello Ann!</h1>",
		"/myapp2/hello/Ann":  "<h1>Hello Ann!</h1>",
		"/rest/custompath":   "PATH_INFO = /custompath\nSCRIPT_NAME = /rest",
		"/static/README.txt": "Alias /static",
	} {
		if code, body := fetch(t, "http://"+ap+path, nil); code != 200 || !strings.Contains(body, want) {
			t.Errorf("side-by-side %s: %d %q", path, code, body)
		}
	}
	// The client cannot spoof its address past Apache: Apache appends the
	// real one, and the site believes one proxy.
	code, body := fetch(t, "http://"+ap+"/env", map[string]string{"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "https"})
	if code != 200 || !strings.Contains(body, "REMOTE_ADDR = 127.0.0.1\nwsgi.url_scheme = http\n") {
		t.Errorf("env: %d %q", code, body)
	}
	if code, body := fetch(t, "http://"+ap+"/panic", nil); code != 500 || !strings.Contains(body, "request ID") {
		t.Errorf("panic: %d %q", code, body)
	}
	checkStream(t, "http://"+ap+"/stream")

	ap = startApache(t, "vhosts.conf", site)
	port := ap[strings.LastIndexByte(ap, ':'):]
	if code, body := fetch(t, "http://"+ap+"/", map[string]string{"Host": "doc.localhost" + port}); code != 200 || !strings.Contains(body, "doc.localhost virtual host") {
		t.Errorf("vhost doc: %d %q", code, body)
	}
	if code, body := fetch(t, "http://"+ap+"/", map[string]string{"Host": "localhost" + port}); code != 200 || !strings.Contains(body, "the WSGI tutorial, in Go") {
		t.Errorf("vhost default: %d %q", code, body)
	}
}

// TestNoTracebackThroughApache is the development preset behind a real
// Apache on this machine: a request that Apache forwarded carries
// X-Forwarded-For, so without a proxy layer that believes it the client is
// not taken for a local one, whatever Host it sends; with one that believes
// it from Apache's address (TrustedPeers) only, a client Apache saw on
// loopback, asking for a trusted host, gets it.
func TestNoTracebackThroughApache(t *testing.T) {
	isTraceback := func(body string) bool { return strings.Contains(body, "panic ·") }
	peers := func(cfg environ.ProxyConfig) environ.ProxyConfig {
		cfg.TrustedPeers = []string{"127.0.0.1/32", "::1/128"}
		return cfg
	}
	for _, tc := range []struct {
		name   string
		proxy  environ.ProxyConfig
		host   string
		header map[string]string
		trace  bool
	}{
		{"no proxy layer, Host localhost", environ.ProxyConfig{}, "localhost", nil, false},
		{"no proxy layer, spoofed X-Forwarded-For", environ.ProxyConfig{}, "localhost", map[string]string{"X-Forwarded-For": "127.0.0.1"}, false},
		{"proxy layer without TrustedPeers, loopback client, Host localhost", environ.ProxyConfig{For: 1}, "localhost", nil, false},
		{"proxy layer, loopback client, Host localhost", peers(environ.ProxyConfig{For: 1}), "localhost", nil, true},
		{"proxy layer, loopback client, Host evil", peers(environ.ProxyConfig{For: 1}), "evil.example", nil, false},
		{"proxy layer, client claims to be remote too", peers(environ.ProxyConfig{For: 2}), "localhost", map[string]string{"X-Forwarded-For": "6.6.6.6"}, false},
		{"proxy layer, client sends X-Client-IP", peers(environ.ProxyConfig{For: 1}), "localhost", map[string]string{"X-Client-IP": "6.6.6.6"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := startSite(t, Config{Debug: true, LogFormat: "json", Proxy: tc.proxy})
			ap := startApache(t, "side-by-side.conf", site)
			h := map[string]string{"Host": tc.host, "Accept": "text/html"}
			for k, v := range tc.header {
				h[k] = v
			}
			code, body := fetch(t, "http://"+ap+"/panic", h)
			if code != 500 || isTraceback(body) != tc.trace {
				t.Fatalf("status %d, traceback shown = %v, want 500 and %v:\n%.300s", code, isTraceback(body), tc.trace, body)
			}
		})
	}
}

func TestThroughApacheFastCGI(t *testing.T) {
	apps.StreamInterval = 50 * time.Millisecond
	site := startSite(t, Config{LogFormat: "json", FastCGI: true})
	ap := startApache(t, "fastcgi.conf", site)
	for path, want := range map[string]string{
		"/rest/custompath":       "Hello World!\nPATH_INFO = /custompath\nSCRIPT_NAME = /rest",
		"/site/rest/custompath":  "Hello World!\nPATH_INFO = /custompath\nSCRIPT_NAME = /site/rest",
		"/site/env":              "REMOTE_ADDR = 127.0.0.1\nwsgi.url_scheme = http\n",
		"/site/myapp2/hello/Ann": "<h1>Hello Ann!</h1>",
	} {
		if code, body := fetch(t, "http://"+ap+path, nil); code != 200 || !strings.Contains(body, want) {
			t.Errorf("fastcgi %s: %d %q", path, code, body)
		}
	}
	if code, _ := fetch(t, "http://"+ap+"/site/panic", nil); code != 500 {
		t.Errorf("fastcgi panic: %d", code)
	}
	// The Host header travels as the HTTP_HOST parameter: the virtual host works.
	if code, body := fetch(t, "http://"+ap+"/rest/x", map[string]string{"Host": "doc.localhost"}); code != 200 || !strings.Contains(body, "doc.localhost virtual host; you asked for /rest/x") {
		t.Errorf("fastcgi vhost: %d %q", code, body)
	}
	checkStream(t, "http://"+ap+"/site/stream")
	// /static redirects inside the mount point, and a bad path stays 404.
	for path, want := range map[string]string{"/site/static": "301 /site/static/", "/site/static/%ff": "404 ", "/site/static/..%2f": "404 "} {
		res, err := noRedirect.Get("http://" + ap + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := fmt.Sprintf("%d %s", res.StatusCode, res.Header.Get("Location")); got != want {
			t.Errorf("fastcgi %s: %q; want %q", path, got, want)
		}
	}
}
