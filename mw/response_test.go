package mw

import (
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/felixge/httpsnoop"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

// baseWriter is the core of the generated test writers: it records the
// calls that reach it, so a test can see what got through the wrapper.
type baseWriter struct {
	self   http.ResponseWriter // the combo type that embeds this
	header http.Header
	calls  []string
	codes  []int
	body   strings.Builder
}

func (w *baseWriter) called(name string) { w.calls = append(w.calls, name) }

func (w *baseWriter) Header() http.Header {
	if w.header == nil {
		w.header = http.Header{}
	}
	return w.header
}

func (w *baseWriter) WriteHeader(code int) { w.called("WriteHeader"); w.codes = append(w.codes, code) }

func (w *baseWriter) Write(p []byte) (int, error) { w.called("Write"); return w.body.Write(p) }

// has reports whether w implements the optional interface called name.
func has(w http.ResponseWriter, name string) bool {
	var ok bool
	switch name {
	case "Flusher":
		_, ok = w.(http.Flusher)
	case "FlushError":
		_, ok = w.(interface{ FlushError() error })
	case "CloseNotifier":
		//lint:ignore SA1019 httpsnoop keeps CloseNotifier, so must we
		_, ok = w.(http.CloseNotifier) //nolint:staticcheck // as above
	case "Hijacker":
		_, ok = w.(http.Hijacker)
	case "ReaderFrom":
		_, ok = w.(io.ReaderFrom)
	case "Deadliner":
		_, ok = w.(interface {
			SetReadDeadline(time.Time) error
			SetWriteDeadline(time.Time) error
		})
	case "FullDuplexEnabler":
		_, ok = w.(interface{ EnableFullDuplex() error })
	case "Pusher":
		_, ok = w.(http.Pusher)
	case "StringWriter":
		_, ok = w.(io.StringWriter)
	default:
		panic("unknown interface " + name)
	}
	return ok
}

// call invokes the method(s) of interface name on w.
func call(t *testing.T, w http.ResponseWriter, name string) {
	t.Helper()
	switch name {
	case "Flusher":
		w.(http.Flusher).Flush()
	case "FlushError":
		if err := w.(interface{ FlushError() error }).FlushError(); err != nil {
			t.Fatal(err)
		}
	case "CloseNotifier":
		//lint:ignore SA1019 httpsnoop keeps CloseNotifier, so must we
		w.(http.CloseNotifier).CloseNotify() //nolint:staticcheck // as above
	case "Hijacker":
		if _, _, err := w.(http.Hijacker).Hijack(); err != nil {
			t.Fatal(err)
		}
	case "ReaderFrom":
		// A file goes to the writer's own ReadFrom (sendfile); any other
		// source is copied through Write (TestReadFromOtherSourceIsWritten).
		if n, err := w.(io.ReaderFrom).ReadFrom(fileWith(t, "abc")); n != 3 || err != nil {
			t.Fatalf("ReadFrom = %d, %v", n, err)
		}
	case "Deadliner":
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Time{}); err != nil {
			t.Fatal(err)
		}
		if err := rc.SetWriteDeadline(time.Time{}); err != nil {
			t.Fatal(err)
		}
	case "FullDuplexEnabler":
		if err := http.NewResponseController(w).EnableFullDuplex(); err != nil {
			t.Fatal(err)
		}
	case "Pusher":
		if err := w.(http.Pusher).Push("/x", nil); err != nil {
			t.Fatal(err)
		}
	case "StringWriter":
		if n, err := io.WriteString(w, "hello"); n != 5 || err != nil {
			t.Fatalf("WriteString = %d, %v", n, err)
		}
	}
}

var wantCalls = map[string][]string{
	"Flusher":           {"Flush"},
	"FlushError":        {"FlushError"},
	"CloseNotifier":     {"CloseNotify"},
	"Hijacker":          {"Hijack"},
	"ReaderFrom":        {"ReadFrom"},
	"Deadliner":         {"SetReadDeadline", "SetWriteDeadline"},
	"FullDuplexEnabler": {"EnableFullDuplex"},
	"Pusher":            {"Push"},
	"StringWriter":      {"WriteString"},
}

