package mw

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// ErrHandlerDone is what a captured writer's methods return when they are
// called after the layer that captured the writer returned: by a goroutine
// the handler left running, a timeout, a bug. Such a call reaches no one:
// not the connection, which may already serve another request, and not the
// observers. (net/http itself panics on a late write over HTTP/2 and
// dereferences a nil pointer over HTTP/1.)
var ErrHandlerDone = errors.New("mw: write after the handler returned")

// Response is the one wrapper around a request's http.ResponseWriter that
// wsgo's layers share: it records the status, the body bytes, whether the
// header went out, whether the connection was hijacked and the first write
// error, and calls the [Observer]s that layers attach to it. It is made by
// [Capture], once per request however many layers ask.
//
// The writer handed to handlers ([Response.Writer]) implements exactly the
// optional interfaces (http.Flusher, FlushError, http.CloseNotifier,
// http.Hijacker, io.ReaderFrom, the deadline setters, EnableFullDuplex,
// http.Pusher, io.StringWriter) of the writer it wraps, as httpsnoop.Wrap
// does, and has an Unwrap method, so http.ResponseController reaches the
// real writer.
//
// A Response belongs to one request, forever: it is never pooled or reused.
// When the layer that captured it returns, the writer is fenced (see
// [ErrHandlerDone]). Its methods are not safe for concurrent use while the
// handler runs; a handler that writes from several goroutines must already
// serialise its writes, and the Response shares that serialisation.
type Response struct {
	under   http.ResponseWriter // the writer that was wrapped
	wrapped http.ResponseWriter // the wrapper handed to handlers
	done    atomic.Bool         // the fence: set when the last Capture is released

	status    int
	written   int64
	committed bool
	hijacked  bool
	err       error // the first error a write returned

	refs      int
	prev      *Response // the Response the Scope held before this one
	scope     *Scope
	observers []*Observer
	inline    [2]*Observer // the observers' first backing array: lint and timing
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
	// AfterDone is called, with the method's name, when a handler calls the
	// writer after the layer that captured it returned; the call did nothing
	// (it returned ErrHandlerDone where it returns an error). It may run on
	// any goroutine, at any time after the request ended.
	AfterDone func(method string)
}

// Capture returns the shared Response for w and the request to pass on.
//
// When an outer layer already captured this very writer (w is the writer it
// handed on), Capture returns that Response and r as they are: no second
// wrapper, no allocation. Otherwise it wraps w once and records the Response
// in r's [Scope]. When r has no Scope yet, the Scope, the copy of r that
// carries it and the Response are made in one allocation.
//
// Every Capture must be paired with a Release, after the handler returned:
//
//	resp, r := mw.Capture(w, r)
//	defer resp.Release()
//	next.ServeHTTP(resp.Writer(), r)
func Capture(w http.ResponseWriter, r *http.Request) (*Response, *http.Request) {
	s := ScopeOf(r.Context())
	if s == nil {
		var st *state
		st, r = newState(r)
		s = &st.scope
	} else if cur := s.resp; cur != nil && cur.wrapped == w {
		cur.refs++
		return cur, r
	}
	resp := s.spare
	if resp != nil {
		s.spare = nil
	} else {
		resp = new(Response)
	}
	resp.under = w
	resp.refs = 1
	resp.prev = s.resp
	resp.scope = s
	resp.observers = resp.inline[:0]
	resp.wrapped = wrap(w, resp)
	s.resp = resp
	return resp, r
}

// Lookup returns the Response an outer layer captured for the writer w of
// request r, or nil when w is not a captured writer. It never wraps.
func Lookup(w http.ResponseWriter, r *http.Request) *Response {
	s := ScopeOf(r.Context())
	if s == nil || s.resp == nil || s.resp.wrapped != w {
		return nil
	}
	return s.resp
}

