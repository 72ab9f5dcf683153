package serve

import (
	"context"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func TestServeFinishesRequestsInFlight(t *testing.T) {
	started := make(chan struct{})
	shuttingDown := make(chan struct{}) // closed when the server's Shutdown began
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select { // finish only once the shutdown has begun: in flight, by construction
		case <-shuttingDown:
		case <-time.After(10 * time.Second):
			t.Error("no shutdown began while the request was in flight")
		}
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.InfoLevel)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, ln, func(l net.Listener, s *http.Server) error {
			s.RegisterOnShutdown(func() { close(shuttingDown) })
			return s.Serve(l)
		}, h, zap.New(core))
	}()
	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- string(b)
	}()
	<-started
	cancel() // as SIGINT would
	if b := <-got; b != "finished" {
		t.Fatalf("request in flight got %q", b)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range logs.All() {
		msgs = append(msgs, e.Message)
	}
	if len(msgs) != 3 || msgs[0] != "listening" || msgs[1] != "shutting down" || msgs[2] != "stopped" {
		t.Fatalf("log: %v", msgs)
	}
	if logs.All()[0].ContextMap()["addr"] != ln.Addr().String() {
		t.Fatalf("listening line: %v", logs.All()[0].ContextMap())
	}
}

func TestRunReportsABadAddress(t *testing.T) {
	if err := Run(context.Background(), "127.0.0.1:99999", http.NotFoundHandler(), zap.NewNop()); err == nil {
		t.Fatal("want an error for a bad port")
	}
}

func TestAddrFlagRejectsABadAddress(t *testing.T) {
	for addr, want := range map[string]string{
		"nonsense":        `invalid value "nonsense" for flag -addr: want host:port: address nonsense: missing port in address`,
		"1.2.3.4:99999":   `invalid value "1.2.3.4:99999" for flag -addr: port "99999": want 0 to 65535 or a service name`,
		"localhost:-1":    `invalid value "localhost:-1" for flag -addr: port "-1": want 0 to 65535 or a service name`,
		"127.0.0.1:0":     "",
		"localhost:8081":  "",
		"[::1]:8081":      "",
		":8081":           "",
		"example.org:443": "",
	} {
		fs := flag.NewFlagSet("example", flag.ContinueOnError)
		var stderr strings.Builder
		fs.SetOutput(&stderr)
		got := AddrFlag(fs)
		err := fs.Parse([]string{"-addr", addr})
		switch {
		case want == "" && (err != nil || *got != addr):
			t.Errorf("-addr %s: %v, %q", addr, err, *got)
		case want != "" && (err == nil || err.Error() != want || !strings.Contains(stderr.String(), want) || *got != DefaultAddr):
			t.Errorf("-addr %s: %v, stderr %q, addr %q; want %q", addr, err, stderr.String(), *got, want)
		}
	}
	fs := flag.NewFlagSet("example", flag.ContinueOnError)
	var usage strings.Builder
	fs.SetOutput(&usage)
	AddrFlag(fs)
	fs.PrintDefaults()
	if !strings.Contains(usage.String(), "(default localhost:8081)") {
		t.Errorf("usage: %q", usage.String())
	}
}

// stderrOf runs f with os.Stderr redirected to a file and returns what f
// wrote there.
func stderrOf(t *testing.T, f func()) string {
	t.Helper()
	tmp, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = tmp
	defer func() { os.Stderr = saved }()
	f()
	b, err := os.ReadFile(tmp.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A Warn line of the start-up logger is one line: no stack trace of the
// logging call under it, as zap.NewDevelopment adds to every Warn (and
// zap.NewProduction to every Error).
func TestLoggerWritesNoStacktrace(t *testing.T) {
	for _, json := range []bool{false, true} {
		out := stderrOf(t, func() {
			log := Logger(json)
			log.Warn("traceback pages are on", zap.String("k", "v"))
			log.Error("it failed", zap.String("k", "v"))
			log.Sync()
		})
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], "traceback pages are on") || !strings.Contains(lines[1], "it failed") {
			t.Fatalf("json=%v: want the Warn and the Error line and nothing else, got:\n%s", json, out)
		}
		for _, bad := range []string{"stacktrace", "serve_test.go", "testing.tRunner", "runtime."} {
			if strings.Contains(out, bad) {
				t.Fatalf("json=%v: %q in the log:\n%s", json, bad, out)
			}
		}
		level := "WARN"
		if json {
			level = `"level":"warn"`
		}
		if !strings.Contains(lines[0], level) {
			t.Fatalf("json=%v: no %s in %q", json, level, lines[0])
		}
	}
}
