// Package chain composes middlewares around an http.Handler: alice's Chain,
// with the same meaning, plus what a real stack needs: named layers, layers
// included only when a start-up condition holds, layers that run only for
// some requests, editing a chain by name, and presets.
//
//	chain.New(m1, m2, m3).Then(h)  ==  m1(m2(m3(h)))
//
// The first middleware is the outermost. A Chain is an immutable value: every
// method that changes it returns a new Chain and leaves the receiver, and its
// backing array, alone, so a base chain can be shared:
//
//	base := chain.New(recovery, logging)
//	api := base.Append(auth)        // base is unchanged
//
// Everything is decided when the chain is built; a request walks only the
// middlewares' own closures, exactly as with alice. Mistakes (a nil
// middleware, an unknown layer name) panic at build time with a message that
// says which layer, as regexp.MustCompile does with a bad pattern, not with a
// nil-pointer panic on the first request.
package chain

import (
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"strings"

	"github.com/justinas/alice"

	"github.com/wsgo/wsgo/internal/plumb"
	"github.com/wsgo/wsgo/mw"
)

// Layer is a middleware with a name. The name is what String shows and what
// Remove, InsertBefore and InsertAfter look for.
type Layer struct {
	Name       string
	Middleware mw.Middleware
}

// Named returns a Layer. It panics when m is nil or name is empty.
func Named(name string, m mw.Middleware) Layer {
	if name == "" {
		panic("chain: Named: empty layer name")
	}
	if m == nil {
		panic(fmt.Sprintf("chain: Named: middleware of layer %q is nil", name))
	}
	return Layer{Name: name, Middleware: m}
}

// Chain is an immutable list of layers. The zero Chain is empty and usable:
// its Then returns the handler unchanged.
type Chain struct {
	layers []Layer
	timed  bool
}

// New creates a Chain of ms, the first outermost. Each layer is named after
// its constructor function (for example "mw.RequestID"); use Named layers and
// Use for names of your own. New panics when one of ms is nil, naming its
// position: "chain: middleware 2 of 3 is nil".
func New(ms ...mw.Middleware) Chain {
	return Chain{}.Append(ms...)
}

// Append returns a new Chain with ms added at the inner end, after the
// receiver's layers. The receiver is not modified.
func (c Chain) Append(ms ...mw.Middleware) Chain {
	layers := make([]Layer, 0, len(c.layers)+len(ms))
	layers = append(layers, c.layers...)
	for i, m := range ms {
		if m == nil {
			panic(fmt.Sprintf("chain: middleware %d of %d is nil", i+1, len(ms)))
		}
		layers = append(layers, Layer{Name: funcName(m), Middleware: m})
	}
	return Chain{layers: layers, timed: c.timed}
}

// Use returns a new Chain with the named layers added at the inner end.
func (c Chain) Use(layers ...Layer) Chain {
	out := make([]Layer, 0, len(c.layers)+len(layers))
	out = append(out, c.layers...)
	for i, l := range layers {
		if l.Middleware == nil {
			panic(fmt.Sprintf("chain: layer %d of %d (%q) has a nil middleware", i+1, len(layers), l.Name))
		}
		if l.Name == "" {
			l.Name = funcName(l.Middleware)
		}
		out = append(out, l)
	}
	return Chain{layers: out, timed: c.timed}
}

// Extend returns a new Chain with other's layers added after the receiver's,
// as alice's Extend does. Neither chain is modified.
func (c Chain) Extend(other Chain) Chain {
	return c.Use(other.layers...)
}

// If returns a new Chain with the layer added only when cond holds; when it
// does not, the chain is returned as it is, and the layer costs nothing at
// all. Use it for development layers:
//
//	c = c.If(*debug, chain.Named("lint", lint.Middleware(logger)))
func (c Chain) If(cond bool, l Layer) Chain {
	if !cond {
		return c
	}
	return c.Use(l)
}

