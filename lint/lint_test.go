package lint

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/mw"
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
		{WriteHeaderTwice, "GET", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200); w.WriteHeader(500) }},
		{InvalidStatus, "GET", func(w http.ResponseWriter, r *http.Request) {
			defer func() { recover() }() // the writer panics, as net/http does
			w.WriteHeader(42)
		}},
		{Informational, "GET", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(100); w.WriteHeader(204) }},
		{HeaderAfterSent, "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "x")
			w.Header().Set("X-Too-Late", "1")
		}},
		{BodyNotAllowed, "GET", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
			io.WriteString(w, "body on 204")
		}},
		{ContentLength, "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Content-Length", "10")
			io.WriteString(w, "short")
		}},
		{NoContentType, "GET", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>") }},
		// wsgiref.validate's check_content_type: "Content-Type header found
		// in a 204 response, which must not return content" (and 304).
		{ContentTypeNoBody, "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNoContent)
		}},
		{ContentTypeNoBody, "POST", func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = []string{""} // present, even empty
			w.WriteHeader(http.StatusNotModified)
		}},
		{WriteAfterReturn, "GET", func(w http.ResponseWriter, r *http.Request) {
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
			h := New(zap.New(core), Strict(func(b string) { mu.Lock(); failures = append(failures, b); mu.Unlock() }))(tt.handler)
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
	h := New(zap.New(core), Strict(func(b string) { t.Errorf("breach: %s", b) }))(http.HandlerFunc(
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

// A 204 or 304 without Content-Type, and a 200 with one, are no breach of
// ContentTypeNoBody.
func TestLintContentTypeNoBodyQuiet(t *testing.T) {
	for _, code := range []int{http.StatusNoContent, http.StatusNotModified} {
		core, logs := observer.New(zapcore.WarnLevel)
		h := New(zap.New(core), Strict(func(b string) { t.Errorf("%d: breach: %s", code, b) }))(http.HandlerFunc(
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

// TestCaptureHeldReported: a layer below Lint that borrows the writer and
// forgets to Release is reported once, with the number of holds it left;
// the writer is fenced all the same when the layer that made it returns.
func TestCaptureHeldReported(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	var kept http.ResponseWriter
	forgetful := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r) // and no Release
			kept = resp.Writer()
			next.ServeHTTP(kept, r)
		})
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	owner := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r)
			defer resp.Release()
			next.ServeHTTP(resp.Writer(), r)
		})
	}
	h := owner(New(zap.New(core))(forgetful(app)))
	for range 2 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/forgot", nil))
	}
	if _, err := kept.Write([]byte("late")); !errors.Is(err, mw.ErrHandlerDone) {
		t.Fatalf("late Write through the forgotten hold: %v, want mw.ErrHandlerDone", err)
	}
	got := logs.FilterField(zap.String("rule", CaptureHeld)).All()
	if len(got) != 1 || got[0].ContextMap()["route"] != "GET /forgot" || got[0].ContextMap()["holds"] != "1" {
		t.Fatalf("entries %v, want one %q for GET /forgot with 1 hold", logs.All(), CaptureHeld)
	}
}

// TestHeaderAfterSentComparesValues: a header whose values change from
// ["a b"] to ["a", "b"] after it went out changed (the old fmt.Sprint
// comparison printed both as "[a b]" and saw none); the same values again
// are no change.
func TestHeaderAfterSentComparesValues(t *testing.T) {
	for _, tt := range []struct {
		name  string
		after []string
		want  int
	}{
		{"split into two values", []string{"a", "b"}, 1},
		{"the same value", []string{"a b"}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.WarnLevel)
			h := New(zap.New(core))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.Header()["X-List"] = []string{"a b"}
				io.WriteString(w, "x")
				w.Header()["X-List"] = tt.after
			}))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
			got := logs.FilterField(zap.String("rule", HeaderAfterSent)).All()
			if len(got) != tt.want {
				t.Fatalf("%d %q entries, want %d: %v", len(got), HeaderAfterSent, tt.want, logs.All())
			}
			if tt.want == 1 && got[0].ContextMap()["header"] != "X-List" {
				t.Fatalf("entry names %v, want X-List", got[0].ContextMap()["header"])
			}
		})
	}
}
