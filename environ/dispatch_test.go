package environ

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func argsHandler(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		args, _ := GetAs[[]string](From(r), "myapp.url_args")
		named, _ := GetAs[map[string]string](From(r), "myapp.url_args.named")
		fmt.Fprintf(w, "%s %q %v", name, args, named)
	})
}

func TestDispatch(t *testing.T) {
	d := MustDispatcher("myapp.url_args", []Route{
		{Pattern: `^$`, Handler: argsHandler("index")},
		{Pattern: `^hello/?$`, Handler: argsHandler("hello")},
		{Pattern: `^hello/(.+)$`, Handler: argsHandler("hello")},
		{Pattern: `^users/(?P<id>[0-9]+)(/(?P<tab>\w+))?$`, Handler: argsHandler("user"), Methods: []string{"GET"}},
		{Pattern: `^users/(?P<id>[0-9]+)$`, Handler: argsHandler("user-delete"), Methods: []string{"DELETE"}},
		{Pattern: `^form$`, Handler: argsHandler("form"), Methods: []string{"POST", "PUT"}},
	}, nil)
	tests := []struct {
		method, target string
		status         int
		body, allow    string
	}{
		{"GET", "/", 200, `index [] map[]`, ""},
		{"GET", "/hello", 200, `hello [] map[]`, ""},
		{"GET", "/hello/", 200, `hello [] map[]`, ""},
		{"GET", "/hello/Ann", 200, `hello ["Ann"] map[]`, ""},
		{"GET", "//hello/Ann", 200, `hello ["Ann"] map[]`, ""},
		{"GET", "/users/7", 200, `user ["7" "" ""] map[id:7 tab:]`, ""},
		{"HEAD", "/users/7/posts", 200, `user ["7" "/posts" "posts"] map[id:7 tab:posts]`, ""},
		{"DELETE", "/users/7", 200, `user-delete ["7"] map[id:7]`, ""},
		{"POST", "/users/7", 405, "Method Not Allowed\n", "DELETE, GET, HEAD"},
		{"GET", "/form", 405, "Method Not Allowed\n", "POST, PUT"},
		{"GET", "/nothing", 404, "Not Found\n", ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		d.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.target, nil))
		if rec.Code != tt.status || rec.Body.String() != tt.body || rec.Header().Get("Allow") != tt.allow {
			t.Errorf("%s %s: %d %q Allow %q; want %d %q %q", tt.method, tt.target, rec.Code, rec.Body.String(),
				rec.Header().Get("Allow"), tt.status, tt.body, tt.allow)
		}
	}
}

// The tutorial's loop calls the first callback whether or not its pattern
// matched; ours calls only a route that matches.
func TestDispatchCallsOnlyAMatchingRoute(t *testing.T) {
	called := ""
	mark := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called += name })
	}
	d := MustDispatcher("myapp.url_args", []Route{
		{Pattern: `^$`, Handler: mark("index")},
		{Pattern: `hello/(.+)$`, Handler: mark("hello")},
	}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called += "notfound" }))
	for target, want := range map[string]string{"/hello/Ann": "hello", "/other": "notfound", "/": "index"} {
		called = ""
		d.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", target, nil))
		if called != want {
			t.Errorf("%s called %q, want %q", target, called, want)
		}
	}
}

func TestDispatchConfigErrors(t *testing.T) {
	h := argsHandler("x")
	tests := []struct {
		key    string
		routes []Route
		want   string
	}{
		{"myapp.url_args", []Route{{Pattern: `^hello/(.+$`, Handler: h}}, `environ: route "^hello/(.+$": missing closing )`},
		{"myapp.url_args", []Route{{Pattern: `a**`, Handler: h}}, `environ: route "a**": invalid nested repetition operator`},
		{"myapp.url_args", []Route{{Pattern: `^$`}}, `environ: route "^$": nil handler`},
		{"myapp.url_args", []Route{{Pattern: `^$`, Handler: h, Methods: []string{"GE T"}}}, `environ: route "^$": invalid method "GE T"`},
		{"", nil, `environ: dispatcher key "" is empty or reserved`},
		{"PATH_INFO", nil, `environ: dispatcher key "PATH_INFO" is empty or reserved`},
	}
	for _, tt := range tests {
		_, err := NewDispatcher(tt.key, tt.routes, nil)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%v: %v, want %q", tt.routes, err, tt.want)
		}
	}
}

func TestDispatchInsideMount(t *testing.T) {
	d := MustDispatcher("myapp.url_args", []Route{{Pattern: `^hello/(.+)$`, Handler: http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			e := From(r)
			args, _ := GetAs[[]string](e, "myapp.url_args")
			io.WriteString(w, "Hello "+args[0]+"! ("+e.ScriptName()+" "+e.PathInfo()+")")
		})}}, nil)
	m := MustMount(map[string]http.Handler{"/myapp2": d}, nil)
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest("GET", "/myapp2/hello/Ann", nil))
	if !strings.HasPrefix(rec.Body.String(), "Hello Ann! (/myapp2 /hello/Ann)") {
		t.Fatalf("%q", rec.Body.String())
	}
}
