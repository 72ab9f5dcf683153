package environ

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// seen answers with what the application saw: SCRIPT_NAME, PATH_INFO,
// r.URL.Path, r.URL.RawPath and REQUEST_URI, one per line.
func seen(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := From(r)
		fmt.Fprintf(w, "%s\nSCRIPT_NAME=%s\nPATH_INFO=%s\nPath=%s\nRawPath=%s\nREQUEST_URI=%s",
			name, e.ScriptName(), e.PathInfo(), r.URL.Path, r.URL.RawPath, e.RequestURI())
	})
}

func do(h http.Handler, target string) (int, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec.Code, rec.Body.String()
}

func TestMount(t *testing.T) {
	inner := MustMount(map[string]http.Handler{"/v1": seen("v1")}, seen("api-fallback"))
	m := MustMount(map[string]http.Handler{
		"/rest":     seen("rest"),
		"/rest/api": inner,
		"/myapp":    seen("myapp"),
	}, nil)
	tests := []struct {
		target string
		status int
		want   string
	}{
		{"/rest/custompath", 200, "rest\nSCRIPT_NAME=/rest\nPATH_INFO=/custompath\nPath=/custompath\nRawPath=\nREQUEST_URI=/rest/custompath"},
		{"/rest", 200, "rest\nSCRIPT_NAME=/rest\nPATH_INFO=\nPath=/\nRawPath=\nREQUEST_URI=/rest"},
		{"/rest/", 200, "rest\nSCRIPT_NAME=/rest\nPATH_INFO=/\nPath=/\nRawPath=\nREQUEST_URI=/rest/"},
		{"/restore", 404, "404 page not found\n"},
		{"/rest/api/v1/users", 200, "v1\nSCRIPT_NAME=/rest/api/v1\nPATH_INFO=/users\nPath=/users\nRawPath=\nREQUEST_URI=/rest/api/v1/users"},
		{"/rest/api/v2", 200, "api-fallback\nSCRIPT_NAME=/rest/api\nPATH_INFO=/v2\nPath=/v2\nRawPath=\nREQUEST_URI=/rest/api/v2"},
		{"/rest/apis", 200, "rest\nSCRIPT_NAME=/rest\nPATH_INFO=/apis\nPath=/apis\nRawPath=\nREQUEST_URI=/rest/apis"},
		{"/rest/a%2Fb", 200, "rest\nSCRIPT_NAME=/rest\nPATH_INFO=/a/b\nPath=/a/b\nRawPath=/a%2Fb\nREQUEST_URI=/rest/a%2Fb"},
		{"/", 404, "404 page not found\n"},
		{"/myapp?x=1", 200, "myapp\nSCRIPT_NAME=/myapp\nPATH_INFO=\nPath=/\nRawPath=\nREQUEST_URI=/myapp?x=1"},
	}
	for _, tt := range tests {
		code, body := do(m, tt.target)
		if code != tt.status || body != tt.want {
			t.Errorf("%s: %d %q\nwant %d %q", tt.target, code, body, tt.status, tt.want)
		}
	}
}

func TestMountServeMuxInside(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "index") })
	mux.HandleFunc("GET /users/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "user "+r.PathValue("id")+" at "+From(r).AppPath("users/"+r.PathValue("id")))
	})
	m := MustMount(map[string]http.Handler{"/api": mux}, nil)
	for target, want := range map[string]string{
		"/api":         "index",
		"/api/":        "index",
		"/api/users/7": "user 7 at /api/users/7",
	} {
		if code, body := do(m, target); code != 200 || body != want {
			t.Errorf("%s: %d %q, want %q", target, code, body, want)
		}
	}
}

func TestMountAtRootAndFallback(t *testing.T) {
	m := MustMount(map[string]http.Handler{"/": seen("root"), "/a": seen("a")}, nil)
	if _, body := do(m, "/b/c"); !strings.HasPrefix(body, "root\nSCRIPT_NAME=\nPATH_INFO=/b/c") {
		t.Fatalf("root mount: %q", body)
	}
	if _, body := do(m, "/a/c"); !strings.HasPrefix(body, "a\nSCRIPT_NAME=/a\nPATH_INFO=/c") {
		t.Fatalf("longest first: %q", body)
	}
	fb := MustMount(map[string]http.Handler{"/a": seen("a")}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(410)
	}))
	if code, _ := do(fb, "/zzz"); code != 410 {
		t.Fatalf("fallback: %d", code)
	}
}

func TestMountConfigErrors(t *testing.T) {
	ok := seen("x")
	tests := []struct {
		apps map[string]http.Handler
		want string
	}{
		{map[string]http.Handler{"rest": ok}, `environ: mount "rest": prefix must start with /`},
		{map[string]http.Handler{"/rest/": ok}, `environ: mount "/rest/": prefix must not end with /`},
		{map[string]http.Handler{"/a//b": ok}, `environ: mount "/a//b": prefix has an empty, . or .. segment`},
		{map[string]http.Handler{"/a/../b": ok}, `environ: mount "/a/../b": prefix has an empty, . or .. segment`},
		{map[string]http.Handler{"/a?b": ok}, `environ: mount "/a?b": prefix has a NUL, ? or #`},
		{map[string]http.Handler{"": ok}, `environ: mount "": prefix must start with /`},
		{map[string]http.Handler{"/a": nil}, `environ: mount "/a": nil handler`},
	}
	for _, tt := range tests {
		_, err := NewMount(tt.apps, nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%v: %v, want %q", tt.apps, err, tt.want)
		}
	}
	defer func() {
		if r := recover(); fmt.Sprint(r) != `environ: mount "x": prefix must start with /` {
			t.Errorf("MustMount panicked with %v", r)
		}
	}()
	MustMount(map[string]http.Handler{"x": ok}, nil)
}

