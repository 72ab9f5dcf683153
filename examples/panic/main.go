// Command panic serves a page that panics on purpose, to show what the
// recover layer makes of it: a safe 500 in production, a traceback page with
// -debug (open it in a browser on this machine).
//
//	go run ./examples/panic [-addr localhost:8081] [-debug]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/apps"
	"github.com/wsgo/wsgo/examples/internal/serve"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
	"go.uber.org/zap"
)

func index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, `<!doctype html><title>panic example</title><p><a href="boom?account=42&amp;api_key=s3cr3t">This page panics</a></p>`)
}

// Handler is the example's application with its middleware.
func Handler(log *zap.Logger, debug bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", index)
	mux.HandleFunc("/boom", apps.Boom)
	app := environ.Enrich("myapp.url_args", func(r *http.Request, e *environ.Environ) any {
		return []string{r.URL.Query().Get("account")}
	})(mux)
	var opts []wsgorecover.Option
	if debug {
		opts = append(opts, wsgorecover.Tracebacks())
	}
	return chain.New(mw.RequestID(), logging.Access(log), wsgorecover.New(log, opts...), environ.Layer()).Then(app)
}

func main() {
	fs := flag.NewFlagSet("panic", flag.ExitOnError)
	addr := serve.AddrFlag(fs)
	debug := fs.Bool("debug", os.Getenv("WSGO_DEBUG") == "1", "serve traceback pages (development only); also WSGO_DEBUG=1")
	fs.Parse(os.Args[1:])
	log := serve.Logger(!*debug)
	if err := serve.Run(context.Background(), *addr, Handler(log, *debug), log); err != nil {
		fmt.Fprintln(os.Stderr, "panic:", err)
		os.Exit(1)
	}
}
