package bench

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rs/cors"
	"go.uber.org/zap"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/logging"
)

const corsOrigin = "https://app.example"

// corsLayer is rs/cors allowing corsOrigin to PUT.
func corsLayer() func(http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowedOrigins: []string{corsOrigin},
		AllowedMethods: []string{"GET", "PUT"},
	}).Handler
}

// corsStacks is rs/cors inside the production preset (after recover, as
// docs/placement.md says) and outside it.
func corsStacks(log *zap.Logger, app http.Handler) (inside, outside http.Handler) {
	inside = wsgo.Production(log).InsertAfter(wsgo.LayerRecover, chain.Named("cors", corsLayer())).Then(app)
	outside = corsLayer()(wsgo.Production(log).Then(app))
	return inside, outside
}

// TestPlacementCORSInside: rs/cors inside the preset, after recover. A
// preflight, which rs/cors answers itself without calling the application,
// is logged (one access entry, 204) and carries the request ID; a panic in
// the application behind CORS becomes a 500 that keeps
// Access-Control-Allow-Origin, so that the page's script can read it and
// quote its request ID. Outside the preset the preflight is answered before
// the preset runs: no entry, no request ID.
func TestPlacementCORSInside(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	for _, tc := range []struct {
		name   string
		pick   func(inside, outside http.Handler) http.Handler
		logged bool
	}{
		{"inside", func(in, _ http.Handler) http.Handler { return in }, true},
		{"outside", func(_, out http.Handler) http.Handler { return out }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, logs := observed()
			ts := httptest.NewServer(tc.pick(corsStacks(log, app)))
			defer ts.Close()

			pre := newRequest(t, "OPTIONS", ts.URL+"/things/1", nil)
			pre.Header.Set("Origin", corsOrigin)
			pre.Header.Set("Access-Control-Request-Method", "PUT")
			res, _ := do(t, ts, pre)
			if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != corsOrigin {
				t.Fatalf("preflight: %d, Access-Control-Allow-Origin %q", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
			}
			id := res.Header.Get("X-Request-Id")
			if entries := accessEntries(logs); tc.logged {
				if len(id) != 20 || len(entries) != 1 ||
					entries[0].ContextMap()[logging.FieldStatus] != int64(204) ||
					entries[0].ContextMap()[logging.FieldMethod] != "OPTIONS" ||
					entries[0].ContextMap()[logging.FieldRequestID] != id {
					t.Fatalf("preflight: request ID %q, access entries %v", id, entries)
				}
			} else if id != "" || len(entries) != 0 {
				t.Fatalf("preflight outside: request ID %q, access entries %v: the preflight reached the preset", id, entries)
			}

			req := newRequest(t, "PUT", ts.URL+"/things/1", nil)
			req.Header.Set("Origin", corsOrigin)
			res, _ = do(t, ts, req)
			if res.StatusCode != 500 || res.Header.Get("Access-Control-Allow-Origin") != corsOrigin ||
				len(res.Header.Get("X-Request-Id")) != 20 {
				t.Fatalf("panic behind CORS: %d, Access-Control-Allow-Origin %q, X-Request-Id %q",
					res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"), res.Header.Get("X-Request-Id"))
			}
		})
	}
}
