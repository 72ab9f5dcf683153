package logging

import (
	"net/http"

	"github.com/wsgo/wsgo/mw"
)

// serveLogged is what Access and Apache do around a request: capture the
// writer, serve next, release the writer (which fences it, when this layer
// made it) before the entry is written, so that a goroutine the handler
// left writing cannot change the figures as they are read, and write the
// entry with entry: with the value next panicked with, if it did, which
// then goes on up. el, when not nil, is the error log put in the request's
// state for the handlers (FromContext, wsgi.errors).
func serveLogged(next http.Handler, w http.ResponseWriter, r *http.Request, el *errorLog, entry func(r *http.Request, resp *mw.Response, panicked any)) {
	held, r := mw.Capture(w, r)
	if el != nil {
		attachErrorLog(el, r)
	}
	defer func() {
		if v := recover(); v != nil {
			held.Release()
			entry(r, held.Response, v)
			panic(v)
		}
	}()
	next.ServeHTTP(held.Writer(), r)
	held.Release()
	entry(r, held.Response, nil)
}
