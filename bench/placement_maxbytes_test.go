package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/logging"
)

// readAll is an application that reads the whole body and answers 413 when
// it is longer than an http.MaxBytesHandler allows.
var readAll = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if _, err := io.ReadAll(r.Body); err != nil {
		if mbe := new(http.MaxBytesError); errors.As(err, &mbe) {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	io.WriteString(w, "read")
})

// TestPlacementMaxBytes sends a 200 KB body to an application behind
// http.MaxBytesHandler(1 KB), over a raw TCP connection, then a second
// request on the same connection. Both orders log the 413 (the application
// writes it through the access layer either way); what differs is the
// connection:
//   - MaxBytesHandler outside the preset: net/http's own writer learns that
//     the limit was hit (through an interface of its own that no wrapper can
//     satisfy) and answers 413 with Connection: close, then closes the
//     connection without reading the rest of the body;
//   - inside the preset, it sees wsgo's writer instead, so the server keeps
//     the connection, reads and discards the rest of the 200 KB, and the
//     next request on it is served.
func TestPlacementMaxBytes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stack  func(log *zap.Logger) http.Handler
		closed bool
	}{
		{"outside", func(log *zap.Logger) http.Handler {
			return http.MaxBytesHandler(wsgo.Production(log).Then(readAll), 1024)
		}, true},
		{"inside", func(log *zap.Logger) http.Handler {
			return wsgo.Production(log).Then(http.MaxBytesHandler(readAll, 1024))
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, logs := observed()
			ts := httptest.NewServer(tc.stack(log))
			defer ts.Close()
			conn, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			// The body is written on its own goroutine: a server that stops
			// reading must not block the test. conn.Close ends it.
			body := strings.Repeat("x", 200<<10)
			wrote := make(chan error, 1)
			go func() {
				_, err := fmt.Fprintf(conn, "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
				wrote <- err
			}()
			br := bufio.NewReader(conn)
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 413 || res.Close != tc.closed {
				t.Fatalf("%d, Connection: close %v, want 413, %v", res.StatusCode, res.Close, tc.closed)
			}

			if tc.closed {
				// The server closed its side: the next read ends.
				if _, err := br.ReadByte(); err == nil {
					t.Fatal("the connection is still open after the 413")
				}
			} else {
				// The whole body was read, and the connection serves on.
				if err := <-wrote; err != nil {
					t.Fatalf("writing the body: %v", err)
				}
				fmt.Fprint(conn, "GET /again HTTP/1.1\r\nHost: test\r\n\r\n")
				res2, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatalf("second request on the same connection: %v", err)
				}
				res2.Body.Close()
				if res2.StatusCode != 200 {
					t.Fatalf("second request: %d", res2.StatusCode)
				}
			}
			conn.Close()

			es := accessEntries(logs)
			if len(es) == 0 || es[0].ContextMap()[logging.FieldStatus] != int64(413) {
				t.Fatalf("access entries: %v, want the first with status 413", es)
			}
		})
	}
}
