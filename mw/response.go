package mw

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wsgo/wsgo/internal/handback"
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
// When the layer that created it (the first [Capture]) releases it, the
// writer is fenced: a call in flight then is waited for, and every call
// after that returns [ErrHandlerDone] and reaches no one. So a goroutine the
// handler left writing can neither reach the next response on the
// connection nor crash the server, whether its call starts before, during
// or after the return. What a handler took out of the writer before the
// return stays outside the fence: the header map it got from Header (the
// map itself, no longer sent anywhere), the writer Unwrap returned, a
// hijacked connection.
//
// The writer's methods are not safe for concurrent use while the handler
// runs; a handler that writes from several goroutines must already
// serialise its writes, and the Response shares that serialisation. Its
// read side (Status, Written, Committed, Hijacked, Err) may be read at any
// time, from any goroutine.
type Response struct {
	under   http.ResponseWriter // the writer that was wrapped
	wrapped http.ResponseWriter // the wrapper handed to handlers
	fence   fence

	status   atomic.Int32 // the final status that went out; 0 until then
	written  atomic.Int64
	hijacked atomic.Bool
	err      atomic.Pointer[error] // the first error a write returned

	refs      int       // the Captures not yet released: the creator's and the borrowers'
	prev      *Response // the Response the request's state held before this one
	scope     *scope
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
	// final status went out, or after a hijack. The call goes no further:
	// net/http would ignore it, and log "superfluous response.WriteHeader
	// call" naming wsgo's wrapper as the caller.
	LateWriteHeader func(code int)
	// AfterDone is called, with the method's name, when a handler calls the
	// writer after the layer that captured it returned; the call did nothing
	// (it returned ErrHandlerDone where it returns an error). It may run on
	// any goroutine, at any time after the request ended.
	AfterDone func(method string)
}

// Captured is one layer's hold on a request's shared [Response], as
// [Capture] returns it: the Response, and whether this hold created it.
type Captured struct {
	*Response
	owner    bool
	received *http.Request // when this hold made the copy of the request it returned: the request it received
	copy     *http.Request
}

// Capture returns the shared Response for w, held for the calling layer,
// and the request to pass on.
//
// When an outer layer already captured this very writer (w is the writer it
// handed on), Capture borrows that Response and returns r as it is: no
// second wrapper, no allocation. Otherwise it wraps w once and records the
// Response in the request's state; this hold owns the fence. When r has no
// state yet, the state, the copy of r that carries it and the Response are
// made in one allocation.
//
// When Capture made a copy of r, releasing the hold gives back to r what
// the handlers set on the copy (the route a ServeMux matched, and the
// removal of a multipart form parsed on it).
//
// Every Capture must be paired with a Release, after the handler returned:
//
//	resp, r := mw.Capture(w, r)
//	defer resp.Release()
//	next.ServeHTTP(resp.Writer(), r)
func Capture(w http.ResponseWriter, r *http.Request) (Captured, *http.Request) {
	received := r
	s := scopeOf(r.Context())
	if s == nil {
		r, s = withScope(r)
	} else if cur := s.resp; cur != nil && cur.wrapped == w {
		cur.refs++
		return Captured{Response: cur}, r
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
	c := Captured{Response: resp, owner: true}
	if r != received {
		c.received, c.copy = received, r
	}
	return c, r
}

// Release ends the hold. Releasing the hold that created the Response
// fences the writer, as net/http says of the ResponseWriter itself that it
// may not be used after the handler returned: Release waits for the calls
// in flight (one still running after a short grace is cut by a write
// deadline of now, so that a write blocked on a slow client returns), and
// from then on the writer's methods reach no one and return
// [ErrHandlerDone]. The Response's read side (Status, Written, ...) still
// answers, and is final once the fence is up. A writer that cannot set a
// write deadline (a wrapper of your own without Unwrap or
// SetWriteDeadline) cannot be cut: Release then waits for a blocked write
// as long as the connection lets it block (the server's WriteTimeout).
//
// Releasing a borrowed hold fences nothing: only the layer that created the
// writer decides when it is done, so a layer that borrows it and forgets
// to release cannot hold the fence open (package lint reports it). Call Release
// once per Capture, on the goroutine that called Capture.
func (c Captured) Release() {
	r := c.Response
	r.refs--
	if !c.owner {
		return
	}
	if s := r.scope; s != nil && s.resp == r {
		s.resp = r.prev
	}
	r.fence.raise(func() { cutWrites(r.under) })
	if c.received != nil {
		handback.Return(c.received, c.copy, "")
	}
}

// Writer returns the wrapped writer to hand to the next handler.
func (r *Response) Writer() http.ResponseWriter { return r.wrapped }

// Status returns the final status that went out, or 0 when none has yet.
// A handler that returns without writing is answered 200 by net/http, after
// the layers have run; callers that log treat 0 as 200.
func (r *Response) Status() int { return int(r.status.Load()) }

// Written returns the number of body bytes written so far.
func (r *Response) Written() int64 { return r.written.Load() }

// Committed reports whether the status and header have gone out, so that no
// other status can be sent.
func (r *Response) Committed() bool { return r.status.Load() != 0 }

// Hijacked reports whether the handler took over the connection.
func (r *Response) Hijacked() bool { return r.hijacked.Load() }

// Holds returns the number of [Capture] holds on the Response not yet
// released: the one that made it and each one that borrowed it since. A
// layer that reads it before and after calling inward finds an inner layer
// that captured the writer and did not Release (package lint reports it).
// Unlike the read side above, it belongs to the goroutine that serves the
// request: read it there, not from another goroutine.
func (r *Response) Holds() int { return r.refs }

// Err returns the first error a Write, WriteString, ReadFrom or FlushError
// returned, other than the handler's own misuse (a body on a response that
// allows none, more bytes than the Content-Length it declared, a write after
// a hijack): for a client that went away, the error that said so. Nil when
// every write succeeded.
func (r *Response) Err() error {
	if p := r.err.Load(); p != nil {
		return *p
	}
	return nil
}

// keepErr records err as the Response's error when it is the first.
func (r *Response) keepErr(err error) { r.err.CompareAndSwap(nil, &err) }

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
	r := w.r
	if !r.enter("Header") {
		return http.Header{}
	}
	defer r.fence.exit()
	return r.under.Header()
}

