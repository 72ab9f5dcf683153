// Package mw is the contract every wsgo layer keeps, and the small layers.
//
// A middleware is a plain func(http.Handler) http.Handler ([Middleware]), so
// middlewares of alice, chi, gorilla/mux and negroni fit a wsgo chain and ours
// fit theirs, with no adapter.
//
// Layers that need to share something about one request do it through the
// request's [Scope], the one context object that wsgo attaches per request
// (the first wsgo layer that needs it attaches it; the others find it).
// Layers that need to see what a handler writes share one wrapped
// http.ResponseWriter, the [Response] returned by [Capture]: however many
// layers observe a response, the writer is wrapped once per request, and
// keeps exactly the optional interfaces of the writer it wraps (the wrapper
// types are generated for all 512 combinations, and tested against
// httpsnoop.Wrap's).
//
// Per-request state belongs to one request forever. The Scope, the request
// copy that carries it and the Response are made together, in one
// allocation, by the first layer that needs them, and are never pooled or
// reused. When the layer that captured the writer returns, the writer is
// fenced: a handler's goroutine that writes later gets [ErrHandlerDone], and
// its bytes reach no one.
//
// Layers here: [RequestID], [FlushEachWrite] and [ServerTiming]; the
// wsgiref.validate of net/http is package lint, which logs with zap.
package mw
