package mw

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

// errClientGone is what a writer's FlushError says when the peer left.
var errClientGone = errors.New("write: broken pipe")

// flushFailer is a writer whose FlushError fails: a layer outside wsgo's
// (a compressor, a proxy's writer) that found the client gone when it
// pushed its buffer out.
type flushFailer struct{ *httptest.ResponseRecorder }

func (f flushFailer) FlushError() error { return errClientGone }

// TestFlushErrorIsKeptInErr: a flush that fails through
// http.ResponseController, the way a streaming handler flushes, is reported
// to the handler and kept in Err, which the access log reads to say
// client_gone.
func TestFlushErrorIsKeptInErr(t *testing.T) {
	resp, _ := Capture(flushFailer{httptest.NewRecorder()}, httptest.NewRequest("GET", "/events", nil))
	defer resp.Release()
	if _, err := io.WriteString(resp.Writer(), "data: 1\n\n"); err != nil {
		t.Fatal(err)
	}
	if err := http.NewResponseController(resp.Writer()).Flush(); !errors.Is(err, errClientGone) {
		t.Fatalf("Flush returned %v, want the writer's error", err)
	}
	if !errors.Is(resp.Err(), errClientGone) {
		t.Fatalf("Err() = %v after a failed flush, want %v", resp.Err(), errClientGone)
	}
}

// TestFlushErrorFromAGoneClientIsKeptInErr streams to a real client that
// reads the first event and hangs up, over HTTP/1.1 and HTTP/2. Each event
// is small enough to sit in net/http's buffer until the flush, so the flush
// is the call that meets the closed connection first: its error must be in
// Err.
func TestFlushErrorFromAGoneClientIsKeptInErr(t *testing.T) {
	type result struct {
		failed string // the call that returned the first error
		err    error  // that error
		kept   error  // resp.Err() then
	}
	results := make(chan result, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, r := Capture(w, r)
		defer resp.Release()
		w = resp.Writer()
		rc := http.NewResponseController(w)
		io.WriteString(w, "data: first\n\n")
		if err := rc.Flush(); err != nil {
			results <- result{"first Flush", err, resp.Err()}
			return
		}
		<-r.Context().Done() // the client hung up
		for i := 0; i < 10000; i++ {
			if _, err := io.WriteString(w, "data: more\n\n"); err != nil {
				results <- result{"Write", err, resp.Err()}
				return
			}
			if err := rc.Flush(); err != nil {
				results <- result{"Flush", err, resp.Err()}
				return
			}
		}
		results <- result{"nothing", nil, resp.Err()}
	})
	modes(t, h, func(t *testing.T, ts *httptest.Server) {
		ts.Config.ErrorLog = log.New(io.Discard, "", 0)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL, nil)
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(res.Body).ReadString('\n'); err != nil || line != "data: first\n" {
			t.Fatalf("first event %q, %v", line, err)
		}
		cancel() // the client goes away
		res.Body.Close()
		got := <-results
		if got.failed != "Flush" {
			t.Fatalf("the first call to fail was %s (%v), want Flush", got.failed, got.err)
		}
		if got.kept == nil || got.kept != got.err {
			t.Fatalf("Flush returned %v but Err() = %v: the client-gone error was not kept", got.err, got.kept)
		}
	})
}

// TestWriteHeaderAfterHijackIsLate: a handler that hijacks the connection
// (a WebSocket upgrade) and then calls WriteHeader by mistake. The status
// goes nowhere (net/http logs "response.WriteHeader on hijacked
// connection"): observers hear of it as a late WriteHeader, not as a status
// going out, and the Response records no status.
func TestWriteHeaderAfterHijackIsLate(t *testing.T) {
	type seen struct {
		statuses, late []int
		status         int
		committed      bool
	}
	results := make(chan seen, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, _ := Capture(w, r)
		defer resp.Release()
		var s seen
		resp.Observe(&Observer{
			WriteHeader:     func(code int) { s.statuses = append(s.statuses, code) },
			LateWriteHeader: func(code int) { s.late = append(s.late, code) },
		})
		c, buf, err := http.NewResponseController(resp.Writer()).Hijack()
		if err != nil {
			t.Error(err)
			results <- s
			return
		}
		defer c.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
		buf.Flush()
		resp.Writer().WriteHeader(http.StatusOK) // the mistake
		s.status, s.committed = resp.Status(), resp.Committed()
		results <- s
	})
	ts := httptest.NewUnstartedServer(h)
	errLog := new(wsgotest.SyncBuffer)
	ts.Config.ErrorLog = log.New(errLog, "", 0)
	ts.Start()
	defer ts.Close()
	if _, b := wsgotest.RawGet(t, ts.Listener.Addr().String()); string(b) != "ok" {
		t.Fatalf("body %q", b)
	}
	s := <-results
	if len(s.statuses) != 0 || !slices.Equal(s.late, []int{200}) {
		t.Fatalf("observers heard WriteHeader %v and LateWriteHeader %v; want none and [200]", s.statuses, s.late)
	}
	if s.status != 0 || s.committed {
		t.Fatalf("Status() %d, Committed() %v after a hijack: no status went out", s.status, s.committed)
	}
	if strings.Contains(errLog.String(), "WriteHeader") {
		t.Errorf("the late call reached net/http, which blames wsgo's wrapper: %q", errLog.String())
	}
}

// TestSecondWriteHeaderIsSwallowed: a second WriteHeader (chi's Timeout
// writing its 504 after the handler's status) is reported to the observers
// and goes no further: net/http does not log "superfluous
// response.WriteHeader call" naming wsgo's wrapper as the culprit.
func TestSecondWriteHeaderIsSwallowed(t *testing.T) {
	var late []int
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, _ := Capture(w, r)
		defer resp.Release()
		resp.Observe(&Observer{LateWriteHeader: func(code int) { late = append(late, code) }})
		resp.Writer().WriteHeader(http.StatusOK)
		resp.Writer().WriteHeader(http.StatusGatewayTimeout)
	})
	ts := httptest.NewUnstartedServer(h)
	errLog := new(wsgotest.SyncBuffer)
	ts.Config.ErrorLog = log.New(errLog, "", 0)
	ts.Start()
	defer ts.Close()
	res, err := http.Get(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !slices.Equal(late, []int{http.StatusGatewayTimeout}) {
		t.Fatalf("status %d, late %v; want 200 and [504]", res.StatusCode, late)
	}
	if strings.Contains(errLog.String(), "superfluous") {
		t.Fatalf("net/http logged: %q", errLog.String())
	}
}
