// Package recover turns a panic anywhere below it into an answer that helps
// the person who has to fix it, and never into a dropped connection without
// a word in the log.
//
// In production (the default) a panic becomes 500 Internal Server Error
// with a short page that shows the request ID and nothing else of the
// server, and one Error entry on zap with the panic value, the error chain,
// the stack, the method, the path and the same request ID. In development
// ([Tracebacks]) the page is a traceback: the panic, the application's
// frames with their source, the request and its environ, with secrets
// redacted, served only to a browser on the same machine.
//
// Importing the package as recover shadows the builtin in that file; name
// it, as in
//
//	import wsgorecover "github.com/wsgo/wsgo/recover"
package recover
