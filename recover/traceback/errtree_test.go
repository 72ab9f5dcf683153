package traceback

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	wsgorecover "github.com/wsgo/wsgo/recover"
)

// checkTree compares an error tree with what is wanted, and its text too.
func checkTree(t *testing.T, got, want []errNode, wantText string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	if text := treeText(got); text != wantText {
		t.Fatalf("text:\n%s\nwant:\n%s", text, wantText)
	}
}

// TestErrorTreePlainError: an error that wraps nothing is one node; nil is
// no tree.
func TestErrorTreePlainError(t *testing.T) {
	checkTree(t, errorTree(errors.New("disk full")),
		[]errNode{{Depth: 0, Type: "*errors.errorString", Message: "disk full"}},
		"*errors.errorString: disk full\n")
	if errorTree(nil) != nil {
		t.Fatal("a nil error has a tree")
	}
}

// TestErrorTreeWrapChain: a %w chain three deep, outermost first, a level
// deeper each.
func TestErrorTreeWrapChain(t *testing.T) {
	err := fmt.Errorf("save: %w", fmt.Errorf("write: %w", errors.New("disk full")))
	checkTree(t, errorTree(err), []errNode{
		{Depth: 0, Type: "*fmt.wrapError", Message: "save: write: disk full"},
		{Depth: 1, Type: "*fmt.wrapError", Message: "write: disk full"},
		{Depth: 2, Type: "*errors.errorString", Message: "disk full"},
	}, "*fmt.wrapError: save: write: disk full\n"+
		"  *fmt.wrapError: write: disk full\n"+
		"    *errors.errorString: disk full\n")
}

// TestErrorTreeJoin: errors.Join of two wrapped errors, each branch walked
// whole before the next.
func TestErrorTreeJoin(t *testing.T) {
	err := errors.Join(fmt.Errorf("a: %w", errors.New("x")), fmt.Errorf("b: %w", errors.New("y")))
	checkTree(t, errorTree(err), []errNode{
		{Depth: 0, Type: "*errors.joinError", Message: "a: x\nb: y"},
		{Depth: 1, Type: "*fmt.wrapError", Message: "a: x"},
		{Depth: 2, Type: "*errors.errorString", Message: "x"},
		{Depth: 1, Type: "*fmt.wrapError", Message: "b: y"},
		{Depth: 2, Type: "*errors.errorString", Message: "y"},
	}, "*errors.joinError: a: x\n"+
		"  b: y\n"+ // a message's second line, indented under the first
		"  *fmt.wrapError: a: x\n"+
		"    *errors.errorString: x\n"+
		"  *fmt.wrapError: b: y\n"+
		"    *errors.errorString: y\n")
}

// joinWithNil is a joined error that, unlike errors.Join's, keeps a nil.
type joinWithNil []error

func (j joinWithNil) Error() string   { return "joined with a nil" }
func (j joinWithNil) Unwrap() []error { return j }

// TestErrorTreeJoinWithNil: a nil in a join is skipped.
func TestErrorTreeJoinWithNil(t *testing.T) {
	checkTree(t, errorTree(joinWithNil{nil, errors.New("x"), nil}), []errNode{
		{Depth: 0, Type: "traceback.joinWithNil", Message: "joined with a nil"},
		{Depth: 1, Type: "*errors.errorString", Message: "x"},
	}, "traceback.joinWithNil: joined with a nil\n"+
		"  *errors.errorString: x\n")
}

// selfErr wraps itself.
type selfErr struct{}

func (e *selfErr) Error() string { return "me again" }
func (e *selfErr) Unwrap() error { return e }

// deeperErr wraps a new, different error each time: a cycle no comparison
// sees.
type deeperErr int

func (e deeperErr) Error() string { return fmt.Sprint("level ", int(e)) }
func (e deeperErr) Unwrap() error { return e + 1 }

// sliceCycle cannot be compared (== would panic), and wraps itself.
type sliceCycle []int

func (e sliceCycle) Error() string { return "slice" }
func (e sliceCycle) Unwrap() error { return e }

// ifaceCycle wraps itself, and == on it panics when v is incomparable.
type ifaceCycle struct{ v any }

func (e ifaceCycle) Error() string { return "iface" }
func (e ifaceCycle) Unwrap() error { return e }

