// Package traceback is the development page of package recover: in place
// of the production 500, a browser on this machine gets the panic's
// traceback, as werkzeug's debugger (without the console) shows it.
//
//	log := logging.Console(os.Stderr)
//	h := recover.New(log, recover.Tracebacks(traceback.New(log)))(app)
//
// wsgo.Development and wsgo.Preset(true, ...) build exactly that (pass
// options with wsgo.TracebackOptions); wsgo.Production never does, so a
// production program does not link this package's page or html/template.
//
// The page is served only to a client on this machine that asked for a
// trusted host (see [New] for the rule, [TrustedHosts], and [RequirePIN]
// behind a reverse proxy on the same machine); anyone else gets the
// production page. It shows:
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
// curl gets the plain-text traceback, an API client application/problem+json
// with the traceback in it. Secrets are redacted everywhere on the page
// (see [Redact]); the values of cookies are never shown. Every value is
// escaped, and the page sends a Content-Security-Policy that lets only its
// own inline style and script run (by their hashes) and loads nothing; it
// replaces a policy an outer layer set, since a second policy would be
// enforced beside it and block that style and script (the PIN prompt does
// the same with its own). If the page cannot be rendered, the answer is
// the plain-text traceback. The template is parsed on the first traceback,
// not when the program starts.
//
// # Differences from peers
//
// werkzeug's debugger decides who is local from the request it is handed,
// so a middleware that rewrote REMOTE_ADDR earlier changes the answer;
// here the decision is made once, when the recover layer receives the
// request, from the connection or from an environ.Proxy layer with trusted
// peers, and nothing inside can change it (CVE-2024-34069's DNS-rebinding
// lesson is the TrustedHosts default). Its PIN is derived from facts about
// the machine; this PIN is random and printed only in the log. It has an
// interactive console; this page has none, by design. Go's peers (chi's
// Recoverer, gorilla's RecoveryHandler) print a stack to the log and have
// no page at all.
package traceback
