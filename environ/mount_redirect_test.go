package environ

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestMountRedirectsARelativePath: a Mount placed under
// http.StripPrefix("/legacy/", ...), trailing slash included, receives
// paths without their leading slash ("api/x" for /legacy/api/x). Such a
// path is not clean: the Mount answers 308 to its clean form, query kept,
// and no application (not even one mounted at the root) is handed a path
// that does not start with "/". http.ServeMux, in the same place, redirects
// to the same Location.
func TestMountRedirectsARelativePath(t *testing.T) {
	reached := func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("%q reached an application as %q", r.RequestURI, r.URL.Path)
	}
	apiOnly := MustMount(map[string]http.Handler{"/api": http.HandlerFunc(reached)}, http.HandlerFunc(reached))
	withRoot := MustMount(map[string]http.Handler{"/": http.HandlerFunc(reached), "/api": http.HandlerFunc(reached)}, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("/", reached)
	for _, tt := range []struct {
		name     string
		mount    *Mount
		target   string
		location string
	}{
		{"below a mount", apiOnly, "/legacy/api/x?q=1", "/api/x?q=1"},
		{"not below any mount", apiOnly, "/legacy/other", "/other"},
		{"root mount", withRoot, "/legacy/x", "/x"},
		{"root mount, dot-dot", withRoot, "/legacy/a/../b", "/b"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			http.StripPrefix("/legacy/", tt.mount).ServeHTTP(rec, httptest.NewRequest("GET", tt.target, nil))
			if rec.Code != http.StatusPermanentRedirect || rec.Header().Get("Location") != tt.location {
				t.Fatalf("%s: %d, Location %q; want 308 to %q", tt.target, rec.Code, rec.Header().Get("Location"), tt.location)
			}
			std := httptest.NewRecorder()
			http.StripPrefix("/legacy/", mux).ServeHTTP(std, httptest.NewRequest("GET", tt.target, nil))
			if got := std.Header().Get("Location"); got != tt.location {
				t.Errorf("http.ServeMux redirects %s to %q, the Mount to %q", tt.target, got, tt.location)
			}
		})
	}
}
