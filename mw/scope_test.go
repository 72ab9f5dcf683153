package mw

import (
	"context"
	"net/http/httptest"
	"testing"
)

type otherKey struct{}

func TestWithScopeAttachesOnceAndNeverMutatesTheRequest(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	ctx := r.Context()
	r2, s := withScope(r)
	if r2 == r || r.Context() != ctx {
		t.Fatal("withScope must copy the request, not modify it")
	}
	r3, s2 := withScope(r2)
	if r3 != r2 || s2 != s {
		t.Fatal("a second withScope must reuse the state and the request")
	}
	if scopeOf(ctx) != nil {
		t.Fatal("the original context has no state")
	}
	if scopeOf(context.WithValue(r2.Context(), otherKey{}, 1)) != s {
		t.Error("the state is found under a derived context")
	}
}

func TestScopeForwardsCancellation(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequest("GET", "/", nil).WithContext(parent)
	r, _ = withScope(r)
	cancel()
	<-r.Context().Done()
	if r.Context().Err() != context.Canceled {
		t.Fatalf("Err = %v", r.Context().Err())
	}
}