// TestCaptureKeepsEveryCombination checks, for each of the 512 combinations
// of optional interfaces httpsnoop knows, that the shared wrapper has exactly
// the interfaces of the writer it wraps, that each call reaches that writer,
// and that Unwrap (and so http.ResponseController) reaches it.
func TestCaptureKeepsEveryCombination(t *testing.T) {
	for c, mk := range comboWriters {
		base := mk()
		under := base.self
		req := httptest.NewRequest("GET", "/", nil)
		resp, req2 := Capture(under, req)
		ww := resp.Writer()
		snoop := httpsnoop.Wrap(under, httpsnoop.Hooks{})
		for i, name := range comboIfaces {
			if got, want := has(ww, name), c&(1<<i) != 0; got != want {
				t.Fatalf("combo %d: wrapper implements %s = %v, the writer = %v", c, name, got, want)
			}
			if got, want := has(ww, name), has(snoop, name); got != want {
				t.Fatalf("combo %d: wrapper implements %s = %v, httpsnoop.Wrap's = %v", c, name, got, want)
			}
		}
		if u, ok := ww.(interface{ Unwrap() http.ResponseWriter }); !ok || u.Unwrap() != under {
			t.Fatalf("combo %d: Unwrap does not return the wrapped writer", c)
		}
		// A second capture of the same writer shares the Response.
		if again, _ := Capture(ww, req2); again.Response != resp.Response {
			t.Fatalf("combo %d: second Capture made a new Response", c)
		} else {
			again.Release()
		}
		for i, name := range comboIfaces {
			if c&(1<<i) == 0 {
				continue
			}
			before := len(base.calls)
			call(t, ww, name)
			if got := base.calls[before:]; !slices.Equal(got, wantCalls[name]) {
				t.Fatalf("combo %d: %s reached the writer as %v, want %v", c, name, got, wantCalls[name])
			}
		}
		// ResponseController.Flush works exactly when the writer can flush.
		err := http.NewResponseController(ww).Flush()
		canFlush := c&(1<<0) != 0 || c&(1<<1) != 0
		if canFlush != (err == nil) || (!canFlush && !errors.Is(err, http.ErrNotSupported)) {
			t.Fatalf("combo %d: ResponseController.Flush = %v, writer can flush = %v", c, err, canFlush)
		}
		resp.Release()
	}
}

