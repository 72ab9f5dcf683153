package recover

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/mw"
)

// corsLike is an outer layer that sets what a CORS front end and a
// security-headers layer set on every response, before calling inward.
func corsLike(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "https://app.example")
		h.Set("Access-Control-Expose-Headers", "X-Request-Id")
		h.Set("Vary", "Origin")
		h.Set("Strict-Transport-Security", "max-age=63072000")
		next.ServeHTTP(w, r)
	})
}

// answerThenPanic sets every header that describes its own answer, and
// panics before sending it.
func answerThenPanic(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", "512")
	h.Set("Content-Disposition", `attachment; filename="report.json"`)
	h.Set("Content-Range", "bytes 0-511/1024")
	h.Set("Content-Language", "fr")
	h.Set("Content-Location", "/reports/7")
	h.Set("Content-Encoding", "br") // the handler's own: not what the 500 is
	h.Set("ETag", `"v7"`)
	h.Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
	h.Set("Expires", "Mon, 02 Jan 2036 15:04:05 GMT")
	h.Set("Location", "/elsewhere")
	h.Set("Refresh", "5")
	h.Set("Accept-Ranges", "bytes")
	h.Set("Cache-Control", "public, max-age=3600")
	h["cache-control"] = []string{"max-age=60"} // set in the map directly, not canonical
	h.Set("Trailer", "X-Checksum, X-Rows")
	h.Set("X-Checksum", "early")
	h.Set("X-Rows", "7")
	h.Set(http.TrailerPrefix+"X-Late", "1")
	h.Set("X-App", "kept") // the handler's, but not about its answer: kept
	http.SetCookie(w, &http.Cookie{Name: "session", Value: "half-logged-in"})
	panic("after answering")
}

// TestThe500KeepsWhatOuterLayersSet: the 500 drops what describes the
// handler's answer and keeps what a CORS layer outside set, so that a
// browser's script can read the 500 and its request ID.
func TestThe500KeepsWhatOuterLayersSet(t *testing.T) {
	logger, _ := observed()
	h := corsLike(mw.RequestID()(New(logger)(http.HandlerFunc(answerThenPanic))))
	wsgotest.Modes(t, h, func(t *testing.T, ts *httptest.Server) {
		res, err := ts.Client().Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		id := res.Header.Get("X-Request-Id")
		want := http.Header{
			"Access-Control-Allow-Origin":   {"https://app.example"},
			"Access-Control-Expose-Headers": {"X-Request-Id"},
			"Vary":                          {"Origin"},
			"Strict-Transport-Security":     {"max-age=63072000"},
			"X-Request-Id":                  {id},
			"X-App":                         {"kept"},
			"Cache-Control":                 {"no-store"},
			"X-Content-Type-Options":        {"nosniff"},
			"Content-Type":                  {"text/plain; charset=utf-8"},
			"Content-Length":                {strconv.Itoa(len(body))},
		}
		got := res.Header.Clone()
		got.Del("Date")
		if res.StatusCode != 500 || string(body) != "500 Internal Server Error\nrequest ID: "+id+"\n" || !sameHeader(got, want) {
			t.Fatalf("%d %q\nheader %v\nwant   %v", res.StatusCode, body, got, want)
		}
		if len(res.Trailer) != 0 {
			t.Fatalf("trailers %v", res.Trailer)
		}
	})
}

// TestThe500GoesThroughAnOuterCompressor: a compressor outside set
// Content-Encoding: gzip before calling inward and compresses the 500 as
// it goes out; the 500 must say so, or the client gets gzip it cannot read.
// A handler's own Content-Encoding, without a compressor, is dropped.
func TestThe500GoesThroughAnOuterCompressor(t *testing.T) {
	logger, _ := observed()
	for _, tt := range []struct {
		name     string
		h        http.Handler
		encoding string
	}{
		{"gzip outside", wsgotest.Gzip(mw.RequestID()(New(logger)(http.HandlerFunc(answerThenPanic)))), "gzip"},
		{"no compressor", mw.RequestID()(New(logger)(http.HandlerFunc(answerThenPanic))), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			wsgotest.Modes(t, tt.h, func(t *testing.T, ts *httptest.Server) {
				req, _ := http.NewRequest("GET", ts.URL, nil)
				req.Header.Set("Accept-Encoding", "gzip") // set by hand: the client does not decode
				res, err := ts.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				if res.StatusCode != 500 || res.Header.Get("Content-Encoding") != tt.encoding {
					t.Fatalf("%d Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
				}
				var body io.Reader = res.Body
				if tt.encoding == "gzip" {
					zr, err := gzip.NewReader(res.Body)
					if err != nil {
						t.Fatalf("the 500 is not gzip: %v", err)
					}
					body = zr
				}
				b, err := io.ReadAll(body)
				if id := res.Header.Get("X-Request-Id"); err != nil || string(b) != "500 Internal Server Error\nrequest ID: "+id+"\n" {
					t.Fatalf("body %q, %v", b, err)
				}
			})
		})
	}
}

// sameHeader reports whether a and b hold the same keys and values.
func sameHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestResetHeaderTrailers: a trailer declared in any case, in several
// Trailer values, goes; a header that only looks like one stays.
func TestResetHeaderTrailers(t *testing.T) {
	h := http.Header{
		"Trailer":      {"x-sum", " X-Count ,X-Other"},
		"X-Sum":        {"1"},
		"X-Count":      {"2"},
		"X-Other":      {"3"},
		"X-Summary":    {"kept"},
		"Trailer:X-Up": {"4"},
	}
	resetHeader(h, nil)
	var keys []string
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if strings.Join(keys, ",") != "Cache-Control,X-Summary" {
		t.Fatalf("kept %v", keys)
	}
}