// Release ends one Capture. When the last Capture of the Response is
// released, the writer is fenced: from then on its methods reach no one and
// return [ErrHandlerDone], as net/http says of the ResponseWriter itself that
// it may not be used after the handler returned. The Response's read side
// (Status, Written, ...) still answers.
func (r *Response) Release() {
	r.refs--
	if r.refs > 0 {
		return
	}
	if s := r.scope; s != nil && s.resp == r {
		s.resp = r.prev
	}
	r.done.Store(true)
}

// Writer returns the wrapped writer to hand to the next handler.
func (r *Response) Writer() http.ResponseWriter { return r.wrapped }

// Status returns the final status that went out, or 0 when none has yet.
// A handler that returns without writing is answered 200 by net/http, after
// the layers have run; callers that log treat 0 as 200.
func (r *Response) Status() int { return r.status }

// Written returns the number of body bytes written so far.
func (r *Response) Written() int64 { return r.written }

// Committed reports whether the status and header have gone out, so that no
// other status can be sent.
func (r *Response) Committed() bool { return r.committed }

// Hijacked reports whether the handler took over the connection.
func (r *Response) Hijacked() bool { return r.hijacked }

// Err returns the first error a Write, WriteString, ReadFrom or FlushError
// returned, other than the handler's own misuse (a body on a response that
// allows none, more bytes than the Content-Length it declared, a write after
// a hijack): for a client that went away, the error that said so. Nil when
// every write succeeded.
func (r *Response) Err() error { return r.err }

// Observe attaches o. Observers attached by inner layers run after those of
// outer layers. Attaching the first two costs no allocation.
func (r *Response) Observe(o *Observer) { r.observers = append(r.observers, o) }

// writer holds what every wrapper type has: the basic methods and Unwrap.
// The generated types (wrap_generated.go) embed it and add the optional
// methods of the writer they wrap.
type writer struct{ r *Response }

// Header returns the header of the wrapped writer; after the handler
// returned, a new empty map that goes nowhere.
func (w writer) Header() http.Header {
	if w.r.done.Load() {
		w.r.late("Header")
		return http.Header{}
	}
	return w.r.under.Header()
}

// WriteHeader sends the status through the wrapped writer, after the
// observers; after the handler returned it does nothing.
func (w writer) WriteHeader(code int) { w.r.writeHeader(code) }

// Write writes through the wrapped writer; after the handler returned it
// returns ErrHandlerDone.
func (w writer) Write(p []byte) (int, error) { return w.r.write(p) }

// Unwrap returns the wrapped writer, for http.ResponseController; after the
// handler returned, nil: nothing may reach the writer then.
func (w writer) Unwrap() http.ResponseWriter {
	if w.r.done.Load() {
		return nil
	}
	return w.r.under
}

// The optional interfaces, as httpsnoop names them.
type (
	flushErrorer      interface{ FlushError() error }
	fullDuplexEnabler interface{ EnableFullDuplex() error }
	deadliner         interface {
		SetReadDeadline(time.Time) error
		SetWriteDeadline(time.Time) error
	}
)

// late reports a call after the handler returned to the observers.
func (r *Response) late(method string) {
	for _, o := range r.observers {
		if o.AfterDone != nil {
			o.AfterDone(method)
		}
	}
}

// fenced reports whether the handler returned, and tells the observers of
// the call when it did.
func (r *Response) fenced(method string) bool {
	if !r.done.Load() {
		return false
	}
	r.late(method)
	return true
}

// commit notes that the header goes out now with code, after telling the
// observers so that they can still change it.
func (r *Response) commit(code int) {
	for _, o := range r.observers {
		if o.WriteHeader != nil {
			o.WriteHeader(code)
		}
	}
	r.status = code
	r.committed = true
}

func (r *Response) wrote(n int64, err error) {
	r.written += n
	if err != nil && r.err == nil && !handlerMisuse(err) {
		r.err = err
	}
	for _, o := range r.observers {
		if o.Write != nil {
			o.Write(n, err)
		}
	}
}

// handlerMisuse reports whether a write error is the handler's doing rather
// than the connection's.
func handlerMisuse(err error) bool {
	return errors.Is(err, http.ErrBodyNotAllowed) || errors.Is(err, http.ErrContentLength) ||
		errors.Is(err, http.ErrHijacked)
}

