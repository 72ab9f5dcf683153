package plumb

import "context"

// Set by the mw package.
var (
	// MarkRecovered records, in the Scope of ctx, that a recover layer
	// recovered a panic of the request: an access-log layer outside it then
	// sees a 500, an aborted response or a hijacked connection, but no
	// panic, and logs error.type=panic all the same. It is called at panic
	// time only, so that a request that does not panic pays nothing. The
	// mark is a field of the Scope that only the request's goroutine
	// touches, not a value put with Put: a goroutine the handler started
	// may be reading the Scope's values when the handler panics.
	MarkRecovered func(ctx context.Context)
	// Recovered reports whether MarkRecovered was called for the Scope of
	// ctx.
	Recovered func(ctx context.Context) bool
)