// WriteHeader sends the status through the wrapped writer, after the
// observers; after the handler returned it does nothing.
func (w writer) WriteHeader(code int) { w.r.writeHeader(code) }

// Write writes through the wrapped writer; after the handler returned it
// returns ErrHandlerDone.
func (w writer) Write(p []byte) (int, error) { return w.r.write(p) }

// Unwrap returns the wrapped writer, for http.ResponseController; after the
// handler returned, nil: nothing may reach the writer then. The writer it
// returns is outside the fence: kept past the return, it is the caller's
// to stop using.
func (w writer) Unwrap() http.ResponseWriter {
	r := w.r
	if !r.enter("Unwrap") {
		return nil
	}
	defer r.fence.exit()
	return r.under
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

// enter lets a call through the fence, or reports it to the observers as
// late and returns false. A call let through must end with r.fence.exit().
func (r *Response) enter(method string) bool {
	if !r.fence.enter() {
		r.late(method)
		return false
	}
	if testHookEntered != nil {
		testHookEntered(method)
	}
	return true
}

// late reports a call after the handler returned to the observers.
func (r *Response) late(method string) {
	for _, o := range r.observers {
		if o.AfterDone != nil {
			o.AfterDone(method)
		}
	}
}

// commit notes that the header goes out now with code, after telling the
// observers so that they can still change it.
func (r *Response) commit(code int) {
	for _, o := range r.observers {
		if o.WriteHeader != nil {
			o.WriteHeader(code)
		}
	}
	r.status.Store(int32(code))
}

func (r *Response) wrote(n int64, err error) {
	r.written.Add(n)
	if err != nil && !handlerMisuse(err) {
		r.keepErr(err)
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
	if !r.enter("WriteHeader") {
		return
	}
	defer r.fence.exit()
	if r.Committed() || r.Hijacked() {
		// Swallowed: net/http would log "superfluous response.WriteHeader
		// call" naming this function, blaming wsgo for another layer's
		// misuse (chi's Timeout writes its 504 after the handler's status).
		// Lint reports it, naming the caller.
		for _, o := range r.observers {
			if o.LateWriteHeader != nil {
				o.LateWriteHeader(code)
			}
		}
		return
	}
	for _, o := range r.observers {
		if o.WriteHeader != nil {
			o.WriteHeader(code)
		}
	}
	r.under.WriteHeader(code) // panics on an invalid code: nothing is recorded then
	if !informational(code) {
		r.status.Store(int32(code))
	}
}

func (r *Response) implicitHeader() {
	if !r.Committed() && !r.Hijacked() {
		r.commit(http.StatusOK)
	}
}

func (r *Response) write(p []byte) (int, error) {
	if !r.enter("Write") {
		return 0, ErrHandlerDone
	}
	defer r.fence.exit()
	r.implicitHeader()
	n, err := r.under.Write(p)
	r.wrote(int64(n), err)
	return n, err
}

func (r *Response) writeString(s string) (int, error) {
	if !r.enter("WriteString") {
		return 0, ErrHandlerDone
	}
	defer r.fence.exit()
	r.implicitHeader()
	n, err := r.under.(io.StringWriter).WriteString(s)
	r.wrote(int64(n), err)
	return n, err
}

// readFrom copies src to the wrapped writer. A file goes to the writer's
// own ReadFrom, as one call, so that net/http can use sendfile: reading a
// file does not wait on anyone. Any other source is read outside the
// fence, a chunk at a time, and each chunk written through it: reading a
// source may block for as long as its sender likes (io.Copy(w,
// upstream.Body) in a proxy), and the fence must not wait for that.
func (r *Response) readFrom(src io.Reader) (int64, error) {
	if isFile(src) {
		if !r.enter("ReadFrom") {
			return 0, ErrHandlerDone
		}
		defer r.fence.exit()
		r.implicitHeader()
		n, err := r.under.(io.ReaderFrom).ReadFrom(src)
		r.wrote(n, err)
		return n, err
	}
	if r.fence.up() {
		r.late("ReadFrom")
		return 0, ErrHandlerDone
	}
	bp := copyBufs.Get().(*[copyBufSize]byte)
	defer copyBufs.Put(bp)
	return io.CopyBuffer(chunkWriter{r}, readerOnly{src}, bp[:])
}

// isFile reports whether src is a file, or a section of one as
// http.ServeContent passes it (io.CopyN's LimitedReader).
func isFile(src io.Reader) bool {
	if lr, ok := src.(*io.LimitedReader); ok {
		src = lr.R
	}
	_, ok := src.(*os.File)
	return ok
}

// copyBufSize is io.Copy's buffer size.
const copyBufSize = 32 << 10

// copyBufs holds readFrom's buffers. Pooling them is safe: a buffer never
// leaves readFrom (an io.Writer must not keep what it is given).
var copyBufs = sync.Pool{New: func() any { return new([copyBufSize]byte) }}

// chunkWriter is one chunk of a readFrom: a Write through the fence, with
// ReadFrom's name in the report of a late call.
type chunkWriter struct{ r *Response }

func (c chunkWriter) Write(p []byte) (int, error) {
	r := c.r
	if !r.enter("ReadFrom") {
		return 0, ErrHandlerDone
	}
	defer r.fence.exit()
	r.implicitHeader()
	n, err := r.under.Write(p)
	r.wrote(int64(n), err)
	return n, err
}

// readerOnly hides a source's WriteTo, so that io.CopyBuffer reads it into
// the buffer instead of letting it write to chunkWriter as it likes.
type readerOnly struct{ io.Reader }

func (r *Response) flushed() {
	r.implicitHeader()
	for _, o := range r.observers {
		if o.Flush != nil {
			o.Flush()
		}
	}
}

func (r *Response) flush() {
	if !r.enter("Flush") {
		return
	}
	defer r.fence.exit()
	r.flushed()
	r.under.(http.Flusher).Flush()
}

func (r *Response) flushError() error {
	if !r.enter("FlushError") {
		return ErrHandlerDone
	}
	defer r.fence.exit()
	r.flushed()
	err := r.under.(flushErrorer).FlushError()
	if err != nil {
		r.keepErr(err)
	}
	return err
}

func (r *Response) hijack() (net.Conn, *bufio.ReadWriter, error) {
	if !r.enter("Hijack") {
		return nil, nil, ErrHandlerDone
	}
	defer r.fence.exit()
	c, rw, err := r.under.(http.Hijacker).Hijack()
	if err == nil {
		r.hijacked.Store(true)
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
	if !r.enter("CloseNotify") {
		c := make(chan bool, 1)
		c <- true
		return c
	}
	defer r.fence.exit()
	//lint:ignore SA1019 httpsnoop keeps CloseNotifier, so must we
	return r.under.(http.CloseNotifier).CloseNotify() //nolint:staticcheck // as above, for golangci-lint
}

func (r *Response) setReadDeadline(t time.Time) error {
	if !r.enter("SetReadDeadline") {
		return ErrHandlerDone
	}
	defer r.fence.exit()
	return r.under.(deadliner).SetReadDeadline(t)
}

func (r *Response) setWriteDeadline(t time.Time) error {
	if !r.enter("SetWriteDeadline") {
		return ErrHandlerDone
	}
	defer r.fence.exit()
	return r.under.(deadliner).SetWriteDeadline(t)
}

func (r *Response) enableFullDuplex() error {
	if !r.enter("EnableFullDuplex") {
		return ErrHandlerDone
	}
	defer r.fence.exit()
	return r.under.(fullDuplexEnabler).EnableFullDuplex()
}

func (r *Response) push(target string, opts *http.PushOptions) error {
	if !r.enter("Push") {
		return ErrHandlerDone
	}
	defer r.fence.exit()
	return r.under.(http.Pusher).Push(target, opts)
}
