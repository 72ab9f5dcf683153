package recover

import (
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
)

// maxDepth is how many frames of a panicking stack are kept.
const maxDepth = 128

// Stack returns the stack as the log entry carries it: a frame in two lines,
// "function" and "\tfile:line", as runtime/debug.Stack prints frames.
func (p *Panic) Stack() string {
	h := hashPCs(p.pcs)
	if v, ok := stacks.Load(h); ok {
		if st := v.(*stack); slices.Equal(st.pcs, p.pcs) {
			return st.text
		}
	}
	var b []byte
	for _, pc := range p.pcs {
		b = append(b, symbolize(pc)...)
	}
	st := &stack{pcs: slices.Clone(p.pcs), text: string(b)}
	if nStacks.Load() < maxStacks {
		if _, loaded := stacks.LoadOrStore(h, st); !loaded {
			nStacks.Add(1)
		}
	}
	return st.text
}

// stacks caches the text of whole stacks by their PCs, so that a storm of
// panics from the same place formats its stack once: a panic then costs a
// hash of its PCs and a map lookup. Two stacks with the same hash are told
// apart by their PCs; the second is formatted each time. Like symbols, it
// stops growing at a bound.
var (
	stacks    sync.Map // uint64 -> *stack
	nStacks   atomic.Int64
	maxStacks = int64(1024)
)

type stack struct {
	pcs  []uintptr
	text string
}

// hashPCs is FNV-1a over the PCs.
func hashPCs(pcs []uintptr) uint64 {
	h := uint64(14695981039346656037)
	for _, pc := range pcs {
		h ^= uint64(pc)
		h *= 1099511628211
	}
	return h
}

// symbols caches what a PC of the stack reads as, so that a storm of panics
// from the same place costs a map lookup per frame, not a walk of the
// binary's line tables. It stops growing at maxSymbols PCs.
var (
	symbols    sync.Map // uintptr -> string
	nSymbols   atomic.Int64
	maxSymbols = int64(8192)
)

func symbolize(pc uintptr) string {
	if s, ok := symbols.Load(pc); ok {
		return s.(string)
	}
	var b []byte
	frames := runtime.CallersFrames([]uintptr{pc}) // one PC may be several inlined frames
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
			break
		}
	}
	s := string(b)
	if nSymbols.Load() < maxSymbols {
		if _, loaded := symbols.LoadOrStore(pc, s); !loaded {
			nSymbols.Add(1)
		}
	}
	return s
}

// stackPCs records the stack of the panicking goroutine from inside the
// deferred function that recovered: skip the frames of the recovery itself
// and of runtime.gopanic. pcs is the buffer to fill: a stack deeper than it
// is cut at its length, and then cut is true.
func stackPCs(pcs []uintptr) (_ []uintptr, cut bool) {
	n := runtime.Callers(3, pcs)
	cut = n == len(pcs)
	pcs = pcs[:n]
	// Drop everything up to and including runtime.gopanic, so the first
	// frame is the one that panicked (return addresses: look at pc-1).
	for i, pc := range pcs {
		if fn := runtime.FuncForPC(pc - 1); fn != nil && fn.Name() == "runtime.gopanic" {
			return pcs[i+1:], cut
		}
	}
	return pcs, cut
}
