package environ_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
)

// The Environ of Middleware is made on first read. Goroutines of one
// handler that read it first at the same moment must all get the one
// Environ, the one the handler and the layers around it see: a custom key
// set through one of them is seen through the others (run with -race).
func TestEnvironMadeOnceWhenFirstReadConcurrently(t *testing.T) {
	for _, outer := range []struct {
		name string
		wrap func(http.Handler) http.Handler
	}{
		{"environ alone", func(h http.Handler) http.Handler { return h }},
		{"inside a request-ID layer", mw.RequestID()},
	} {
		t.Run(outer.name, func(t *testing.T) {
			const readers = 8
			var got [readers]*environ.Environ
			h := outer.wrap(environ.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i := range readers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						got[i] = environ.From(r)
					}()
				}
				close(start)
				wg.Wait()
				if err := got[0].Set("myapp.user", "ann"); err != nil {
					t.Error(err)
				}
				v, _ := environ.From(r).Get("myapp.user")
				_, _ = w.Write([]byte(v.(string)))
			})))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			for i, e := range got {
				if e != got[0] {
					t.Fatalf("reader %d got another Environ than reader 0: first reads made two", i)
				}
			}
			if rec.Body.String() != "ann" {
				t.Errorf("body %q: the key set on the Environ one goroutine made is not on the handler's", rec.Body.String())
			}
		})
	}
}

// An Environ nobody read is not made, but the access log outside still
// logs the SCRIPT_NAME it would have: here what an http.StripPrefix
// between them stripped.
func TestAccessLogsScriptNameOfAnEnvironNeverRead(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	h := logging.Access(zap.New(core))(http.StripPrefix("/rest", environ.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/rest/users/7", nil))
	entries := logs.All()
	if len(entries) != 1 {
		t.Fatalf("%d entries", len(entries))
	}
	if got := entries[0].ContextMap()[logging.FieldScriptName]; got != "/rest" {
		t.Errorf("url.script_name = %v, want /rest", got)
	}
}

// Two Middlewares in a chain share one Environ, whether the outer one's was
// read before the inner one ran or not.
func TestTwoMiddlewaresShareTheEnvironMadeLate(t *testing.T) {
	var outerSaw, innerSaw *environ.Environ
	inner := environ.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		innerSaw = environ.From(r)
	}))
	h := environ.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner.ServeHTTP(w, r)
		outerSaw = environ.From(r)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if outerSaw == nil || outerSaw != innerSaw {
		t.Errorf("outer layer's Environ %p, inner's %p: want one", outerSaw, innerSaw)
	}
}

// A user's layer inside Middleware that copies the request with a context
// of its own still reaches the one Environ, made on first read: a key the
// handler sets on it is seen by the layer outside the copy.
func TestEnvironMadeLateThroughARequestCopy(t *testing.T) {
	type userKey struct{}
	var outer *environ.Environ
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := environ.From(r).Set("myapp.user", "ann"); err != nil {
			t.Error(err)
		}
	})
	copying := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, "x")))
		})
	}
	h := environ.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		copying(app).ServeHTTP(w, r)
		outer = environ.From(r)
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if v, _ := outer.Get("myapp.user"); v != "ann" {
		t.Errorf("myapp.user = %v outside the copy: the copy made an Environ of its own", v)
	}
}
