// Package recover turns a panic anywhere below it into a 500 that tells
// the client nothing of the server but a request ID, and one log entry
// that tells the developer everything needed to find it.
//
//	h := recover.New(logger)(app)
//
// On a panic the client gets 500 Internal Server Error: a short HTML page
// for a browser, plain text for curl, application/problem+json for an API
// client, each with the request ID (from mw.RequestID, or a fresh one).
// The log gets one Error entry, "panic recovered", with the panic value
// (panic, panic.type), the error chain when it is an error (error.chain),
// the stack from the panicking function to this layer (stack), the method,
// the path, the request ID and the W3C trace ID, under the field names the
// access log of package logging uses. A method of the panic value that
// panics in turn (an Error on a nil receiver) is survived, in the page, the
// entry and the hook.
//
// A panic with http.ErrAbortHandler passes through untouched. When the
// response had already started, the panic is logged and the response is
// aborted, so the client sees a broken response, not a truncated one that
// looks complete; a hijacked connection is logged and left alone.
//
// [OnPanic] reports each panic elsewhere (an error tracker); [Page]
// replaces the production page. [Tracebacks] plugs in the development
// page of package recover/traceback, which answers the panics of clients
// on this machine with a traceback; the presets of package wsgo do that in
// development only, and a program that never calls traceback.New links
// none of it.
//
// # The 500's headers
//
// The 500 keeps the headers that layers outside set for every response,
// and drops those that describe the answer the handler was making, since
// that answer is not sent. At panic time (a request that does not panic
// pays only for a look-up of Content-Encoding) the layer deletes
// Content-Type, Content-Length, Content-Disposition, Content-Range,
// Content-Language, Content-Location, ETag, Last-Modified, Expires,
// Location, Refresh, Accept-Ranges, Set-Cookie, Trailer and the trailers
// declared (the names Trailer lists, and keys with http.TrailerPrefix);
// sets Cache-Control: no-store, so that a max-age the handler set lets no
// cache keep the 500, and X-Content-Type-Options: nosniff; gives
// Content-Encoding back the value it had when the layer received the
// request (a compressor outside still encodes the page, a handler's own
// encoding is dropped); and keeps the rest: CORS's Access-Control-*, Vary,
// Strict-Transport-Security, the request ID, so that a browser's script
// can read the 500 and quote its ID. The production page keeps an outer
// Content-Security-Policy (under a strict one it loses its inline style,
// not its text).
//
// # Differences from peers
//
// chi's Recoverer and gorilla's RecoveryHandler send their 500 with every
// header the handler set, its cookies and max-age included; this layer
// resets them as above. They print the whole stack as text (chi to
// stderr, gorilla when asked), where this layer writes one structured
// entry on zap whose stack stops at the layer. Neither tells a started
// response from a fresh one: they call WriteHeader(500) anyway, which
// net/http ignores, and the client may take the cut-off answer for a
// whole one; this layer aborts it. Neither has a development page; here it
// is a separate package, recover/traceback, plugged in by a value.
//
// Importing the package as recover shadows the builtin in that file; name
// it, as in
//
//	import wsgorecover "github.com/wsgo/wsgo/recover"
package recover
