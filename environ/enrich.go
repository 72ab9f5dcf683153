package environ

import (
	"fmt"
	"net/http"

	"github.com/wsgo/wsgo/mw"
)

// Enrich returns a middleware that sets the custom key to what compute
// returns for each request, before the next handler runs, the way the
// tutorial's dispatcher adds myapp.url_args:
//
//	environ.Enrich("myapp.user", func(r *http.Request, e *environ.Environ) any {
//		return r.Header.Get("X-Remote-User")
//	})
//
// It attaches an Environ when there is none. It panics when key is empty or
// reserved, or compute is nil: those are mistakes of the program, found when
// the chain is built.
func Enrich(key string, compute func(*http.Request, *Environ) any) mw.Middleware {
	switch {
	case key == "":
		panic("environ: Enrich: empty key")
	case isReserved(key):
		panic(fmt.Sprintf("environ: Enrich: %q is a reserved key", key))
	case compute == nil:
		panic(fmt.Sprintf("environ: Enrich %q: nil function", key))
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r2, e := Attach(r)
			_ = e.Set(key, compute(r2, e)) // cannot fail: key was checked above
			serveCopy(next, w, r, r2, "")
		})
	}
}
