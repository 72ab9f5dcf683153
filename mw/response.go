package mw

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"

	"github.com/felixge/httpsnoop"
)

// Response is the one shared wrapper around a request's http.ResponseWriter:
// it records the status, the body bytes, whether the header went out and
// whether the connection was hijacked, and calls the [Observer]s that layers
// attach to it. It is made by [Capture], which wraps the writer with
// httpsnoop once per request however many layers ask.
//
// The wrapper handed to handlers ([Response.Writer]) implements exactly the
// optional interfaces (http.Flusher, http.Hijacker, io.ReaderFrom,
// http.Pusher, io.StringWriter, FlushError, the deadline setters,
// EnableFullDuplex, http.CloseNotifier) of the writer it wraps, and has an
// Unwrap method, so http.ResponseController reaches the real writer.
//
// A Response belongs to one request. Its methods are not safe for concurrent
// use; a handler that writes from several goroutines must already serialise
// its writes, and the Response shares that serialisation.
type Response struct {
	rec   record
	fixed fixedHooks
}

// record is what one request writes; it is zeroed when the Response is reused.
type record struct {
	under     http.ResponseWriter // the writer that was wrapped
	wrapped   http.ResponseWriter // the httpsnoop wrapper handed to handlers
	status    int
	written   int64
	committed bool
	hijacked  bool
	refs      int
	keep      bool
	prev      *Response
	scope     *Scope
	observers []*Observer
	next      nextFuncs
}

type nextFuncs struct {
	writeHeader httpsnoop.WriteHeaderFunc
	write       httpsnoop.WriteFunc
	writeString httpsnoop.WriteStringFunc
	readFrom    httpsnoop.ReadFromFunc
	flush       httpsnoop.FlushFunc
	flushError  httpsnoop.FlushErrorFunc
	hijack      httpsnoop.HijackFunc
}

// fixedHooks are built once per pooled Response, so a request pays for
// httpsnoop's own bookkeeping only, not for a closure per hook.
type fixedHooks struct {
	hooks       httpsnoop.Hooks
	writeHeader httpsnoop.WriteHeaderFunc
	write       httpsnoop.WriteFunc
	writeString httpsnoop.WriteStringFunc
	readFrom    httpsnoop.ReadFromFunc
	flush       httpsnoop.FlushFunc
	flushError  httpsnoop.FlushErrorFunc
	hijack      httpsnoop.HijackFunc
}

// Observer is a set of callbacks a layer attaches to a [Response] with
// [Response.Observe]. Any field may be nil. Callbacks run in the order the
// observers were attached, on the goroutine that called the writer.
type Observer struct {
	// WriteHeader is called before a status goes out: an explicit
	// WriteHeader (1xx included), or the implicit 200 of a first Write,
	// WriteString, ReadFrom or Flush. The header map may still be changed.
	// It is not called again once the final status has gone out.
	WriteHeader func(code int)
	// Write is called after each Write, WriteString or ReadFrom, with the
	// number of bytes that went out and the writer's error (for example
	// http.ErrBodyNotAllowed, with 0 bytes, for a body on a 204).
	Write func(n int64, err error)
	// Flush is called before the writer is flushed.
	Flush func()
	// Hijack is called after the connection was hijacked.
	Hijack func()
	// LateWriteHeader is called when WriteHeader is called again after the
	// final status went out (net/http then logs "superfluous
	// response.WriteHeader call" and ignores it), or after a hijack.
	LateWriteHeader func(code int)
}

var responses = sync.Pool{New: func() any { return newResponse() }}

func newResponse() *Response {
	r := &Response{}
	f := &r.fixed
	f.writeHeader, f.write, f.writeString = r.writeHeader, r.write, r.writeString
	f.readFrom, f.flush, f.flushError, f.hijack = r.readFrom, r.flush, r.flushError, r.hijack
	f.hooks = httpsnoop.Hooks{
		WriteHeader: func(next httpsnoop.WriteHeaderFunc) httpsnoop.WriteHeaderFunc {
			r.rec.next.writeHeader = next
			return f.writeHeader
		},
		Write: func(next httpsnoop.WriteFunc) httpsnoop.WriteFunc {
			r.rec.next.write = next
			return f.write
		},
		WriteString: func(next httpsnoop.WriteStringFunc) httpsnoop.WriteStringFunc {
			r.rec.next.writeString = next
			return f.writeString
		},
		ReadFrom: func(next httpsnoop.ReadFromFunc) httpsnoop.ReadFromFunc {
			r.rec.next.readFrom = next
			return f.readFrom
		},
		Flush: func(next httpsnoop.FlushFunc) httpsnoop.FlushFunc {
			r.rec.next.flush = next
			return f.flush
		},
		// Hooked explicitly: without it httpsnoop would route FlushError
		// through the Flush hook, which re-enters the constructor above.
		FlushError: func(next httpsnoop.FlushErrorFunc) httpsnoop.FlushErrorFunc {
			r.rec.next.flushError = next
			return f.flushError
		},
		Hijack: func(next httpsnoop.HijackFunc) httpsnoop.HijackFunc {
			r.rec.next.hijack = next
			return f.hijack
		},
	}
	return r
}