// When returns a new Chain with the layer added so that it runs only for the
// requests for which pred returns true; the others go straight to the next
// layer. pred runs once per request and must be safe for concurrent use.
//
//	c = c.When(notHealthCheck, chain.Named("access", logging.Access(logger)))
func (c Chain) When(pred func(*http.Request) bool, l Layer) Chain {
	if pred == nil {
		panic(fmt.Sprintf("chain: When: nil predicate for layer %q", l.Name))
	}
	if l.Middleware == nil {
		panic(fmt.Sprintf("chain: When: layer %q has a nil middleware", l.Name))
	}
	return c.Use(Layer{Name: l.Name, Middleware: When(pred, l.Middleware)})
}

// If returns m when cond holds and [mw.Identity], which adds nothing, when it
// does not. It fits any chain of plain middlewares (alice, chi, gorilla).
func If(cond bool, m mw.Middleware) mw.Middleware {
	if m == nil {
		panic("chain: If: nil middleware")
	}
	if !cond {
		return mw.Identity
	}
	return m
}

// When returns a middleware that runs m only for requests for which pred
// returns true; other requests skip m and go straight to the next handler.
// Both paths are built once, when the middleware is applied.
func When(pred func(*http.Request) bool, m mw.Middleware) mw.Middleware {
	if pred == nil || m == nil {
		panic("chain: When: nil predicate or middleware")
	}
	return func(next http.Handler) http.Handler {
		wrapped := m(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if pred(r) {
				wrapped.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Remove returns a new Chain without the layer called name. It panics when
// there is no such layer, listing the names there are.
func (c Chain) Remove(name string) Chain {
	i := c.index("Remove", name)
	out := make([]Layer, 0, len(c.layers)-1)
	out = append(out, c.layers[:i]...)
	return Chain{layers: append(out, c.layers[i+1:]...), timed: c.timed}
}

// InsertBefore returns a new Chain with l placed just outside the layer
// called name. It panics when there is no such layer.
func (c Chain) InsertBefore(name string, l Layer) Chain {
	return c.insert(c.index("InsertBefore", name), "InsertBefore", l)
}

// InsertAfter returns a new Chain with l placed just inside the layer called
// name. It panics when there is no such layer.
func (c Chain) InsertAfter(name string, l Layer) Chain {
	return c.insert(c.index("InsertAfter", name)+1, "InsertAfter", l)
}

// Replace returns a new Chain in which the layer called name has l's
// middleware (and l's name, when l has one). It panics when there is no such
// layer.
func (c Chain) Replace(name string, l Layer) Chain {
	i := c.index("Replace", name)
	if l.Middleware == nil {
		panic(fmt.Sprintf("chain: Replace %q: nil middleware", name))
	}
	if l.Name == "" {
		l.Name = name
	}
	out := append([]Layer(nil), c.layers...)
	out[i] = l
	return Chain{layers: out, timed: c.timed}
}

func (c Chain) insert(at int, op string, l Layer) Chain {
	if l.Middleware == nil {
		panic(fmt.Sprintf("chain: %s: layer %q has a nil middleware", op, l.Name))
	}
	if l.Name == "" {
		l.Name = funcName(l.Middleware)
	}
	out := make([]Layer, 0, len(c.layers)+1)
	out = append(out, c.layers[:at]...)
	out = append(out, l)
	return Chain{layers: append(out, c.layers[at:]...), timed: c.timed}
}

func (c Chain) index(op, name string) int {
	for i, l := range c.layers {
		if l.Name == name {
			return i
		}
	}
	panic(fmt.Sprintf("chain: %s: no layer named %q (the chain is: %s)", op, name, c.String()))
}

// Has reports whether the chain has a layer called name.
func (c Chain) Has(name string) bool {
	for _, l := range c.layers {
		if l.Name == name {
			return true
		}
	}
	return false
}

// Layers returns a copy of the chain's layers, outermost first.
func (c Chain) Layers() []Layer { return append([]Layer(nil), c.layers...) }

// Len returns the number of layers.
func (c Chain) Len() int { return len(c.layers) }

// String draws the onion from the outside in: "requestid > access > recover > app".
// A Timed chain says so: "(timed) requestid > ...".
func (c Chain) String() string {
	var b strings.Builder
	if c.timed {
		b.WriteString("(timed) ")
	}
	for _, l := range c.layers {
		b.WriteString(l.Name)
		b.WriteString(" > ")
	}
	b.WriteString("app")
	return b.String()
}

// Timed returns a Chain that, when built, also sends a Server-Timing header
// with the time each named layer and the application took before the
// response started ([mw.ServerTiming] outside everything, a mark
// before each layer and before the application), so the browser's network
// panel shows where the time went. A development option: a chain that is
// not Timed pays nothing for it. Edits of a Timed chain stay Timed.
func (c Chain) Timed() Chain {
	return Chain{layers: c.Layers(), timed: true}
}

// Then chains the middlewares around h and returns the result:
//
//	New(m1, m2, m3).Then(h)  ==  m1(m2(m3(h)))
//
// Then treats a nil h as http.DefaultServeMux, as alice does. It may be
// called any number of times; each call builds the handlers anew.
func (c Chain) Then(h http.Handler) http.Handler {
	if h == nil {
		h = http.DefaultServeMux
	}
	if c.timed {
		return c.thenTimed(h)
	}
	for i := len(c.layers) - 1; i >= 0; i-- {
		h = c.layers[i].Middleware(h)
		if h == nil {
			panic(fmt.Sprintf("chain: layer %d of %d (%q) returned a nil handler", i+1, len(c.layers), c.layers[i].Name))
		}
	}
	return h
}

func (c Chain) thenTimed(h http.Handler) http.Handler {
	layers := make([]Layer, 0, 2*len(c.layers)+2)
	layers = append(layers, Layer{Name: "server-timing", Middleware: mw.ServerTiming()})
	for _, l := range c.layers {
		layers = append(layers, Layer{Name: l.Name + "/mark", Middleware: plumb.TimingMark(l.Name)}, l)
	}
	layers = append(layers, Layer{Name: "app/mark", Middleware: plumb.TimingMark("app")})
	return Chain{layers: layers}.Then(h)
}

// ThenFunc works like Then, for a function. A nil fn means
// http.DefaultServeMux, as in alice.
func (c Chain) ThenFunc(fn http.HandlerFunc) http.Handler {
	if fn == nil {
		return c.Then(nil)
	}
	return c.Then(fn)
}

// Middleware returns the whole chain as one middleware, to nest it in
// another chain or hand it to a router's Use.
func (c Chain) Middleware() mw.Middleware {
	inner := Chain{layers: c.Layers(), timed: c.timed}
	return func(h http.Handler) http.Handler { return inner.Then(h) }
}

// Alice returns an alice.Chain with the same middlewares in the same order.
func (c Chain) Alice() alice.Chain {
	cons := make([]alice.Constructor, len(c.layers))
	for i, l := range c.layers {
		cons[i] = l.Middleware
	}
	return alice.New(cons...)
}

// FromAlice returns a Chain of one layer, named "alice", that applies a.
// alice does not expose its constructors, so its chain stays one layer.
func FromAlice(a alice.Chain) Chain {
	return Chain{layers: []Layer{{Name: "alice", Middleware: func(h http.Handler) http.Handler { return a.Then(h) }}}}
}

// funcName names an unnamed middleware after its function: the package and
// the function that returned it ("mw.RequestID"), or "func" when unknown.
func funcName(m mw.Middleware) string {
	f := runtime.FuncForPC(reflect.ValueOf(m).Pointer())
	if f == nil {
		return "func"
	}
	name := f.Name() // e.g. github.com/wsgo/wsgo/mw.RequestID.func1
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	parts := strings.Split(name, ".") // mw RequestID func1, or pkg Caller inlined func1
	for len(parts) > 2 {
		last := parts[len(parts)-1]
		if !strings.HasPrefix(last, "func") && !isDigits(last) {
			break
		}
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 2 { // a closure inlined into its caller: keep the function that made it
		parts = []string{parts[0], parts[len(parts)-1]}
	}
	return strings.Join(parts, ".")
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