// TestReleasedWriterIsFenced checks, for each of the 512 combinations, that
// once the capturing layer released the Response nothing reaches the writer:
// the calls that return an error return ErrHandlerDone, the others do
// nothing, Header is a detached map and Unwrap is nil.
func TestReleasedWriterIsFenced(t *testing.T) {
	for c, mk := range comboWriters {
		base := mk()
		under := base.self
		resp, _ := Capture(under, httptest.NewRequest("GET", "/", nil))
		var late []string
		resp.Observe(&Observer{AfterDone: func(m string) { late = append(late, m) }})
		ww := resp.Writer()
		resp.Release()

		ww.Header().Set("X-Late", "1")
		ww.WriteHeader(http.StatusTeapot)
		if n, err := ww.Write([]byte("late")); n != 0 || !errors.Is(err, ErrHandlerDone) {
			t.Fatalf("combo %d: Write after release = %d, %v; want 0, ErrHandlerDone", c, n, err)
		}
		for i, name := range comboIfaces {
			if c&(1<<i) == 0 {
				continue
			}
			var err error
			switch name {
			case "Flusher":
				ww.(http.Flusher).Flush()
				continue
			case "FlushError":
				err = ww.(interface{ FlushError() error }).FlushError()
			case "CloseNotifier":
				select {
				//lint:ignore SA1019 httpsnoop keeps CloseNotifier, so must we
				case gone := <-ww.(http.CloseNotifier).CloseNotify(): //nolint:staticcheck // as above
					if !gone {
						t.Fatalf("combo %d: CloseNotify after release sent false", c)
					}
				default:
					t.Fatalf("combo %d: CloseNotify after release does not say the request is over", c)
				}
				continue
			case "Hijacker":
				_, _, err = ww.(http.Hijacker).Hijack()
			case "ReaderFrom":
				var n int64
				n, err = ww.(io.ReaderFrom).ReadFrom(strings.NewReader("abc"))
				if n != 0 {
					t.Fatalf("combo %d: ReadFrom after release wrote %d bytes", c, n)
				}
			case "Deadliner":
				if err = ww.(interface{ SetReadDeadline(time.Time) error }).SetReadDeadline(time.Time{}); errors.Is(err, ErrHandlerDone) {
					err = ww.(interface{ SetWriteDeadline(time.Time) error }).SetWriteDeadline(time.Time{})
				}
			case "FullDuplexEnabler":
				err = ww.(interface{ EnableFullDuplex() error }).EnableFullDuplex()
			case "Pusher":
				err = ww.(http.Pusher).Push("/x", nil)
			case "StringWriter":
				var n int
				n, err = ww.(io.StringWriter).WriteString("late")
				if n != 0 {
					t.Fatalf("combo %d: WriteString after release wrote %d bytes", c, n)
				}
			}
			if !errors.Is(err, ErrHandlerDone) {
				t.Fatalf("combo %d: %s after release = %v, want ErrHandlerDone", c, name, err)
			}
		}
		if len(base.calls) != 0 || base.header != nil || base.body.Len() != 0 {
			t.Fatalf("combo %d: calls after release reached the writer: %v, header %v, body %q", c, base.calls, base.header, base.body.String())
		}
		if u := ww.(interface{ Unwrap() http.ResponseWriter }).Unwrap(); u != nil {
			t.Fatalf("combo %d: Unwrap after release = %T, want nil", c, u)
		}
		// Flush does nothing after release; FlushError and a writer that
		// cannot flush say so.
		err := http.NewResponseController(ww).Flush()
		switch {
		case c&(1<<1) != 0 && !errors.Is(err, ErrHandlerDone):
			t.Fatalf("combo %d: ResponseController.Flush after release = %v, want ErrHandlerDone", c, err)
		case c&3 == 0 && !errors.Is(err, http.ErrNotSupported):
			t.Fatalf("combo %d: ResponseController.Flush after release = %v, want ErrNotSupported", c, err)
		}
		if len(late) < 3 || late[0] != "Header" || late[1] != "WriteHeader" || late[2] != "Write" {
			t.Fatalf("combo %d: AfterDone saw %v, want Header, WriteHeader, Write first", c, late)
		}
		if resp.Status() != 0 || resp.Written() != 0 {
			t.Fatalf("combo %d: late calls were recorded: status %d, %d bytes", c, resp.Status(), resp.Written())
		}
	}
}

func TestCaptureAllocatesOnceAndNeverReuses(t *testing.T) {
	req := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	if n := testing.AllocsPerRun(100, func() {
		resp, _ := Capture(w, req)
		resp.Release()
	}); n != 1 {
		t.Fatalf("Capture on a request without a Scope: %v allocations, want 1 (Scope, request copy and Response together)", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		r, _ := withScope(req)
		resp, r := Capture(w, r)
		inner, _ := Capture(resp.Writer(), r)
		inner.Release()
		resp.Release()
	}); n != 1 {
		t.Fatalf("withScope, then two Captures: %v allocations, want 1", n)
	}
	a, _ := Capture(w, req)
	a.Release()
	b, _ := Capture(w, req)
	defer b.Release()
	if a == b {
		t.Fatal("a released Response was handed to a later request")
	}
	if _, err := a.Writer().Write([]byte("x")); !errors.Is(err, ErrHandlerDone) {
		t.Fatalf("the first request's writer wrote into the second's: %v", err)
	}
}

