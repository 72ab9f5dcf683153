package environ

import (
	"bufio"
	"context"
	"errors"
	"html"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsgo/wsgo/internal/state"
)

// The tutorial's hello_world, almost line for line.
var helloWorld App = func(environ *Environ, startResponse StartResponse) iter.Seq[[]byte] {
	subject := "World"
	if s := environ.Query("subject"); s != "" {
		subject = html.EscapeString(s)
	}
	startResponse("200 OK", [][2]string{{"Content-Type", "text/html"}})
	return Chunks([]byte("Hello " + subject + "!\n"))
}

func TestAppHelloWorld(t *testing.T) {
	rec := serveRecorder(helloWorld, "/?subject=%3CAnn%3E")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/html" || rec.Body.String() != "Hello &lt;Ann&gt;!\n" {
		t.Fatalf("%d %v %q", rec.Code, rec.Header(), rec.Body.String())
	}
}

func serveRecorder(h http.Handler, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec
}

func TestStartRules(t *testing.T) {
	var errs []error
	app := App(func(e *Environ, start StartResponse) iter.Seq[[]byte] {
		return func(yield func([]byte) bool) {
			errs = append(errs,
				start("200OK", nil),
				start("2000 OK", nil),
				start("abc OK", nil),
				start("100 Continue", nil),
				start("200 O\nK", nil),
				start("200 OK", [][2]string{{"Bad Name", "x"}}),
				start("200 OK", [][2]string{{"X-A", "a\r\nSet-Cookie: evil"}}),
				start("200 OK", [][2]string{{"Transfer-Encoding", "chunked"}}),
				start("200 OK", [][2]string{{"Content-Type", "text/plain"}}),
				start("500 Oops", [][2]string{{"Content-Type", "text/plain"}}), // allowed: nothing sent yet
			)
			if !yield([]byte("error page")) {
				return
			}
			errs = append(errs, start("200 OK", nil)) // too late
		}
	})
	rec := serveRecorder(app, "/")
	wants := []error{ErrBadStatus, ErrBadStatus, ErrBadStatus, ErrBadStatus, ErrBadStatus, ErrBadHeader, ErrBadHeader, ErrBadHeader, nil, nil, ErrStarted}
	for i, want := range wants {
		if !errors.Is(errs[i], want) || (want == nil) != (errs[i] == nil) {
			t.Errorf("start %d: %v, want %v", i, errs[i], want)
		}
	}
	if msg := errs[0].Error(); msg != `environ: start: malformed status "200OK": no three-digit code and space, want a line such as "200 OK"` {
		t.Errorf("message: %s", msg)
	}
	if rec.Code != 500 || rec.Body.String() != "error page" || rec.Header().Get("X-A") != "" {
		t.Fatalf("%d %q %v", rec.Code, rec.Body.String(), rec.Header())
	}
}

func TestChunkBeforeStartPanics(t *testing.T) {
	app := App(func(e *Environ, start StartResponse) iter.Seq[[]byte] { return Chunks([]byte("x")) })
	defer func() {
		if r := recover(); r != ErrNotStarted {
			t.Fatalf("panic %v", r)
		}
	}()
	serveRecorder(app, "/")
}

func TestAppEErrors(t *testing.T) {
	var logged strings.Builder
	errApp := func(afterChunk bool) AppE {
		return func(e *Environ, start StartResponse) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				start("200 OK", [][2]string{{"Content-Type", "text/plain"}})
				if afterChunk && !yield([]byte("part"), nil) {
					return
				}
				yield(nil, errors.New("db down"))
			}
		}
	}
	h := func(a AppE) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r, _ = Attach(r)
			state.ErrorLogSlot.Set(r.Context(), func(context.Context) io.Writer { return &logged })
			a.ServeHTTP(w, r)
		})
	}
	rec := serveRecorder(h(errApp(false)), "/x")
	if rec.Code != 500 || logged.String() != "environ: App GET /x: db down\n" {
		t.Fatalf("%d %q", rec.Code, logged.String())
	}
	func() {
		defer func() {
			if r := recover(); r != http.ErrAbortHandler {
				t.Fatalf("after a chunk: %v", r)
			}
		}()
		serveRecorder(h(errApp(true)), "/x")
	}()
}

