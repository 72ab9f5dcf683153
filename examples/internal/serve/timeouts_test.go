package serve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
)

// shorten sets the server timeouts for one test and restores them after.
func shorten(t *testing.T, set func()) {
	t.Helper()
	saved := timeouts
	set()
	t.Cleanup(func() { timeouts = saved })
}

// startServe runs Serve on a loopback port until the test ends, and checks
// that it then shuts down cleanly.
func startServe(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- Serve(ctx, ln, func(l net.Listener, s *http.Server) error { return s.Serve(l) }, h, zap.NewNop())
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(ShutdownTimeout + 5*time.Second):
			t.Error("Serve did not return after shutdown")
		}
	})
	return ln.Addr().String()
}

// waitClosed reads from a connection the client leaves alone until the
// server closes it, and says how long that took; it gives up after limit.
func waitClosed(c net.Conn, br *bufio.Reader, limit time.Duration) (time.Duration, error) {
	start := time.Now()
	c.SetReadDeadline(start.Add(limit))
	b, err := br.ReadByte()
	took := time.Since(start)
	var ne net.Error
	switch {
	case err == nil:
		return took, fmt.Errorf("server sent %q instead of closing", b)
	case errors.As(err, &ne) && ne.Timeout():
		return took, fmt.Errorf("still open after %v", limit)
	}
	return took, nil // EOF or reset: the server closed it
}

func TestServerHasTheTimeouts(t *testing.T) {
	srv := Server(http.NotFoundHandler(), zap.NewNop())
	if srv.ReadHeaderTimeout != ReadHeaderTimeout || srv.ReadTimeout != ReadTimeout ||
		srv.WriteTimeout != WriteTimeout || srv.IdleTimeout != IdleTimeout {
		t.Fatalf("timeouts: header %v, read %v, write %v, idle %v", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	if ReadHeaderTimeout != 10*time.Second || ReadTimeout != 30*time.Second || WriteTimeout != 30*time.Second || IdleTimeout != 120*time.Second {
		t.Fatal("the documented timeouts changed")
	}
}

// TestServeClosesIdleKeepAliveConnections opens 200 keep-alive
// connections, makes one request on each and then leaves them idle: the
// server must close every one of them once IdleTimeout has passed, not
// before, and not much after.
func TestServeClosesIdleKeepAliveConnections(t *testing.T) {
	const conns = 200
	const idle = 300 * time.Millisecond
	shorten(t, func() { timeouts.idle = idle })
	addr := startServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))

	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range conns {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			// The server's idle period starts after it answered, so after
			// this moment: the time to the close, counted from here, is at
			// least IdleTimeout however late this goroutine reads.
			sent := time.Now()
			if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
				errs <- fmt.Errorf("connection %d: %v", i, err)
				return
			}
			br := bufio.NewReader(c)
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				errs <- fmt.Errorf("connection %d: %v", i, err)
				return
			}
			body, err := io.ReadAll(res.Body)
			if err != nil || res.StatusCode != 200 || string(body) != "ok" || res.Close {
				errs <- fmt.Errorf("connection %d: %d %q %v, close %v: want 200 ok kept alive", i, res.StatusCode, body, err, res.Close)
				return
			}
			_, err = waitClosed(c, br, 10*time.Second)
			took := time.Since(sent)
			switch {
			case err != nil:
				errs <- fmt.Errorf("connection %d: %v", i, err)
			case took < idle*8/10:
				errs <- fmt.Errorf("connection %d: closed after %v, before IdleTimeout %v", i, took, idle)
			case took > idle+5*time.Second:
				errs <- fmt.Errorf("connection %d: closed after %v, long after IdleTimeout %v", i, took, idle)
			}
		}()
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n++; n <= 5 {
			t.Error(err)
		}
	}
	if n > 0 {
		t.Fatalf("%d of %d idle connections misbehaved", n, conns)
	}
}

// TestServeClosesASlowHeader is Slowloris: a client that starts its
// headers and never finishes them is disconnected after ReadHeaderTimeout.
func TestServeClosesASlowHeader(t *testing.T) {
	const limit = 300 * time.Millisecond
	shorten(t, func() { timeouts.readHeader = limit })
	addr := startServe(t, http.NotFoundHandler())
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: test\r\nX-Slow: a")
	took, err := waitClosed(c, bufio.NewReader(c), 10*time.Second)
	if err != nil || took < limit*8/10 {
		t.Fatalf("closed after %v (%v); want about %v", took, err, limit)
	}
}

// TestExtendWriteDeadline streams longer than WriteTimeout: the server cuts
// the stream that does not extend its deadline, and the one that does
// arrives whole.
func TestExtendWriteDeadline(t *testing.T) {
	const chunks, every = 6, 100 * time.Millisecond
	shorten(t, func() { timeouts.write = 200 * time.Millisecond })
	stream := func(extend bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if extend {
				if err := ExtendWriteDeadline(w, chunks*every); err != nil {
					t.Errorf("ExtendWriteDeadline: %v", err)
				}
			}
			rc := http.NewResponseController(w)
			for i := 1; i <= chunks; i++ {
				fmt.Fprintf(w, "chunk %d\n", i)
				rc.Flush()
				time.Sleep(every)
			}
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/cut", stream(false))
	mux.Handle("/extended", stream(true))
	addr := startServe(t, mux)

	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Get("http://" + addr + "/cut")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err == nil || strings.Contains(string(body), fmt.Sprintf("chunk %d\n", chunks)) {
		t.Fatalf("/cut: %q, %v: want the stream cut by WriteTimeout", body, err)
	}

	res, err = client.Get("http://" + addr + "/extended")
	if err != nil {
		t.Fatal(err)
	}
	body, err = io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 || strings.Count(string(body), "chunk ") != chunks {
		t.Fatalf("/extended: %d %q, %v: want all %d chunks", res.StatusCode, body, err, chunks)
	}
}
