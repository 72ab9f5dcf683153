package state

import (
	"context"
	"testing"
)

type key struct{}

var (
	intSlot    = Declare[*int]()
	stringSlot = Declare[string]()
)

func TestSlots(t *testing.T) {
	parent := context.WithValue(context.Background(), key{}, "parent")
	s := &Scope{}
	s.Init(parent)
	if _, ok := intSlot.Get(parent); ok {
		t.Fatal("a context without a Scope has a value")
	}
	if intSlot.Set(parent, new(int)) {
		t.Fatal("Set without a Scope reported true")
	}
	n := 7
	if !intSlot.Set(s, &n) {
		t.Fatal("Set on a Scope reported false")
	}
	stringSlot.Put(s, "seven")
	derived := context.WithValue(s, struct{ k int }{1}, 1)
	if got, ok := intSlot.Get(derived); !ok || got != &n {
		t.Fatalf("Get under a derived context = %v, %v", got, ok)
	}
	if got, ok := stringSlot.In(s); !ok || got != "seven" {
		t.Fatalf("In = %q, %v", got, ok)
	}
	if s.Value(key{}) != "parent" || From(derived) != s {
		t.Fatal("the Scope does not answer for its parent, or is not found")
	}
	if _, ok := RecoveredSlot.In(s); ok {
		t.Fatal("an empty slot has a value")
	}
}

func TestScopeForwardsCancellation(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	s := &Scope{}
	s.Init(parent)
	cancel()
	<-s.Done()
	if s.Err() != context.Canceled {
		t.Fatalf("Err = %v", s.Err())
	}
}

func TestDeclarePanicsPastTheSlots(t *testing.T) {
	saved := declared
	defer func() { declared = saved }()
	declared = slots
	defer func() {
		if got := recover(); got != "state: too many slots" {
			t.Fatalf("Declare past the slots: %v", got)
		}
	}()
	Declare[int]()
}
