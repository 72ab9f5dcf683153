// Package state is the per-request state wsgo's layers share: one Scope per
// request, made by the first layer that needs it, which is the request's
// context. A Scope has one slot per fact that a package owns and other
// packages read; each slot is declared once, by its owner, with the type of
// its value:
//
//	var scopeSlot = state.Declare[*scope]()  // mw owns its part of the state
//	s, _ := scopeSlot.Get(r.Context())
//
// The facts that cross package lines have their slots here, typed by an
// interface or a plain struct that both sides can name without importing
// each other: the error log (read by environ for wsgi.errors), the request
// ID (read by logging and recover), and whether a recover layer recovered a
// panic (read by the access log). A package's own facts have slots it
// declares itself. The Environ (read by logging and the development page)
// has a place of its own, since it is made on first read: [Scope.Environ].
//
// A slot is written by a layer before it passes the request inward (or, for
// Recovered, by the request's own goroutine at panic time), and read after;
// a slot is one word of the Scope, so writing one never races with a
// goroutine reading another.
package state

import (
	"context"
	"io"
	"iter"
	"net/http"
	"sync/atomic"
	"time"
)

// slots is how many slots a Scope has: the facts below and those their
// owners declare (mw's scope, the timing marks, the error log and its
// request), exactly, so that the block mw allocates per request stays in
// the smaller size class (the collector's share of a request grows with
// the bytes it allocates). Declare panics past it, so a new slot fails
// every test at once.
const slots = 9

// Scope is the state of one request; it is the request's context, and
// answers Value for its parent.
type Scope struct {
	parent context.Context
	vals   [slots]any
	// The request's Environ: see Scope.Environ.
	environ  atomic.Pointer[EnvironRef] // the one made
	attached Environ                    // the one attached, to be made on first read
}

type scopeKey struct{}

// Init makes s the Scope of a request whose context was parent. It is for
// the one layer that makes Scopes (mw), which allocates s together with the
// request copy that carries it.
func (s *Scope) Init(parent context.Context) { s.parent = parent }

// From returns the Scope of ctx, or nil when no layer made one.
func From(ctx context.Context) *Scope {
	if s, ok := ctx.(*Scope); ok {
		return s
	}
	s, _ := ctx.Value(scopeKey{}).(*Scope)
	return s
}

// Deadline implements context.Context: the parent's deadline.
func (s *Scope) Deadline() (time.Time, bool) { return s.parent.Deadline() }

// Done implements context.Context: the parent's Done channel.
func (s *Scope) Done() <-chan struct{} { return s.parent.Done() }

// Err implements context.Context: the parent's error.
func (s *Scope) Err() error { return s.parent.Err() }

// Value implements context.Context: the Scope itself for its own key, the
// parent's value for any other. The slots are not context values: they are
// read with their Slot.
func (s *Scope) Value(key any) any {
	if key == (scopeKey{}) {
		return s
	}
	return s.parent.Value(key)
}

// String describes the Scope, as context types do.
func (s *Scope) String() string { return "wsgo request state" }

// Slot is a place for a value of type T in every Scope.
type Slot[T any] struct{ i int }

var declared int

// Declare returns a new slot. It is called once per slot, in a package-level
// var declaration of the package that owns the value.
func Declare[T any]() Slot[T] {
	if declared == slots {
		panic("state: too many slots")
	}
	declared++
	return Slot[T]{declared - 1}
}

// Get returns the value in ctx's Scope, and false when there is no Scope or
// nothing in the slot.
func (k Slot[T]) Get(ctx context.Context) (T, bool) {
	if s := From(ctx); s != nil {
		v, ok := s.vals[k.i].(T)
		return v, ok
	}
	var zero T
	return zero, false
}

// Set puts v in ctx's Scope, and reports false when ctx has no Scope.
func (k Slot[T]) Set(ctx context.Context, v T) bool {
	s := From(ctx)
	if s == nil {
		return false
	}
	s.vals[k.i] = v
	return true
}

