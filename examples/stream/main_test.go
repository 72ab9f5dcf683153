package main

import (
	"bufio"
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

	"github.com/wsgo/wsgo"

	"go.uber.org/zap"
)

func TestStreamExample(t *testing.T) {
	Ticks, Interval = 3, 40*time.Millisecond
	for _, debug := range []bool{false, true} {
		ts := httptest.NewServer(Handler(debug, zap.NewNop()))
		res, err := http.Get(ts.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), `new EventSource("events")`) {
			t.Fatalf("index: %q", b)
		}
		for _, path := range []string{"/events", "/chunks"} {
			res, err := http.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(res.Body)
			var at []time.Time
			var lines []string
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					break
				}
				if strings.TrimSpace(line) != "" {
					lines = append(lines, strings.TrimSpace(line))
					at = append(at, time.Now())
				}
			}
			res.Body.Close()
			if len(lines) < 3 {
				t.Fatalf("%s: %v", path, lines)
			}
			// The first and third chunks are two intervals apart: they came as
			// they were yielded, not all at the end.
			if d := at[2].Sub(at[0]); d < 60*time.Millisecond {
				t.Fatalf("%s debug=%v: chunks arrived together (%v apart)", path, debug, d)
			}
			if path == "/events" && (res.Header.Get("Content-Type") != "text/event-stream" || !strings.HasPrefix(lines[0], "data: tick 1 of 3")) {
				t.Fatalf("events: %s %v", res.Header.Get("Content-Type"), lines)
			}
			if path == "/chunks" && lines[0] != "chunk 1 of 3" {
				t.Fatalf("chunks: %v", lines)
			}
		}
		ts.Close()
	}
}

// TestStreamsOutliveWriteTimeout serves the example with a WriteTimeout
// shorter than its streams: both streams still arrive whole, because they
// extend their own write deadline, while the same stream served without
// that is cut.
func TestStreamsOutliveWriteTimeout(t *testing.T) {
	Ticks, Interval = 3, 80*time.Millisecond
	serveWith := func(h http.Handler) *httptest.Server {
		ts := httptest.NewUnstartedServer(h)
		ts.Config.WriteTimeout = 100 * time.Millisecond
		ts.Start()
		t.Cleanup(ts.Close)
		return ts
	}
	for _, debug := range []bool{false, true} {
		ts := serveWith(Handler(debug, zap.NewNop()))
		for path, last := range map[string]string{"/events": "data: bye\n\n", "/chunks": "chunk 3 of 3\n"} {
			res, err := ts.Client().Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 || !strings.HasSuffix(string(b), last) {
				t.Errorf("%s debug=%v: %d %q, %v: want it whole, ending %q", path, debug, res.StatusCode, b, err, last)
			}
		}
	}
	ts := serveWith(wsgo.Preset(false, zap.NewNop()).Then(Chunks))
	res, err := ts.Client().Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err == nil || strings.Contains(string(b), "chunk 3 of 3") {
		t.Fatalf("without its deadline extended: %q, %v; want the stream cut", b, err)
	}
}

// WSGO_DEBUG=true, read by wsgo.DebugFromEnv, is the default of -debug: the
// program runs the development preset, whose responses carry a
// Server-Timing header; unset, or with -debug=false, production's do not.
func TestProgramDebugDefaultsToWSGODebug(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	bin := filepath.Join(t.TempDir(), "stream")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	re := regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"|\tlistening\t\{"addr": "([^"]+)"`) // JSON or console
	for _, tt := range []struct {
		env   string
		args  []string
		debug bool
	}{
		{"", nil, false},
		{"true", nil, true},
		{"1", nil, true},
		{"true", []string{"-debug=false"}, false},
	} {
		cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, tt.args...)...)
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "WSGO_DEBUG=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		if tt.env != "" {
			cmd.Env = append(cmd.Env, "WSGO_DEBUG="+tt.env)
		}
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stderr)
		addr := ""
		for addr == "" && sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr = m[1] + m[2]
			}
		}
		drained := make(chan struct{})
		go func() { // so the program never blocks on its log
			io.Copy(io.Discard, stderr)
			close(drained)
		}()
		stop := func(sig os.Signal) {
			cmd.Process.Signal(sig)
			<-drained // every read done before Wait closes the pipe
			cmd.Wait()
		}
		if addr == "" {
			stop(os.Kill)
			t.Fatalf("WSGO_DEBUG=%q %v: no listening line", tt.env, tt.args)
		}
		res, err := http.Get("http://" + addr + "/")
		if err != nil {
			stop(os.Kill)
			t.Fatal(err)
		}
		res.Body.Close()
		stop(syscall.SIGTERM)
		if timed := res.Header.Get("Server-Timing") != ""; res.StatusCode != 200 || timed != tt.debug {
			t.Errorf("WSGO_DEBUG=%q %v: %d, Server-Timing %q; want 200 and the development preset = %v",
				tt.env, tt.args, res.StatusCode, res.Header.Get("Server-Timing"), tt.debug)
		}
	}
}
