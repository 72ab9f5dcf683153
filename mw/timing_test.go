package mw

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"strconv"
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
	h := ServerTiming()(TimingMark("app")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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

func TestServerTiming(t *testing.T) {
	h := ServerTiming()(TimingMark("auth")(TimingMark("app")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond)
		io.WriteString(w, "ok")
	}))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	st := rec.Header().Get("Server-Timing")
	names, durs := parseServerTiming(t, st)
	if !slices.Equal(names, []string{"auth", "app", "total"}) {
		t.Fatalf("Server-Timing %q: metrics %q, want auth, app, total", st, names)
	}
	// Lower bounds only: the app slept 2 ms, and the total holds both
	// layers. A loaded machine makes every figure larger, never smaller.
	if durs[1] < 2 {
		t.Fatalf("the app's 2 ms are missing: %q", st)
	}
	if durs[2] < durs[0]+durs[1] {
		t.Fatalf("the total is less than its parts: %q", st)
	}
	if got := timingName(`a b"c`); got != "a-b-c" {
		t.Fatalf("timingName %q", got)
	}
}

// parseServerTiming splits a Server-Timing header of name;dur=ms entries
// into names and durations in milliseconds, as numbers: compared as
// strings, "app;dur=10.000" would sort before "app;dur=2".
func parseServerTiming(t *testing.T, header string) (names []string, durs []float64) {
	t.Helper()
	for _, entry := range strings.Split(header, ", ") {
		name, dur, ok := strings.Cut(entry, ";dur=")
		ms, err := strconv.ParseFloat(dur, 64)
		if !ok || err != nil || ms < 0 {
			t.Fatalf("Server-Timing %q: entry %q is not name;dur=milliseconds", header, entry)
		}
		names, durs = append(names, name), append(durs, ms)
	}
	return names, durs
}

// TestServerTimingNestedAddsNothing: a ServerTiming layer below one that
// is already timing the request adds no second Server-Timing value; the
// marks below it join the outer list.
func TestServerTimingNestedAddsNothing(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	h := ServerTiming()(TimingMark("a")(ServerTiming()(TimingMark("b")(app))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	st := rec.Header().Values("Server-Timing")
	if len(st) != 1 {
		t.Fatalf("Server-Timing %q, want one value", st)
	}
	if names, _ := parseServerTiming(t, st[0]); !slices.Equal(names, []string{"a", "b", "total"}) {
		t.Fatalf("Server-Timing %q: metrics %q, want a, b, total", st[0], names)
	}
}

// TestAppendMillis: the duration is written as FormatFloat of its whole
// microseconds in milliseconds, three decimals, would write it.
func TestAppendMillis(t *testing.T) {
	for _, d := range []time.Duration{0, time.Microsecond, 999 * time.Microsecond, time.Millisecond, 1234567 * time.Microsecond, 90 * time.Second, -1500 * time.Microsecond, 1500, time.Duration(1 << 62)} {
		want := strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 3, 64)
		if got := string(appendMillis(nil, d)); got != want {
			t.Errorf("appendMillis(%v) = %q, want %q", d, got, want)
		}
	}
}
