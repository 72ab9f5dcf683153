package logging

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/mw"
)

// rawRequest sends a raw HTTP/1.1 request and returns the first line of
// the answer.
func rawRequest(t *testing.T, addr, req string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, req)
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

// upgrade is what gorilla/websocket does with the connection: hijack it and
// write its own 101.
func upgrade(w http.ResponseWriter, r *http.Request) {
	c, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	defer c.Close()
	buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
	buf.Flush()
}

const upgradeRequest = "GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n" +
	"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"

func TestHijackedUpgradeIsLoggedAs101(t *testing.T) {
	log, logs := observed()
	ts := httptest.NewServer(mw.RequestID()(Access(log)(http.HandlerFunc(upgrade))))
	defer ts.Close()
	if line := rawRequest(t, ts.Listener.Addr().String(), upgradeRequest); line != "HTTP/1.1 101 Switching Protocols" {
		t.Fatalf("answer %q", line)
	}
	wsgotest.WaitFor(func() bool { return logs.Len() > 0 })
	e := logs.All()[0]
	m := e.ContextMap()
	if m[FieldStatus] != int64(101) || e.Level != zapcore.InfoLevel || len(m[FieldRequestID].(string)) != 20 || m[FieldError] != nil {
		t.Fatalf("entry: level %v %v", e.Level, m)
	}
}

func TestPanicAfterHijackIsAnError(t *testing.T) {
	log, logs := observed()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upgrade(w, r)
		panic("after the upgrade")
	})
	ts := httptest.NewUnstartedServer(Access(log)(app))
	ts.Config.ErrorLog = stdlog.New(io.Discard, "", 0) // net/http logs the panic
	ts.Start()
	defer ts.Close()
	rawRequest(t, ts.Listener.Addr().String(), upgradeRequest)
	wsgotest.WaitFor(func() bool { return logs.Len() > 0 })
	e := logs.All()[0]
	m := e.ContextMap()
	if e.Level != zapcore.ErrorLevel || m[FieldError] != "panic" || m[FieldStatus] != int64(101) {
		t.Fatalf("entry: level %v %v", e.Level, m)
	}
}

// TestClientGoneIsNotAPlain200 cuts a stream mid-response, over HTTP/1.1 and
// HTTP/2: the entry says client_gone, at Warn.
func TestClientGoneIsNotAPlain200(t *testing.T) {
	log, logs := observed()
	started := make(chan struct{}, 1)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		for i := 0; ; i++ {
			if _, err := fmt.Fprintf(w, "data: %d\n\n", i); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
			if i == 0 {
				started <- struct{}{}
			}
			select {
			case <-r.Context().Done():
				return
			case <-time.After(5 * time.Millisecond):
			}
			if i > 2000 {
				t.Error("the stream was never cut")
				return
			}
		}
	})
	modes(t, Access(log)(app), func(t *testing.T, ts *httptest.Server) {
		before := logs.Len()
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/events", nil)
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		<-started
		res.Body.Read(make([]byte, 8))
		cancel()
		res.Body.Close()
		wsgotest.WaitFor(func() bool { return logs.Len() > before })
		e := logs.All()[logs.Len()-1]
		m := e.ContextMap()
		if e.Level != zapcore.WarnLevel || m[FieldError] != "client_gone" || m[FieldStatus] != int64(200) {
			t.Fatalf("entry: level %v %v", e.Level, m)
		}
	})
}

// TestEntriesCarryNoCallerOrStacktrace uses a logger built as
// zap.NewProduction builds it (caller, stacktrace from Error): a 5xx entry
// must not point into wsgo.
func TestEntriesCarryNoCallerOrStacktrace(t *testing.T) {
	var buf bytes.Buffer
	enc := zap.NewProductionEncoderConfig()
	log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.AddSync(&buf), zapcore.InfoLevel),
		zap.AddCaller(), zap.AddStacktrace(zapcore.ErrorLevel))
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		FromRequest(r).Error("from the handler")
		w.WriteHeader(http.StatusBadGateway)
	})
	serveRec(Access(log)(app), httptest.NewRequest("GET", "/", nil))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %s", len(lines), buf.String())
	}
	var handler, entry map[string]any
	json.Unmarshal([]byte(lines[0]), &handler)
	json.Unmarshal([]byte(lines[1]), &entry)
	if entry["msg"] != FieldMessage || entry[FieldStatus] != float64(502) {
		t.Fatalf("access entry: %v", entry)
	}
	if _, ok := entry["caller"]; ok {
		t.Errorf("the access entry has a caller: %v", entry["caller"])
	}
	if _, ok := entry["stacktrace"]; ok {
		t.Errorf("the access entry has a stacktrace")
	}
	// The handler's own logger keeps the options the application chose.
	if c, _ := handler["caller"].(string); !strings.Contains(c, "outcome_test.go") {
		t.Errorf("the handler's entry lost its caller: %v", handler)
	}
}

func TestLoggersDoNotSample(t *testing.T) {
	var buf bytes.Buffer
	log := JSON(&buf)
	for range 1000 {
		log.Info(FieldMessage)
	}
	if n := strings.Count(buf.String(), "\n"); n != 1000 {
		t.Fatalf("JSON wrote %d of 1000 entries", n)
	}
	buf.Reset()
	log = Console(&buf)
	for range 1000 {
		log.Info(FieldMessage)
	}
	if n := strings.Count(buf.String(), "\n"); n != 1000 {
		t.Fatalf("Console wrote %d of 1000 entries", n)
	}
}
