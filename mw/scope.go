package mw

import (
	"context"
	"net/http"
	"time"
)

// Scope is the state wsgo layers share for one request. It is the request's
// context: a layer that needs it and finds none attaches one with
// [WithScope], which costs one Scope and one copy of the request; every layer
// after that finds the same Scope for free. Values put in a Scope with [Scope.Put]
// are visible through the context's Value method, so sharing them costs no
// further context or request copy.
//
// Another package may embed Scope in a larger per-request object that is
// itself the context (the environ package does); the embedding type calls
// [Scope.Init] and forwards Value to the Scope for keys it does not own.
type Scope struct {
	parent context.Context

	id    string    // the request ID, once a layer has set one
	resp  *Response // the innermost shared writer, if any
	spare *Response // made with the Scope, for the first Capture to take

	vals  [4]keyVal // inline store for Put: the access log and environ use four
	extra []keyVal
}

type keyVal struct{ key, val any }

type scopeKey struct{}

// Init sets the parent context of a Scope that is embedded in another type.
// It must be called before the Scope is used, once.
func (s *Scope) Init(parent context.Context) { s.parent = parent }

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

// Put stores a value under key, as context.WithValue would, but without a new
// context or a new request. A later Put with the same key replaces the value.
// Put is for middlewares, before they pass the request on; it must not be
// called concurrently with itself or with Value. A nil key panics, as it does
// in context.WithValue.
func (s *Scope) Put(key, val any) {
	if key == nil {
		panic("mw: Scope.Put with a nil key")
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

// RequestID returns the request ID a layer set with SetRequestID, or "".
func (s *Scope) RequestID() string { return s.id }

// SetRequestID records the request's ID, for the access log, the error log
// and the error page to share. The request-ID layer calls it.
func (s *Scope) SetRequestID(id string) { s.id = id }

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

// Response returns the innermost Response a layer captured for the request,
// or nil when none did (or when s is nil). Unlike [Lookup] it does not check
// which writer that Response wraps, so it is cheap enough to ask on every
// request: the recover layer does, and calls Lookup only after a panic.
func (s *Scope) Response() *Response {
	if s == nil {
		return nil
	}
	return s.resp
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
