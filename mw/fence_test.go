package mw

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// hookEntered sets testHookEntered for one test.
func hookEntered(t *testing.T, f func(method string)) {
	t.Helper()
	testHookEntered = f
	t.Cleanup(func() { testHookEntered = nil })
}

// hookFenceWaits sets testHookFenceWaits for one test.
func hookFenceWaits(t *testing.T, f func()) {
	t.Helper()
	testHookFenceWaits = f
	t.Cleanup(func() { testHookFenceWaits = nil })
}

// recordingWriter records what reaches it, safely from any goroutine.
type recordingWriter struct {
	mu     sync.Mutex
	header http.Header
	body   strings.Builder
	events []string
}

func (w *recordingWriter) Header() http.Header { return w.header }
func (w *recordingWriter) WriteHeader(int)     {}
func (w *recordingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.events = append(w.events, "write "+string(p))
	return w.body.Write(p)
}

func (w *recordingWriter) event(e string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.events = append(w.events, e)
}

func (w *recordingWriter) log() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.events, "; ")
}

// TestFenceWaitsForCallInFlight forces the interleaving that broke the
// check-then-call fence: a Write passes the fence, the capturing layer
// returns before the Write reaches the writer. Release must wait for the
// Write, which then reaches the writer before Release returns; a Write after
// that reaches no one.
func TestFenceWaitsForCallInFlight(t *testing.T) {
	under := &recordingWriter{header: http.Header{}}
	resp, _ := Capture(under, httptest.NewRequest("GET", "/", nil))
	w := resp.Writer()

	passed := make(chan struct{})  // the Write went through the fence
	proceed := make(chan struct{}) // let the Write reach the writer
	fenceWaits := make(chan struct{})
	hookEntered(t, func(method string) {
		if method == "Write" {
			close(passed)
			<-proceed
		}
	})
	hookFenceWaits(t, func() { close(fenceWaits) })

	wrote := make(chan error)
	go func() {
		_, err := w.Write([]byte("in flight"))
		wrote <- err
	}()
	<-passed
	released := make(chan struct{})
	go func() {
		resp.Release()
		under.event("released")
		close(released)
	}()
	select {
	case <-fenceWaits: // Release found the Write in flight, and waits
	case <-released:
		close(proceed)
		<-wrote
		t.Fatalf("Release returned while a Write was in flight; the writer saw %q", under.log())
	}
	select {
	case <-released:
		t.Fatal("Release returned while a Write was in flight")
	default:
	}
	close(proceed)
	if err := <-wrote; err != nil {
		t.Fatalf("the Write in flight: %v, want nil", err)
	}
	<-released
	if _, err := w.Write([]byte("late")); !errors.Is(err, ErrHandlerDone) {
		t.Fatalf("Write after Release: %v, want ErrHandlerDone", err)
	}
	if got, want := under.log(), "write in flight; released"; got != want {
		t.Fatalf("the writer saw %q, want %q", got, want)
	}
	if resp.Written() != int64(len("in flight")) {
		t.Fatalf("Written = %d, want %d", resp.Written(), len("in flight"))
	}
}

// blockingWriter is a client that reads nothing: a Write blocks until the
// write deadline is set, and then fails as net/http's does.
type blockingWriter struct {
	recordingWriter
	cut     chan struct{}
	blocked chan struct{}
	once    sync.Once
}

var errDeadline = errors.New("i/o timeout")

func (w *blockingWriter) Write(p []byte) (int, error) {
	close(w.blocked)
	<-w.cut
	return 0, errDeadline
}

func (w *blockingWriter) SetReadDeadline(time.Time) error { return nil }

func (w *blockingWriter) SetWriteDeadline(time.Time) error {
	w.once.Do(func() { close(w.cut) })
	return nil
}

// TestFenceCutsWriteBlockedOnSlowClient: a goroutine blocked writing to a
// client that reads nothing does not keep Release waiting forever, even with
// no WriteTimeout: Release sets the write deadline to now, the write fails,
// and Release returns.
func TestFenceCutsWriteBlockedOnSlowClient(t *testing.T) {
	under := &blockingWriter{recordingWriter: recordingWriter{header: http.Header{}}, cut: make(chan struct{}), blocked: make(chan struct{})}
	resp, _ := Capture(under, httptest.NewRequest("GET", "/", nil))
	w := resp.Writer()
	wrote := make(chan error)
	go func() {
		_, err := w.Write([]byte("to a slow client"))
		wrote <- err
	}()
	<-under.blocked
	resp.Release() // returns only once the write was cut
	if err := <-wrote; !errors.Is(err, errDeadline) {
		t.Fatalf("the blocked Write: %v, want the deadline's error", err)
	}
	if !errors.Is(resp.Err(), errDeadline) {
		t.Fatalf("Err() = %v, want the deadline's error", resp.Err())
	}
}

