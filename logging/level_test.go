package logging

import (
	"errors"
	"io"
	stdlog "log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"go.uber.org/zap/zapcore"
)

// TestLevelAtEachBoundary: the default level of an access entry, at the
// statuses where it changes: Info up to 399, Warn from 400 to 499, Error
// from 500. A plain 500 is an Error, as an alert on Error expects.
func TestLevelAtEachBoundary(t *testing.T) {
	for _, tt := range []struct {
		status int
		want   zapcore.Level
	}{
		{200, zapcore.InfoLevel},
		{399, zapcore.InfoLevel},
		{400, zapcore.WarnLevel},
		{499, zapcore.WarnLevel},
		{500, zapcore.ErrorLevel},
		{501, zapcore.ErrorLevel},
		{599, zapcore.ErrorLevel},
	} {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			log, logs := observed()
			h := Access(log)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
			}))
			serveRec(h, httptest.NewRequest("GET", "/", nil))
			if logs.Len() != 1 {
				t.Fatalf("%d entries", logs.Len())
			}
			e := logs.All()[0]
			if e.Level != tt.want || e.ContextMap()[FieldStatus] != int64(tt.status) {
				t.Fatalf("status %v logged at %v, want %d at %v", e.ContextMap()[FieldStatus], e.Level, tt.status, tt.want)
			}
			if got := DefaultLevel(tt.status); got != tt.want {
				t.Fatalf("DefaultLevel(%d) = %v, want %v", tt.status, got, tt.want)
			}
		})
	}
}

// flushFailer is a writer outside the access layer whose FlushError fails:
// the client went away while a stream was being flushed.
type flushFailer struct{ *httptest.ResponseRecorder }

var errBrokenPipe = errors.New("write: broken pipe")

func (f flushFailer) FlushError() error { return errBrokenPipe }

// TestFailedFlushIsClientGone: a stream whose flush fails, and which then
// stops (as a handler that checks the error does), is logged client_gone at
// Warn, not as a plain 200 at Info. The request's context is not cancelled
// here, so the failed flush is the only sign that the client left.
func TestFailedFlushIsClientGone(t *testing.T) {
	log, logs := observed()
	h := Access(log)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "data: 1\n\n")
		if err := http.NewResponseController(w).Flush(); !errors.Is(err, errBrokenPipe) {
			t.Errorf("Flush returned %v, want the writer's error", err)
		}
	}))
	h.ServeHTTP(flushFailer{httptest.NewRecorder()}, httptest.NewRequest("GET", "/events", nil))
	if logs.Len() != 1 {
		t.Fatalf("%d entries", logs.Len())
	}
	e := logs.All()[0]
	m := e.ContextMap()
	if e.Level != zapcore.WarnLevel || m[FieldError] != "client_gone" || m[FieldStatus] != int64(200) {
		t.Fatalf("entry: level %v, error.type %v, status %v; want Warn, client_gone, 200", e.Level, m[FieldError], m[FieldStatus])
	}
}

// TestWriteHeaderAfterUpgradeKeeps101: a WebSocket handler that hijacks,
// writes its own 101, and then calls WriteHeader(200) by mistake. Nothing
// but the 101 went out (net/http ignores the call), so the entry says 101.
func TestWriteHeaderAfterUpgradeKeeps101(t *testing.T) {
	log, logs := observed()
	h := Access(log)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upgrade(w, r)
		w.WriteHeader(http.StatusOK)
	}))
	logged := make(chan struct{})
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(logged) // the entry is written when Access returns
		h.ServeHTTP(w, r)
	}))
	ts.Config.ErrorLog = stdlog.New(io.Discard, "", 0) // "WriteHeader on hijacked connection"
	ts.Start()
	defer ts.Close()
	if line := rawRequest(t, ts.Listener.Addr().String(), upgradeRequest); line != "HTTP/1.1 101 Switching Protocols" {
		t.Fatalf("answer %q", line)
	}
	<-logged
	if logs.Len() != 1 {
		t.Fatalf("%d entries", logs.Len())
	}
	e := logs.All()[0]
	if m := e.ContextMap(); m[FieldStatus] != int64(101) || e.Level != zapcore.InfoLevel || m[FieldError] != nil {
		t.Fatalf("entry: level %v, status %v, error.type %v; want Info, 101 and none", e.Level, m[FieldStatus], m[FieldError])
	}
}
