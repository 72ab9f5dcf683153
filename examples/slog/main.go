// Command slog serves the tutorial's hello world behind the production
// preset, with every log line written through log/slog: the access log,
// the panic entries and the handler's own lines, one JSON object each, on
// standard error, with the request ID, method and path on all of them.
//
//	go run ./examples/slog [-addr localhost:8081] [-debug]
//
// Then: curl 'http://localhost:8081/?subject=Ann'
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/examples/internal/apps"
	"github.com/wsgo/wsgo/examples/internal/serve"
	"github.com/wsgo/wsgo/logging"
)

// Handler is the application behind the preset, logging to h.
func Handler(h slog.Handler, debug bool) http.Handler {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The request's logger, as an *slog.Logger: it carries the request
		// ID, method and path.
		logging.SlogFromContext(r.Context()).Info("greeting", "subject", r.URL.Query().Get("subject"))
		apps.Hello(w, r)
	})
	return wsgo.Preset(debug, logging.Slog(h)).Then(app)
}

func main() {
	fs := flag.NewFlagSet("slog", flag.ExitOnError)
	addr := serve.AddrFlag(fs)
	debug := fs.Bool("debug", wsgo.DebugFromEnv(), "development mode (also WSGO_DEBUG=1)")
	fs.Parse(os.Args[1:])
	h := slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
	if err := serve.Run(context.Background(), *addr, Handler(h, *debug), serve.Logger(true)); err != nil {
		fmt.Fprintln(os.Stderr, "slog:", err)
		os.Exit(1)
	}
}
