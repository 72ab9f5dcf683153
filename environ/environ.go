package environ

import (
	"context"
	"errors"
	"iter"
	"net/http"

	"github.com/wsgo/wsgo/internal/state"
	"github.com/wsgo/wsgo/mw"
)

// ErrReservedKey is returned by Set for a CGI key (REQUEST_METHOD, HTTP_*,
// ...) or a wsgi.* key: those come from the request and cannot be replaced.
var ErrReservedKey = errors.New("environ: reserved key")

// ErrEmptyKey is returned by Set for the empty key.
var ErrEmptyKey = errors.New("environ: empty key")

// Environ is the environment of one request. The CGI and wsgi.* keys are
// derived from the request when they are read; custom keys are set by
// middlewares.
//
// An Environ belongs to one request. Set, ShiftPathInfo and the mounting
// layers change it, and must not run concurrently with each other or with
// readers; reads alone may be concurrent.
type Environ struct {
	req *http.Request
	ref state.EnvironRef // how the request's state stores it

	pathSet    bool // scriptName and pathInfo were set by a mount or a shift
	scriptName string
	pathInfo   string

	// set by a trusted proxy layer; empty means "from the request"
	remoteAddr, remotePort, scheme, serverName, serverPort string

	custom []keyVal
}

type keyVal struct {
	key string
	val any
}

// Context returns the context of the request the Environ was made from: an
// App that streams stops when its Done channel closes (the client went
// away).
func (e *Environ) Context() context.Context { return e.req.Context() }

func newEnviron(r *http.Request) *Environ {
	e := &Environ{req: r}
	e.ref.Environ = e
	return e
}

// pending is the Environ Middleware attached, before anyone read it: the
// request it is to be made from. It is made on first read (most requests
// never read it), by whichever goroutine reads it first, and stored once
// (state.Scope.SetEnviron), so that all of them share it. Until then, it
// answers the reads of other packages (logging's SCRIPT_NAME) as a new
// Environ would, without being made.
type pending http.Request

// String returns what a new Environ of the request returns.
func (p *pending) String(key string) (string, bool) {
	e := Environ{req: (*http.Request)(p)}
	return e.String(key)
}

// Logged returns what a new Environ of the request returns.
func (p *pending) Logged() (remoteAddr, scriptName string) {
	e := Environ{req: (*http.Request)(p)}
	return e.Logged()
}

// All yields what a new Environ of the request yields.
func (p *pending) All() iter.Seq2[string, any] { return newEnviron((*http.Request)(p)).All() }

// Lookup returns the Environ attached to ctx, or nil when there is none.
func Lookup(ctx context.Context) *Environ {
	s := state.From(ctx)
	if s == nil {
		return nil
	}
	switch e, _ := s.Environ(); e := e.(type) {
	case *Environ:
		return e
	case *pending:
		return s.SetEnviron(&newEnviron((*http.Request)(e)).ref).(*Environ)
	}
	return nil
}

// From returns the Environ of r. It is never nil: when no layer attached one,
// From builds one on the spot from r (not attached: another call builds
// another).
func From(r *http.Request) *Environ {
	if e := Lookup(r.Context()); e != nil {
		return e
	}
	return newEnviron(r)
}

// Attach returns r with an Environ attached, and the Environ. When r already
// has one, Attach returns both as they are. Otherwise the Environ is put in
// the request's state (made first, in a copy of r, when r has
// none). r is never modified.
func Attach(r *http.Request) (*http.Request, *Environ) {
	if e := Lookup(r.Context()); e != nil {
		return r, e
	}
	s := state.From(r.Context())
	if s == nil {
		r, s = state.New(r)
	}
	return r, s.SetEnviron(&newEnviron(r).ref).(*Environ)
}

// attachPending is Attach for Middleware: the Environ is made when first
// read (see pending), and r is returned with its state.
func attachPending(r *http.Request) *http.Request {
	s := state.From(r.Context())
	if s == nil {
		r, s = state.New(r)
	} else if _, ok := s.Environ(); ok {
		return r
	}
	s.AttachEnviron((*pending)(r))
	return r
}