// Each chunk reaches the client before the next is produced, over HTTP/1.1
// and HTTP/2: the app waits for the client's acknowledgement of chunk k
// before it yields chunk k+1, so a buffered chunk would stall the test.
// When the client goes away, the iterator is stopped and its defers run.
func TestAppStreamsAndStopsWhenTheClientGoes(t *testing.T) {
	ack := make(chan struct{})
	var closed, yieldedAfterGone atomic.Int32
	closedSig := make(chan struct{}, 4) // a signal per close
	app := App(func(e *Environ, start StartResponse) iter.Seq[[]byte] {
		start("200 OK", [][2]string{{"Content-Type", "text/plain"}})
		return func(yield func([]byte) bool) {
			defer func() { // WSGI's close()
				closed.Add(1)
				select {
				case closedSig <- struct{}{}:
				default: // closed more often than the test waits: the count says so
				}
			}()
			for i := 0; ; i++ {
				if !yield([]byte("chunk\n")) {
					return
				}
				select {
				case <-ack:
				case <-e.Context().Done():
					// the client is gone: the next yield must return false
					if yield([]byte("more\n")) {
						yieldedAfterGone.Add(1)
					}
					return
				case <-time.After(5 * time.Second):
					t.Error("chunk not acknowledged: it was not flushed")
					return
				}
			}
		}
	})
	for _, h2 := range []bool{false, true} {
		ts := httptest.NewUnstartedServer(app)
		ts.EnableHTTP2 = h2
		ts.StartTLS()
		res, err := ts.Client().Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(res.Body)
		for i := 0; i < 3; i++ {
			if line, err := br.ReadString('\n'); err != nil || line != "chunk\n" {
				t.Fatalf("h2=%v chunk %d: %q %v", h2, i, line, err)
			}
			ack <- struct{}{}
		}
		res.Body.Close() // the client goes away
		select {
		case <-closedSig:
		case <-time.After(5 * time.Second):
		}
		ts.Close()
		if closed.Load() != 1 || yieldedAfterGone.Load() != 0 {
			t.Fatalf("h2=%v: iterator closed %d times, yield after gone true %d times", h2, closed.Load(), yieldedAfterGone.Load())
		}
		closed.Store(0)
	}
}

type flushCounter struct {
	h               http.Header
	writes, flushes int
}

func (w *flushCounter) Header() http.Header         { return w.h }
func (w *flushCounter) WriteHeader(int)             {}
func (w *flushCounter) Write(p []byte) (int, error) { w.writes++; return len(p), nil }
func (w *flushCounter) Flush()                      { w.flushes++ }

func TestEachChunkIsOneWriteAndOneFlush(t *testing.T) {
	app := App(func(e *Environ, start StartResponse) iter.Seq[[]byte] {
		start("200 OK", nil)
		return Chunks([]byte("a"), nil, []byte("b"), []byte("c"))
	})
	w := &flushCounter{h: http.Header{}}
	app.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.writes != 3 || w.flushes != 3 {
		t.Fatalf("%d writes, %d flushes for 3 chunks and an empty one", w.writes, w.flushes)
	}
}

var chunk = []byte("data: tick\n\n")

// BenchmarkAppChunks: a chunk costs one Write and one Flush and no
// allocation of ours; compare chunks=1 and chunks=100.
func BenchmarkAppChunks(b *testing.B) {
	for _, n := range []int{1, 100} {
		app := App(func(e *Environ, start StartResponse) iter.Seq[[]byte] {
			start("200 OK", nil)
			return func(yield func([]byte) bool) {
				for i := 0; i < n; i++ {
					if !yield(chunk) {
						return
					}
				}
			}
		})
		b.Run("chunks="+map[int]string{1: "1", 100: "100"}[n], func(b *testing.B) {
			b.ReportAllocs()
			w := &flushCounter{h: http.Header{}}
			r := httptest.NewRequest("GET", "/", nil)
			for b.Loop() {
				app.ServeHTTP(w, r)
			}
		})
	}
}

