package mw

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestFlushEachWrite: the handler writes chunk 1 and, without flushing,
// waits until the client has read it before writing chunk 2. Without the
// layer's flush the client's read runs into its 5-second deadline and the
// test fails then, rather than hanging.
func TestFlushEachWrite(t *testing.T) {
	received := make(chan struct{}, 1) // the client has chunk 1
	h := FlushEachWrite()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "chunk 1\n") // never flushed by the handler
		select {
		case <-received:
		case <-r.Context().Done(): // the client gave up
			return
		}
		io.WriteString(w, "chunk 2\n")
	}))
	modes(t, h, func(t *testing.T, ts *httptest.Server) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL, nil)
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatalf("no response while the handler waits: chunk 1 was not flushed: %v", err)
		}
		defer res.Body.Close()
		br := bufio.NewReader(res.Body)
		line, err := br.ReadString('\n')
		if err != nil || line != "chunk 1\n" {
			t.Fatalf("read %q, %v; want chunk 1: it was not flushed", line, err)
		}
		received <- struct{}{}
		rest, err := io.ReadAll(br)
		if err != nil || string(rest) != "chunk 2\n" {
			t.Fatalf("then read %q, %v; want chunk 2 and the end", rest, err)
		}
	})
}
