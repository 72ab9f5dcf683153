package mw

import "net/http"

// FlushEachWrite returns a middleware that flushes the response after every
// Write (WriteString and ReadFrom included) of the handlers below it, for
// handlers that stream but forget to flush: each write reaches the client
// as it is made, as a WSGI server sends each yielded chunk. It works
// through the shared writer; when the writer cannot flush, it does nothing.
func FlushEachWrite() Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := Capture(w, r)
			defer resp.Release()
			ww := resp.Writer()
			rc := http.NewResponseController(ww)
			resp.Observe(&Observer{Write: func(n int64, _ error) {
				if n > 0 {
					_ = rc.Flush() // an error means the client is gone; the next Write says so too
				}
			}})
			next.ServeHTTP(ww, r)
		})
	}
}
