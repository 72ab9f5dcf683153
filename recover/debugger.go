package recover

import "net/http"

// Debugger is what the recover layer needs of a development page: a value
// that decides, when the layer receives a request, whether that client may
// see the page, and then answers its panic instead of the production page.
// Package traceback's New returns one; give it to [Tracebacks].
type Debugger interface {
	// Enter is called once per request, when the layer receives r (its
	// writer and state captured), before anything is handed inward: what
	// layers inside do to the request cannot change its decision. It
	// returns the request to hand inward (r, or a copy of it whose body it
	// watches) and the Answer for a panic of this request, nil when the
	// client may not see the page. served true means Enter answered r
	// itself (an endpoint of its own, as the PIN form): the layer then
	// calls nothing inward.
	Enter(w http.ResponseWriter, r *http.Request) (next *http.Request, answer Answer, served bool)
}

// Answer answers a panic instead of the production page. It is called with
// the 500's headers ready (see the package documentation) and nothing
// written, and reports whether it wrote the answer: false leaves it to the
// production page (or [Page]). If it panics, the answer is a plain-text
// 500.
type Answer func(w http.ResponseWriter, r *http.Request, p *Panic) bool
