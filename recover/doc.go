// Package recover turns a panic anywhere below it into an answer that helps
// the person who has to fix it, and never into a dropped connection without
// a word in the log.
//
// In production (the default) a panic becomes 500 Internal Server Error
// with a short page that shows the request ID and nothing else of the
// server, and one Error entry on zap with the panic value, the error chain,
// the stack, the method, the path and the same request ID. In development
// ([Tracebacks]) the page is a traceback, served only to a browser on the
// same machine (see [Tracebacks] for the rule, and [RequirePIN] behind a
// proxy on it):
//   - the panic, and when it is an error, the tree of errors it wraps (%w
//     chains and errors.Join), each with its type, and its own stack when
//     it has one (a StackTrace, Callers or Stack method returning PCs, as
//     pkg/errors' errors do);
//   - the frames, innermost first: the application's open with ±10 lines
//     of source, the runtime's, net/http's and wsgo's folded; every frame
//     opens in place on its source (the page carries it), a recursion shows
//     once with its count, and [EditorLink] links each to an editor;
//   - the request whole: the request line, Host, the headers, the cookies
//     by name, the query, and the body of a form, JSON or multipart request
//     (its first 64 KiB, kept as the handler reads it and read on after the
//     panic; captured only for a client that may see the traceback);
//   - the logs of this request: behind an access-log layer
//     (logging.Access), every entry the request's logger (logging.From,
//     SlogFrom, wsgi.errors) wrote before the panic, Debug included, the
//     last 200 kept;
//   - the environ; the program (Go version, platform, module, VCS revision
//     and dirty flag, dependencies, host, uptime, the panic's time, the
//     number of goroutines); every goroutine's stack, folded (at most 1 MiB);
//   - the plain text and the same as Markdown, with buttons that copy them.
//
// Secrets are redacted everywhere on it (see [Redact]); the values of
// cookies are never shown. Every value is escaped, and the page sends a
// Content-Security-Policy that lets only its own inline style and script
// run (by their hashes) and loads nothing. If the page cannot be rendered,
// the answer is the plain-text traceback. curl gets the plain text, an API
// client application/problem+json.
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
// can read the 500 and quote its ID. (chi's Recoverer and gorilla's
// RecoveryHandler send their 500 with every header the handler set, its
// cookies and max-age included.)
//
// On the traceback page, its own Content-Security-Policy replaces one an
// outer layer set: it is as strict as a policy can be that lets the page
// work (default-src 'none', frame-ancestors 'none', form-action 'none',
// and only the page's inline style and script, by their hashes), and a
// second policy would be enforced beside it and block that style and
// script. The PIN prompt does the same with its own. The production page,
// the plain-text and the JSON tracebacks keep the outer policy (under a
// strict one the production page loses its inline style, not its text).
//
// Importing the package as recover shadows the builtin in that file; name
// it, as in
//
//	import wsgorecover "github.com/wsgo/wsgo/recover"
package recover
