// Package panicvalue reads the values a panic brings, for package recover
// and its development page (recover/traceback) alike: every call into a
// method the application wrote (Error, Unwrap, String, Format) is guarded,
// so that a method that panics cannot make the recover layer panic in
// turn; the tree of errors a value wraps is walked within bounds; long text
// is cut in one way; and a frame is told to be the application's or not by
// one rule.
package panicvalue

import (
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxGuardDepth bounds how deep Guard describes panics within panics: a
// method that panics with a value whose own method panics, and so on.
const maxGuardDepth = 3

// Guard calls f, which calls into a value the application made: a method
// (Error, Unwrap, String, Format, a stack method) of the panic value or of
// an error it wraps, or fmt printing one. It returns "" when f returned,
// and otherwise the text that stands for the result: "<method() panicked:
// v>", where v, what f panicked with, is described by Text at depth+1
// (only its type at maxGuardDepth), since it may be a value whose methods
// panic too.
func Guard(method string, depth int, f func()) (placeholder string) {
	defer func() {
		if v := recover(); v != nil {
			placeholder = "<" + method + "() panicked: " + Text(v, depth+1) + ">"
		}
	}()
	f()
	return ""
}

// Text is v printed with %v, guarded, at depth depth of Guard's nesting
// (0 for a caller outside Guard): a string as it is, an error's Error()
// text, anything else as fmt.Sprint prints it.
func Text(v any, depth int) (s string) {
	if depth >= maxGuardDepth {
		return fmt.Sprintf("a %T", v) // %T calls no method of v
	}
	method := "String"
	switch x := v.(type) {
	case string:
		return x
	case error:
		return errorTextAt(x, depth)
	case fmt.Formatter:
		method = "Format"
	}
	// fmt recovers a String or Format method that panics, and prints
	// <nil> for a nil receiver; it panics again only for a panic while it
	// prints such a panic, which the guard catches.
	if msg := Guard(method, depth, func() { s = fmt.Sprint(v) }); msg != "" {
		return msg
	}
	return s
}

// ErrorText is e.Error(), or <Error() panicked: …> (see Guard).
func ErrorText(e error) string { return errorTextAt(e, 0) }

// errorTextAt is ErrorText at depth depth of Guard's nesting.
func errorTextAt(e error, depth int) (s string) {
	if msg := Guard("Error", depth, func() { s = e.Error() }); msg != "" {
		return msg
	}
	return s
}

// The bounds of an error tree: how deep it is walked, and how many errors
// it holds.
const (
	maxErrDepth = 32
	maxErrNodes = 64
)

// Node is one error of the tree a panic value heads.
type Node struct {
	Depth         int    // 0 for the panic value itself, 1 for what it wraps, and so on
	Type, Message string // the error's dynamic type, as %T prints it, and its Error() text
	// Err is the error itself; nil for a node that stands for a cycle.
	Err error
}

// Errors walks the errors err wraps, in pre-order: each %w chain (Unwrap()
// error) and each branch of a joined error (Unwrap() []error) in turn,
// each error with its depth, type and Error() text. It is bounded: errors
// deeper than maxErrDepth are left out, and so is all after the first
// maxErrNodes errors. An error that is an error above it on its path again
// (a cycle of comparable errors) is shown once more with a <cycle: …>
// message and not walked; a cycle that comparison cannot see stops at the
// depth bound. A nil in a join is skipped, and an Error() or Unwrap() that
// panics is survived: a panicking Error() is shown as <Error() panicked:
// …>. A nil err is an empty tree.
func Errors(err error) []Node {
	if err == nil {
		return nil
	}
	var nodes []Node
	var path []error // the errors above the one walked; path[i] is at depth i
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		n := Node{Depth: depth, Type: fmt.Sprintf("%T", e)}
		for i, above := range path {
			if sameError(e, above) {
				n.Message = "<cycle: the error at depth " + strconv.Itoa(i) + " again>"
				nodes = append(nodes, n)
				return
			}
		}
		n.Message, n.Err = ErrorText(e), e
		nodes = append(nodes, n)
		if depth >= maxErrDepth {
			return
		}
		path = append(path, e)
		for _, child := range unwrap(e) {
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

// unwrap is what e wraps: the errors of Unwrap() []error, or the one of
// Unwrap() error; none when it wraps nothing or its Unwrap panics.
func unwrap(e error) (wrapped []error) {
	switch u := e.(type) {
	case interface{ Unwrap() []error }:
		if Guard("Unwrap", 0, func() { wrapped = u.Unwrap() }) != "" {
			return nil
		}
	case interface{ Unwrap() error }:
		var one error
		if Guard("Unwrap", 0, func() { one = u.Unwrap() }) != "" {
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
	if Guard("==", 0, func() { same = a == b }) != "" {
		return false
	}
	return same
}

// Ellipsis ends a text that was cut.
const Ellipsis = "…"

// Cut is s shortened to at most width bytes, at a rune boundary, with an
// Ellipsis when it was longer: a copy, which does not keep s alive. It is
// the one way text the application made (a log value, a source line, a
// form field) is cut for a page.
func Cut(s string, width int) string {
	if len(s) <= width {
		return s
	}
	i := width
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strings.Clone(s[:i]) + Ellipsis
}

// wsgoRoot is the directory of the wsgo module in this binary's build, so
// that wsgo's frames are known by their file even when the compiler inlined
// them into an application's function.
var wsgoRoot = func() string {
	_, file, _, ok := runtime.Caller(0) // .../internal/panicvalue/panicvalue.go
	if !ok {
		return ""
	}
	return strings.TrimSuffix(file, "internal/panicvalue/panicvalue.go")
}()

// IsApp reports whether a frame belongs to the application rather than to
// the runtime, net/http or wsgo itself. wsgo's examples and tests count as
// applications. A frame in wsgo's files is wsgo's whatever its function is
// called, since the compiler names a closure it inlined after the caller.
func IsApp(function, file string) bool {
	if wsgoRoot != "" && strings.HasPrefix(file, wsgoRoot) {
		return strings.HasPrefix(file, wsgoRoot+"examples/") || strings.HasSuffix(file, "_test.go")
	}
	for _, lib := range []string{
		"runtime.", "net/http.", "testing.", "internal/",
		"github.com/wsgo/wsgo/", "github.com/justinas/alice.", "github.com/felixge/httpsnoop.",
	} {
		if strings.HasPrefix(function, lib) {
			return strings.HasPrefix(function, "github.com/wsgo/wsgo/examples/")
		}
	}
	return true
}
