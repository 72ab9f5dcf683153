package chain

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/justinas/alice"

	"github.com/wsgo/wsgo/mw"
)

// Layer is a middleware and its name. The name is what String shows and what
// Remove, Without, InsertBefore, InsertAfter, Replace and Has look for. A
// Layer with an empty Name is unnamed: no name is guessed for it, edits by
// name cannot reach it, and String shows it as "layer N", N being its
// 1-based position in the chain. A name is in a chain at most once.
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

// New creates a Chain of ms, the first outermost. Its layers are unnamed
// (String shows "layer 1 > layer 2 > app"); give names with Named and Use.
// New panics when one of ms is nil, naming its position:
// "chain: middleware 2 of 3 is nil".
func New(ms ...mw.Middleware) Chain {
	return Chain{}.Append(ms...)
}

// Append returns a new Chain with ms added, unnamed, at the inner end, after
// the receiver's layers. The receiver is not modified. It panics when one of
// ms is nil, as New does.
func (c Chain) Append(ms ...mw.Middleware) Chain {
	layers := make([]Layer, 0, len(c.layers)+len(ms))
	layers = append(layers, c.layers...)
	for i, m := range ms {
		if m == nil {
			panic(fmt.Sprintf("chain: middleware %d of %d is nil", i+1, len(ms)))
		}
		layers = append(layers, Layer{Middleware: m})
	}
	return Chain{layers: layers, timed: c.timed}
}

// Use returns a new Chain with layers added at the inner end, after the
// receiver's layers; a layer with an empty Name is unnamed. It panics when a
// layer's Middleware is nil ("chain: layer 2 of 3 (\"log\") has a nil
// middleware") and when a name would be in the chain twice
// ("chain: layer name \"log\" is used twice").
func (c Chain) Use(layers ...Layer) Chain {
	out := make([]Layer, 0, len(c.layers)+len(layers))
	out = append(out, c.layers...)
	for i, l := range layers {
		if l.Middleware == nil {
			if l.Name == "" {
				panic(fmt.Sprintf("chain: layer %d of %d has a nil middleware", i+1, len(layers)))
			}
			panic(fmt.Sprintf("chain: layer %d of %d (%q) has a nil middleware", i+1, len(layers), l.Name))
		}
		checkName(out, l.Name)
		out = append(out, l)
	}
	return Chain{layers: out, timed: c.timed}
}

// Extend returns a new Chain with other's layers added after the receiver's,
// as alice's Extend does. Neither chain is modified. The result is Timed when
// either chain is. It panics when a name is in both chains.
func (c Chain) Extend(other Chain) Chain {
	out := c.Use(other.layers...)
	out.timed = c.timed || other.timed
	return out
}

// If returns a new Chain with the layer added, as Use adds it, only when cond
// holds; when it does not, the chain is returned as it is, l is not looked
// at, and the layer costs nothing at all. Use it for development layers:
//
//	c = c.If(*debug, chain.Named("lint", lint.New(logger)))
func (c Chain) If(cond bool, l Layer) Chain {
	if !cond {
		return c
	}
	return c.Use(l)
}

// When returns a new Chain with the layer added, as Use adds it, so that it
// runs only for the requests for which pred returns true; the others go
// straight to the next layer. pred runs once per request and must be safe
// for concurrent use. It panics when pred or l's Middleware is nil, and when
// l's name is already in the chain.
//
//	c = c.When(notHealthCheck, chain.Named("access", logging.Access(logger)))
func (c Chain) When(pred func(*http.Request) bool, l Layer) Chain {
	if pred == nil {
		panic(fmt.Sprintf("chain: When: nil predicate for %s", describe(l)))
	}
	if l.Middleware == nil {
		panic(fmt.Sprintf("chain: When: %s has a nil middleware", describe(l)))
	}
	return c.Use(Layer{Name: l.Name, Middleware: when(pred, l.Middleware)})
}

