package recover

import (
	"runtime"
	"strconv"
)

// maxDepth is how many frames of a panicking stack are kept.
const maxDepth = 128

// shortDepth is the first capture of a stack when only the frames above
// the recover layer are needed (production, without OnPanic or Page),
// from the deferred function that recovered: in most programs the layer
// is among them, and a longer capture is made only when it is not. It
// starts at runtime.gopanic, the deferred function's caller.
const shortDepth = 7

// capture records the stack of the panic it is called for, from the
// function the deferred function called (handle): the short capture the
// deferred function made, its n PCs in buf (0 when it made none), when
// that reaches the recover layer, and else the whole stack. It sets above
// to the number of frames above the layer.
func (p *Panic) capture(n int) {
	if n > 0 {
		p.pcs, p.cut = fromPanic(p.buf[:n]), n == len(p.buf)
		if p.above = layerIndex(p.pcs); p.above >= 0 {
			return
		}
	}
	p.pcs, p.cut = stackPCs(make([]uintptr, maxDepth), 4)
	if p.above = layerIndex(p.pcs); p.above < 0 {
		p.above = len(p.pcs)
	}
}

// layerIndex is the index of the recover layer's frame in pcs, or -1.
func layerIndex(pcs []uintptr) int {
	for i, pc := range pcs {
		if fn := runtime.FuncForPC(pc - 1); fn != nil && fn.Name() == layerFunc {
			return i
		}
	}
	return -1
}

// Stack returns the stack as the log entry carries it: the frames from the
// one that panicked to the recover layer, outside of which the frames (the
// outer layers, net/http, the runtime) are the same for every panic. A
// frame is two lines, "function" and "\tfile:line", as runtime/debug.Stack
// prints frames. It is formatted anew each time: caches of stacks and of
// symbols saved nothing measurable on the 500 path (BenchmarkPanic).
func (p *Panic) Stack() string {
	var arr [1024]byte // on the stack: the text grows in place and is copied once
	b := arr[:0]
	frames := runtime.CallersFrames(p.pcs[:p.above]) // a PC may be several inlined frames
	for {
		f, more := frames.Next()
		if f.Function != "" {
			b = append(b, f.Function...)
			b = append(b, "\n\t"...)
			b = append(b, f.File...)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(f.Line), 10)
			b = append(b, '\n')
		}
		if !more {
			return string(b)
		}
	}
}

// stackPCs records the stack of the panicking goroutine from inside the
// deferred function that recovered, skip frames down (as runtime.Callers
// counts, at most down to the deferred function): the frames of the
// recovery itself and of runtime.gopanic are dropped. pcs is the buffer to
// fill: a stack deeper than it is cut at its length, and then cut is true.
func stackPCs(pcs []uintptr, skip int) (_ []uintptr, cut bool) {
	n := runtime.Callers(skip, pcs)
	return fromPanic(pcs[:n]), n == len(pcs)
}

// fromPanic is pcs, a stack taken in the deferred function that recovered,
// without the frames up to and including runtime.gopanic, so that the
// first frame is the one that panicked (return addresses: look at pc-1).
func fromPanic(pcs []uintptr) []uintptr {
	for i, pc := range pcs {
		if fn := runtime.FuncForPC(pc - 1); fn != nil && fn.Name() == "runtime.gopanic" {
			return pcs[i+1:]
		}
	}
	return pcs
}
