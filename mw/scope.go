package mw

import (
	"context"
	"net/http"

	"github.com/wsgo/wsgo/internal/state"
)

// scope is what mw keeps in a request's state (internal/state): the
// request ID and the shared writer. It is made, with the state.Scope, the
// copy of the request that carries it and the first Response, in one
// allocation ([block]) by the first layer that needs any of them.
type scope struct {
	id    state.RequestID // once a RequestID layer gave one
	resp  *Response       // the innermost shared writer, if any
	spare *Response       // made with the scope, for the first Capture to take
}

var scopeSlot = state.Declare[*scope]()

// block is what a request's wsgo layers share, made in one allocation by the
// first layer that needs any of it, and never reused: a handler may keep
// the request, its context or the writer past its return.
type block struct {
	state state.Scope
	mw    scope
	req   http.Request
	resp  Response
}

// scopeOf returns mw's part of the state of ctx, or nil when no layer made
// one.
func scopeOf(ctx context.Context) *scope {
	s, _ := scopeSlot.Get(ctx)
	return s
}

// withScope returns r and mw's part of its state, making the state (in a
// shallow copy of r, which is never modified) when r has none yet.
func withScope(r *http.Request) (*http.Request, *scope) {
	ctx := r.Context()
	if s := scopeOf(ctx); s != nil {
		return r, s
	}
	if st := state.From(ctx); st != nil { // another layer made the state first (environ)
		j := &joined{}
		j.mw.spare = &j.resp
		scopeSlot.Put(st, &j.mw)
		return r, &j.mw
	}
	b, r := newBlock(r)
	return r, &b.mw
}

// joined is mw's part of a state another layer made, in one allocation.
type joined struct {
	mw   scope
	resp Response
}

// newBlock makes the state of r and returns it with the copy of r whose
// context is the state's Scope.
func newBlock(r *http.Request) (*block, *http.Request) {
	b := &block{}
	b.state.Init(r.Context())
	b.mw.spare = &b.resp
	scopeSlot.Put(&b.state, &b.mw)
	b.req = *r.WithContext(&b.state)
	return b, &b.req
}

// RequestIDFrom returns the ID the request-ID layer gave the request whose
// context is ctx, or "" when there is none.
func RequestIDFrom(ctx context.Context) string {
	if id, ok := state.RequestIDSlot.Get(ctx); ok {
		return id.ID
	}
	return ""
}
