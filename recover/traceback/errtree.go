package traceback

import (
	"reflect"
	"runtime"
	"strconv"
	"strings"

	"github.com/wsgo/wsgo/internal/panicvalue"
	wsgorecover "github.com/wsgo/wsgo/recover"
)

// maxErrFrames is how many frames of each error's own stack the page
// shows.
const maxErrFrames = 64

// errNode is one error of a panic's error tree, as the page shows it.
type errNode struct {
	Depth         int    // 0 for the panic value itself, 1 for what it wraps, and so on
	Type, Message string // the error's dynamic type, as %T prints it, and its Error() text
	// Frames is the error's own stack, innermost first, when it carries one
	// (see errorStack); nil otherwise.
	Frames []wsgorecover.Frame
}

// errorTree is the tree of errors err wraps, as Panic.Chain walks it (see
// panicvalue.Errors: bounded, cycles shown once, methods that panic
// survived), each error with its own stack when it carries one. A nil err
// is an empty tree.
func errorTree(err error) []errNode {
	nodes := panicvalue.Errors(err)
	if nodes == nil {
		return nil
	}
	out := make([]errNode, len(nodes))
	for i, n := range nodes {
		out[i] = errNode{Depth: n.Depth, Type: n.Type, Message: n.Message}
		if n.Err != nil {
			out[i].Frames = errorFrames(n.Err)
		}
	}
	return out
}

// errorFrames is the stack e carries (see errorStack) as frames, innermost
// first, at most maxErrFrames of them, each marked App as isApp says.
func errorFrames(e error) []wsgorecover.Frame {
	pcs := errorStack(e)
	if len(pcs) == 0 {
		return nil
	}
	frames := runtime.CallersFrames(pcs)
	var out []wsgorecover.Frame
	for len(out) < maxErrFrames {
		f, more := frames.Next()
		if f.Function != "" {
			out = append(out, wsgorecover.Frame{Function: f.Function, File: f.File, Line: f.Line, App: panicvalue.IsApp(f.Function, f.File)})
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
	if panicvalue.Guard("stack", 0, func() { s = m.Call(nil)[0] }) != "" {
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
