package logging

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/environ"
)

// TestClientAddressFoldsIPv4Mapped: the access entry's client.address and
// the Apache line's %h give an IPv4-mapped peer address in IPv4 form, with
// an Environ attached outside or without one, as REMOTE_ADDR does.
func TestClientAddressFoldsIPv4Mapped(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, withEnviron := range []bool{false, true} {
		for _, remote := range []string{"[::ffff:1.2.3.4]:5678", "::ffff:1.2.3.4"} {
			outer := func(h http.Handler) http.Handler { return h }
			if withEnviron {
				outer = environ.Middleware()
			}
			log, logs := observed()
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = remote
			serveRec(outer(Access(log)(app)), r)
			if got := logs.All()[0].ContextMap()[FieldClient]; got != "1.2.3.4" {
				t.Errorf("environ %v, RemoteAddr %q: client.address %q, want 1.2.3.4", withEnviron, remote, got)
			}
			var buf bytes.Buffer
			r = httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = remote
			serveRec(outer(Apache(&buf, Common)(app)), r)
			if !strings.HasPrefix(buf.String(), "1.2.3.4 - - [") {
				t.Errorf("environ %v, RemoteAddr %q: Apache line %q, want it to start with 1.2.3.4", withEnviron, remote, buf.String())
			}
		}
	}
}
