package environ

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestStripPrefixBecomesScriptName mounts wsgo below http.StripPrefix, as
// chi's Mount with the recipe in the README does, over a real server: what
// StripPrefix removed is SCRIPT_NAME, whether the Environ is attached
// outside it or inside, and a Mount inside adds its own prefix.
func TestStripPrefixBecomesScriptName(t *testing.T) {
	report := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := From(r)
		fmt.Fprintf(w, "%s|%s", e.ScriptName(), e.PathInfo())
	})
	api := MustMount(map[string]http.Handler{"/api": report}, nil)
	tests := []struct {
		name, path, want string
		h                http.Handler
	}{
		{"environ inside", "/legacy/api/users/7", "/legacy|/api/users/7", http.StripPrefix("/legacy", Middleware()(report))},
		{"no environ layer", "/legacy/api/users/7", "/legacy|/api/users/7", http.StripPrefix("/legacy", report)},
		{"mount inside, environ inside", "/legacy/api/users/7", "/legacy/api|/users/7", http.StripPrefix("/legacy", Middleware()(api))},
		{"mount inside, environ outside", "/legacy/api/users/7", "/legacy/api|/users/7", Middleware()(http.StripPrefix("/legacy", api))},
		{
			"mount, strip, mount", "/site/legacy/api/users/7", "/site/legacy/api|/users/7",
			MustMount(map[string]http.Handler{"/site": http.StripPrefix("/legacy", api)}, nil),
		},
		{"the prefix alone", "/legacy", "/legacy|", http.StripPrefix("/legacy", Middleware()(report))},
		{"escaped", "/le%20gacy/api/x", "/le gacy/api|/x", http.StripPrefix("/le gacy", api)},
		{"not at a segment boundary", "/legacy/x", "|acy/x", http.StripPrefix("/leg", report)},
		{"trailing slash stripped", "/legacy/x", "|x", http.StripPrefix("/legacy/", report)},
		{"nothing stripped", "/legacy/x", "|/legacy/x", Middleware()(report)},
		{"a rewrite, not a strip", "/a/b", "|/c", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r2 := *r
			u := *r.URL
			u.Path = "/c"
			r2.URL = &u
			report.ServeHTTP(w, &r2)
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(tt.h)
			defer ts.Close()
			res, err := ts.Client().Get(ts.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if string(b) != tt.want {
				t.Fatalf("SCRIPT_NAME|PATH_INFO = %q, want %q", b, tt.want)
			}
		})
	}
}

func TestLeading(t *testing.T) {
	for _, tt := range []struct{ full, rest, want string }{
		{"/a/b", "/b", "/a"},
		{"/a/b", "", "/a/b"},
		{"/a/b", "/a/b", ""},
		{"/a/b", "b", ""},
		{"/a/b/", "/", "/a/b"},
		{"/ab", "/b", ""},
		{"/a/b", "/c", ""},
		{"", "", ""},
		{"a/b", "/b", ""},
	} {
		if got := leading(tt.full, tt.rest); got != tt.want {
			t.Errorf("leading(%q, %q) = %q, want %q", tt.full, tt.rest, got, tt.want)
		}
	}
}

func TestStrippedPrefixOfEachTargetForm(t *testing.T) {
	for _, tt := range []struct{ target, path, want string }{
		{"/legacy/api?x=1", "/api", "/legacy"},
		{"http://example.com/legacy/api?x=1", "/api", "/legacy"},
		{"http://example.com", "", ""},
		{"*", "*", ""},
		{"/le%20gacy/api", "/api", "/le gacy"},
		{"/bad%zz/api", "/api", ""},
		{"/api", "/api", ""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RequestURI, r.URL.Path = tt.target, tt.path
		if got := strippedPrefix(r); got != tt.want {
			t.Errorf("strippedPrefix(%q, %q) = %q, want %q", tt.target, tt.path, got, tt.want)
		}
	}
	r := httptest.NewRequest("GET", "http://example.com/legacy/api?x=1", nil)
	r.URL.Path = "/api"
	if n := testing.AllocsPerRun(100, func() { strippedPrefix(r) }); n != 0 {
		t.Errorf("strippedPrefix allocates %v times for an absolute-form target", n)
	}
}
