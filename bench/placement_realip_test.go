package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
	"go.uber.org/zap"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/logging"
)

// realIP is chi's RealIP, which chi deprecates for the reason the test
// shows: the guide says to drop it.
//
//lint:ignore SA1019 the test shows what RealIP does, so that the guide can say to replace it
var realIP = chimw.RealIP

// TestPlacementRealIP: which client address the access entry
// (client.address) and the application (REMOTE_ADDR, r.RemoteAddr) see
// when a request from 127.0.0.1 says X-Forwarded-For: 203.0.113.7, with
// chi's RealIP outside the preset, inside it, or environ.Proxy in its
// place (wsgo.BehindProxy). What RealIP sets in place wins wherever it
// changes the request the preset's layers handed inward: outside the
// preset, and anywhere inside it, since they share one request with the
// layers below them (REMOTE_ADDR is read from it when first asked for).
// Behind a layer that copied the request (chi's router copies it to add
// its routing context), RealIP changes only the copy: the entry and
// REMOTE_ADDR keep the peer, r.RemoteAddr says the forged address. In
// every case RealIP believes the header from any peer; environ.Proxy
// believes it only from a trusted one, and the entry, REMOTE_ADDR and
// r.RemoteAddr agree.
func TestPlacementRealIP(t *testing.T) {
	const forged = "203.0.113.7"
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, environ.From(r).RemoteAddr()+"|"+r.RemoteAddr)
	})
	for _, tc := range []struct {
		name  string
		build func(log *zap.Logger) http.Handler
		// what the access entry, REMOTE_ADDR and r.RemoteAddr say
		logged, remoteAddr, rAddr string
	}{
		{"RealIP outside", func(log *zap.Logger) http.Handler {
			return realIP(wsgo.Production(log).Then(app))
		}, forged, forged, forged},
		{"RealIP inside", func(log *zap.Logger) http.Handler {
			return wsgo.Production(log).InsertAfter(wsgo.LayerRecover, chain.Named("realip", realIP)).Then(app)
		}, forged, forged, forged},
		{"RealIP inside, around the app", func(log *zap.Logger) http.Handler {
			return wsgo.Production(log).Then(realIP(app))
		}, forged, forged, forged},
		{"RealIP inside, development", func(log *zap.Logger) http.Handler {
			return wsgo.Development(log).InsertAfter(wsgo.LayerRecover, chain.Named("realip", realIP)).Then(app)
		}, forged, forged, forged},
		{"RealIP inside, around the app, development", func(log *zap.Logger) http.Handler {
			return wsgo.Development(log).Then(realIP(app))
		}, forged, forged, forged},
		{"RealIP inside, around an app that does not read the environ", func(log *zap.Logger) http.Handler {
			return wsgo.Production(log).Then(realIP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "-|"+r.RemoteAddr) })))
		}, forged, "-", forged},
		{"RealIP in chi's r.Use, the preset outside chi", func(log *zap.Logger) http.Handler {
			r := chi.NewRouter()
			r.Use(realIP)
			r.Get("/", app)
			return wsgo.Production(log).Then(r)
		}, "127.0.0.1", "127.0.0.1", forged},
		{"BehindProxy, the peer trusted", func(log *zap.Logger) http.Handler {
			return wsgo.Production(log, wsgo.BehindProxy(environ.ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.1/32"}})).Then(app)
		}, forged, forged, forged + ":0"},
		{"BehindProxy, the peer not trusted", func(log *zap.Logger) http.Handler {
			return wsgo.Production(log, wsgo.BehindProxy(environ.ProxyConfig{For: 1, TrustedPeers: []string{"10.0.0.0/8"}})).Then(app)
		}, "127.0.0.1", "127.0.0.1", "127.0.0.1:*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, logs := observed()
			ts := httptest.NewServer(tc.build(log))
			defer ts.Close()
			req := newRequest(t, "GET", ts.URL+"/", nil)
			req.Header.Set("X-Forwarded-For", forged)
			_, body := do(t, ts, req)
			e := oneAccess(t, logs).ContextMap()
			remoteAddr, rAddr, _ := strings.Cut(body, "|")
			if tc.rAddr == "127.0.0.1:*" && strings.HasPrefix(rAddr, "127.0.0.1:") {
				rAddr = tc.rAddr
			}
			if e[logging.FieldClient] != tc.logged || remoteAddr != tc.remoteAddr || rAddr != tc.rAddr {
				t.Fatalf("client.address %v, REMOTE_ADDR %s, r.RemoteAddr %s; want %s, %s, %s",
					e[logging.FieldClient], remoteAddr, rAddr, tc.logged, tc.remoteAddr, tc.rAddr)
			}
		})
	}
}