// Middleware returns a middleware that attaches an Environ to every request
// (see [Attach]); inner layers get it with [From]. Two of them in one chain
// share one Environ.
func Middleware() mw.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			serveCopy(next, w, r, attachPending(r), "")
		})
	}
}

// String returns the value of key when it is a string: a CGI key, or a
// custom key whose value is one. It does not allocate for a CGI key.
func (e *Environ) String(key string) (string, bool) {
	if s, ok, reserved := e.cgiString(key); reserved {
		return s, ok
	}
	v, ok := e.Get(key)
	s, isString := v.(string)
	return s, ok && isString
}

// Logged returns REMOTE_ADDR and SCRIPT_NAME, the keys an access log
// outside reads of every request (it implements an interface of wsgo's
// internal packages).
func (e *Environ) Logged() (remoteAddr, scriptName string) {
	return e.RemoteAddr(), e.ScriptName()
}

// Request returns the request the Environ was made from.
func (e *Environ) Request() *http.Request { return e.req }

// Get returns the value of key: a CGI or wsgi.* key derived from the request,
// or a custom key. The CGI keys have string values; wsgi.input is an
// io.ReadCloser, wsgi.errors an io.Writer, wsgi.version the [2]int{1, 0}
// of PEP 3333's (1, 0), and wsgi.multithread, wsgi.multiprocess and
// wsgi.run_once bools.
func (e *Environ) Get(key string) (any, bool) {
	if v, ok, reserved := e.cgi(key); reserved {
		return v, ok
	}
	for i := range e.custom {
		if e.custom[i].key == key {
			return e.custom[i].val, true
		}
	}
	return nil, false
}

// GetString returns the value of key when it is a string, and "" otherwise.
// For CGI keys it builds the value and nothing else, so reading a key in a
// hot path is cheap (BenchmarkGetStringCGIKeys).
func (e *Environ) GetString(key string) string {
	if s, _, reserved := e.cgiString(key); reserved {
		return s
	}
	v, _ := e.Get(key)
	s, _ := v.(string)
	return s
}

// GetAs returns the value of key as a T, and whether it is there and is a T.
//
//	args, ok := environ.GetAs[[]string](env, "myapp.url_args")
func GetAs[T any](e *Environ, key string) (T, bool) {
	v, ok := e.Get(key)
	if !ok {
		var zero T
		return zero, false
	}
	t, ok := v.(T)
	return t, ok
}

// Set sets a custom key. It refuses the empty key (ErrEmptyKey) and any CGI
// or wsgi.* key (ErrReservedKey: those come from the request). Setting a key
// again replaces its value and keeps its place in All.
func (e *Environ) Set(key string, val any) error {
	if key == "" {
		return ErrEmptyKey
	}
	if isReserved(key) {
		return &keyError{key}
	}
	for i := range e.custom {
		if e.custom[i].key == key {
			e.custom[i].val = val
			return nil
		}
	}
	e.custom = append(e.custom, keyVal{key, val})
	return nil
}

type keyError struct{ key string }

// Error says which key was refused, and why.
func (k *keyError) Error() string {
	return "environ: reserved key: " + k.key + " is derived from the request and cannot be set"
}

// Unwrap makes errors.Is(err, ErrReservedKey) true.
func (k *keyError) Unwrap() error { return ErrReservedKey }

// All yields every key with its value: the CGI keys (HTTP_* included) in
// sorted order, then the wsgi.* keys in sorted order, then the custom keys in
// the order they were first set. It is what a traceback page lists.
func (e *Environ) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, kv := range e.cgiAll() {
			if !yield(kv.key, kv.val) {
				return
			}
		}
		for _, kv := range e.custom {
			if !yield(kv.key, kv.val) {
				return
			}
		}
	}
}
