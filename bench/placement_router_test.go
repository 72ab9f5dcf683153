package bench

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/labstack/echo/v4"
	"go.uber.org/zap"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/logging"
)

// chiRoute is the route hook docs/placement.md gives for chi.
func chiRoute(r *http.Request) string { return chi.RouteContext(r.Context()).RoutePattern() }

// chiRouter is a chi router with one route, the preset placed by place.
func chiRouter(place func(*chi.Mux) http.Handler) http.Handler {
	r := chi.NewRouter()
	h := place(r)
	r.Get("/users/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "user "+chi.URLParam(r, "id")) })
	return h
}

// TestPlacementChiRoute: what the access entry of a chi application holds,
// for a matched route, a 404 and a 405, with the preset in chi's r.Use and
// wrapped around the router from outside, with and without the route hook.
//   - In r.Use, chi's middlewares run before routing, on the request that
//     then reaches the route, so every request is logged (404 and 405 too)
//     and the route is in http.route: chi sets r.Pattern on the request
//     wsgo handed inward, which wsgo reads; logging.Route with chi's
//     RoutePattern gives the same.
//   - Outside, 404 and 405 are logged too, but chi routes on a copy of the
//     request with a routing context of its own (pooled, reset when chi
//     returns): neither r.Pattern nor the hook reaches it, and no route is
//     logged.
func TestPlacementChiRoute(t *testing.T) {
	hook := wsgo.AccessOptions(logging.Route(chiRoute))
	for _, tc := range []struct {
		name  string
		build func(log *zap.Logger) http.Handler
		route any
	}{
		{"r.Use", func(log *zap.Logger) http.Handler {
			return chiRouter(func(r *chi.Mux) http.Handler { r.Use(wsgo.Production(log).Middleware()); return r })
		}, "/users/{id}"},
		{"r.Use with logging.Route", func(log *zap.Logger) http.Handler {
			return chiRouter(func(r *chi.Mux) http.Handler { r.Use(wsgo.Production(log, hook).Middleware()); return r })
		}, "/users/{id}"},
		{"outside", func(log *zap.Logger) http.Handler {
			return chiRouter(func(r *chi.Mux) http.Handler { return wsgo.Production(log).Then(r) })
		}, nil},
		{"outside with logging.Route", func(log *zap.Logger) http.Handler {
			return chiRouter(func(r *chi.Mux) http.Handler { return wsgo.Production(log, hook).Then(r) })
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, logs := observed()
			ts := httptest.NewServer(tc.build(log))
			defer ts.Close()
			for _, req := range []*http.Request{
				newRequest(t, "GET", ts.URL+"/users/7", nil),
				newRequest(t, "GET", ts.URL+"/nope", nil),
				newRequest(t, "DELETE", ts.URL+"/users/7", nil),
			} {
				do(t, ts, req)
			}
			es := accessEntries(logs)
			if len(es) != 3 {
				t.Fatalf("%d access entries, want 3: %v", len(es), es)
			}
			for i, want := range []struct {
				status int64
				route  any
			}{{200, tc.route}, {404, nil}, {405, nil}} {
				e := es[i].ContextMap()
				if e[logging.FieldStatus] != want.status || e[logging.FieldRoute] != want.route {
					t.Errorf("entry %d: status %v, route %v; want %d, %v", i, e[logging.FieldStatus], e[logging.FieldRoute], want.status, want.route)
				}
			}
		})
	}
}

// TestPlacementEchoErrors: with the preset wrapped around echo from
// outside, an error a handler returns is lost by default: echo's
// DefaultHTTPErrorHandler answers 500 and logs nothing (echo's Logger
// middleware, which the preset replaces, was what logged it), so the access
// entry says 500 and no entry says why. An HTTPErrorHandler that writes the
// error to the request's error log (logging.From) and then lets echo answer
// puts it in the log, under the request's ID, beside the access entry.
func TestPlacementEchoErrors(t *testing.T) {
	for _, withHandler := range []bool{false, true} {
		name := "DefaultHTTPErrorHandler"
		if withHandler {
			name = "HTTPErrorHandler to logging.From"
		}
		t.Run(name, func(t *testing.T) {
			log, logs := observed()
			e := echo.New()
			e.Logger.SetOutput(io.Discard)
			if withHandler {
				e.HTTPErrorHandler = func(err error, c echo.Context) {
					if he := (*echo.HTTPError)(nil); !errors.As(err, &he) || he.Code >= 500 {
						logging.FromContext(c.Request().Context()).Error("handler error", zap.Error(err))
					}
					e.DefaultHTTPErrorHandler(err, c)
				}
			}
			e.GET("/orders", func(c echo.Context) error { return errors.New("orders: database is down") })
			ts := httptest.NewServer(wsgo.Production(log).Then(e))
			defer ts.Close()
			res, body := do(t, ts, newRequest(t, "GET", ts.URL+"/orders", nil))
			if res.StatusCode != 500 || body != "{\"message\":\"Internal Server Error\"}\n" {
				t.Fatalf("%d %q", res.StatusCode, body)
			}
			do(t, ts, newRequest(t, "GET", ts.URL+"/nope", nil)) // a 404 is no error to log

			es := accessEntries(logs)
			if len(es) != 2 || es[0].ContextMap()[logging.FieldStatus] != int64(500) || es[1].ContextMap()[logging.FieldStatus] != int64(404) {
				t.Fatalf("access entries: %v", es)
			}
			errs := logs.FilterMessage("handler error").All()
			if !withHandler {
				if logs.Len() != 2 {
					t.Fatalf("entries: %v, want the two access entries alone", logs.All())
				}
				return
			}
			if len(errs) != 1 || errs[0].ContextMap()["error"] != "orders: database is down" ||
				errs[0].ContextMap()[logging.FieldRequestID] != es[0].ContextMap()[logging.FieldRequestID] {
				t.Fatalf("error entries %v, access entry %v", errs, es[0])
			}
		})
	}
}
