// Command stream serves responses that arrive piece by piece, each chunk
// written and flushed as the application yields it, as in WSGI:
//
//	go run ./examples/stream [-addr localhost:8081] [-debug]
//
// / is a page that shows server-sent events from /events as they arrive;
// /chunks is chunked plain text (try curl -N http://localhost:8081/chunks).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"iter"
	"net/http"
	"os"
	"time"

	"github.com/wsgo/wsgo"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/serve"
	"go.uber.org/zap"
)

// Ticks is how many chunks each stream sends, and Interval the time between them.
var (
	Ticks    = 10
	Interval = 500 * time.Millisecond
)

// Events is a WSGI-style application whose body is a stream of server-sent
// events: each yielded chunk is written and flushed at once.
var Events environ.App = func(env *environ.Environ, start environ.StartResponse) iter.Seq[[]byte] {
	start("200 OK", [][2]string{{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-store"}})
	return func(yield func([]byte) bool) {
		for i := 1; i <= Ticks; i++ {
			if !yield(fmt.Appendf(nil, "data: tick %d of %d at %s\n\n", i, Ticks, time.Now().Format("15:04:05.000"))) {
				return // the browser went away
			}
			select {
			case <-time.After(Interval):
			case <-env.Context().Done():
				return
			}
		}
		yield([]byte("event: done\ndata: bye\n\n"))
	}
}

// Chunks streams plain text, a line at a time.
var Chunks environ.App = func(env *environ.Environ, start environ.StartResponse) iter.Seq[[]byte] {
	start("200 OK", [][2]string{{"Content-Type", "text/plain; charset=utf-8"}})
	return func(yield func([]byte) bool) {
		for i := 1; i <= Ticks; i++ {
			if !yield(fmt.Appendf(nil, "chunk %d of %d\n", i, Ticks)) {
				return
			}
			select {
			case <-time.After(Interval):
			case <-env.Context().Done():
				return
			}
		}
	}
}

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wsgo streaming</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;color:#222}
li{font:14px ui-monospace,monospace;padding:.2rem .5rem;border-left:3px solid #2a7;margin:.2rem 0;background:#f4faf6}
#state{color:#666}</style></head><body>
<h1>Each chunk as it is yielded</h1>
<p id="state">connecting…</p><ol id="log"></ol>
<script>
const log = document.getElementById("log"), state = document.getElementById("state");
const es = new EventSource("events");
es.onopen = () => state.textContent = "streaming: one line per chunk, as the server yields it";
es.onmessage = e => { const li = document.createElement("li"); li.textContent = e.data; log.appendChild(li); };
es.addEventListener("done", () => { state.textContent = "done: the server ended the stream"; es.close(); });
</script></body></html>
`

// streaming gives app, a stream of Ticks chunks, the time it needs: the
// server's WriteTimeout would otherwise cut a stream that lasts longer.
func streaming(app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An error means a connection already gone: the stream ends early.
		_ = serve.ExtendWriteDeadline(w, time.Duration(Ticks)*Interval)
		app.ServeHTTP(w, r)
	})
}

// Handler is the example's application under the preset chain, logging to
// log (nil: the preset's default, on standard error).
func Handler(debug bool, log *zap.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	mux.Handle("/events", streaming(Events))
	mux.Handle("/chunks", streaming(Chunks))
	return wsgo.Preset(debug, log).Then(mux)
}

func main() {
	fs := flag.NewFlagSet("stream", flag.ExitOnError)
	addr := serve.AddrFlag(fs)
	debug := fs.Bool("debug", wsgo.DebugFromEnv(), "development preset (also WSGO_DEBUG=1)")
	fs.Parse(os.Args[1:])
	if err := serve.Run(context.Background(), *addr, Handler(*debug, nil), serve.Logger(!*debug)); err != nil {
		fmt.Fprintln(os.Stderr, "stream:", err)
		os.Exit(1)
	}
}
