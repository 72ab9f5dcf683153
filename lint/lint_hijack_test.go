package lint

import (
	"bufio"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// TestLintReportsWriteHeaderAfterHijack: in development, Lint names the
// mistake above, once per route.
func TestLintReportsWriteHeaderAfterHijack(t *testing.T) {
	core, logs := observer.New(zapcore.WarnLevel)
	var mu sync.Mutex
	var breaches []string
	lint := New(zap.New(core), Strict(func(b string) { mu.Lock(); breaches = append(breaches, b); mu.Unlock() }))
	done := make(chan struct{}, 1)
	h := lint(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		c, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
		buf.Flush()
		w.WriteHeader(http.StatusSwitchingProtocols) // too late: the 101 is out
	}))
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.Start()
	defer ts.Close()
	for i := 0; i < 2; i++ {
		upgradeOnce(t, ts.Listener.Addr().String())
		<-done
	}
	var got []string
	for _, e := range logs.All() {
		m := e.ContextMap()
		got = append(got, m["rule"].(string)+" "+m["route"].(string)+" "+m["status"].(string))
	}
	if want := []string{WriteHeaderTwice + " GET /ws 101 from github.com/wsgo/wsgo/lint.TestLintReportsWriteHeaderAfterHijack.func2 (lint_hijack_test.go:39)"}; !slices.Equal(got, want) {
		t.Fatalf("lint entries %q, want %q", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(breaches) != 2 || !strings.HasPrefix(breaches[0], WriteHeaderTwice) {
		t.Fatalf("strict mode saw %q, want the breach on each request", breaches)
	}
}

// upgradeOnce sends a WebSocket upgrade request over a new connection and
// reads the status line of the answer.
func upgradeOnce(t *testing.T, addr string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "HTTP/1.1 101 Switching Protocols\r\n" {
		t.Fatalf("answer %q, %v", line, err)
	}
}
