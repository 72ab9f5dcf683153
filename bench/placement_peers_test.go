package bench

import (
	"bytes"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/logging"
)

// TestPlacementPeerLoggerAndRecovererInside: chi's Logger and Recoverer
// kept inside the preset. Each request is logged twice, once by each
// logger; and a panic is caught by chi's Recoverer before wsgo's recover
// layer sees it: the client gets chi's bare 500, and no entry carries the
// panic's value and stack under the request's ID (chi's goes to its own
// writer), the access entry has no error.type=panic. Hence the guide's
// "drop".
func TestPlacementPeerLoggerAndRecovererInside(t *testing.T) {
	var chiOut bytes.Buffer
	chiLogger := chimw.RequestLogger(&chimw.DefaultLogFormatter{Logger: log.New(&chiOut, "", 0), NoColor: true})
	zl, logs := observed()
	h := wsgo.Production(zl).
		InsertAfter(wsgo.LayerRecover, chain.Named("chi-logger", chiLogger)).
		InsertAfter("chi-logger", chain.Named("chi-recoverer", chimw.Recoverer)).
		Then(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") }))
	ts := httptest.NewServer(h)
	defer ts.Close()
	// chi's Recoverer prints the stack on standard error (a package variable
	// of chi's; go test shows it with -v only).
	res, body := do(t, ts, newRequest(t, "GET", ts.URL+"/", nil))
	if res.StatusCode != 500 || body != "" {
		t.Fatalf("%d %q, want chi's empty 500", res.StatusCode, body)
	}
	if n := strings.Count(chiOut.String(), "\n"); n != 1 {
		t.Fatalf("chi's Logger wrote %d lines, want 1: %q", n, chiOut.String())
	}
	e := oneAccess(t, logs).ContextMap()
	if e[logging.FieldStatus] != int64(500) || e[logging.FieldError] != nil || logs.Len() != 1 {
		t.Fatalf("entries %v: want the access entry alone, with no %s", logs.All(), logging.FieldError)
	}
}

// TestPlacementAuthInside: an authentication layer inside the preset, after
// recover: its refusal is logged, with the request ID the client receives.
func TestPlacementAuthInside(t *testing.T) {
	auth := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer good" {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	zl, logs := observed()
	h := wsgo.Production(zl).InsertAfter(wsgo.LayerRecover, chain.Named("auth", auth)).Then(Hello)
	ts := httptest.NewServer(h)
	defer ts.Close()
	res, _ := do(t, ts, newRequest(t, "GET", ts.URL+"/", nil))
	e := oneAccess(t, logs).ContextMap()
	if res.StatusCode != 401 || e[logging.FieldStatus] != int64(401) || e[logging.FieldRequestID] != res.Header.Get("X-Request-Id") {
		t.Fatalf("client %d, X-Request-Id %q; access entry %v", res.StatusCode, res.Header.Get("X-Request-Id"), e)
	}
}