// Capture returns the shared Response for w and the request to pass on.
//
// When an outer layer already captured this very writer (w is the writer it
// handed on), Capture returns that Response and r as they are: no second
// wrapper, no allocation. Otherwise it wraps w once with httpsnoop and
// records the Response in r's [Scope] (attaching a Scope first, in a copy of
// r, when r has none), so that inner layers find it.
//
// Every Capture must be paired with a Release, after the handler returned:
//
//	resp, r := mw.Capture(w, r)
//	defer resp.Release()
//	next.ServeHTTP(resp.Writer(), r)
func Capture(w http.ResponseWriter, r *http.Request) (*Response, *http.Request) {
	r, s := WithScope(r)
	if cur := s.resp; cur != nil && cur.rec.wrapped == w {
		cur.rec.refs++
		return cur, r
	}
	resp := responses.Get().(*Response)
	resp.rec.under = w
	resp.rec.refs = 1
	resp.rec.prev = s.resp
	resp.rec.scope = s
	resp.rec.wrapped = httpsnoop.Wrap(w, resp.fixed.hooks)
	s.resp = resp
	return resp, r
}

// Lookup returns the Response an outer layer captured for the writer w of
// request r, or nil when w is not a captured writer. It never wraps.
func Lookup(w http.ResponseWriter, r *http.Request) *Response {
	s := ScopeOf(r.Context()) // per request in a recover layer: a type assertion in the common case
	if s == nil || s.resp == nil || s.resp.rec.wrapped != w {
		return nil
	}
	return s.resp
}

// Release ends one Capture. When the last Capture of the Response is
// released, the Response is reused for a later request, unless Keep was
// called: as net/http says of the ResponseWriter itself, neither the writer
// nor the Response may be used after the handler returned.
func (r *Response) Release() {
	r.rec.refs--
	if r.rec.refs > 0 {
		return
	}
	if s := r.rec.scope; s != nil && s.resp == r {
		s.resp = r.rec.prev
	}
	if r.rec.keep {
		return
	}
	obs := r.rec.observers
	clear(obs)
	r.rec = record{observers: obs[:0]}
	responses.Put(r)
}

// Keep stops the Response from being reused after its last Release, so that
// a write that arrives late, from a goroutine the handler leaked, still
// reaches this Response and its observers rather than another request's. The
// lint layer uses it.
func (r *Response) Keep() { r.rec.keep = true }

// Writer returns the wrapped writer to hand to the next handler.
func (r *Response) Writer() http.ResponseWriter { return r.rec.wrapped }

// Unwrap returns the writer that was wrapped.
func (r *Response) Unwrap() http.ResponseWriter { return r.rec.under }

// Status returns the final status that went out, or 0 when none has yet.
// A handler that returns without writing is answered 200 by net/http, after
// the layers have run; callers that log treat 0 as 200.
func (r *Response) Status() int { return r.rec.status }

// Written returns the number of body bytes written so far.
func (r *Response) Written() int64 { return r.rec.written }

// Committed reports whether the status and header have gone out, so that no
// other status can be sent.
func (r *Response) Committed() bool { return r.rec.committed }

// Hijacked reports whether the handler took over the connection.
func (r *Response) Hijacked() bool { return r.rec.hijacked }

// Observe attaches o. Observers attached by inner layers run after those of
// outer layers. Attaching costs no allocation once the Response has been
// reused, as the slice is kept.
func (r *Response) Observe(o *Observer) { r.rec.observers = append(r.rec.observers, o) }

// commit notes that the header goes out now with code, after telling the
// observers so that they can still change it.
func (r *Response) commit(code int) {
	for _, o := range r.rec.observers {
		if o.WriteHeader != nil {
			o.WriteHeader(code)
		}
	}
	r.rec.status = code
	r.rec.committed = true
}

func (r *Response) wrote(n int64, err error) {
	r.rec.written += n
	for _, o := range r.rec.observers {
		if o.Write != nil {
			o.Write(n, err)
		}
	}
}

func informational(code int) bool {
	return code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols
}

func (r *Response) writeHeader(code int) {
	if r.rec.committed || r.rec.hijacked {
		for _, o := range r.rec.observers {
			if o.LateWriteHeader != nil {
				o.LateWriteHeader(code)
			}
		}
		r.rec.next.writeHeader(code) // the writer reports the misuse
		return
	}
	for _, o := range r.rec.observers {
		if o.WriteHeader != nil {
			o.WriteHeader(code)
		}
	}
	r.rec.next.writeHeader(code) // panics on an invalid code: nothing is recorded then
	if !informational(code) {
		r.rec.status = code
		r.rec.committed = true
	}
}

func (r *Response) implicitHeader() {
	if !r.rec.committed && !r.rec.hijacked {
		r.commit(http.StatusOK)
	}
}

func (r *Response) write(p []byte) (int, error) {
	r.implicitHeader()
	n, err := r.rec.next.write(p)
	r.wrote(int64(n), err)
	return n, err
}

func (r *Response) writeString(s string) (int, error) {
	r.implicitHeader()
	n, err := r.rec.next.writeString(s)
	r.wrote(int64(n), err)
	return n, err
}

func (r *Response) readFrom(src io.Reader) (int64, error) {
	r.implicitHeader()
	n, err := r.rec.next.readFrom(src)
	r.wrote(n, err)
	return n, err
}

func (r *Response) flushed() {
	r.implicitHeader()
	for _, o := range r.rec.observers {
		if o.Flush != nil {
			o.Flush()
		}
	}
}

func (r *Response) flush() {
	r.flushed()
	r.rec.next.flush()
}

func (r *Response) flushError() error {
	r.flushed()
	return r.rec.next.flushError()
}

func (r *Response) hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := r.rec.next.hijack()
	if err == nil {
		r.rec.hijacked = true
		for _, o := range r.rec.observers {
			if o.Hijack != nil {
				o.Hijack()
			}
		}
	}
	return c, rw, err
}
