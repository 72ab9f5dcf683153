// Command hello is the tutorial's first WSGI application in Go: it answers
// "Hello World!" as HTML on every path, or "Hello Ann!" for ?subject=Ann.
//
//	go run ./examples/hello [-addr localhost:8081]
package main

import (
	"context"
	"flag"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/examples/internal/serve"
	"github.com/wsgo/wsgo/mw"
)

// Hello is the tutorial's hello_world: the subject comes from the query
// string and is HTML-escaped before it is shown.
func Hello(w http.ResponseWriter, r *http.Request) {
	subject := "World"
	if s, ok := r.URL.Query()["subject"]; ok && len(s) > 0 {
		subject = s[0]
	}
	subject = html.EscapeString(subject)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!doctype html>\n<title>Hello "+subject+"</title>\n<h1>Hello "+subject+"!</h1>\n")
}

// Handler is the application with its middleware.
func Handler() http.Handler {
	return chain.New(mw.RequestID()).ThenFunc(Hello)
}

func main() {
	fs := flag.NewFlagSet("hello", flag.ExitOnError)
	addr := serve.AddrFlag(fs)
	fs.Parse(os.Args[1:])
	log := serve.Logger(false)
	if err := serve.Run(context.Background(), *addr, Handler(), log); err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
}
