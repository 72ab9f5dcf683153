// Package mw is the contract every wsgo layer keeps, and the small layers
// that need nothing but the standard library.
//
// A middleware is a plain func(http.Handler) http.Handler, [Middleware]. A
// layer that needs to see what the handler writes (its status, its bytes)
// calls [Capture], hands on the writer it returns, and releases it when the
// handler has returned:
//
//	resp, r := mw.Capture(w, r)
//	defer resp.Release()
//	next.ServeHTTP(resp.Writer(), r)
//	log.Println(resp.Status(), resp.Written())
//
// However many layers capture, the writer is wrapped once per request, and
// the wrapper keeps exactly the optional interfaces (http.Flusher,
// http.Hijacker, io.ReaderFrom, ...) of the writer it wraps.
// [Response.Observe] attaches callbacks that run before the status goes out
// and after each write. When the layer that captured first returns, the
// writer is fenced: a goroutine the handler left writing gets
// [ErrHandlerDone], and its bytes reach no one.
//
// Layers that share something about one request keep it in the request's
// state, which the first wsgo layer that needs it makes, in one allocation
// with the copy of the request that carries it and the writer's state; it
// is never pooled: the request ID there is read with [RequestIDFrom], and
// the shared writer is found there by [Capture].
//
// The layers here:
//   - [RequestID] gives each request an ID, sends it in a response header and
//     makes it readable with [RequestIDFrom];
//   - [FlushEachWrite] flushes after every write, for handlers that stream
//     and forget to flush;
//   - [ServerTiming], with a [TimingMark] before each layer to time, sends a
//     Server-Timing header, for development (chain.Chain's Timed places
//     both for a whole chain).
//
// The check that handlers keep net/http's contract is package lint: it logs
// with zap, and mw imports nothing outside the standard library.
//
// # Differences from peers
//
// A [Middleware] is the very type of alice's Constructor and of chi's and
// gorilla/mux's middlewares, so theirs fit a wsgo chain and ours fit
// theirs, with no adapter.
//
// httpsnoop wraps the writer once for each layer that observes it, with
// hooks tied to the request through closures; here the layers of a request
// share one wrapper, whose types are generated for every combination of
// optional interfaces, as httpsnoop's are, and tested against httpsnoop.Wrap.
//
// net/http panics, or writes into the next response on the connection, when
// a handler's goroutine writes after the handler returned; a captured writer
// returns [ErrHandlerDone] instead. The request's state is never pooled or
// reused, so nothing a handler keeps reaches another request.
package mw
