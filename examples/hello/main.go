// Command hello is the tutorial's first WSGI application in Go: it answers
// "Hello World!" as HTML on every path, or "Hello Ann!" for ?subject=Ann.
//
//	go run ./examples/hello [-addr localhost:8081]
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/examples/internal/apps"
	"github.com/wsgo/wsgo/examples/internal/serve"
	"github.com/wsgo/wsgo/mw"
)

// Handler is the application with its middleware.
func Handler() http.Handler {
	return chain.New(mw.RequestID()).ThenFunc(apps.Hello)
}

func main() {
	fs := flag.NewFlagSet("hello", flag.ExitOnError)
	addr := serve.AddrFlag(fs)
	fs.Parse(os.Args[1:])
	if err := serve.Run(context.Background(), *addr, Handler(), serve.Logger(false)); err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
}
