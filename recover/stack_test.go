package recover

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"
)

// capturePanic recovers the panic of f as the layer does: from the deferred
// function, with the stack taken there.
func capturePanic(f func()) (p *Panic) {
	defer func() {
		p = &Panic{Value: recover()}
		p.pcs, p.cut = stackPCs(make([]uintptr, maxDepth), 3)
		p.above = len(p.pcs)
	}()
	f()
	return nil
}

func recurse(n int) {
	if n == 0 {
		panic("deep")
	}
	recurse(n - 1)
}

// TestLayerFuncIsTheServingFrame: the name layerFunc, a constant, is the
// name of a frame of every panic the layer recovers (a rename of serve or
// of config fails here), below the handler's.
func TestLayerFuncIsTheServingFrame(t *testing.T) {
	var names []string
	h := New(zap.NewNop(), OnPanic(func(r *http.Request, p *Panic) {
		for _, f := range p.Frames() {
			names = append(names, f.Function)
		}
	}))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { recurse(0) }))
	serve(h, httptest.NewRequest("GET", "/", nil))
	i := slices.Index(names, layerFunc)
	if i < 2 || names[i-1] != "net/http.HandlerFunc.ServeHTTP" || !strings.HasPrefix(names[i-2], "github.com/wsgo/wsgo/recover.TestLayerFuncIsTheServingFrame.") {
		t.Fatalf("no frame %s below the handler's in %q", layerFunc, names)
	}
}

func panicHere()  { panic("here") }
func panicThere() { panic("there") }

func TestStackTextPerPlace(t *testing.T) {
	here1, there, here2 := capturePanic(panicHere), capturePanic(panicThere), capturePanic(panicHere)
	for _, c := range []struct {
		p    *Panic
		want string
	}{{here1, ".panicHere\n\t"}, {there, ".panicThere\n\t"}, {here2, ".panicHere\n\t"}} {
		s := c.p.Stack()
		if !strings.HasPrefix(s, "github.com/wsgo/wsgo/recover"+c.want) || !strings.Contains(s, "stack_test.go:") {
			t.Fatalf("stack starts %q, want the panicking function first:\n%s", s[:min(len(s), 80)], s)
		}
		if s != c.p.Stack() {
			t.Fatal("the same panic gave two texts")
		}
	}
	if here1.Stack() != here2.Stack() {
		t.Fatal("two panics from one place gave two texts")
	}
}

// TestLogStackStopsAtTheLayer: the log entry's stack runs from the function
// that panicked to the recover layer, not below it, both when the short
// capture reaches the layer and when the handler is deeper than that (a
// mutation that drops the longer capture fails here); OnPanic and Page
// still see the whole stack.
func TestLogStackStopsAtTheLayer(t *testing.T) {
	for _, depth := range []int{0, 3, 20, 200} {
		logger, logs := observed()
		var hooked []Frame
		h := New(logger)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { recurse(depth) }))
		serve(h, httptest.NewRequest("GET", "/", nil))
		stack := logs.All()[0].ContextMap()["stack"].(string)
		want := min(depth+1, maxDepth-2) // recurse's frames, as many as fit
		if !strings.HasPrefix(stack, "github.com/wsgo/wsgo/recover.recurse\n") || strings.Count(stack, "recover.recurse\n") < want ||
			strings.Contains(stack, "(*config).serve") || strings.Contains(stack, "recover.serve\n") || strings.Contains(stack, "testing.tRunner") {
			t.Fatalf("depth %d: %d frames of recurse (want %d), stack:\n%.600s", depth, strings.Count(stack, "recover.recurse\n"), want, stack)
		}
		if depth > 100 {
			continue
		}
		h = New(logger, OnPanic(func(r *http.Request, p *Panic) { hooked = p.Frames() }))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { recurse(depth) }))
		serve(h, httptest.NewRequest("GET", "/", nil))
		if last := hooked[len(hooked)-1]; last.Function != "runtime.goexit" {
			t.Fatalf("depth %d: OnPanic's stack ends at %s", depth, last.Function)
		}
	}
}