func informational(code int) bool {
	return code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols
}

func (r *Response) writeHeader(code int) {
	if r.fenced("WriteHeader") {
		return
	}
	if r.committed || r.hijacked {
		for _, o := range r.observers {
			if o.LateWriteHeader != nil {
				o.LateWriteHeader(code)
			}
		}
		r.under.WriteHeader(code) // the writer reports the misuse
		return
	}
	for _, o := range r.observers {
		if o.WriteHeader != nil {
			o.WriteHeader(code)
		}
	}
	r.under.WriteHeader(code) // panics on an invalid code: nothing is recorded then
	if !informational(code) {
		r.status = code
		r.committed = true
	}
}

func (r *Response) implicitHeader() {
	if !r.committed && !r.hijacked {
		r.commit(http.StatusOK)
	}
}

func (r *Response) write(p []byte) (int, error) {
	if r.fenced("Write") {
		return 0, ErrHandlerDone
	}
	r.implicitHeader()
	n, err := r.under.Write(p)
	r.wrote(int64(n), err)
	return n, err
}

func (r *Response) writeString(s string) (int, error) {
	if r.fenced("WriteString") {
		return 0, ErrHandlerDone
	}
	r.implicitHeader()
	n, err := r.under.(io.StringWriter).WriteString(s)
	r.wrote(int64(n), err)
	return n, err
}

func (r *Response) readFrom(src io.Reader) (int64, error) {
	if r.fenced("ReadFrom") {
		return 0, ErrHandlerDone
	}
	r.implicitHeader()
	n, err := r.under.(io.ReaderFrom).ReadFrom(src)
	r.wrote(n, err)
	return n, err
}

func (r *Response) flushed() {
	r.implicitHeader()
	for _, o := range r.observers {
		if o.Flush != nil {
			o.Flush()
		}
	}
}

func (r *Response) flush() {
	if r.fenced("Flush") {
		return
	}
	r.flushed()
	r.under.(http.Flusher).Flush()
}

func (r *Response) flushError() error {
	if r.fenced("FlushError") {
		return ErrHandlerDone
	}
	r.flushed()
	err := r.under.(flushErrorer).FlushError()
	if err != nil && r.err == nil {
		r.err = err
	}
	return err
}

func (r *Response) hijack() (net.Conn, *bufio.ReadWriter, error) {
	if r.fenced("Hijack") {
		return nil, nil, ErrHandlerDone
	}
	c, rw, err := r.under.(http.Hijacker).Hijack()
	if err == nil {
		r.hijacked = true
		for _, o := range r.observers {
			if o.Hijack != nil {
				o.Hijack()
			}
		}
	}
	return c, rw, err
}

// closeNotify is the wrapped writer's CloseNotify; after the handler
// returned, a channel that already says the request is over.
func (r *Response) closeNotify() <-chan bool {
	if r.fenced("CloseNotify") {
		c := make(chan bool, 1)
		c <- true
		return c
	}
	//lint:ignore SA1019 httpsnoop keeps CloseNotifier, so must we
	return r.under.(http.CloseNotifier).CloseNotify() //nolint:staticcheck // as above, for golangci-lint
}

func (r *Response) setReadDeadline(t time.Time) error {
	if r.fenced("SetReadDeadline") {
		return ErrHandlerDone
	}
	return r.under.(deadliner).SetReadDeadline(t)
}

func (r *Response) setWriteDeadline(t time.Time) error {
	if r.fenced("SetWriteDeadline") {
		return ErrHandlerDone
	}
	return r.under.(deadliner).SetWriteDeadline(t)
}

func (r *Response) enableFullDuplex() error {
	if r.fenced("EnableFullDuplex") {
		return ErrHandlerDone
	}
	return r.under.(fullDuplexEnabler).EnableFullDuplex()
}

func (r *Response) push(target string, opts *http.PushOptions) error {
	if r.fenced("Push") {
		return ErrHandlerDone
	}
	return r.under.(http.Pusher).Push(target, opts)
}
