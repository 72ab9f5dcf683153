package mw

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestLintRules(t *testing.T) {
	// The late write waits until the layer's ServeHTTP has returned: ordered
	// by a channel, not by a sleep that a loaded machine can outlast.
	var late struct {
		sync.WaitGroup
		returned chan struct{} // closed when the request's ServeHTTP returned
	}
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
		// wsgiref.validate's check_content_type: "Content-Type header found
		// in a 204 response, which must not return content" (and 304).
		{LintContentTypeNoBody, "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNoContent)
		}},
		{LintContentTypeNoBody, "POST", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = []string{""} // present, even empty
			w.WriteHeader(http.StatusNotModified)
		}},
		{LintWriteAfterReturn, "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			returned := late.returned
			late.Add(1)
			go func() { // a leaked goroutine
				defer late.Done()
				<-returned
				io.WriteString(w, "late")
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
				late.returned = make(chan struct{})
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tt.method, "/route", nil))
				close(late.returned)
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

// TestFlushEachWrite: the handler writes chunk 1 and, without flushing,
// waits until the client has read it before writing chunk 2. Without the
// layer's flush the client's read runs into its 5-second deadline and the
// test fails then, rather than hanging.
func TestFlushEachWrite(t *testing.T) {
	received := make(chan struct{}, 1) // the client has chunk 1
	h := FlushEachWrite()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "chunk 1\n") // never flushed by the handler
		select {
		case <-received:
		case <-r.Context().Done(): // the client gave up
			return
		}
		io.WriteString(w, "chunk 2\n")
	}))
	modes(t, h, func(t *testing.T, ts *httptest.Server) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL, nil)
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatalf("no response while the handler waits: chunk 1 was not flushed: %v", err)
		}
		defer res.Body.Close()
		br := bufio.NewReader(res.Body)
		line, err := br.ReadString('\n')
		if err != nil || line != "chunk 1\n" {
			t.Fatalf("read %q, %v; want chunk 1: it was not flushed", line, err)
		}
		received <- struct{}{}
		rest, err := io.ReadAll(br)
		if err != nil || string(rest) != "chunk 2\n" {
			t.Fatalf("then read %q, %v; want chunk 2 and the end", rest, err)
		}
	})
}

func TestServerTiming(t *testing.T) {
	h := ServerTiming()(timingMark("auth")(timingMark("app")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond)
		io.WriteString(w, "ok")
	}))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	st := rec.Header().Get("Server-Timing")
	names, durs := parseServerTiming(t, st)
	if !slices.Equal(names, []string{"auth", "app", "total"}) {
		t.Fatalf("Server-Timing %q: metrics %q, want auth, app, total", st, names)
	}
	// Lower bounds only: the app slept 2 ms, and the total holds both
	// layers. A loaded machine makes every figure larger, never smaller.
	if durs[1] < 2 {
		t.Fatalf("the app's 2 ms are missing: %q", st)
	}
	if durs[2] < durs[0]+durs[1] {
		t.Fatalf("the total is less than its parts: %q", st)
	}
	if got := timingName(`a b"c`); got != "a-b-c" {
		t.Fatalf("timingName %q", got)
	}
}

// parseServerTiming splits a Server-Timing header of name;dur=ms entries
// into names and durations in milliseconds, as numbers: compared as
// strings, "app;dur=10.000" would sort before "app;dur=2".
func parseServerTiming(t *testing.T, header string) (names []string, durs []float64) {
	t.Helper()
	for _, entry := range strings.Split(header, ", ") {
		name, dur, ok := strings.Cut(entry, ";dur=")
		ms, err := strconv.ParseFloat(dur, 64)
		if !ok || err != nil || ms < 0 {
			t.Fatalf("Server-Timing %q: entry %q is not name;dur=milliseconds", header, entry)
		}
		names, durs = append(names, name), append(durs, ms)
	}
	return names, durs
}

// A 204 or 304 without Content-Type, and a 200 with one, are no breach of
// LintContentTypeNoBody.
func TestLintContentTypeNoBodyQuiet(t *testing.T) {
	for _, code := range []int{http.StatusNoContent, http.StatusNotModified} {
		core, logs := observer.New(zapcore.WarnLevel)
		h := Lint(zap.New(core), LintStrict(func(b string) { t.Errorf("%d: breach: %s", code, b) }))(http.HandlerFunc(
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("ETag", `"x"`)
				w.WriteHeader(code)
			}))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		if logs.Len() != 0 {
			t.Fatalf("%d: %v", code, logs.All())
		}
	}
}