// wideJoin wraps many errors.
type wideJoin int

func (e wideJoin) Error() string { return "wide" }
func (e wideJoin) Unwrap() []error {
	errs := make([]error, int(e))
	for i := range errs {
		errs[i] = errors.New("x")
	}
	return errs
}

// TestErrorTreeCycleIsBounded: cycles and endless chains end, at the cycle
// when comparison sees it, else at the depth bound; a wide join at the node
// bound.
func TestErrorTreeCycleIsBounded(t *testing.T) {
	// A cycle of comparable errors is seen and shown once.
	checkTree(t, errorTree(&selfErr{}), []errNode{
		{Depth: 0, Type: "*traceback.selfErr", Message: "me again"},
		{Depth: 1, Type: "*traceback.selfErr", Message: "<cycle: the error at depth 0 again>"},
	}, "*traceback.selfErr: me again\n"+
		"  *traceback.selfErr: <cycle: the error at depth 0 again>\n")
	// Also through a %w wrapper around the cycle.
	err := fmt.Errorf("outer: %w", &selfErr{})
	if got := errorTree(err); len(got) != 3 || got[2].Message != "<cycle: the error at depth 1 again>" {
		t.Fatalf("%#v", got)
	}

	// A cycle whose == panics (an incomparable value in an interface field)
	// is not seen, and stops at the depth bound.
	if nodes := errorTree(ifaceCycle{[]int{1}}); len(nodes) != maxErrDepth+1 {
		t.Fatalf("%d nodes", len(nodes))
	}

	// An endless chain stops at the depth bound.
	nodes := errorTree(deeperErr(0))
	if len(nodes) != maxErrDepth+1 {
		t.Fatalf("%d nodes", len(nodes))
	}
	for i, n := range nodes {
		if !reflect.DeepEqual(n, errNode{Depth: i, Type: "traceback.deeperErr", Message: fmt.Sprint("level ", i)}) {
			t.Fatalf("node %d: %#v", i, n)
		}
	}

	// So does a cycle of errors that cannot be compared, without panicking.
	nodes = errorTree(sliceCycle{1})
	if len(nodes) != maxErrDepth+1 || nodes[maxErrDepth].Depth != maxErrDepth || nodes[maxErrDepth].Message != "slice" {
		t.Fatalf("%d nodes: %#v", len(nodes), nodes[len(nodes)-1])
	}

	// A join of more errors than the bound shows the bound's worth.
	nodes = errorTree(wideJoin(1000))
	if len(nodes) != maxErrNodes {
		t.Fatalf("%d nodes", len(nodes))
	}
}

// panicky's Error panics.
type panicky struct{}

func (panicky) Error() string { panic("kaboom") }

// nilDeref's Error dereferences its receiver, which panics for a nil one.
type nilDeref struct{ msg string }

func (e *nilDeref) Error() string { return e.msg }

// badUnwrap's Unwrap panics.
type badUnwrap struct{}

func (badUnwrap) Error() string { return "bad unwrap" }
func (badUnwrap) Unwrap() error { panic("no") }

// TestErrorTreeErrorThatPanics: an Error() that panics, one on a nil
// pointer, and an Unwrap() that panics leave the tree whole.
func TestErrorTreeErrorThatPanics(t *testing.T) {
	checkTree(t, errorTree(joinWithNil{panicky{}, (*nilDeref)(nil), badUnwrap{}}), []errNode{
		{Depth: 0, Type: "traceback.joinWithNil", Message: "joined with a nil"},
		{Depth: 1, Type: "traceback.panicky", Message: "<Error() panicked: kaboom>"},
		{Depth: 1, Type: "*traceback.nilDeref", Message: "<Error() panicked: runtime error: invalid memory address or nil pointer dereference>"},
		{Depth: 1, Type: "traceback.badUnwrap", Message: "bad unwrap"},
	}, "traceback.joinWithNil: joined with a nil\n"+
		"  traceback.panicky: <Error() panicked: kaboom>\n"+
		"  *traceback.nilDeref: <Error() panicked: runtime error: invalid memory address or nil pointer dereference>\n"+
		"  traceback.badUnwrap: bad unwrap\n")
}

