package recover

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"time"
)

// Panic describes a recovered panic: what the page, the log entry and the
// OnPanic hook are given.
type Panic struct {
	Value     any       // what the handler panicked with (a *runtime.PanicNilError for panic(nil))
	RequestID string    // the request's ID, shared by the page and the log entry
	TraceID   string    // the trace ID of the request's W3C traceparent header, when it is valid
	Committed bool      // the response had started: no status could be sent
	Hijacked  bool      // the handler had taken over the connection
	Time      time.Time // when the panic was recovered

	pcs   []uintptr
	cut   bool                // the stack was deeper than buf
	above int                 // how many frames of pcs are above the recover layer (see Stack)
	buf   [shortDepth]uintptr // the short capture's array, in the Panic's allocation
}

// Error returns the panic value as an error: the value itself when it is one,
// else an error whose text is the value printed with %v.
func (p *Panic) Error() error {
	if err, ok := p.Value.(error); ok {
		return err
	}
	return fmt.Errorf("%v", p.Value)
}

// Type returns the dynamic type of the panic value, as %T prints it.
func (p *Panic) Type() string {
	if p.Value == nil {
		return "<nil>"
	}
	return reflect.TypeOf(p.Value).String()
}

// Message returns the panic value printed with %v: a string as it is, an
// error's Error() text, anything else as fmt.Sprint prints it. A method of
// the value that panics (an Error that dereferences a nil receiver, say)
// does not make Message panic: its text is then <Error() panicked: …>, or
// fmt's own %!v(PANIC=String method: …) for the methods fmt calls.
func (p *Panic) Message() string { return valueText(p.Value, 0) }

// Chain returns the wrapped error chain, outermost first, when the value is
// an error (errors.Unwrap, and each branch of a joined error in turn), each
// as "Type: Error() text"; nil otherwise. Like Message, it survives an Error
// or Unwrap method that panics.
func (p *Panic) Chain() []string {
	err, ok := p.Value.(error)
	if !ok {
		return nil
	}
	var chain []string
	var walk func(error, int)
	walk = func(e error, depth int) {
		if e == nil || depth > maxErrDepth || len(chain) > maxErrNodes {
			return
		}
		chain = append(chain, fmt.Sprintf("%T: %s", e, errorText(e)))
		for _, x := range unwrapErrors(e) {
			walk(x, depth+1)
		}
	}
	walk(err, 0)
	return chain
}

// maxGuardDepth bounds how deep guard describes panics within panics: a
// method that panics with a value whose own method panics, and so on.
const maxGuardDepth = 3

// guard calls f, which calls into a value the application made: a method
// (Error, Unwrap, String, Format, a stack method) of the panic value or of
// an error it wraps, or fmt printing one. It is the one place the recover
// layer does so, so that a method that panics cannot make the recover layer
// panic in turn and leave the client without an answer and the log without
// an entry. It returns "" when f returned, and otherwise the text that
// stands for the result: "<method() panicked: v>", where v, what f panicked
// with, is described by valueText at depth+1 (only its type at
// maxGuardDepth), since it may be a value whose methods panic too.
func guard(method string, depth int, f func()) (placeholder string) {
	defer func() {
		if v := recover(); v != nil {
			placeholder = "<" + method + "() panicked: " + valueText(v, depth+1) + ">"
		}
	}()
	f()
	return ""
}

// valueText is v as Message prints it, guarded, at depth depth of guard's
// nesting.
func valueText(v any, depth int) (s string) {
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
	if msg := guard(method, depth, func() { s = fmt.Sprint(v) }); msg != "" {
		return msg
	}
	return s
}

// Frame is one frame of the panicking goroutine's stack.
type Frame struct {
	Function string
	File     string
	Line     int
	// App is false for the frames of the runtime, the standard library's
	// net/http and wsgo itself, which the traceback page folds away.
	App bool
}

// Frames returns the stack at the panic, innermost first, starting at the
// function that panicked.
func (p *Panic) Frames() []Frame {
	frames := runtime.CallersFrames(p.pcs)
	var out []Frame
	for {
		f, more := frames.Next()
		if f.Function != "" {
			out = append(out, Frame{Function: f.Function, File: f.File, Line: f.Line, App: isApp(f.Function, f.File)})
		}
		if !more {
			return out
		}
	}
}

// wsgoRoot is the directory of the wsgo module in this binary's build, so
// that wsgo's frames are known by their file even when the compiler inlined
// them into an application's function.
var wsgoRoot = func() string {
	_, file, _, ok := runtime.Caller(0) // .../recover/panic.go
	if !ok {
		return ""
	}
	return strings.TrimSuffix(file, "recover/panic.go")
}()

// isApp reports whether a frame belongs to the application rather than to
// the runtime, net/http or wsgo itself. wsgo's examples and tests count as
// applications. A frame in wsgo's files is wsgo's whatever its function is
// called, since the compiler names a closure it inlined after the caller.
func isApp(function, file string) bool {
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
