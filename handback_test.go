package wsgo

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/logging"
)

// stacks are the ways a user puts wsgo around an application, each with
// the logger its access entries go to (nil for the Apache line).
func handbackStacks(log *zap.Logger) []struct {
	name string
	wrap func(http.Handler) http.Handler
} {
	return []struct {
		name string
		wrap func(http.Handler) http.Handler
	}{
		{"production", Production(log).Then},
		{"development", Development(log).Then},
		{"apache alone", logging.Apache(io.Discard, logging.Combined)},
		{"access alone", logging.Access(log)},
	}
}

// TestUploadLeavesNoTemporaryFile: a handler behind wsgo that parses a
// multipart upload too big for memory leaves no multipart-* file behind
// once the response is out, as without wsgo (net/http removes the form of
// its own request, wsgo removes the form of each copy it hands inward).
func TestUploadLeavesNoTemporaryFile(t *testing.T) {
	var tmp string // each subtest's own TMPDIR
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if left, _ := filepath.Glob(filepath.Join(tmp, "multipart-*")); len(left) != 1 {
			http.Error(w, "the upload is not in a temporary file", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "got "+r.MultipartForm.File["f"][0].Filename)
	})
	mounted, err := environ.NewMount(map[string]http.Handler{"/up": app}, nil)
	if err != nil {
		t.Fatal(err)
	}
	stacks := append(handbackStacks(zap.NewNop()), struct {
		name string
		wrap func(http.Handler) http.Handler
	}{"no wsgo", func(h http.Handler) http.Handler { return h }})
	for _, st := range stacks {
		for _, h := range []struct {
			name, path string
			h          http.Handler
		}{{"app", "/", app}, {"mounted", "/up/x", mounted}} {
			t.Run(st.name+"/"+h.name, func(t *testing.T) {
				tmp = t.TempDir()
				t.Setenv("TMPDIR", tmp)
				ts := httptest.NewServer(st.wrap(h.h))
				defer ts.Close()
				var b bytes.Buffer
				mpw := multipart.NewWriter(&b)
				fw, _ := mpw.CreateFormFile("f", "big.bin")
				fw.Write(bytes.Repeat([]byte("x"), 64<<10))
				mpw.Close()
				res, err := http.Post(ts.URL+h.path, mpw.FormDataContentType(), &b)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || string(body) != "got big.bin" {
					t.Fatalf("status %d, body %q", res.StatusCode, body)
				}
				// wsgo removes its copies' forms before the handler returns;
				// net/http removes its own request's after the response went
				// out, so the client may look a moment too early.
				var left []string
				wsgotest.WaitFor(func() bool {
					left, _ = filepath.Glob(filepath.Join(tmp, "multipart-*"))
					return len(left) == 0
				})
				if len(left) != 0 {
					t.Fatalf("temporary files left after the request: %v", left)
				}
			})
		}
	}
}

// TestRouteReachesOuterLayersAndTheLog: the route Go's ServeMux matched
// inside wsgo reaches a layer outside it (otelhttp names its spans from
// r.Pattern) and the access entry's http.route, behind a Mount with the
// mount's prefix put before it; an outer ServeMux's own Pattern stays.
func TestRouteReachesOuterLayersAndTheLog(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "user "+r.PathValue("id")) })
	mounted, err := environ.NewMount(map[string]http.Handler{"/api": mux}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, path string
		app        http.Handler
		outerMux   bool
		want       string // the Pattern outside, and http.route
	}{
		{"ServeMux", "/users/7", mux, false, "GET /users/{id}"},
		{"ServeMux behind a Mount", "/api/users/7", mounted, false, "GET /api/users/{id}"},
		{"inside an outer ServeMux", "/api/users/7", mounted, true, "/api/"},
	} {
		for _, preset := range []string{"production", "development"} {
			t.Run(tt.name+"/"+preset, func(t *testing.T) {
				core, logs := observer.New(zapcore.DebugLevel)
				log := zap.New(core)
				c := Production(log)
				if preset == "development" {
					c = Development(log)
				}
				var outside string
				h := c.Then(tt.app)
				if tt.outerMux {
					outer := http.NewServeMux()
					outer.Handle("/api/", h)
					h = outer
				}
				span := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					h.ServeHTTP(w, r)
					outside = r.Pattern // as otelhttp reads it, after the handler returned
				})
				ts := httptest.NewServer(span)
				defer ts.Close()
				res, err := http.Get(ts.URL + tt.path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if string(body) != "user 7" {
					t.Fatalf("body %q", body)
				}
				if outside != tt.want {
					t.Errorf("Pattern outside the preset %q, want %q", outside, tt.want)
				}
				entries := logs.FilterMessage(logging.FieldMessage).All()
				if len(entries) != 1 {
					t.Fatalf("%d access entries", len(entries))
				}
				want := tt.want // inside an outer ServeMux, the preset receives its Pattern, and keeps it
				if got, _ := entries[0].ContextMap()[logging.FieldRoute].(string); got != want {
					t.Errorf("http.route %q, want %q", got, want)
				}
			})
		}
	}
}

// TestRouteHook: logging.Route takes the route from where a router keeps
// it; the field is left out when there is none.
func TestRouteHook(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	type routeKey struct{}
	router := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*r.Context().Value(routeKey{}).(*string) = "/things/:id" // as chi fills its RouteContext
	})
	h := Production(zap.New(core), AccessOptions(logging.Route(func(r *http.Request) string {
		return *r.Context().Value(routeKey{}).(*string)
	})))
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var route string
		h.Then(router).ServeHTTP(w, r.WithContext(contextWith(r, routeKey{}, &route)))
	})
	rec := httptest.NewRecorder()
	outer.ServeHTTP(rec, httptest.NewRequest("GET", "/things/1", nil))
	if got := logs.All()[0].ContextMap()[logging.FieldRoute]; got != "/things/:id" {
		t.Fatalf("http.route %v, want /things/:id", got)
	}
	logs.TakeAll()
	Production(zap.New(core)).Then(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if _, ok := logs.All()[0].ContextMap()[logging.FieldRoute]; ok {
		t.Fatal("http.route logged for a request no route matched")
	}
}

// TestFormParsedOutsideIsKept: the cleanup never removes a form the
// request the preset received owns (parsed by a layer outside it): that
// layer, or net/http, removes it.
func TestFormParsedOutsideIsKept(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.MultipartForm.File["f"][0].Filename)
	})
	h := Production(zap.NewNop()).Then(app)
	var kept []string
	outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1); err != nil {
			t.Error(err)
		}
		h.ServeHTTP(w, r)
		kept, _ = filepath.Glob(filepath.Join(tmp, "multipart-*"))
	})
	ts := httptest.NewServer(outer)
	defer ts.Close()
	var b bytes.Buffer
	mpw := multipart.NewWriter(&b)
	fw, _ := mpw.CreateFormFile("f", "outer.bin")
	fw.Write(bytes.Repeat([]byte("x"), 64<<10))
	mpw.Close()
	res, err := http.Post(ts.URL, mpw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if len(kept) != 1 {
		t.Fatalf("the outer layer's form files after the preset returned: %v, want its one file", kept)
	}
}

func contextWith(r *http.Request, key, val any) context.Context {
	return context.WithValue(r.Context(), key, val)
}
