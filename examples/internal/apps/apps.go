// Package apps holds the tutorial's applications, so that each example
// program and the site that composes them serve the same code.
package apps

import (
	"errors"
	"fmt"
	"html"
	"io"
	"iter"
	"net/http"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/logging"
)

// Hello is the tutorial's hello_world: "Hello World!", or "Hello Ann!" for
// ?subject=Ann, HTML-escaped.
func Hello(w http.ResponseWriter, r *http.Request) {
	subject := "World"
	if s, ok := r.URL.Query()["subject"]; ok && len(s) > 0 {
		subject = s[0]
	}
	subject = html.EscapeString(subject)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!doctype html>\n<title>Hello "+subject+"</title>\n<h1>Hello "+subject+"!</h1>\n")
}

// Dispatch is the tutorial's regexp application: / an index linking to
// hello/, /hello and /hello/ say Hello World!, /hello/Ann says Hello Ann!
// from myapp.url_args, anything else is 404 Not Found as text/plain.
func Dispatch() http.Handler {
	return environ.MustDispatcher("myapp.url_args", []environ.Route{
		{Pattern: `^$`, Handler: http.HandlerFunc(dispatchIndex)},
		{Pattern: `^hello/?$`, Handler: http.HandlerFunc(dispatchHello)},
		{Pattern: `^hello/(.+)$`, Handler: http.HandlerFunc(dispatchHello)},
	}, http.HandlerFunc(notFound))
}

func dispatchIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!doctype html>\n<title>Hello World Application</title>\n"+
		"<p>This is the Hello World application:</p>\n"+
		`<p><a href="`+environ.From(r).AppPath("hello/")+`">continue</a></p>`+"\n")
}

func dispatchHello(w http.ResponseWriter, r *http.Request) {
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

// Rest is the tutorial's /rest application: it prints PATH_INFO and
// SCRIPT_NAME.
func Rest(w http.ResponseWriter, r *http.Request) {
	e := environ.From(r)
	output := "Hello World!\nPATH_INFO = " + e.PathInfo() + "\nSCRIPT_NAME = " + e.ScriptName()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(output)))
	io.WriteString(w, output)
}

// Env prints what the application sees of the request: the client's
// address and scheme, after any trusted proxy, and the mount.
func Env(w http.ResponseWriter, r *http.Request) {
	e := environ.From(r)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "REMOTE_ADDR = %s\nwsgi.url_scheme = %s\nSERVER_NAME = %s\nSERVER_PORT = %s\nSCRIPT_NAME = %s\nPATH_INFO = %s\n",
		e.RemoteAddr(), e.URLScheme(), e.ServerName(), e.ServerPort(), e.ScriptName(), e.PathInfo())
}

// StreamInterval is the time between the chunks of Stream.
var StreamInterval = 300 * time.Millisecond

// Stream is a WSGI-style application that yields ten lines, one every
// StreamInterval, each written and flushed as it comes.
var Stream environ.App = func(env *environ.Environ, start environ.StartResponse) iter.Seq[[]byte] {
	start("200 OK", [][2]string{{"Content-Type", "text/plain; charset=utf-8"}, {"X-Accel-Buffering", "no"}})
	return func(yield func([]byte) bool) {
		for i := 1; i <= 10; i++ {
			if !yield(fmt.Appendf(nil, "chunk %d of 10\n", i)) {
				return
			}
			select {
			case <-time.After(StreamInterval):
			case <-env.Context().Done():
				return
			}
		}
	}
}

// ErrLedger is the error at the bottom of Boom's error chain.
var ErrLedger = errors.New("ledger: balance does not add up")

// Boom panics on purpose, with a wrapped error, as a bug deep in an
// application would, after logging what it was doing on the request's
// logger (the development page shows those entries, Debug included). It
// reads a posted form, so a POST shows its body on the page too.
func Boom(w http.ResponseWriter, r *http.Request) {
	log := logging.FromContext(r.Context())
	account := r.FormValue("account")
	log.Debug("loading the statement", zap.String("account", account))
	log.Info("ledger checked", zap.Int("entries", 3), zap.Duration("took", 1500*time.Microsecond))
	panic(fmt.Errorf("render statement for %q: %w", account, errors.Join(ErrLedger, fmt.Errorf("audit: %w", ErrAudit))))
}

// ErrAudit is the second error Boom joins.
var ErrAudit = errors.New("audit trail incomplete")

// Doc is the documentation site of the virtual host doc.localhost.
func Doc(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!doctype html>\n<title>wsgo documentation</title>\n<h1>wsgo documentation</h1>\n"+
		"<p>This is the doc.localhost virtual host; you asked for "+html.EscapeString(r.URL.Path)+".</p>\n")
}
