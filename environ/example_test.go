package environ_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/wsgo/wsgo/environ"
)

func get(h http.Handler, target string) string {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec.Body.String()
}

// The tutorial's /rest application, mounted as WSGIScriptAlias /rest would.
func ExampleMount() {
	rest := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := environ.From(r)
		fmt.Fprintf(w, "PATH_INFO = %s\nSCRIPT_NAME = %s\nr.URL.Path = %s", e.PathInfo(), e.ScriptName(), r.URL.Path)
	})
	site := environ.MustMount(map[string]http.Handler{"/rest": rest}, nil)
	fmt.Println(get(site, "/rest/custompath"))
	// Output:
	// PATH_INFO = /custompath
	// SCRIPT_NAME = /rest
	// r.URL.Path = /custompath
}

// The tutorial's urls table: regular expressions over PATH_INFO, captures in
// myapp.url_args.
func ExampleDispatcher() {
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		subject := "World"
		if args, _ := environ.GetAs[[]string](environ.From(r), "myapp.url_args"); len(args) > 0 {
			subject = args[0]
		}
		io.WriteString(w, "Hello "+subject+"!")
	})
	app := environ.MustDispatcher("myapp.url_args", []environ.Route{
		{Pattern: `^hello/?$`, Handler: hello},
		{Pattern: `^hello/(.+)$`, Handler: hello},
	}, nil)
	fmt.Println(get(app, "/hello"))
	fmt.Println(get(app, "/hello/Ann"))
	fmt.Print(get(app, "/nowhere"))
	// Output:
	// Hello World!
	// Hello Ann!
	// Not Found
}

func ExampleVirtualHosts() {
	site := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, name) })
	}
	hosts := environ.MustVirtualHosts([]environ.Site{
		{Names: []string{"finance.klopt.org", "klopt.org"}, Handler: site("finance")}, // ServerName, ServerAlias
		{Names: []string{"doc.klopt.org"}, Handler: site("doc")},
	}, site("default"))
	for _, host := range []string{"klopt.org", "DOC.klopt.org:1901", "other.org"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		rec := httptest.NewRecorder()
		hosts.ServeHTTP(rec, r)
		fmt.Println(host, "->", rec.Body.String())
	}
	// Output:
	// klopt.org -> finance
	// DOC.klopt.org:1901 -> doc
	// other.org -> default
}

// Every key, CGI and custom, in a stable order.
func ExampleEnviron_All() {
	r := httptest.NewRequest("GET", "http://localhost:8081/hello?subject=Ann", nil)
	r.Header.Set("Proxy", "http://evil") // httpoxy: never HTTP_PROXY
	r, e := environ.Attach(r)
	e.Set("myapp.url_args", []string{"Ann"})
	for k, v := range e.All() {
		switch k {
		case "wsgi.errors", "wsgi.input":
		case "SERVER_SOFTWARE": // names the Go version: "wsgo go1.26.0"
			fmt.Printf("%s=wsgo ...\n", k)
		default:
			fmt.Printf("%s=%v\n", k, v)
		}
	}
	// Output:
	// CONTENT_LENGTH=
	// CONTENT_TYPE=
	// GATEWAY_INTERFACE=CGI/1.1
	// HTTP_HOST=localhost:8081
	// PATH_INFO=/hello
	// QUERY_STRING=subject=Ann
	// REMOTE_ADDR=192.0.2.1
	// REMOTE_PORT=1234
	// REQUEST_METHOD=GET
	// REQUEST_URI=http://localhost:8081/hello?subject=Ann
	// SCRIPT_NAME=
	// SERVER_NAME=localhost
	// SERVER_PORT=8081
	// SERVER_PROTOCOL=HTTP/1.1
	// SERVER_SOFTWARE=wsgo ...
	// wsgi.multiprocess=false
	// wsgi.multithread=true
	// wsgi.run_once=false
	// wsgi.url_scheme=http
	// wsgi.version=[1 0]
	// myapp.url_args=[Ann]
}

// Enrich adds a custom key computed from the request.
func ExampleEnrich() {
	withLang := environ.Enrich("myapp.lang", func(r *http.Request, e *environ.Environ) any {
		if l := e.GetString("HTTP_ACCEPT_LANGUAGE"); l != "" {
			return l[:2]
		}
		return "en"
	})
	app := withLang(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang, _ := environ.GetAs[string](environ.From(r), "myapp.lang")
		io.WriteString(w, lang)
	}))
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Language", "nl-NL")
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, r)
	fmt.Println(rec.Body.String())
	// Output: nl
}
