package mw

import (
	"context"
	"net/http/httptest"
	"testing"
)

type testKey struct{ n int }

func TestWithScopeAttachesOnceAndNeverMutatesTheRequest(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	ctx := r.Context()
	r2, s := WithScope(r)
	if r2 == r || r.Context() != ctx {
		t.Fatal("WithScope must copy the request, not modify it")
	}
	r3, s2 := WithScope(r2)
	if r3 != r2 || s2 != s {
		t.Fatal("a second WithScope must reuse the Scope and the request")
	}
	if ScopeOf(ctx) != nil {
		t.Fatal("the original context has no Scope")
	}
}

func TestScopePutAndValue(t *testing.T) {
	parent := context.WithValue(context.Background(), testKey{0}, "parent")
	s := &Scope{parent: parent}
	for i := 1; i <= 5; i++ { // past the inline slots
		s.put(testKey{i}, i)
	}
	s.put(testKey{2}, "two")
	for i, want := range []any{"parent", 1, "two", 3, 4, 5} {
		if got := s.Value(testKey{i}); got != want {
			t.Errorf("Value(%d) = %v, want %v", i, got, want)
		}
	}
	if s.Value(testKey{9}) != nil {
		t.Error("an unknown key must be nil")
	}
	if ScopeOf(context.WithValue(s, testKey{7}, 1)) != s {
		t.Error("ScopeOf must find the Scope under a derived context")
	}
	defer func() {
		if got := recover(); got != "mw: Scope put with a nil key" {
			t.Errorf("put(nil) panicked with %v", got)
		}
	}()
	s.put(nil, 1)
}

func TestScopeForwardsCancellation(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequest("GET", "/", nil).WithContext(parent)
	r, _ = WithScope(r)
	cancel()
	<-r.Context().Done()
	if r.Context().Err() != context.Canceled {
		t.Fatalf("Err = %v", r.Context().Err())
	}
}
