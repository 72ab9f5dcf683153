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
	"net/http"
	"os"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/apps"
	"github.com/wsgo/wsgo/examples/internal/serve"
)

// Application is the tutorial's dispatcher (see apps.Dispatch).
func Application() http.Handler { return apps.Dispatch() }

func main() {
	fs := flag.NewFlagSet("dispatch", flag.ExitOnError)
	addr := serve.AddrFlag(fs)
	fs.Parse(os.Args[1:])
	if err := serve.Run(context.Background(), *addr, environ.Middleware()(Application()), serve.Logger(false)); err != nil {
		fmt.Fprintln(os.Stderr, "dispatch:", err)
		os.Exit(1)
	}
}
