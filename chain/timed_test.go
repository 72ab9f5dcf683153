package chain

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/justinas/alice"

	"github.com/wsgo/wsgo/mw"
)

// order returns a middleware that adds its name to X-Order rather than
// write, so that the response starts in the application, after every mark.
func order(name string) mw.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("X-Order", name)
			next.ServeHTTP(w, r)
		})
	}
}

// timingOf serves one request with h and returns the metric names of the
// response's Server-Timing header and the order the layers ran in. It fails
// t unless there is exactly one Server-Timing value and every entry of it
// is name;dur=milliseconds, a number.
func timingOf(t *testing.T, h http.Handler) (names []string, ran string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	values := rec.Header().Values("Server-Timing")
	if len(values) != 1 {
		t.Fatalf("%d Server-Timing values %q, want one", len(values), values)
	}
	for _, entry := range strings.Split(values[0], ", ") {
		name, dur, ok := strings.Cut(entry, ";dur=")
		if ms, err := strconv.ParseFloat(dur, 64); !ok || err != nil || ms < 0 || name == "" {
			t.Fatalf("Server-Timing %q: entry %q is not name;dur=milliseconds", values[0], entry)
		}
		names = append(names, name)
	}
	if rec.Body.String() != "app" {
		t.Fatalf("body %q, want app", rec.Body.String())
	}
	return names, strings.Join(rec.Header().Values("X-Order"), " ")
}

// TestTimedThroughAlice: the alice.Chain of a Timed chain times as Then
// does (it dropped the Server-Timing layer and the marks), and so does that
// alice chain brought back with FromAlice.
func TestTimedThroughAlice(t *testing.T) {
	c := New().Use(Named("a", order("a")), Named("b", order("b"))).Timed()
	for name, h := range map[string]http.Handler{
		"Then":            c.Then(app),
		"Alice":           c.Alice().Then(app),
		"Alice.ThenFunc":  c.Alice().ThenFunc(app),
		"FromAlice":       FromAlice(c.Alice()).Then(app),
		"Middleware":      c.Middleware()(app),
		"alice.New(Mw())": alice.New(c.Middleware()).Then(app),
	} {
		names, ran := timingOf(t, h)
		if want := []string{"a", "b", "app", "total"}; !slices.Equal(names, want) || ran != "a b" {
			t.Errorf("%s: Server-Timing names %q, want %q; layers ran %q", name, names, want, ran)
		}
	}
}

// TestNestedTimedChainsSendOneServerTiming: a Timed chain nested in a Timed
// chain (as a layer, through Middleware or through Alice) gives one
// Server-Timing value, the inner chain's marks in the outer list, in the
// order the request passed them, its "app" being its handler, the rest of
// the outer chain; before, the inner chain sent a second, garbled value.
func TestNestedTimedChainsSendOneServerTiming(t *testing.T) {
	inner := New().Use(Named("x", order("x")), Named("y", order("y"))).Timed()
	for name, nested := range map[string]mw.Middleware{
		"Middleware": inner.Middleware(),
		"Alice":      func(h http.Handler) http.Handler { return inner.Alice().Then(h) },
	} {
		outer := New().Use(Named("a", order("a")), Named("inner", nested), Named("b", order("b"))).Timed()
		names, ran := timingOf(t, outer.Then(app))
		if want := []string{"a", "inner", "x", "y", "app", "b", "app", "total"}; !slices.Equal(names, want) || ran != "a x y b" {
			t.Errorf("%s: Server-Timing names %q, want %q; layers ran %q", name, names, want, ran)
		}
	}
	// A Timed chain inside a plain one times as it does alone.
	plain := New().Use(Named("a", order("a")), Named("inner", inner.Middleware()))
	names, ran := timingOf(t, plain.Then(app))
	if want := []string{"x", "y", "app", "total"}; !slices.Equal(names, want) || ran != "a x y" {
		t.Errorf("in a plain chain: Server-Timing names %q, want %q; layers ran %q", names, want, ran)
	}
}

// TestExtendOfTimedChainMarksEveryLayer: whichever side of Extend is Timed,
// the result marks the layers of both.
func TestExtendOfTimedChainMarksEveryLayer(t *testing.T) {
	plain, timed := New().Use(Named("a", order("a"))), New().Use(Named("b", order("b"))).Timed()
	for _, tt := range []struct {
		c    Chain
		want []string
	}{
		{timed.Extend(plain), []string{"b", "a", "app", "total"}},
		{plain.Extend(timed), []string{"a", "b", "app", "total"}},
		{timed.Extend(plain).Append(order("c")), []string{"b", "a", "layer-3", "app", "total"}},
	} {
		if names, _ := timingOf(t, tt.c.Then(app)); !slices.Equal(names, tt.want) {
			t.Errorf("%s: Server-Timing names %q, want %q", tt.c, names, tt.want)
		}
		if names, _ := timingOf(t, tt.c.Alice().Then(app)); !slices.Equal(names, tt.want) {
			t.Errorf("%s through Alice: Server-Timing names %q, want %q", tt.c, names, tt.want)
		}
	}
}

// TestAliceRefusesANilHandlerAtBuildTime: the alice.Chain of a chain names
// the layer that returned a nil handler when it is built, as Then does.
func TestAliceRefusesANilHandlerAtBuildTime(t *testing.T) {
	c := New().Use(Named("a", order("a")), Named("bad", func(http.Handler) http.Handler { return nil }))
	want := `chain: layer 2 of 2 ("bad") returned a nil handler`
	if got := panicMessage(func() { c.Alice().Then(app) }); got != want {
		t.Fatalf("panic %q, want %q", got, want)
	}
}
