// Package wsgotest holds what wsgo's tests and benchmarks share: one
// in-memory ResponseWriter, one realistic request, a benchmark loop, and a
// runner that serves a handler over HTTP/1.1 and HTTP/2.
package wsgotest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Writer is a reusable in-memory ResponseWriter that discards the body. It
// has the optional interfaces of httptest.ResponseRecorder (Flush and
// WriteString) and no others, the same for every benchmark.
type Writer struct {
	H    http.Header
	Code int
}

// NewWriter returns a Writer with an empty header.
func NewWriter() *Writer { return &Writer{H: http.Header{}} }

// Header returns the header map.
func (w *Writer) Header() http.Header { return w.H }

// WriteHeader records the status.
func (w *Writer) WriteHeader(code int) { w.Code = code }

// Write discards p.
func (w *Writer) Write(p []byte) (int, error) { return len(p), nil }

// WriteString discards s.
func (w *Writer) WriteString(s string) (int, error) { return len(s), nil }

// Flush does nothing.
func (w *Writer) Flush() {}

// Hello is the 13-byte answer of the bare handler.
var Hello = []byte("Hello World!\n")

// App is the bare handler: a 13-byte 200 answer.
var App = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(Hello) })

// Request returns the benchmarks' request: a GET with a query and the
// headers a browser sends.
func Request() *http.Request {
	r := httptest.NewRequest("GET", "http://localhost:8081/myapp2/hello/Ann?subject=Ann", nil)
	r.RemoteAddr = "127.0.0.1:54321"
	r.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36")
	r.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	r.Header.Set("Referer", "http://localhost:8081/")
	return r
}

// Serve benchmarks h on Request and a Writer whose header is cleared before
// each request, reporting allocations.
func Serve(b *testing.B, h http.Handler) {
	b.ReportAllocs()
	w, r := NewWriter(), Request()
	for b.Loop() {
		clear(w.H)
		h.ServeHTTP(w, r)
	}
}

// Modes runs f against h served by a real TLS server, once over HTTP/1.1
// and once over HTTP/2, as net/http's own tests run in every mode. The
// server is closed when f returns.
func Modes(t *testing.T, h http.Handler, f func(t *testing.T, ts *httptest.Server)) {
	for _, h2 := range []bool{false, true} {
		name := "HTTP/1.1"
		if h2 {
			name = "HTTP/2"
		}
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewUnstartedServer(h)
			ts.EnableHTTP2 = h2
			ts.StartTLS()
			defer ts.Close()
			f(t, ts)
		})
	}
}

// RawGet sends "GET / HTTP/1.1" over a new TCP connection to addr and
// returns the response and its body, for handlers that hijack the
// connection and write the response themselves.
func RawGet(t testing.TB, addr string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	if err := c.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	return res, b
}

// WaitFor polls ok for up to 5 seconds: what a server logs after the
// handler returned arrives a little after the client has its answer.
func WaitFor(ok func() bool) {
	deadline := time.Now().Add(5 * time.Second)
	for !ok() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
}

// SyncBuffer is a bytes.Buffer that a server's goroutines and a test can
// use at once: a log's writer, read by the test.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Gzip is a compressor as gzhttp or chi's Compress is for a client that
// accepts gzip: it sets Content-Encoding: gzip and Vary: Accept-Encoding,
// and compresses whatever is written inside it.
func Gzip(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Add("Vary", "Accept-Encoding")
		zw := gzip.NewWriter(w)
		defer func() { _ = zw.Close() }() // a failed close shows as a body the test cannot decode
		next.ServeHTTP(gzipWriter{w, zw}, r)
	})
}

type gzipWriter struct {
	http.ResponseWriter
	zw *gzip.Writer
}

func (g gzipWriter) Write(p []byte) (int, error) { return g.zw.Write(p) }

// RealIP does what chi's middleware.RealIP does: it sets r.RemoteAddr, in
// place and without a port, from True-Client-IP, X-Real-IP or the first
// entry of X-Forwarded-For.
func RealIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ip string
		if tcip := r.Header.Get("True-Client-IP"); tcip != "" {
			ip = tcip
		} else if xrip := r.Header.Get("X-Real-IP"); xrip != "" {
			ip = xrip
		} else if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			ip, _, _ = strings.Cut(xff, ",")
			ip = strings.TrimSpace(ip)
		}
		if net.ParseIP(ip) != nil {
			r.RemoteAddr = ip
		}
		next.ServeHTTP(w, r)
	})
}

// DropForwarded deletes every X-Forwarded-* header in place.
func DropForwarded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k := range r.Header {
			if strings.HasPrefix(k, "X-Forwarded-") {
				delete(r.Header, k)
			}
		}
		next.ServeHTTP(w, r)
	})
}
