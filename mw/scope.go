package mw

import (
	"context"
	"net/http"
	"time"

	"github.com/wsgo/wsgo/internal/plumb"
)

// Scope is the state wsgo layers share for one request. It is the request's
// context: a layer that needs it and finds none attaches one with
// [WithScope], which makes the Scope, the copy of the request that carries
// it and the writer's state in one allocation; every layer after that finds
// the same Scope for free. What wsgo's layers share through it (the request
// ID, the captured writer, the environ, the error log) is visible through
// the context's Value method, so sharing costs no further context or request
// copy.
type Scope struct {
	parent context.Context

	id    string    // the request ID, once a layer has set one
	idHdr string    // the response header that carries it
	resp  *Response // the innermost shared writer, if any
	spare *Response // made with the Scope, for the first Capture to take

	vals  [4]keyVal // inline store for put: the access log and environ use four
	extra []keyVal

	recovered bool // a recover layer recovered a panic (plumb.MarkRecovered)
}

type keyVal struct{ key, val any }

type scopeKey struct{}

// Deadline implements context.Context: the parent's deadline.
func (s *Scope) Deadline() (deadline time.Time, ok bool) { return s.parent.Deadline() }

// Done implements context.Context: the parent's Done channel.
func (s *Scope) Done() <-chan struct{} { return s.parent.Done() }

// Err implements context.Context: the parent's error.
func (s *Scope) Err() error { return s.parent.Err() }

// Value implements context.Context. It answers for the Scope itself and for
// the values put with Put, and asks the parent for any other key.
func (s *Scope) Value(key any) any {
	if key == (scopeKey{}) {
		return s
	}
	for i := range s.vals {
		if s.vals[i].key != nil && s.vals[i].key == key {
			return s.vals[i].val
		}
	}
	for i := range s.extra {
		if s.extra[i].key == key {
			return s.extra[i].val
		}
	}
	return s.parent.Value(key)
}

// put stores a value under key, as context.WithValue would, but without a
// new context or a new request. A later put with the same key replaces the
// value. It is for layers, before they pass the request on; it must not run
// concurrently with itself or with Value.
func (s *Scope) put(key, val any) {
	if key == nil {
		panic("mw: Scope put with a nil key")
	}
	for i := range s.vals {
		if s.vals[i].key == nil || s.vals[i].key == key {
			s.vals[i] = keyVal{key, val}
			return
		}
	}
	for i := range s.extra {
		if s.extra[i].key == key {
			s.extra[i].val = val
			return
		}
	}
	s.extra = append(s.extra, keyVal{key, val})
}

func init() {
	plumb.Put = func(ctx context.Context, key, val any) bool {
		s := ScopeOf(ctx)
		if s == nil {
			return false
		}
		s.put(key, val)
		return true
	}
	plumb.MarkRecovered = func(ctx context.Context) {
		if s := ScopeOf(ctx); s != nil {
			s.recovered = true
		}
	}
	plumb.Recovered = func(ctx context.Context) bool {
		s := ScopeOf(ctx)
		return s != nil && s.recovered
	}
	plumb.RequestIDHeader = func(ctx context.Context) string {
		if s := ScopeOf(ctx); s != nil && s.idHdr != "" {
			return s.idHdr
		}
		return DefaultRequestIDHeader
	}
}

// RequestID returns the request ID a [RequestID] layer gave the request, or
// "".
func (s *Scope) RequestID() string { return s.id }

// String describes the Scope, as context types do.
func (s *Scope) String() string { return "mw.Scope" }

// ScopeOf returns the Scope of ctx, or nil when no layer attached one.
func ScopeOf(ctx context.Context) *Scope {
	if s, ok := ctx.(*Scope); ok {
		return s
	}
	s, _ := ctx.Value(scopeKey{}).(*Scope)
	return s
}

// WithScope returns r and its Scope, attaching a new Scope (in a shallow copy
// of r, which is never modified) when r has none yet. The Scope, the copy
// and the Response a later [Capture] takes are one allocation.
func WithScope(r *http.Request) (*http.Request, *Scope) {
	if s := ScopeOf(r.Context()); s != nil {
		return r, s
	}
	st, r := newState(r)
	return r, &st.scope
}

// state is what a request's wsgo layers share, made in one allocation by the
// first layer that needs any of it, and never reused: a handler may keep
// the request, its context or the writer past its return.
type state struct {
	scope Scope
	req   http.Request
	resp  Response
}

// newState makes the state of r and returns it with the copy of r whose
// context is the Scope.
func newState(r *http.Request) (*state, *http.Request) {
	st := &state{scope: Scope{parent: r.Context()}}
	st.scope.spare = &st.resp
	st.req = *r.WithContext(&st.scope)
	return st, &st.req
}

// RequestIDFrom returns the ID the request-ID layer gave the request whose
// context is ctx, or "" when there is none.
func RequestIDFrom(ctx context.Context) string {
	if s := ScopeOf(ctx); s != nil {
		return s.id
	}
	return ""
}