// panickyWriter panics on WriteHeader, as net/http does on an invalid code.
type panickyWriter struct{ recordingWriter }

func (w *panickyWriter) WriteHeader(code int) { panic("invalid WriteHeader code") }

// TestFenceAfterPanicInCall: a call that panics inside the writer (an
// invalid status) leaves no call counted in flight, so Release returns.
func TestFenceAfterPanicInCall(t *testing.T) {
	resp, _ := Capture(&panickyWriter{recordingWriter{header: http.Header{}}}, httptest.NewRequest("GET", "/", nil))
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("WriteHeader did not panic")
			}
		}()
		resp.Writer().WriteHeader(0)
	}()
	done := make(chan struct{})
	go func() {
		resp.Release()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Release still waits for the call that panicked")
	}
}

// TestFenceDoesNotWaitForSource: ReadFrom of a source that blocks (an
// upstream that sends nothing, as in io.Copy(w, upstream.Body)) does not hold
// the fence: Release returns at once, and the bytes the source sends later
// reach no one.
func TestFenceDoesNotWaitForSource(t *testing.T) {
	under := &recordingWriter{header: http.Header{}}
	rf := struct {
		http.ResponseWriter
		io.ReaderFrom
	}{under, readFromVia{under}}
	resp, _ := Capture(rf, httptest.NewRequest("GET", "/", nil))
	pr, pw := io.Pipe()
	entered := make(chan struct{}, 1)
	hookEntered(t, func(method string) {
		select {
		case entered <- struct{}{}:
		default:
		}
	})
	copied := make(chan error)
	go func() {
		_, err := resp.Writer().(io.ReaderFrom).ReadFrom(pr)
		copied <- err
	}()
	if _, err := pw.Write([]byte("first")); err != nil { // read, and written through
		t.Fatal(err)
	}
	<-entered // the chunk is in flight (or done): Release waits for it, not for the source
	resp.Release()
	go pw.Write([]byte("after")) //nolint:errcheck // the reader stops reading: the error is expected
	if err := <-copied; !errors.Is(err, ErrHandlerDone) {
		t.Fatalf("ReadFrom after Release: %v, want ErrHandlerDone", err)
	}
	pr.Close()
	if got, want := under.log(), "write first"; got != want {
		t.Fatalf("the writer saw %q, want %q", got, want)
	}
}

type readFromVia struct{ w io.Writer }

func (r readFromVia) ReadFrom(src io.Reader) (int64, error) { return io.Copy(r.w, src) }

// TestFenceReentrantObserver: an observer that calls back into the writer
// from inside WriteHeader (as ServerTiming sets a header) does not deadlock
// on the fence.
func TestFenceReentrantObserver(t *testing.T) {
	rec := httptest.NewRecorder()
	resp, _ := Capture(rec, httptest.NewRequest("GET", "/", nil))
	w := resp.Writer()
	resp.Observe(&Observer{WriteHeader: func(int) { w.Header().Set("X-Seen", "yes") }})
	done := make(chan struct{})
	go func() {
		io.WriteString(w, "body")
		resp.Release()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a reentrant call deadlocked")
	}
	if rec.Header().Get("X-Seen") != "yes" || rec.Body.String() != "body" {
		t.Fatalf("header %q, body %q", rec.Header().Get("X-Seen"), rec.Body.String())
	}
}

// TestBorrowerCannotHoldFenceOpen: a layer that borrows the writer (a
// second Capture) and forgets to Release does not keep it open: when the
// layer that made it releases, the writer is fenced. Holds, read by a layer
// around it before and after calling inward, shows the forgotten hold.
func TestBorrowerCannotHoldFenceOpen(t *testing.T) {
	var kept http.ResponseWriter
	forgetful := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := Capture(w, r) // and no Release
			kept = resp.Writer()
			next.ServeHTTP(kept, r)
		})
	}
	var before, after int
	watcher := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := Capture(w, r)
			defer resp.Release()
			before = resp.Holds()
			next.ServeHTTP(resp.Writer(), r)
			after = resp.Holds()
		})
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	owner := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := Capture(w, r)
			defer resp.Release()
			next.ServeHTTP(resp.Writer(), r)
		})
	}
	h := owner(watcher(forgetful(app)))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/forgot", nil))
	if _, err := kept.Write([]byte("late")); !errors.Is(err, ErrHandlerDone) {
		t.Fatalf("late Write through the forgotten hold: %v, want ErrHandlerDone", err)
	}
	if rec.Body.String() != "ok" {
		t.Fatalf("body %q, want %q", rec.Body.String(), "ok")
	}
	if before != 2 || after != 3 {
		t.Fatalf("Holds %d before and %d after the forgetful layer, want 2 and 3 (owner, watcher, then the forgotten hold)", before, after)
	}
}
