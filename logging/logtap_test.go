package logging

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/internal/state"
	"github.com/wsgo/wsgo/mw"
)

// fromAllocs is what one FromContext call allocates behind an access-log layer
// with a request ID, without a tap: the number measured before the tap
// existed, which a request without one must keep.
const fromAllocs = 6

// requestCtx serves one GET /path through mw.RequestID and Access over
// base, calls before (if not nil) with the request inside, and returns the
// request's context, whose state outlives the request.
func requestCtx(base *zap.Logger, before func(r *http.Request)) context.Context {
	var ctx context.Context
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if before != nil {
			before(r)
		}
		ctx = r.Context()
	})
	mw.RequestID()(Access(base)(app)).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/path", nil))
	return ctx
}

// hasRequestFields reports whether m holds any of the fields FromContext adds.
func hasRequestFields(m map[string]any) bool {
	for _, k := range []string{FieldRequestID, FieldMethod, FieldPath, FieldTraceID} {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// TestFromTap: with a core under state.LogTapSlot, FromContext's entries reach it,
// Debug ones that the Info base logger drops included, without FromContext's own
// fields but with those added later by With and per call; SlogFromContext's and
// wsgi.errors' entries reach it too, and the base logger's output is what
// it was.
func TestFromTap(t *testing.T) {
	baseCore, baseLogs := observer.New(zapcore.InfoLevel)
	tapCore, tapLogs := observer.New(zapcore.DebugLevel)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !state.LogTapSlot.Set(r.Context(), tapCore) {
			t.Error("no Scope")
		}
		ctx := r.Context()
		FromContext(ctx).Debug("d", zap.Int("n", 1))
		FromContext(ctx).With(zap.String("user", "ann")).Info("i", zap.Bool("b", true))
		SlogFromContext(ctx).Info("s", "k", "v")
		_, e := environ.Attach(r)
		io.WriteString(e.Errors(), "broke\n")
	})
	mw.RequestID()(Access(zap.New(baseCore))(app)).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/path", nil))

	var base []string
	for _, e := range baseLogs.All() {
		base = append(base, e.Message)
		if e.Message != FieldMessage && !hasRequestFields(e.ContextMap()) {
			t.Errorf("base entry %q lacks From's fields: %v", e.Message, e.ContextMap())
		}
	}
	if want := []string{"i", "s", "wsgi.errors", FieldMessage}; !slices.Equal(base, want) {
		t.Fatalf("base logger got %q, want %q (no Debug entry)", base, want)
	}

	tapped := tapLogs.All()
	if len(tapped) != 4 {
		t.Fatalf("tap got %d entries: %v", len(tapped), tapped)
	}
	want := []struct {
		msg    string
		level  zapcore.Level
		fields map[string]any
	}{
		{"d", zapcore.DebugLevel, map[string]any{"n": int64(1)}},
		{"i", zapcore.InfoLevel, map[string]any{"user": "ann", "b": true}},
		{"s", zapcore.InfoLevel, map[string]any{"k": "v"}},
		{"wsgi.errors", zapcore.ErrorLevel, map[string]any{"text": "broke\n"}},
	}
	for i, w := range want {
		e := tapped[i]
		m := e.ContextMap()
		if e.Message != w.msg || e.Level != w.level {
			t.Errorf("tap entry %d: %s %q, want %s %q", i, e.Level, e.Message, w.level, w.msg)
		}
		if hasRequestFields(m) {
			t.Errorf("tap entry %q has From's fields: %v", e.Message, m)
		}
		for k, v := range w.fields {
			if m[k] != v {
				t.Errorf("tap entry %q: %s = %#v, want %#v", e.Message, k, m[k], v)
			}
		}
	}
}

// TestFromTapWithoutAccessLog: without an access-log layer, FromContext tees
// zap.L() into the tap all the same, and is zap.L() itself without one.
func TestFromTapWithoutAccessLog(t *testing.T) {
	r, _ := state.New(httptest.NewRequest("GET", "/", nil))
	if FromContext(r.Context()) != zap.L() {
		t.Fatal("without a tap From must return zap.L()")
	}
	tapCore, tapLogs := observer.New(zapcore.DebugLevel)
	state.LogTapSlot.Set(r.Context(), tapCore)
	FromContext(r.Context()).Debug("alone", zap.String("k", "v"))
	if tapLogs.Len() != 1 || tapLogs.All()[0].Message != "alone" || tapLogs.All()[0].ContextMap()["k"] != "v" {
		t.Fatalf("tap got %v", tapLogs.All())
	}
}

// TestFromWithoutTapUnchanged: with no tap, FromContext's logger writes what it
// did, FromContext's fields and the call's, to the base core alone, and a FromContext
// call allocates what it did before the tap existed.
func TestFromWithoutTapUnchanged(t *testing.T) {
	log, logs := observed()
	ctx := requestCtx(log, nil)
	logs.TakeAll()
	FromContext(ctx).Info("x", zap.Int("n", 1))
	e := logs.All()
	if len(e) != 1 {
		t.Fatalf("%v", e)
	}
	m := e[0].ContextMap()
	if len(m) != 4 || m[FieldMethod] != "GET" || m[FieldPath] != "/path" || m[FieldRequestID] == nil || m["n"] != int64(1) {
		t.Fatalf("fields %v", m)
	}

	ctx = requestCtx(jsonDiscard(), nil)
	if got := testing.AllocsPerRun(100, func() { FromContext(ctx) }); got != fromAllocs {
		t.Errorf("From without a tap allocates %v times, want %v as before", got, fromAllocs)
	}
	bare := httptest.NewRequest("GET", "/", nil).Context()
	if got := testing.AllocsPerRun(100, func() { FromContext(bare) }); got != 0 {
		t.Errorf("From without an access log nor a tap allocates %v times, want 0", got)
	}
}

// BenchmarkFrom measures a FromContext call behind an access-log layer, without
// a tap (what every request pays) and with one (development), and without
// an access-log layer (zap.L()).
func BenchmarkFrom(b *testing.B) {
	b.Run("tap=none", func(b *testing.B) {
		ctx := requestCtx(jsonDiscard(), nil)
		b.ReportAllocs()
		for b.Loop() {
			FromContext(ctx)
		}
	})
	b.Run("tap=observer", func(b *testing.B) {
		tapCore, _ := observer.New(zapcore.DebugLevel)
		ctx := requestCtx(jsonDiscard(), func(r *http.Request) { state.LogTapSlot.Set(r.Context(), tapCore) })
		b.ReportAllocs()
		for b.Loop() {
			FromContext(ctx)
		}
	})
	b.Run("access=none", func(b *testing.B) {
		ctx := httptest.NewRequest("GET", "/", nil).Context()
		b.ReportAllocs()
		for b.Loop() {
			FromContext(ctx)
		}
	})
}
