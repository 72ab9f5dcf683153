// Command dispatch is the tutorial's "regexp" application: a table of
// regular expressions over PATH_INFO, the captures stored in the environ as
// myapp.url_args.
//
//	go run ./examples/dispatch [-addr localhost:8081]
//
// / is an index linking to hello/; /hello and /hello/ say Hello World!;
// /hello/Ann says Hello Ann!; anything else is 404 Not Found.
package main

import (
	"context"
	"flag"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/serve"
)

// index is mounted on "/" and links to the hello page, relative to wherever
// the application is mounted.
func index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!doctype html>\n<title>Hello World Application</title>\n"+
		"<p>This is the Hello World application:</p>\n"+
		`<p><a href="`+environ.From(r).AppPath("hello/")+`">continue</a></p>`+"\n")
}

// hello prints Hello and the subject: the first url arg, else the subject
// query parameter, else World.
func hello(w http.ResponseWriter, r *http.Request) {
	subject := "World"
	if args, _ := environ.GetAs[[]string](environ.From(r), "myapp.url_args"); len(args) > 0 {
		subject = args[0]
	} else if s := r.URL.Query().Get("subject"); s != "" {
		subject = s
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html>\n<title>Hello</title>\n<h1>Hello %s!</h1>\n", html.EscapeString(subject))
}

func notFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	io.WriteString(w, "Not Found")
}

// Application is the tutorial's dispatcher: the urls table, in order.
func Application() http.Handler {
	return environ.MustDispatcher("myapp.url_args", []environ.Route{
		{Pattern: `^$`, Handler: http.HandlerFunc(index)},        // the index
		{Pattern: `^hello/?$`, Handler: http.HandlerFunc(hello)}, // hello with 0 or 1 /
		{Pattern: `^hello/(.+)$`, Handler: http.HandlerFunc(hello)},
	}, http.HandlerFunc(notFound))
}

func main() {
	fs := flag.NewFlagSet("dispatch", flag.ExitOnError)
	addr := serve.AddrFlag(fs)
	fs.Parse(os.Args[1:])
	if err := serve.Run(context.Background(), *addr, environ.Middleware()(Application()), serve.Logger(false)); err != nil {
		fmt.Fprintln(os.Stderr, "dispatch:", err)
		os.Exit(1)
	}
}
