package mw

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServerTimingNotOnAnInformationalResponse: a handler sends 103 Early
// Hints with a Link header, then its 200. The client sees the 103 without
// Server-Timing and the 200 with one Server-Timing header, over HTTP/1.1
// and HTTP/2.
func TestServerTimingNotOnAnInformationalResponse(t *testing.T) {
	h := ServerTiming()(timingMark("app")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		io.WriteString(w, "ok")
	})))
	modes(t, h, func(t *testing.T, ts *httptest.Server) {
		var mu sync.Mutex
		var got1xx []int
		var hdr1xx []textproto.MIMEHeader
		trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			mu.Lock()
			defer mu.Unlock()
			got1xx = append(got1xx, code)
			c := textproto.MIMEHeader{}
			for k, v := range h {
				c[k] = append([]string(nil), v...)
			}
			hdr1xx = append(hdr1xx, c)
			return nil
		}}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), "GET", ts.URL, nil)
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 || string(body) != "ok" {
			t.Fatalf("%d %q %v", res.StatusCode, body, err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(got1xx) != 1 || got1xx[0] != http.StatusEarlyHints {
			t.Fatalf("informational responses %v, want [103]", got1xx)
		}
		if link := hdr1xx[0].Get("Link"); link != "</style.css>; rel=preload; as=style" {
			t.Fatalf("103 Link %q", link)
		}
		if st, ok := hdr1xx[0]["Server-Timing"]; ok {
			t.Fatalf("the 103 carries Server-Timing %q", st)
		}
		st := res.Header.Values("Server-Timing")
		if len(st) != 1 || !strings.HasPrefix(st[0], "app;dur=") || !strings.Contains(st[0], ", total;dur=") {
			t.Fatalf("the 200's Server-Timing %q, want one app;dur=..., total;dur=...", st)
		}
	})
}
