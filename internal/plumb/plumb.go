// Package plumb holds what wsgo's packages share about a request that is
// not for users: hooks that a package sets when it is initialised, so that
// the others can reach it without importing it. The feature packages
// (environ, logging, recover) stand side by side on top of mw; none of them
// imports another.
//
// A hook that is nil was not set because its package is not linked into the
// program: then there is nothing of that package's to reach.
package plumb

import (
	"context"
	"iter"
	"net/http"
)

// ErrorsKey is the Scope key under which a logging layer puts what
// wsgi.errors is made from: a func(context.Context) io.Writer, or an
// io.Writer.
type ErrorsKey struct{}

// Set by the mw package.
var (
	// Put stores val under key in the Scope of ctx, as context.WithValue
	// would, without a new context or request. It reports false when ctx
	// has no Scope.
	Put func(ctx context.Context, key, val any) bool
	// RequestIDHeader is the response header in which the request-ID
	// layer of ctx's request sent its ID (X-Request-Id by default).
	RequestIDHeader func(ctx context.Context) string
)

// Set by the environ package.
var (
	// Environ yields the environ of r, as its All method does (one is
	// built on the spot when no layer attached one).
	Environ func(r *http.Request) iter.Seq2[string, any]
	// EnvironString returns the value of key in the Environ attached to
	// ctx when it is a string, and false when there is no Environ, no such
	// key or no string under it. It does not allocate for a CGI key.
	EnvironString func(ctx context.Context, key string) (string, bool)
)
