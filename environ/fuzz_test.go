package environ

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzMountDispatch drives virtual hosts, nested mounts and the regex
// dispatcher with arbitrary paths and hosts. It must never panic; a request
// that reaches an application must see SCRIPT_NAME + PATH_INFO equal to the
// path it came with; one that does not is redirected to the clean path, or
// answered 404 or 421.
func FuzzMountDispatch(f *testing.F) {
	for _, seed := range []struct{ path, host string }{
		{"/rest/custompath", "localhost"},
		{"/rest", "doc.localhost:8081"},
		{"/restore", ""},
		{"/myapp2/hello/Ann", "[::1]:8080"},
		{"/a/../rest", "x"},
		{"//", "::1"},
		{"/rest/%2F", "a b"},
		{"/rest/api/v1/x", "EXAMPLE.org."},
		{"", "*"},
		{"*", "x:"},
		{"/\x00", "\x00"},
		{"/rest/./x/", "a..b"},
	} {
		f.Add(seed.path, seed.host)
	}
	var reached struct{ script, info, path string }
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := From(r)
		reached.script, reached.info = e.ScriptName(), e.PathInfo()
		if e.ScriptName() == "/" {
			panic("SCRIPT_NAME is /")
		}
	})
	disp := MustDispatcher("myapp.url_args", []Route{
		{Pattern: `^hello/(.+)$`, Handler: app},
		{Pattern: `^$`, Handler: app, Methods: []string{"GET"}},
	}, app)
	api := MustMount(map[string]http.Handler{"/v1": app}, app)
	site := MustMount(map[string]http.Handler{"/rest": app, "/rest/api": api, "/myapp2": disp, "/": app}, nil)
	h := MustVirtualHosts([]Site{
		{Names: []string{"doc.localhost", "*.example.org"}, Handler: app},
	}, site)

	f.Fuzz(func(t *testing.T, path, host string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL = &url.URL{Path: path}
		r.Host = host
		reached.script, reached.info = "\x00unset", ""
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		switch {
		case reached.script != "\x00unset":
			if got := reached.script + reached.info; got != path {
				t.Fatalf("path %q host %q: SCRIPT_NAME %q + PATH_INFO %q = %q", path, host, reached.script, reached.info, got)
			}
		case rec.Code == http.StatusPermanentRedirect:
			loc, err := url.Parse(rec.Header().Get("Location"))
			if err != nil || cleanPath(loc.Path) != loc.Path || strings.Contains(loc.Path, "/../") {
				t.Fatalf("path %q: redirect to unclean %q", path, rec.Header().Get("Location"))
			}
		case rec.Code == 404 || rec.Code == 421:
		default:
			t.Fatalf("path %q host %q: status %d without reaching the app", path, host, rec.Code)
		}
	})
}
