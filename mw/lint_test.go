package mw

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestLintRules(t *testing.T) {
	var late sync.WaitGroup
	tests := []struct {
		rule    string
		method  string
		handler http.HandlerFunc
	}{
		{LintWriteHeaderTwice, "GET", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200); w.WriteHeader(500) }},
		{LintInvalidStatus, "GET", func(w http.ResponseWriter, r *http.Request) {
			defer func() { recover() }() // the writer panics, as net/http does
			w.WriteHeader(42)
		}},
		{LintInformational, "GET", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(100); w.WriteHeader(204) }},
		{LintHeaderAfterSent, "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "x")
			w.Header().Set("X-Too-Late", "1")
		}},
		{LintBodyNotAllowed, "HEAD", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "body on HEAD")
		}},
		{LintBodyNotAllowed, "GET", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
			io.WriteString(w, "body on 204")
		}},
		{LintContentLength, "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", "10")
			io.WriteString(w, "short")
		}},
		{LintNoContentType, "GET", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>") }},
		{LintWriteAfterReturn, "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			late.Add(1)
			go func() {
				defer late.Done()
				time.Sleep(20 * time.Millisecond)
				io.WriteString(w, "late") // a leaked goroutine
			}()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.rule+" "+tt.method, func(t *testing.T) {
			core, logs := observer.New(zapcore.WarnLevel)
			var mu sync.Mutex
			var failures []string
			h := Lint(zap.New(core), LintStrict(func(b string) { mu.Lock(); failures = append(failures, b); mu.Unlock() }))(tt.handler)
			for i := 0; i < 2; i++ { // twice: reported once per route
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, "/route", nil))
			}
			late.Wait()
			var rules []string
			for _, e := range logs.All() {
				if e.Message != lintMessage || e.ContextMap()["route"] != tt.method+" /route" {
					t.Fatalf("entry %q %v", e.Message, e.ContextMap())
				}
				rules = append(rules, e.ContextMap()["rule"].(string))
			}
			count := 0
			for _, r := range rules {
				if r == tt.rule {
					count++
				}
			}
			if count != 1 {
				t.Fatalf("rule %q reported %d times; entries %v", tt.rule, count, rules)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(failures) == 0 || !strings.HasPrefix(failures[0], tt.rule) && !containsPrefix(failures, tt.rule) {
				t.Fatalf("strict mode: %v", failures)
			}
		})
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func TestLintQuietForAGoodHandler(t *testing.T) {
	core, logs := observer.New(zapcore.WarnLevel)
	h := Lint(zap.New(core), LintStrict(func(b string) { t.Errorf("breach: %s", b) }))(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", "5")
			io.WriteString(w, "hello")
		}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if logs.Len() != 0 {
		t.Fatalf("%v", logs.All())
	}
}

func TestFlushEachWrite(t *testing.T) {
	ack := make(chan struct{})
	h := FlushEachWrite()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 3; i++ {
			io.WriteString(w, "chunk\n") // never flushed by the handler
			select {
			case <-ack:
			case <-time.After(5 * time.Second):
				t.Error("the chunk did not reach the client")
				return
			}
		}
	}))
	modes(t, h, func(t *testing.T, ts *httptest.Server) {
		res, err := ts.Client().Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		buf := make([]byte, 6)
		for i := 0; i < 3; i++ {
			if _, err := io.ReadFull(res.Body, buf); err != nil || string(buf) != "chunk\n" {
				t.Fatalf("%q %v", buf, err)
			}
			ack <- struct{}{}
		}
	})
}

func TestServerTiming(t *testing.T) {
	h := ServerTiming()(TimingMark("auth")(TimingMark("app")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond)
		io.WriteString(w, "ok")
	}))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	st := rec.Header().Get("Server-Timing")
	parts := strings.Split(st, ", ")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "auth;dur=") || !strings.HasPrefix(parts[1], "app;dur=") || !strings.HasPrefix(parts[2], "total;dur=") {
		t.Fatalf("Server-Timing %q", st)
	}
	if parts[1] < "app;dur=2" {
		t.Fatalf("the app's 2 ms are missing: %q", st)
	}
	if got := timingName(`a b"c`); got != "a-b-c" {
		t.Fatalf("timingName %q", got)
	}
}
