package wsgo

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/mw"
)

// straddleModes runs f against h on a real loopback server in each mode a
// client reaches it: HTTP/1.1 with keep-alive (one connection, reused),
// HTTP/2 over TLS and h2c. The client is the one f must use.
func straddleModes(t *testing.T, h http.Handler, f func(t *testing.T, c *http.Client, url string)) {
	modes := []struct {
		name  string
		start func(ts *httptest.Server) *http.Client
	}{
		{"HTTP/1.1", func(ts *httptest.Server) *http.Client {
			ts.Start()
			return &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, DisableCompression: true}}
		}},
		{"HTTP/2", func(ts *httptest.Server) *http.Client {
			ts.EnableHTTP2 = true
			ts.StartTLS()
			return ts.Client()
		}},
		{"h2c", func(ts *httptest.Server) *http.Client {
			ts.Config.Protocols = new(http.Protocols)
			ts.Config.Protocols.SetUnencryptedHTTP2(true)
			ts.Start()
			tr := &http.Transport{Protocols: new(http.Protocols), TLSClientConfig: &tls.Config{}}
			tr.Protocols.SetUnencryptedHTTP2(true)
			return &http.Client{Transport: tr}
		}},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			ts := httptest.NewUnstartedServer(h)
			ts.Listener.Close()
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ts.Listener = l
			var errs strings.Builder
			var mu sync.Mutex
			ts.Config.ErrorLog = log.New(writerFunc(func(p []byte) (int, error) {
				mu.Lock()
				defer mu.Unlock()
				return errs.Write(p)
			}), "", 0)
			c := m.start(ts)
			f(t, c, ts.URL)
			c.CloseIdleConnections()
			ts.Close()
			mu.Lock()
			defer mu.Unlock()
			if s := errs.String(); strings.Contains(s, "panic") || strings.Contains(s, "after Handler finished") {
				t.Errorf("the server logged:\n%s", s)
			}
		})
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// straddler is an application whose /straddle/ requests leave a goroutine
// writing through the writer in a loop while the handler returns: the bug
// of a forgotten wg.Wait(). Each goroutine stops at the first error, which
// must be mw.ErrHandlerDone once the layer that captured the writer
// returned, and no later than a bound; /clean/ requests answer a body of
// their own.
type straddler struct {
	wg       sync.WaitGroup
	mu       sync.Mutex
	badErrs  []error
	finished int
}

func (s *straddler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/clean/") {
		io.WriteString(w, "CLEAN "+r.URL.Path)
		return
	}
	io.WriteString(w, "S")
	rc := http.NewResponseController(w)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		var err error
		for i := 0; i < 1_000_000 && err == nil; i++ {
			switch i % 3 {
			case 0:
				_, err = w.Write([]byte("LEAK"))
			case 1:
				_, err = io.WriteString(w, "LEAK")
			default:
				err = rc.Flush()
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.finished++
		if !errors.Is(err, mw.ErrHandlerDone) {
			s.badErrs = append(s.badErrs, err)
		}
	}()
}

var straddleBody = regexp.MustCompile(`^S(LEAK)*$`)

// TestStraddlingWriterNeverReachesAnotherResponse is the fence under
// concurrency, through both presets, a hand-written Capture, and a preset
// with a layer inside that captures and forgets to release: requests whose
// handler leaves a goroutine writing as it returns alternate with requests
// that must come back byte-exact, on one keep-alive connection (HTTP/1.1)
// or one connection of streams (HTTP/2, h2c). No response is malformed, no
// clean body carries a leaked byte, the server neither crashes nor logs a
// panic, and every straddling goroutine ends with mw.ErrHandlerDone. Run
// with -race, it also shows the straddling writes ordered before net/http
// finishes the request.
func TestStraddlingWriterNeverReachesAnotherResponse(t *testing.T) {
	forgetful := chain.Named("forgetful", func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r) // and no Release
			next.ServeHTTP(resp.Writer(), r)
		})
	})
	byHand := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := mw.Capture(w, r)
			defer resp.Release()
			next.ServeHTTP(resp.Writer(), r)
		})
	}
	stacks := []struct {
		name string
		wrap func(http.Handler) http.Handler
	}{
		{"production", Production(zap.NewNop()).Then},
		{"development", Development(zap.NewNop()).Then},
		{"capture by hand", byHand},
		{"production, a layer inside forgets Release", Production(zap.NewNop()).Use(forgetful).Then},
	}
	const rounds = 60
	for _, st := range stacks {
		t.Run(st.name, func(t *testing.T) {
			app := &straddler{}
			straddleModes(t, st.wrap(app), func(t *testing.T, c *http.Client, url string) {
				var wg sync.WaitGroup
				for client := range 2 { // two clients at once: streams of one HTTP/2 connection
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range rounds {
							path := fmt.Sprintf("/straddle/%d/%d", client, i)
							if i%2 == 1 {
								path = fmt.Sprintf("/clean/%d/%d", client, i)
							}
							body, err := get(c, url+path)
							if err != nil {
								t.Errorf("GET %s: %v", path, err)
								return
							}
							if strings.HasPrefix(path, "/clean/") && body != "CLEAN "+path {
								t.Errorf("GET %s: body %.60q, want %q", path, body, "CLEAN "+path)
							}
							if strings.HasPrefix(path, "/straddle/") && !straddleBody.MatchString(body) {
								t.Errorf("GET %s: body %.60q, want S and LEAKs", path, body)
							}
						}
					}()
				}
				wg.Wait()
			})
			app.wg.Wait()
			if app.finished != 3*2*rounds/2 {
				t.Errorf("%d straddling goroutines ended, want %d", app.finished, 3*2*rounds/2)
			}
			for _, err := range app.badErrs {
				t.Errorf("a straddling goroutine stopped with %v, want mw.ErrHandlerDone", err)
			}
		})
	}
}

func get(c *http.Client, url string) (string, error) {
	res, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return string(b), err
}