func TestMountNeverModifiesTheRequest(t *testing.T) {
	m := MustMount(map[string]http.Handler{"/rest": seen("rest")}, nil)
	r := httptest.NewRequest("GET", "/rest/x", nil)
	u, path := r.URL, r.URL.Path
	m.ServeHTTP(httptest.NewRecorder(), r)
	if r.URL != u || r.URL.Path != path || Lookup(r.Context()) != nil {
		t.Fatal("the incoming request was modified")
	}
}

func TestVirtualHosts(t *testing.T) {
	v := MustVirtualHosts([]Site{
		{Names: []string{"finance.klopt.org", "klopt.org"}, Handler: seen("finance")},
		{Names: []string{"doc.localhost"}, Handler: seen("doc")},
		{Names: []string{"*.example.org"}, Handler: seen("wild")},
		{Names: []string{"*.a.example.org"}, Handler: seen("wild-a")},
		{Names: []string{"api.example.org:8443"}, Handler: seen("api-8443")},
	}, seen("default"))
	tests := map[string]string{
		"finance.klopt.org":       "finance",
		"KLOPT.org":               "finance",
		"klopt.org.":              "finance",
		"klopt.org:8080":          "finance",
		"doc.localhost:8081":      "doc",
		"x.example.org":           "wild",
		"x.y.example.org":         "wild",
		"x.a.example.org":         "wild-a",
		"example.org":             "default",
		"evilexample.org":         "default",
		"api.example.org:8443":    "api-8443",
		"api.example.org":         "wild",
		"[::1]:8080":              "default",
		"":                        "default",
		"bad host":                "default",
		"a/b":                     "default",
		strings.Repeat("a", 2000): "default",
	}
	for host, want := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		rec := httptest.NewRecorder()
		v.ServeHTTP(rec, r)
		if got := strings.SplitN(rec.Body.String(), "\n", 2)[0]; got != want {
			t.Errorf("Host %q: %q, want %q", host, got, want)
		}
	}
	noDefault := MustVirtualHosts([]Site{{Names: []string{"a.org"}, Handler: seen("a")}}, nil)
	r := httptest.NewRequest("GET", "/", nil)
	r.Host = "b.org"
	rec := httptest.NewRecorder()
	noDefault.ServeHTTP(rec, r)
	if rec.Code != http.StatusMisdirectedRequest {
		t.Fatalf("unknown host without default: %d", rec.Code)
	}
}

func TestVirtualHostsConfigErrors(t *testing.T) {
	h := seen("x")
	tests := []struct {
		sites []Site
		want  string
	}{
		{[]Site{{Names: []string{"a.org"}}}, "environ: virtual host 1 [a.org]: nil handler"},
		{[]Site{{Handler: h}}, "environ: virtual host 1: no names"},
		{[]Site{{Names: []string{"bad host"}, Handler: h}}, `environ: virtual host 1: name "bad host": not a host name`},
		{[]Site{{Names: []string{"a.org:x"}, Handler: h}}, `environ: virtual host 1: name "a.org:x": bad port`},
		{[]Site{{Names: []string{"*"}, Handler: h}}, `environ: virtual host 1: name "*": not a host name`},
		{[]Site{{Names: []string{"a.org"}, Handler: h}, {Names: []string{"A.org"}, Handler: h}}, `environ: virtual host 2: name "A.org" is used twice`},
	}
	for _, tt := range tests {
		_, err := NewVirtualHosts(tt.sites, nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%v: %v, want %q", tt.sites, err, tt.want)
		}
	}
}

// TestMountPrefixAtASegmentBoundary: /site serves /site and /site/x; the
// fallback serves /siteadmin.
func TestMountPrefixAtASegmentBoundary(t *testing.T) {
	m := MustMount(map[string]http.Handler{"/site": seen("site")}, seen("fallback"))
	for target, want := range map[string]string{
		"/site":        "site\nSCRIPT_NAME=/site\nPATH_INFO=\n",
		"/site/x":      "site\nSCRIPT_NAME=/site\nPATH_INFO=/x\n",
		"/siteadmin":   "fallback\nSCRIPT_NAME=\nPATH_INFO=/siteadmin\n",
		"/siteadmin/x": "fallback\nSCRIPT_NAME=\nPATH_INFO=/siteadmin/x\n",
	} {
		if code, body := do(m, target); code != 200 || !strings.HasPrefix(body, want) {
			t.Errorf("%s: %d %q\nwant 200 %q...", target, code, body, want)
		}
	}
}
