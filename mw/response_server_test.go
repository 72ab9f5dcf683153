package mw

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

var modes = wsgotest.Modes

// TestFlushReachesTheClientThroughTheWrapper streams three chunks, each
// flushed with http.ResponseController through the shared wrapper, and reads
// each one before the handler writes the next.
func TestFlushReachesTheClientThroughTheWrapper(t *testing.T) {
	next := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, _ := Capture(w, r)
		defer resp.Release()
		w = resp.Writer()
		rc := http.NewResponseController(w)
		for _, chunk := range []string{"one\n", "two\n", "three\n"} {
			io.WriteString(w, chunk)
			if err := rc.Flush(); err != nil {
				t.Error(err)
				return
			}
			select {
			case <-next:
			case <-time.After(5 * time.Second):
				t.Error("client did not read the chunk: it was not flushed")
				return
			}
		}
	})
	modes(t, h, func(t *testing.T, ts *httptest.Server) {
		res, err := ts.Client().Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		br := bufio.NewReader(res.Body)
		for _, want := range []string{"one\n", "two\n", "three\n"} {
			line, err := br.ReadString('\n')
			if err != nil || line != want {
				t.Fatalf("read %q, %v; want %q", line, err, want)
			}
			next <- struct{}{}
		}
		if want := map[bool]int{false: 1, true: 2}[ts.EnableHTTP2]; res.ProtoMajor != want {
			t.Fatalf("served over HTTP/%d, want HTTP/%d", res.ProtoMajor, want)
		}
	})
}

func TestWrapperKeepsServerInterfaces(t *testing.T) {
	type result struct{ flusher, hijacker, pusher, readerFrom, stringWriter bool }
	got := make(chan [2]result, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, _ := Capture(w, r)
		defer resp.Release()
		check := func(w http.ResponseWriter) result {
			_, f := w.(http.Flusher)
			_, hj := w.(http.Hijacker)
			_, p := w.(http.Pusher)
			_, rf := w.(io.ReaderFrom)
			_, sw := w.(io.StringWriter)
			return result{f, hj, p, rf, sw}
		}
		got <- [2]result{check(w), check(resp.Writer())}
	})
	modes(t, h, func(t *testing.T, ts *httptest.Server) {
		res, err := ts.Client().Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		r := <-got
		if r[0] != r[1] {
			t.Fatalf("server writer %+v, wrapper %+v", r[0], r[1])
		}
	})
}
