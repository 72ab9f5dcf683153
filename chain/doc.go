// Package chain composes middlewares: a Chain is an ordered, immutable list
// of layers, the first outermost, built into one handler with alice.
//
//	chain.New(m1, m2, m3).Then(h)  ==  m1(m2(m3(h)))
//
// Beyond composing, a chain names its layers, so that a stack can be read
// and edited by name; the stacks built with it, the presets, live in the
// root package wsgo (wsgo.Production, wsgo.Development, wsgo.Preset):
//
//	c := chain.New().Use(chain.Named("requestid", mw.RequestID()), chain.Named("access", access))
//	c = c.If(*debug, chain.Named("lint", lint.New(logger)))  // only when debug is set, at start-up
//	c = c.When(notHealthCheck, chain.Named("auth", auth))     // only for the requests pred accepts
//	c = c.InsertAfter("requestid", chain.Named("cors", cors))
//	fmt.Println(c)                                            // without debug: requestid > cors > access > auth > app
//	http.ListenAndServe(addr, c.Then(app))
//
// A layer has the name it is given ([Named], [Layer]) or none: no name is
// guessed from the function. An unnamed layer cannot be edited by name and
// shows as "layer N", N its position; a name is in a chain at most once.
//
// Every method that changes a Chain returns a new one and leaves the
// receiver, and its backing array, alone, so a base chain can be shared:
//
//	base := chain.New(recovery, logging)
//	api := base.Append(auth)        // base is unchanged
//
// [Chain.Timed] adds a Server-Timing header for development: it is a
// shorthand for the layers [mw.ServerTiming] and [mw.TimingMark], which
// Then, Middleware and Alice all build.
//
// # Differences from alice
//
// Then is alice's: c.Then(h) is c.Alice().Then(h), and [Chain.Alice]
// returns the alice.Chain of the same middlewares, Timed's layers included;
// [FromAlice] brings an alice.Chain back, as one layer, since alice does not
// expose its constructors. A request walks only the middlewares' own
// closures, as with alice.
//
// What chain adds is checked when the chain is made or built, not on the
// first request: a nil middleware, an unknown layer name or a name used
// twice panics when the chain is made, and a layer that returns a nil
// handler panics when it is built, each with a message that names the
// layer, as regexp.MustCompile does with a bad pattern. alice takes a nil
// middleware and fails when it calls it, with a panic that names nothing,
// and a nil handler a layer returns fails on the first request.
package chain
