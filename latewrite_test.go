package wsgo

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/mw"
)

// TestKeptWriterNeverReachesAnotherRequest is the late-write promise over
// real servers, HTTP/1.1 and HTTP/2, through both presets: 20 requests keep
// their writers past their return; 20 later requests run while the kept
// writers are written to from other goroutines. Every later client gets
// exactly its own body, and every late call returns mw.ErrHandlerDone (or
// does nothing) without panicking.
func TestKeptWriterNeverReachesAnotherRequest(t *testing.T) {
	const n = 20
	for _, preset := range []struct {
		name string
		c    chain.Chain
	}{
		{"production", Production(zap.NewNop())},
		{"development", Development(zap.NewNop())},
	} {
		t.Run(preset.name, func(t *testing.T) {
			var (
				mu     sync.Mutex
				kept   []http.ResponseWriter
				fired  = make(chan struct{}) // closed once the late writes have been made
				reqs   sync.WaitGroup        // later requests that reached their handler
				armed  = make(chan struct{}, n)
				handle = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasPrefix(r.URL.Path, "/keep/") {
						mu.Lock()
						kept = append(kept, w)
						mu.Unlock()
						io.WriteString(w, "A"+r.URL.Path)
						return
					}
					armed <- struct{}{}
					<-fired // the late writes happen while this request is in flight
					io.WriteString(w, "B"+r.URL.Path)
				})
			)
			h := preset.c.Then(handle)
			wsgotest.Modes(t, h, func(t *testing.T, ts *httptest.Server) {
				mu.Lock()
				kept = nil
				mu.Unlock()
				fired = make(chan struct{})
				get := func(path string) string {
					res, err := ts.Client().Get(ts.URL + path)
					if err != nil {
						t.Error(err)
						return ""
					}
					defer res.Body.Close()
					b, _ := io.ReadAll(res.Body)
					return string(b)
				}
				for i := range n {
					if got, want := get(fmt.Sprintf("/keep/%d", i)), fmt.Sprintf("A/keep/%d", i); got != want {
						t.Fatalf("kept request: body %q, want %q", got, want)
					}
				}
				bodies := make([]string, n)
				for i := range n {
					reqs.Add(1)
					go func() {
						defer reqs.Done()
						bodies[i] = get(fmt.Sprintf("/later/%d", i))
					}()
				}
				for range n {
					<-armed
				}
				var late sync.WaitGroup
				errs := make(chan error, 4*n)
				for _, w := range kept {
					late.Add(1)
					go func() {
						defer late.Done()
						defer func() {
							if v := recover(); v != nil {
								errs <- fmt.Errorf("late call panicked: %v", v)
							}
						}()
						w.Header().Set("X-Leak", "yes")
						w.WriteHeader(http.StatusTeapot)
						if _, err := w.Write([]byte("LEAK;")); !errors.Is(err, mw.ErrHandlerDone) {
							errs <- fmt.Errorf("late Write: %v, want mw.ErrHandlerDone", err)
						}
						if _, err := io.WriteString(w, "LEAK;"); !errors.Is(err, mw.ErrHandlerDone) {
							errs <- fmt.Errorf("late WriteString: %v, want mw.ErrHandlerDone", err)
						}
						if err := http.NewResponseController(w).Flush(); err != nil && !errors.Is(err, mw.ErrHandlerDone) {
							errs <- fmt.Errorf("late Flush: %v", err)
						}
					}()
				}
				late.Wait()
				close(fired)
				reqs.Wait()
				close(errs)
				for err := range errs {
					t.Error(err)
				}
				for i, got := range bodies {
					if want := fmt.Sprintf("B/later/%d", i); got != want {
						t.Errorf("later request %d: body %q, want %q", i, got, want)
					}
				}
			})
		})
	}
}