// In returns the value in s, and whether there is one.
func (k Slot[T]) In(s *Scope) (T, bool) {
	v, ok := s.vals[k.i].(T)
	return v, ok
}

// Put puts v in s.
func (k Slot[T]) Put(s *Scope, v T) { s.vals[k.i] = v }

// Environ returns the request's Environ, and false when no layer attached
// one: the Environ made, or else the one attached to be made on first
// read ([Scope.AttachEnviron]), which answers as a new one would.
//
// The Environ has a place of its own, not a slot: environ makes it on
// first read, not when its layer attaches it (most requests never read
// it), and two goroutines of one handler may read it first at the same
// time, so it is stored once, with a compare-and-swap ([Scope.SetEnviron]).
func (s *Scope) Environ() (Environ, bool) {
	if made := s.environ.Load(); made != nil {
		return made.Environ, true
	}
	return s.attached, s.attached != nil
}

// AttachEnviron attaches e, the Environ to be made on first read. Only
// package environ calls it, before it passes the request inward.
func (s *Scope) AttachEnviron(e Environ) { s.attached = e }

// EnvironRef is how package environ stores the Environ it made: a pointer
// to it, kept in the Environ itself, so that a Scope stores it with one
// atomic word and reads it without a type assertion.
type EnvironRef struct{ Environ }

// SetEnviron stores the Environ of ref unless one is stored already, and
// returns the one stored: ref's, or the one another goroutine stored
// first. Only package environ calls it.
func (s *Scope) SetEnviron(ref *EnvironRef) Environ {
	if s.environ.CompareAndSwap(nil, ref) {
		return ref.Environ
	}
	return s.environ.Load().Environ
}

// Environ is what other packages read of a request's environ.Environ.
type Environ interface {
	// String returns the value of key when it is a string.
	String(key string) (string, bool)
	// Logged returns REMOTE_ADDR and SCRIPT_NAME, which every access entry
	// reads, in one call, without String's look-up of each key.
	Logged() (remoteAddr, scriptName string)
	// All yields every key and value.
	All() iter.Seq2[string, any]
}

// RequestID is the request ID a request-ID layer gave a request, and the
// response header it sent it in.
type RequestID struct{ ID, Header string }

// The slots of facts that cross package lines.
var (
	// ErrorLogSlot holds the writer of the request's wsgi.errors, made
	// when asked for (owner: logging).
	ErrorLogSlot = Declare[func(context.Context) io.Writer]()
	// RequestIDSlot holds the request's ID (owner: mw).
	RequestIDSlot = Declare[*RequestID]()
	// RecoveredSlot says a recover layer recovered a panic of the request
	// (owner: recover; read by the access log outside it). Set at panic
	// time, by the request's goroutine.
	RecoveredSlot = Declare[bool]()
	// LogTapSlot holds the zapcore.Core a development page tees the
	// request's log into (owner: internal/logtap; read by logging.From).
	// It is declared here, untyped, so that a production program, which
	// links logging but not the page, links nothing of the tap.
	LogTapSlot = Declare[any]()
	// ContextFieldsSlot holds the func(context.Context) []zap.Field of
	// logging.ContextFields (owner: logging; read by recover, whose panic
	// entry carries the same fields as the access entry: an OpenTelemetry
	// span's trace_id and span_id). Untyped, so that mw links no zap.
	ContextFieldsSlot = Declare[any]()
)

// New returns a copy of r whose context is a new Scope, and the Scope, in
// one allocation; r itself is never modified. mw makes its Scopes with its
// own parts in the same allocation; this is for the other layers that need
// one first (environ's, without any mw layer outside them).
func New(r *http.Request) (*http.Request, *Scope) {
	b := &struct {
		s Scope
		r http.Request
	}{}
	b.s.Init(r.Context())
	b.r = *r.WithContext(&b.s)
	return &b.r, &b.s
}
