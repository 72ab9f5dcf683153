package logging

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

// waitForDeadline is a handler slower than any timeout: it writes only once
// its context is done, until a write fails (http.TimeoutHandler cancels
// the context a moment before it refuses writes).
var waitForDeadline = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	<-r.Context().Done()
	for range 1_000_000 {
		if _, err := io.WriteString(w, "."); err != nil {
			return
		}
		runtime.Gosched()
	}
})

// giveUp is a handler that stops, writing nothing, when its context is
// done, as chi's Timeout asks of handlers.
var giveUp = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })

// TestTimeoutOutsideTheLog: a timeout layer outside the access layer
// answers the client; the entry says timeout, with the 503 of
// http.TimeoutHandler, and with no status for a context deadline (chi's
// Timeout writes its 504 after the handler returned): never 200 and
// client_gone.
func TestTimeoutOutsideTheLog(t *testing.T) {
	chiLikeTimeout := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), 20*time.Millisecond)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
			if ctx.Err() == context.DeadlineExceeded {
				w.WriteHeader(http.StatusGatewayTimeout)
			}
		})
	}
	for _, tt := range []struct {
		name       string
		wrap       func(http.Handler) http.Handler
		app        http.Handler
		wantStatus int // the client's
		logStatus  any // the entry's, nil for none
	}{
		{"http.TimeoutHandler", func(h http.Handler) http.Handler { return http.TimeoutHandler(h, 20*time.Millisecond, "timed out") }, waitForDeadline, 503, int64(503)},
		{"a context deadline (chi's Timeout)", chiLikeTimeout, giveUp, 504, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			ts := httptest.NewServer(tt.wrap(Access(zap.New(core))(tt.app)))
			defer ts.Close()
			res, err := http.Get(ts.URL)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.wantStatus {
				t.Fatalf("client got %d, want %d", res.StatusCode, tt.wantStatus)
			}
			wsgotest.WaitFor(func() bool { return logs.Len() > 0 }) // TimeoutHandler answers before its handler returns
			e := logs.All()[0]
			status, hasStatus := e.ContextMap()[FieldStatus]
			if tt.logStatus == nil && hasStatus || tt.logStatus != nil && status != tt.logStatus {
				t.Errorf("entry status %v (present %v), want %v", status, hasStatus, tt.logStatus)
			}
			if got := e.ContextMap()[FieldError]; got != "timeout" || e.Level != zapcore.ErrorLevel {
				t.Errorf("entry error.type %v at %v, want timeout at error", got, e.Level)
			}
		})
	}
}

// TestTimeoutInsideTheLog: a timeout layer inside the access layer writes
// its 503 through it, and the entry says 503.
func TestTimeoutInsideTheLog(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	ts := httptest.NewServer(Access(zap.New(core))(http.TimeoutHandler(waitForDeadline, 20*time.Millisecond, "timed out")))
	defer ts.Close()
	res, err := http.Get(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := logs.All()[0].ContextMap()[FieldStatus]; res.StatusCode != 503 || got != int64(503) {
		t.Fatalf("client %d, entry %v; want 503 and 503", res.StatusCode, got)
	}
}

// TestGRPCStatusInTheEntry: an RPC answers HTTP 200 whatever its outcome;
// the entry carries the Grpc-Status trailer and takes its level from it.
func TestGRPCStatusInTheEntry(t *testing.T) {
	for _, tt := range []struct {
		name     string
		trailer  func(h http.Header, code string)
		code     string
		want     int64
		level    zapcore.Level
		hasField bool
	}{
		{"OK, declared trailer", declared, "0", 0, zapcore.InfoLevel, true},
		{"NotFound, declared trailer", declared, "5", 5, zapcore.WarnLevel, true},
		{"Internal, TrailerPrefix", prefixed, "13", 13, zapcore.ErrorLevel, true},
		{"Unavailable, TrailerPrefix", prefixed, "14", 14, zapcore.ErrorLevel, true},
		{"garbage", prefixed, "x", 0, zapcore.InfoLevel, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			rpc := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tt.trailer(w.Header(), tt.code)
			})
			ts := httptest.NewUnstartedServer(Access(zap.New(core))(rpc))
			ts.EnableHTTP2 = true
			ts.StartTLS()
			defer ts.Close()
			req, _ := http.NewRequest("POST", ts.URL+"/pkg.Service/Method", nil)
			req.Header.Set("Content-Type", "application/grpc")
			res, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.ReadAll(res.Body)
			res.Body.Close()
			if res.ProtoMajor != 2 || res.Trailer.Get("Grpc-Status") != tt.code {
				t.Fatalf("HTTP/%d, trailer %q", res.ProtoMajor, res.Trailer.Get("Grpc-Status"))
			}
			e := logs.All()[0]
			got, ok := e.ContextMap()[FieldGRPCStatus]
			if ok != tt.hasField || ok && got != tt.want || e.Level != tt.level {
				t.Fatalf("entry %s=%v (present %v) at %v; want %v at %v", FieldGRPCStatus, got, ok, e.Level, tt.want, tt.level)
			}
		})
	}
}

func declared(h http.Header, code string) {
	h.Set("Trailer", "Grpc-Status")
	h.Set("Content-Type", "application/grpc")
	h.Set("Grpc-Status", code)
}

func prefixed(h http.Header, code string) {
	h.Set("Content-Type", "application/grpc")
	h.Set(http.TrailerPrefix+"Grpc-Status", code)
}
