package recover

import (
	"strings"
	"testing"
)

// capturePanic recovers the panic of f as the layer does: from the deferred
// function, with the stack taken there.
func capturePanic(f func()) (p *Panic) {
	defer func() {
		p = &Panic{Value: recover()}
		p.pcs, p.cut = stackPCs(p.buf[:])
	}()
	f()
	return nil
}

func panicHere()  { panic("here") }
func panicThere() { panic("there") }

func TestStackTextIsCachedPerPlace(t *testing.T) {
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

func TestStackHashCollisionIsToldApart(t *testing.T) {
	p := capturePanic(panicThere)
	// Another stack cached under this stack's hash, as a collision would.
	stacks.Store(hashPCs(p.pcs), &stack{pcs: []uintptr{1, 2, 3}, text: "someone else's stack\n"})
	defer stacks.Delete(hashPCs(p.pcs))
	if s := p.Stack(); strings.Contains(s, "someone else") || !strings.Contains(s, ".panicThere\n") {
		t.Fatalf("got %q", s)
	}
}
