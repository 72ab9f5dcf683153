// Command panic serves a page that panics on purpose, to show what the
// recover layer makes of it: a safe 500 in production, a traceback page with
// -debug (open it in a browser on this machine).
//
//	go run ./examples/panic [-addr localhost:8081] [-debug] [-pin] [-editor vscode://file/{path}:{line}]
//
// WSGO_DEBUG=1 (or true, yes, on: see wsgo.DebugFromEnv) in the
// environment turns -debug on by default; -debug=false turns it off.
// Every request to / panics; the program logs the URL to open when it
// starts. Post a form to see the body on the page:
//
//	curl -H 'Accept: text/html' -d 'account=7&password=hunter2' localhost:8081/
//
// -pin asks for the PIN the program logs at start-up before it shows a
// traceback (for a development server behind a reverse proxy on this
// machine); -editor links each frame to an editor.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/apps"
	"github.com/wsgo/wsgo/examples/internal/serve"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
	"github.com/wsgo/wsgo/recover/traceback"
	"go.uber.org/zap"
)

// Handler is the example's application with its middleware: / panics (see
// apps.Boom), anything else is 404 Not Found.
func Handler(log *zap.Logger, debug bool, devOpts ...traceback.Option) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", apps.Boom)
	app := environ.Enrich("myapp.url_args", func(r *http.Request, e *environ.Environ) any {
		return []string{r.URL.Query().Get("account")}
	})(mux)
	var opts []wsgorecover.Option
	if debug {
		opts = append(opts, wsgorecover.Tracebacks(traceback.New(log, devOpts...)))
	}
	return chain.New(mw.RequestID(), logging.Access(log), wsgorecover.New(log, opts...), environ.Middleware()).Then(app)
}

// pageURL is the URL of the panicking page for a server started with -addr
// addr and listening on bound: the host as given (localhost for none or a
// wildcard), the port bound (the one chosen for port 0).
func pageURL(addr string, bound net.Addr) string {
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	if a, ok := bound.(*net.TCPAddr); ok {
		port = strconv.Itoa(a.Port)
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// openMessage is the start-up line that says what opening the page shows.
func openMessage(debug bool) string {
	if debug {
		return "open this URL in a browser on this machine: the page panics on purpose and shows the traceback"
	}
	return "open this URL: the page panics on purpose and shows the production 500 page; -debug or WSGO_DEBUG=1 shows the traceback"
}

func main() {
	fs := flag.NewFlagSet("panic", flag.ExitOnError)
	addr := serve.AddrFlag(fs)
	debug := fs.Bool("debug", wsgo.DebugFromEnv(), "serve traceback pages (development only); also WSGO_DEBUG=1, true, yes or on")
	pin := fs.Bool("pin", false, "with -debug, ask for the PIN logged at start-up before a traceback is shown")
	editor := fs.String("editor", "", "with -debug, link frames to an editor: a URL pattern with {path} and {line}, as vscode://file/{path}:{line}")
	fs.Parse(os.Args[1:])
	log := serve.Logger(!*debug)
	var devOpts []traceback.Option
	if *pin {
		devOpts = append(devOpts, traceback.RequirePIN())
	}
	if *editor != "" {
		devOpts = append(devOpts, traceback.EditorLink(*editor))
	}
	h := Handler(log, *debug, devOpts...)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "panic:", err)
		os.Exit(1)
	}
	log.Info(openMessage(*debug), zap.String("url", pageURL(*addr, ln.Addr())))
	serveHTTP := func(l net.Listener, srv *http.Server) error { return srv.Serve(l) }
	if err := serve.Serve(context.Background(), ln, serveHTTP, h, log); err != nil {
		fmt.Fprintln(os.Stderr, "panic:", err)
		os.Exit(1)
	}
}
