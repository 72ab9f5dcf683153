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
	"net/http"
	"os"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/apps"
	"github.com/wsgo/wsgo/examples/internal/serve"
)

// Handler mounts the application at /rest; anything else is 404.
func Handler() http.Handler {
	return environ.MustMount(map[string]http.Handler{"/rest": http.HandlerFunc(apps.Rest)}, nil)
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
