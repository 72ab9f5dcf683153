package traceback

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
)

// answerThenPanic starts an answer of its own (headers a 500 must not
// keep), then panics before writing.
func answerThenPanic(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Set-Cookie", "session=1")
	panic("after the headers")
}

// TestTracebackCSPReplacesAnOuterOne: an outer layer set a strict
// Content-Security-Policy. The traceback page sends its own, alone (two
// policies are both enforced, and the outer one would block the page's
// script and style); the production page keeps the outer one.
func TestTracebackCSPReplacesAnOuterOne(t *testing.T) {
	const strict = "default-src 'none'; frame-ancestors 'none'"
	withCSP := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", strict)
			next.ServeHTTP(w, r)
		})
	}
	logger, _ := observed()
	for _, tt := range []struct {
		name  string
		layer mw.Middleware
		want  string
	}{
		{"traceback", devLayer(logger), parsePage().csp},
		{"production", wsgorecover.New(logger), strict},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := withCSP(tt.layer(http.HandlerFunc(answerThenPanic)))
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr, r.Host = "127.0.0.1:1", "localhost"
			r.Header.Set("Accept", "text/html")
			rec := serve(h, r)
			if got := rec.Header().Values("Content-Security-Policy"); rec.Code != 500 || len(got) != 1 || got[0] != tt.want {
				t.Fatalf("%d CSP %q", rec.Code, got)
			}
		})
	}
}
