package main

import (
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/examples/internal/serve"
)

// TestLoadThroughProductionPreset drives the site, production preset, with
// wrk on loopback (4 connections, 5 seconds: a bounded load that stops by
// itself) and checks that no request failed and that the goroutines and the
// heap come back to where they started.
func TestLoadThroughProductionPreset(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		if os.Getenv("WSGO_REQUIRE_APACHE") == "1" {
			t.Fatal("WSGO_REQUIRE_APACHE=1 but wrk is missing")
		}
		t.Skip("wrk is not installed: apt-get install wrk")
	}
	h, err := Site(Config{LogFormat: "json"}, Logs{Error: zap.NewNop(), Access: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := serve.Server(h, zap.NewNop())
	go srv.Serve(ln)
	defer srv.Close()

	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	startG, startHeap := runtime.NumGoroutine(), heap()
	out, err := exec.Command(wrk, "-t2", "-c4", "-d5s", "http://"+ln.Addr().String()+"/rest/custompath").CombinedOutput()
	if err != nil {
		t.Fatalf("wrk: %v\n%s", err, out)
	}
	report := string(out)
	m := regexp.MustCompile(`(\d+) requests in`).FindStringSubmatch(report)
	if m == nil {
		t.Fatalf("wrk said:\n%s", report)
	}
	if n, _ := strconv.Atoi(m[1]); n < 1000 || strings.Contains(report, "Non-2xx") || strings.Contains(report, "Socket errors") {
		t.Fatalf("failed requests or too few:\n%s", report)
	}
	t.Logf("wrk:\n%s", report)

	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > startG+1 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond) // connections closing after wrk left
	}
	if g := runtime.NumGoroutine(); g > startG+1 {
		t.Errorf("goroutines: %d before, %d after", startG, g)
	}
	if end := heap(); end > startHeap*3/2+4<<20 {
		t.Errorf("heap in use: %d before, %d after", startHeap, end)
	}
}