// when returns a middleware that runs m only for requests for which pred
// returns true; other requests skip m and go straight to the next handler.
// Both paths are built once, when the middleware is applied.
func when(pred func(*http.Request) bool, m mw.Middleware) mw.Middleware {
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
// there is no such layer (an empty name names none), showing the chain:
// "chain: Remove: no layer named \"x\" (the chain is: a > b > app)".
func (c Chain) Remove(name string) Chain {
	i := c.index("Remove", name)
	out := make([]Layer, 0, len(c.layers)-1)
	out = append(out, c.layers[:i]...)
	return Chain{layers: append(out, c.layers[i+1:]...), timed: c.timed}
}

// Without returns a new Chain without the layers called one of names. Unlike
// Remove, it ignores a name the chain does not have, so one edit fits chains
// that differ, such as a development and a production stack (only one of
// which has a "lint" layer). An empty name names no layer; with no names,
// Without returns an equal chain.
func (c Chain) Without(names ...string) Chain {
	out := make([]Layer, 0, len(c.layers))
	for _, l := range c.layers {
		if l.Name == "" || !slices.Contains(names, l.Name) {
			out = append(out, l)
		}
	}
	return Chain{layers: out, timed: c.timed}
}

// InsertBefore returns a new Chain with l placed just outside the layer
// called name. It panics when there is no such layer, when l's Middleware is
// nil, and when l's name is already in the chain.
func (c Chain) InsertBefore(name string, l Layer) Chain {
	return c.insert(c.index("InsertBefore", name), "InsertBefore", l)
}

// InsertAfter returns a new Chain with l placed just inside the layer called
// name. It panics when there is no such layer, when l's Middleware is nil,
// and when l's name is already in the chain.
func (c Chain) InsertAfter(name string, l Layer) Chain {
	return c.insert(c.index("InsertAfter", name)+1, "InsertAfter", l)
}

// Replace returns a new Chain in which the layer called name has l's
// middleware, and l's name when l has one (an empty Name keeps name). It
// panics when there is no such layer, when l's Middleware is nil, and when
// l's name is that of another layer of the chain.
func (c Chain) Replace(name string, l Layer) Chain {
	i := c.index("Replace", name)
	if l.Middleware == nil {
		panic(fmt.Sprintf("chain: Replace %q: nil middleware", name))
	}
	if l.Name == "" {
		l.Name = name
	}
	out := append([]Layer(nil), c.layers...)
	out[i] = Layer{}
	checkName(out, l.Name)
	out[i] = l
	return Chain{layers: out, timed: c.timed}
}

func (c Chain) insert(at int, op string, l Layer) Chain {
	if l.Middleware == nil {
		panic(fmt.Sprintf("chain: %s: %s has a nil middleware", op, describe(l)))
	}
	checkName(c.layers, l.Name)
	out := make([]Layer, 0, len(c.layers)+1)
	out = append(out, c.layers[:at]...)
	out = append(out, l)
	return Chain{layers: append(out, c.layers[at:]...), timed: c.timed}
}

// index returns the position of the layer called name; it panics, for op,
// when there is none. An empty name names no layer.
func (c Chain) index(op, name string) int {
	for i, l := range c.layers {
		if name != "" && l.Name == name {
			return i
		}
	}
	panic(fmt.Sprintf("chain: %s: no layer named %q (the chain is: %s)", op, name, c.String()))
}

// checkName panics when name is not empty and a layer of layers has it.
func checkName(layers []Layer, name string) {
	if name == "" {
		return
	}
	for _, l := range layers {
		if l.Name == name {
			panic(fmt.Sprintf("chain: layer name %q is used twice", name))
		}
	}
}

// describe names l in a message: `layer "log"`, or "an unnamed layer".
func describe(l Layer) string {
	if l.Name == "" {
		return "an unnamed layer"
	}
	return fmt.Sprintf("layer %q", l.Name)
}

// label is what String shows for the layer at i: its name, or "layer N"
// (N = i+1) when it has none.
func (c Chain) label(i int) string {
	if name := c.layers[i].Name; name != "" {
		return name
	}
	return "layer " + strconv.Itoa(i+1)
}

// Has reports whether the chain has a layer called name. An empty name names
// no layer: Has("") is false.
func (c Chain) Has(name string) bool {
	if name == "" {
		return false
	}
	for _, l := range c.layers {
		if l.Name == name {
			return true
		}
	}
	return false
}

// Layers returns a copy of the chain's layers, outermost first; an unnamed
// layer has an empty Name.
func (c Chain) Layers() []Layer { return append([]Layer(nil), c.layers...) }

// Len returns the number of layers.
func (c Chain) Len() int { return len(c.layers) }

// String draws the onion from the outside in: "requestid > access > recover > app".
// An unnamed layer is "layer N", N its 1-based position: "layer 1 > access > app".
// A Timed chain says so: "(timed) requestid > ...".
func (c Chain) String() string {
	var b strings.Builder
	if c.timed {
		b.WriteString("(timed) ")
	}
	for i := range c.layers {
		b.WriteString(c.label(i))
		b.WriteString(" > ")
	}
	b.WriteString("app")
	return b.String()
}

// Timed returns a Chain that, when built, also sends a Server-Timing header
// with the time each layer and the application took before the response
// started, so the browser's network panel shows where the time went. It is
// a shorthand for layers a user may place by hand: [mw.ServerTiming]
// outside everything, and an [mw.TimingMark] before each layer and before
// the application, named as String names the layer ("layer 2" being
// "layer-2"):
//
//	New(a, b).Timed().Then(h)  ==  mw.ServerTiming()(mw.TimingMark("layer-1")(a(mw.TimingMark("layer-2")(b(mw.TimingMark("app")(h))))))
//
// Edits of a Timed chain stay Timed and a layer added later is marked too;
// Then, Middleware and Alice all build the same layers. A Timed chain
// nested in another one gives one Server-Timing value (see
// [mw.ServerTiming]). A development option: a chain that is not Timed pays
// nothing for it.
func (c Chain) Timed() Chain {
	return Chain{layers: c.Layers(), timed: true}
}

// Then chains the middlewares around h and returns the result, with alice:
//
//	New(m1, m2, m3).Then(h)  ==  m1(m2(m3(h)))  ==  c.Alice().Then(h)
//
// Then treats a nil h as http.DefaultServeMux, as alice does. It panics
// when a layer returns a nil handler, naming the layer: "chain: layer 2 of
// 3 (\"log\") returned a nil handler". It may be called any number of
// times; each call builds the handlers anew.
func (c Chain) Then(h http.Handler) http.Handler {
	return c.Alice().Then(h)
}

// ThenFunc works like Then, for a function. A nil fn means
// http.DefaultServeMux, as in alice.
func (c Chain) ThenFunc(fn http.HandlerFunc) http.Handler {
	return c.Alice().ThenFunc(fn)
}

// Middleware returns the whole chain as one middleware, to nest it in
// another chain or hand it to a router's Use.
func (c Chain) Middleware() mw.Middleware {
	inner := c.Alice()
	return func(h http.Handler) http.Handler { return inner.Then(h) }
}

// Alice returns an alice.Chain of the same middlewares in the same order,
// with what Then adds: for a Timed chain, the Server-Timing layer and the
// marks, and for every layer the check that it returns a handler.
func (c Chain) Alice() alice.Chain {
	n := len(c.layers)
	if c.timed {
		n = 2*n + 2
	}
	cons := make([]alice.Constructor, 0, n)
	if c.timed {
		cons = append(cons, mw.ServerTiming())
	}
	for i := range c.layers {
		if c.timed {
			cons = append(cons, mw.TimingMark(c.label(i)))
		}
		cons = append(cons, c.checked(i))
	}
	if c.timed {
		cons = append(cons, mw.TimingMark("app"))
	}
	return alice.New(cons...)
}

// checked returns the middleware of the layer at i, which panics, when the
// chain is built, if the layer returns a nil handler. A request does not
// pass through it: it returns the layer's own handler.
func (c Chain) checked(i int) alice.Constructor {
	l, n := c.layers[i], len(c.layers)
	return func(next http.Handler) http.Handler {
		h := l.Middleware(next)
		if h == nil {
			if l.Name == "" {
				panic(fmt.Sprintf("chain: layer %d of %d returned a nil handler", i+1, n))
			}
			panic(fmt.Sprintf("chain: layer %d of %d (%q) returned a nil handler", i+1, n, l.Name))
		}
		return h
	}
}

// FromAlice returns a Chain of one layer, named "alice", that applies a.
// alice does not expose its constructors, so its chain stays one layer. The
// name is in a chain once: to put two alice chains in one, give each a name
// of its own, as in Named("api", FromAlice(a).Middleware()).
func FromAlice(a alice.Chain) Chain {
	return Chain{layers: []Layer{{Name: "alice", Middleware: func(h http.Handler) http.Handler { return a.Then(h) }}}}
}