// start refuses a Status header, which CGI and FastCGI take for the status
// line: behind net/http/fcgi it would go out next to the Status line of the
// status given to start. The response carries neither it nor the other
// headers of the refused call.
func TestStartRefusesStatusHeader(t *testing.T) {
	for _, name := range []string{"Status", "status", "STATUS"} {
		var err error
		app := App(func(e *Environ, start StartResponse) iter.Seq[[]byte] {
			err = start("200 OK", [][2]string{{"X-A", "a"}, {name, "302 Found"}})
			start("200 OK", [][2]string{{"Content-Type", "text/plain"}})
			return Chunks([]byte("ok"))
		})
		rec := serveRecorder(app, "/")
		if !errors.Is(err, ErrBadHeader) || !strings.Contains(err.Error(), "status line") {
			t.Errorf("%s: %v, want ErrBadHeader saying why", name, err)
		}
		if rec.Code != 200 || rec.Header().Get("Status") != "" || rec.Header().Get("X-A") != "" || rec.Body.String() != "ok" {
			t.Errorf("%s: %d %v %q", name, rec.Code, rec.Header(), rec.Body.String())
		}
	}
}

// start refuses a header value with any C0 control character but tab, or
// DEL (RFC 9110 5.5); ported from CPython Lib/test/test_wsgiref.py,
// HeaderTests.testRaisesControlCharacters, which takes every
// control_characters_c0() (0x00-0x1F and 0x7F) for a name and a value:
// wsgiref's Headers allows tab in a value (_value_disallowed_re), and a name
// here must be a token, which has none.
func TestStartRefusesControlCharactersInValues(t *testing.T) {
	var ctl []byte
	for c := byte(0); c < 0x20; c++ {
		ctl = append(ctl, c)
	}
	ctl = append(ctl, 0x7f)
	for _, c := range ctl {
		var valueErr, nameErr error
		app := App(func(e *Environ, start StartResponse) iter.Seq[[]byte] {
			valueErr = start("200 OK", [][2]string{{"X-Key", "val" + string(c) + "ue"}})
			nameErr = start("200 OK", [][2]string{{"X-Key" + string(c), "val"}})
			start("204 No Content", nil)
			return Chunks()
		})
		rec := serveRecorder(app, "/")
		if c == '\t' {
			if valueErr != nil {
				t.Errorf("tab in a value: %v", valueErr)
			}
		} else if !errors.Is(valueErr, ErrBadHeader) {
			t.Errorf("%#04x in a value: %v, want ErrBadHeader", c, valueErr)
		} else if c == 0x1b && valueErr.Error() != "environ: start: malformed header: value of X-Key has control character 0x1b; only tab is allowed (RFC 9110 5.5)" {
			t.Errorf("message: %v", valueErr)
		}
		if !errors.Is(nameErr, ErrBadHeader) {
			t.Errorf("%#04x in a name: %v, want ErrBadHeader", c, nameErr)
		}
		if rec.Code != 204 || len(rec.Header()) != 0 {
			t.Errorf("%#04x: %d %v", c, rec.Code, rec.Header())
		}
	}
	// What the client sees: a tab inside a value goes out as it is.
	ts := httptest.NewServer(App(func(e *Environ, start StartResponse) iter.Seq[[]byte] {
		start("200 OK", [][2]string{{"X-Tab", "a\tb"}})
		return Chunks([]byte("ok"))
	}))
	defer ts.Close()
	res, err := http.Get(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("X-Tab"); got != "a\tb" {
		t.Errorf("X-Tab %q", got)
	}
}
