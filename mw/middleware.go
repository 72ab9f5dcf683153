package mw

import "net/http"

// Middleware wraps a handler in another. It is an alias, not a new type, so
// that a Middleware is the very type alice.Constructor, chi's Use,
// gorilla/mux's MiddlewareFunc and negroni's Wrap work with:
//
//	r.Use(requestID)                 // chi
//	alice.New(requestID, logger)     // alice
//	[]Middleware{...} passed as chi.Middlewares(ms) or r.Use(ms...)
//
// The handler a Middleware returns must not modify the *http.Request it is
// given; it copies it, as http.StripPrefix does.
type Middleware = func(http.Handler) http.Handler
