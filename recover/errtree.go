package recover

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
)

// The bounds of an error tree: how deep it is walked, how many errors it
// shows, and how many frames of each error's own stack.
const (
	maxErrDepth  = 32
	maxErrNodes  = 64
	maxErrFrames = 64
)

// errNode is one error of a panic's error tree, as the page shows it.
type errNode struct {
	Depth         int    // 0 for the panic value itself, 1 for what it wraps, and so on
	Type, Message string // the error's dynamic type, as %T prints it, and its Error() text
	// Frames is the error's own stack, innermost first, when it carries one
	// (see errorStack); nil otherwise.
	Frames []Frame
}

// errorTree walks the errors err wraps, in pre-order: each %w chain
// (Unwrap() error) and each branch of a joined error (Unwrap() []error) in
// turn, each error with its depth, type, Error() text and own stack. It is
// bounded: errors deeper than maxErrDepth are left out, and so is all after
// the first maxErrNodes errors. An error that is an error above it on its
// path again (a cycle of comparable errors) is shown once more with a
// <cycle: …> message and not walked; a cycle that comparison cannot see stops
// at the depth bound. A nil in a join is skipped, and an Error(), Unwrap() or
// stack method that panics is survived: a panicking Error() is shown as
// <Error() panicked: …>. A nil err is an empty tree.
func errorTree(err error) []errNode {
	if err == nil {
		return nil
	}
	var nodes []errNode
	var path []error // the errors above the one walked; path[i] is at depth i
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		n := errNode{Depth: depth, Type: fmt.Sprintf("%T", e)}
		for i, above := range path {
			if sameError(e, above) {
				n.Message = "<cycle: the error at depth " + strconv.Itoa(i) + " again>"
				nodes = append(nodes, n)
				return
			}
		}
		n.Message = errorText(e)
		n.Frames = errorFrames(e)
		nodes = append(nodes, n)
		if depth >= maxErrDepth {
			return
		}
		path = append(path, e)
		for _, child := range unwrapErrors(e) {
			if len(nodes) >= maxErrNodes {
				break
			}
			if child != nil {
				walk(child, depth+1)
			}
		}
		path = path[:len(path)-1]
	}
	walk(err, 0)
	return nodes
}

// errorText is e.Error(), or <Error() panicked: …> (see guard).
func errorText(e error) string { return errorTextAt(e, 0) }

// errorTextAt is errorText at depth depth of guard's nesting.
func errorTextAt(e error, depth int) (s string) {
	if msg := guard("Error", depth, func() { s = e.Error() }); msg != "" {
		return msg
	}
	return s
}

// unwrapErrors is what e wraps: the errors of Unwrap() []error, or the one
// of Unwrap() error; none when it wraps nothing or its Unwrap panics.
func unwrapErrors(e error) (wrapped []error) {
	switch u := e.(type) {
	case interface{ Unwrap() []error }:
		if guard("Unwrap", 0, func() { wrapped = u.Unwrap() }) != "" {
			return nil
		}
	case interface{ Unwrap() error }:
		var one error
		if guard("Unwrap", 0, func() { one = u.Unwrap() }) != "" {
			return nil
		}
		wrapped = []error{one}
	}
	return wrapped
}

// sameError reports whether a and b are the same error: of one comparable
// type, and equal. It is false where == would panic (a struct holding an
// incomparable value in an interface field).
func sameError(a, b error) (same bool) {
	t := reflect.TypeOf(a)
	if t != reflect.TypeOf(b) || !t.Comparable() {
		return false
	}
	if guard("==", 0, func() { same = a == b }) != "" {
		return false
	}
	return same
}

// errorFrames is the stack e carries (see errorStack) as frames, innermost
// first, at most maxErrFrames of them, each marked App as isApp says.
func errorFrames(e error) []Frame {
	pcs := errorStack(e)
	if len(pcs) == 0 {
		return nil
	}
	frames := runtime.CallersFrames(pcs)
	var out []Frame
	for len(out) < maxErrFrames {
		f, more := frames.Next()
		if f.Function != "" {
			out = append(out, Frame{Function: f.Function, File: f.File, Line: f.Line, App: isApp(f.Function, f.File)})
		}
		if !more {
			break
		}
	}
	return out
}

// errorStack is the stack an error recorded when it was made, as the return
// PCs that runtime.Callers gives, at most maxErrFrames of them: what its
// first method of StackTrace, Callers and Stack returns, when that method
// takes nothing and returns a slice whose elements are of kind uintptr.
// That is github.com/pkg/errors' StackTrace() errors.StackTrace (a slice of
// errors.Frame, a uintptr holding a PC+1, that is, a return PC), and
// StackTrace, Callers or Stack returning []uintptr as other packages do.
// The methods are found by reflection, so that no such package need be
// imported; one that panics is passed over. Stack() []byte, a printed stack,
// is not one.
func errorStack(e error) []uintptr {
	v := reflect.ValueOf(e)
	// Method names are constants, so that the linker keeps only these
	// methods of the program's types, not all exported ones.
	if pcs := pcsFrom(v.MethodByName("StackTrace")); pcs != nil {
		return pcs
	}
	if pcs := pcsFrom(v.MethodByName("Callers")); pcs != nil {
		return pcs
	}
	return pcsFrom(v.MethodByName("Stack"))
}

// pcsFrom calls m, a method found by errorStack, when it has the shape of a
// stack method, and returns its first maxErrFrames elements as PCs; nil
// when m is not valid, has another shape, returns nothing, or panics.
func pcsFrom(m reflect.Value) (pcs []uintptr) {
	if !m.IsValid() {
		return nil
	}
	t := m.Type()
	if t.NumIn() != 0 || t.NumOut() != 1 || t.Out(0).Kind() != reflect.Slice || t.Out(0).Elem().Kind() != reflect.Uintptr {
		return nil
	}
	var s reflect.Value
	if guard("stack", 0, func() { s = m.Call(nil)[0] }) != "" {
		return nil
	}
	n := min(s.Len(), maxErrFrames)
	if n == 0 {
		return nil
	}
	pcs = make([]uintptr, n)
	for i := range n {
		pcs[i] = uintptr(s.Index(i).Uint())
	}
	return pcs
}

// treeText is the error tree as indented text, for the plain-text traceback:
// an error a line, "Type: Message", indented two spaces a level (the lines
// of a message of several lines too, two spaces further), and the frames of
// an error's own stack under it as "      at function (file:line)",
// indented as the error is.
func treeText(nodes []errNode) string {
	var b strings.Builder
	for _, n := range nodes {
		indent := strings.Repeat("  ", n.Depth)
		b.WriteString(indent + n.Type + ": " + strings.ReplaceAll(n.Message, "\n", "\n"+indent+"  ") + "\n")
		for _, f := range n.Frames {
			b.WriteString(indent + "      at " + f.Function + " (" + f.File + ":" + strconv.Itoa(f.Line) + ")\n")
		}
	}
	return b.String()
}