func TestWriteErrorIsRecordedButNotTheHandlersMisuse(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"client gone", io.ErrClosedPipe, io.ErrClosedPipe},
		{"body not allowed", http.ErrBodyNotAllowed, nil},
		{"content length", http.ErrContentLength, nil},
		{"hijacked", http.ErrHijacked, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := Capture(failingWriter{httptest.NewRecorder(), tt.err}, httptest.NewRequest("GET", "/", nil))
			defer resp.Release()
			resp.Writer().Write([]byte("x"))
			resp.Writer().Write([]byte("y"))
			if got := resp.Err(); got != tt.want {
				t.Fatalf("Err() = %v, want %v", got, tt.want)
			}
		})
	}
}

type failingWriter struct {
	*httptest.ResponseRecorder
	err error
}

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// foreign is a wrapper of another library, between two wsgo layers.
type foreign struct{ http.ResponseWriter }

func (f foreign) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// lookup returns the Response an outer layer captured for the writer w of
// request r, or nil when w is not a captured writer. It never wraps.
func lookup(w http.ResponseWriter, r *http.Request) *Response {
	s := scopeOf(r.Context())
	if s == nil || s.resp == nil || s.resp.wrapped != w {
		return nil
	}
	return s.resp
}

func TestCaptureThroughForeignWrapperReachesInnermost(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	outer, req := Capture(rec, req)
	defer outer.Release()
	inner, req := Capture(foreign{outer.Writer()}, req)
	if inner.Response == outer.Response {
		t.Fatal("a foreign wrapper in between must get its own Response: it may change what is written")
	}
	if got := httpsnoop.Unwrap(inner.Writer()); got != rec {
		t.Fatalf("Unwrap chain ends at %T, want the recorder", got)
	}
	if lookup(inner.Writer(), req) != inner.Response {
		t.Fatal("lookup does not find the innermost Response")
	}
	io.WriteString(inner.Writer(), "hi")
	if outer.Written() != 2 || inner.Written() != 2 {
		t.Fatalf("outer saw %d bytes, inner %d; want 2 and 2", outer.Written(), inner.Written())
	}
	inner.Release()
	if lookup(outer.Writer(), req) != outer.Response {
		t.Fatal("after the inner Release, the scope's Response is the outer one again")
	}
}

func TestResponseRecordsStatusBytesAndCommit(t *testing.T) {
	tests := []struct {
		name      string
		handler   func(w http.ResponseWriter)
		status    int
		written   int64
		committed bool
	}{
		{"nothing written", func(w http.ResponseWriter) {}, 0, 0, false},
		{"implicit 200", func(w http.ResponseWriter) { w.Write([]byte("hello")) }, 200, 5, true},
		{"explicit 404", func(w http.ResponseWriter) { w.WriteHeader(404); io.WriteString(w, "no") }, 404, 2, true},
		{"first status wins", func(w http.ResponseWriter) { w.WriteHeader(201); w.WriteHeader(500) }, 201, 0, true},
		{"1xx does not commit", func(w http.ResponseWriter) { w.WriteHeader(103) }, 0, 0, false},
		{"1xx then 200", func(w http.ResponseWriter) { w.WriteHeader(103); w.WriteHeader(204) }, 204, 0, true},
		{"101 commits", func(w http.ResponseWriter) { w.WriteHeader(101) }, 101, 0, true},
		{"flush commits 200", func(w http.ResponseWriter) { w.(http.Flusher).Flush() }, 200, 0, true},
		{"ReadFrom counts", func(w http.ResponseWriter) { io.Copy(w, strings.NewReader("abcdef")) }, 200, 6, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp Captured
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var r2 *http.Request
				resp, r2 = Capture(w, r)
				_ = r2
				tt.handler(resp.Writer())
				if resp.Status() != tt.status || resp.Written() != tt.written || resp.Committed() != tt.committed {
					t.Errorf("status %d, written %d, committed %v; want %d, %d, %v",
						resp.Status(), resp.Written(), resp.Committed(), tt.status, tt.written, tt.committed)
				}
				resp.Release()
			})
			ts := httptest.NewUnstartedServer(h)
			ts.Config.ErrorLog = log.New(io.Discard, "", 0) // "first status wins" makes net/http complain
			ts.Start()
			defer ts.Close()
			res, err := ts.Client().Get(ts.URL)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		})
	}
}

