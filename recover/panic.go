package recover

import (
	"fmt"
	"reflect"
	"runtime"
	"time"

	"github.com/wsgo/wsgo/internal/panicvalue"
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

// Err returns the panic value as an error: the value itself when it is one,
// else an error whose text is the value printed with %v.
func (p *Panic) Err() error {
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
func (p *Panic) Message() string { return panicvalue.Text(p.Value, 0) }

// Chain returns the wrapped error chain, outermost first, when the value is
// an error (errors.Unwrap, and each branch of a joined error in turn), each
// as "Type: Error() text"; nil otherwise. Like Message, it survives an Error
// or Unwrap method that panics. It is bounded (32 deep, 64 errors), and an
// error met again on its own path (a cycle) is shown once as <cycle: …>.
// The traceback page shows the same errors as a tree.
func (p *Panic) Chain() []string {
	err, ok := p.Value.(error)
	if !ok {
		return nil
	}
	nodes := panicvalue.Errors(err)
	chain := make([]string, len(nodes))
	for i, n := range nodes {
		chain[i] = n.Type + ": " + n.Message
	}
	return chain
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
// function that panicked: the whole stack, up to 128 frames, when the layer
// has a Debugger, [OnPanic] or [Page]; otherwise (when nothing outside the
// layer is shown the Panic) a short capture, which reaches the recover
// layer and may hold a few frames below it. The logged stack stops at the
// layer either way.
func (p *Panic) Frames() []Frame {
	frames := runtime.CallersFrames(p.pcs)
	var out []Frame
	for {
		f, more := frames.Next()
		if f.Function != "" {
			out = append(out, Frame{Function: f.Function, File: f.File, Line: f.Line, App: panicvalue.IsApp(f.Function, f.File)})
		}
		if !more {
			return out
		}
	}
}

// Truncated reports whether the stack was deeper than the frames that
// Frames returns.
func (p *Panic) Truncated() bool { return p.cut }
