// Command rest is the tutorial's /rest application, mounted at /rest the
// way WSGIScriptAlias /rest mounts it: /rest/custompath answers
//
//	Hello World!
//	PATH_INFO = /custompath
//	SCRIPT_NAME = /rest
//
// Run it with: go run ./examples/rest [-addr localhost:8081]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/serve"
)

// Application prints PATH_INFO and SCRIPT_NAME, as the tutorial's does.
func Application(w http.ResponseWriter, r *http.Request) {
	e := environ.From(r)
	output := "Hello World!\nPATH_INFO = " + e.PathInfo() + "\nSCRIPT_NAME = " + e.ScriptName()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(output)))
	io.WriteString(w, output)
}

// Handler mounts the application at /rest; anything else is 404.
func Handler() http.Handler {
	return environ.MustMount(map[string]http.Handler{"/rest": http.HandlerFunc(Application)}, nil)
}

func main() {
	fs := flag.NewFlagSet("rest", flag.ExitOnError)
	addr := serve.AddrFlag(fs)
	fs.Parse(os.Args[1:])
	if err := serve.Run(context.Background(), *addr, Handler(), serve.Logger(false)); err != nil {
		fmt.Fprintln(os.Stderr, "rest:", err)
		os.Exit(1)
	}
}