func TestObserversSeeHeaderBeforeItGoesOut(t *testing.T) {
	var events []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, _ := Capture(w, r)
		defer resp.Release()
		w = resp.Writer()
		resp.Observe(&Observer{
			WriteHeader: func(code int) {
				events = append(events, "header")
				w.Header().Set("X-Seen", "yes") // still in time
			},
			Write: func(n int64, _ error) { events = append(events, "write") },
			Flush: func() { events = append(events, "flush") },
		})
		io.WriteString(w, "a")
		w.(http.Flusher).Flush()
		w.Write([]byte("b"))
	})
	ts := httptest.NewServer(h)
	defer ts.Close()
	res, err := ts.Client().Get(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Header.Get("X-Seen") != "yes" || string(body) != "ab" {
		t.Fatalf("X-Seen %q, body %q", res.Header.Get("X-Seen"), body)
	}
	if want := []string{"header", "write", "flush", "write"}; !slices.Equal(events, want) {
		t.Fatalf("events %v, want %v", events, want)
	}
}

func TestHijackIsRecorded(t *testing.T) {
	done := make(chan bool, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, _ := Capture(w, r)
		defer resp.Release()
		c, _, err := http.NewResponseController(resp.Writer()).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
		c.Close()
		done <- resp.Hijacked() && !resp.Committed()
	})
	ts := httptest.NewServer(h)
	defer ts.Close()
	if _, b := wsgotest.RawGet(t, ts.Listener.Addr().String()); string(b) != "ok" {
		t.Fatalf("body %q", b)
	}
	if !<-done {
		t.Fatal("Response does not say the connection was hijacked")
	}
}

func TestInvalidStatusPanicsInTheWriterAndIsNotRecorded(t *testing.T) {
	rec := httptest.NewRecorder()
	resp, _ := Capture(rec, httptest.NewRequest("GET", "/", nil))
	defer resp.Release()
	func() {
		defer func() { recover() }()
		resp.Writer().WriteHeader(1000) // the recorder panics, as net/http does
	}()
	if resp.Committed() || resp.Status() != 0 {
		t.Fatalf("an invalid status was recorded: %d", resp.Status())
	}
}

// fileWith returns a file open for reading that holds s.
func fileWith(t *testing.T, s string) *os.File {
	t.Helper()
	name := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(name, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestReadFromOtherSourceIsWritten: ReadFrom of a source that is not a file
// reaches the writer as Writes of what was read (the fence must not wait on
// a source that blocks), and of a file, or a section of one as
// http.ServeContent passes it, as the writer's own ReadFrom.
func TestReadFromOtherSourceIsWritten(t *testing.T) {
	for _, tt := range []struct {
		name string
		src  func(t *testing.T) io.Reader
		want []string
	}{
		{"reader", func(*testing.T) io.Reader { return strings.NewReader("abc") }, []string{"Write"}},
		{"file", func(t *testing.T) io.Reader { return fileWith(t, "abc") }, []string{"ReadFrom"}},
		{"file section", func(t *testing.T) io.Reader { return io.LimitReader(fileWith(t, "abcdef"), 3) }, []string{"ReadFrom"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			base := comboWriters[16]() // a ReaderFrom
			resp, _ := Capture(base.self, httptest.NewRequest("GET", "/", nil))
			defer resp.Release()
			n, err := resp.Writer().(io.ReaderFrom).ReadFrom(tt.src(t))
			if n != 3 || err != nil || resp.Written() != 3 {
				t.Fatalf("ReadFrom = %d, %v; Written %d; want 3, nil, 3", n, err, resp.Written())
			}
			if !slices.Equal(base.calls, tt.want) {
				t.Fatalf("reached the writer as %v, want %v", base.calls, tt.want)
			}
		})
	}
}