// pkgFrame, pkgStack and stackErr have the shape of github.com/pkg/errors':
// a Frame is a uintptr holding a return PC, and StackTrace returns them.
type (
	pkgFrame uintptr
	pkgStack []pkgFrame
	stackErr struct {
		msg string
		pcs []uintptr
	}
)

func (e stackErr) Error() string { return e.msg }
func (e stackErr) StackTrace() pkgStack {
	st := make(pkgStack, len(e.pcs))
	for i, pc := range e.pcs {
		st[i] = pkgFrame(pc)
	}
	return st
}

// newStackErr records its caller's stack, as pkg/errors.New does.
func newStackErr(msg string) stackErr {
	var pcs [32]uintptr
	n := runtime.Callers(2, pcs[:])
	return stackErr{msg: msg, pcs: pcs[:n]}
}

// callersErr has a stack as go-errors' Callers() []uintptr gives it, and a
// printed one that is not a stack of PCs.
type callersErr struct{ pcs []uintptr }

func (e callersErr) Error() string         { return "callers" }
func (e callersErr) Callers() []uintptr    { return e.pcs }
func (e callersErr) StackTrace() []byte    { return []byte("not PCs") }
func (e callersErr) Stack(n int) []uintptr { return nil }

// stackOnly has a Stack() []uintptr.
type stackOnly struct{ pcs []uintptr }

func (e stackOnly) Error() string    { return "stack" }
func (e stackOnly) Stack() []uintptr { return e.pcs }

// panickingStack's StackTrace panics.
type panickingStack struct{}

func (panickingStack) Error() string         { return "no stack" }
func (panickingStack) StackTrace() []uintptr { panic("no") }

// TestErrorTreeErrorStacks: an error's own stack, pkg/errors-shaped or
// []uintptr, is read into frames starting at the function that made it.
func TestErrorTreeErrorStacks(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", newStackErr("with stack"))
	_, file, line, _ := runtime.Caller(0)
	line--
	nodes := errorTree(err)
	if len(nodes) != 2 || nodes[0].Frames != nil || len(nodes[1].Frames) < 2 {
		t.Fatalf("%#v", nodes)
	}
	top := wsgorecover.Frame{Function: "github.com/wsgo/wsgo/recover/traceback.TestErrorTreeErrorStacks", File: file, Line: line, App: true}
	if nodes[1].Frames[0] != top {
		t.Fatalf("first frame %#v\nwant %#v", nodes[1].Frames[0], top)
	}
	if f := nodes[1].Frames[1]; f.Function != "testing.tRunner" || f.App {
		t.Fatalf("second frame %#v", f)
	}
	wantStart := "*fmt.wrapError: wrapped: with stack\n" +
		"  traceback.stackErr: with stack\n" +
		fmt.Sprintf("        at github.com/wsgo/wsgo/recover/traceback.TestErrorTreeErrorStacks (%s:%d)\n", file, line) +
		"        at testing.tRunner ("
	if text := treeText(nodes); !strings.HasPrefix(text, wantStart) {
		t.Fatalf("text:\n%s\nwant it to start:\n%s", text, wantStart)
	}

	// Callers() []uintptr and Stack() []uintptr are stacks too; a stack
	// method of another shape is not, and one that panics is passed over.
	pcs := newStackErr("").pcs
	for _, e := range []error{callersErr{pcs}, stackOnly{pcs}} {
		if nodes := errorTree(e); len(nodes) != 1 || len(nodes[0].Frames) == 0 || nodes[0].Frames[0].Function != top.Function {
			t.Fatalf("%T: %#v", e, nodes)
		}
	}
	for _, e := range []error{callersErr{}, stackOnly{}, panickingStack{}, (*nilDeref)(nil)} {
		if nodes := errorTree(e); len(nodes) != 1 || nodes[0].Frames != nil {
			t.Fatalf("%T: %#v", e, nodes)
		}
	}

	// At most maxErrFrames frames an error.
	long := make([]uintptr, 3*maxErrFrames)
	for i := range long {
		long[i] = pcs[0]
	}
	if nodes := errorTree(stackOnly{long}); len(nodes[0].Frames) != maxErrFrames {
		t.Fatalf("%d frames", len(nodes[0].Frames))
	}
}
