package chain

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/justinas/alice"

	"github.com/wsgo/wsgo/mw"
)

// tag returns a middleware that writes its name before and after the next
// handler, so the body shows the order of the onion.
func tag(name string) mw.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, name+"(")
			next.ServeHTTP(w, r)
			io.WriteString(w, ")")
		})
	}
}

var app = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "app") })

func body(h http.Handler, path string) string {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Body.String()
}

// panicMessage runs f and returns what it panicked with, or "".
func panicMessage(f func()) (msg string) {
	defer func() {
		if v := recover(); v != nil {
			msg, _ = v.(string)
		}
	}()
	f()
	return ""
}

func TestThenOrderIsAlices(t *testing.T) {
	ours := body(New(tag("a"), tag("b"), tag("c")).Then(app), "/")
	theirs := body(alice.New(alice.Constructor(tag("a")), tag("b"), tag("c")).Then(app), "/")
	if ours != "a(b(c(app)))" || ours != theirs {
		t.Fatalf("ours %q, alice %q", ours, theirs)
	}
}

func TestThenNilIsDefaultServeMux(t *testing.T) {
	if New().Then(nil) != http.DefaultServeMux {
		t.Fatal("Then(nil) must be http.DefaultServeMux")
	}
	if New().ThenFunc(nil) != http.DefaultServeMux {
		t.Fatal("ThenFunc(nil) must be http.DefaultServeMux")
	}
	if got := body(New().ThenFunc(app), "/"); got != "app" {
		t.Fatalf("empty chain: %q", got)
	}
	var zero Chain
	if got := body(zero.Then(app), "/"); got != "app" {
		t.Fatalf("zero chain: %q", got)
	}
}

func TestAppendAndExtendNeverShareTheBackingArray(t *testing.T) {
	base := New(tag("a"), tag("b")).Append() // capacity may exceed length
	base = base.Append(tag("c"))
	x := base.Append(tag("x"))
	y := base.Append(tag("y"))
	if got := body(x.Then(app), "/"); got != "a(b(c(x(app))))" {
		t.Fatalf("x: %q", got)
	}
	if got := body(y.Then(app), "/"); got != "a(b(c(y(app))))" {
		t.Fatalf("y: %q", got)
	}
	if got := body(base.Then(app), "/"); got != "a(b(c(app)))" {
		t.Fatalf("base changed: %q", got)
	}
	e := base.Extend(New(tag("z")))
	if got := body(e.Then(app), "/"); got != "a(b(c(z(app))))" || base.Len() != 3 {
		t.Fatalf("extend: %q, base len %d", got, base.Len())
	}
}

func TestNilMiddlewareIsRefusedAtBuildTime(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"New", func() { New(tag("a"), nil, tag("c")) }, "chain: middleware 2 of 3 is nil"},
		{"Append", func() { New(tag("a")).Append(nil) }, "chain: middleware 1 of 1 is nil"},
		{"Use", func() { New().Use(Layer{Name: "log"}) }, `chain: layer 1 of 1 ("log") has a nil middleware`},
		{"Use unnamed", func() { New().Use(Named("a", tag("a")), Layer{}) }, `chain: layer 2 of 2 has a nil middleware`},
		{"InsertBefore", func() { New().Use(Named("a", tag("a"))).InsertBefore("a", Layer{Name: "x"}) }, `chain: InsertBefore: layer "x" has a nil middleware`},
		{"InsertAfter unnamed", func() { New().Use(Named("a", tag("a"))).InsertAfter("a", Layer{}) }, `chain: InsertAfter: an unnamed layer has a nil middleware`},
		{"Replace", func() { New().Use(Named("a", tag("a"))).Replace("a", Layer{}) }, `chain: Replace "a": nil middleware`},
		{"Named", func() { Named("log", nil) }, `chain: Named: middleware of layer "log" is nil`},
		{"Named empty", func() { Named("", tag("a")) }, "chain: Named: empty layer name"},
		{"When nil pred", func() { New().When(nil, Named("x", tag("x"))) }, `chain: When: nil predicate for layer "x"`},
		{"When nil pred unnamed", func() { New().When(nil, Layer{Middleware: tag("x")}) }, `chain: When: nil predicate for an unnamed layer`},
		{"When nil middleware", func() { New().When(func(*http.Request) bool { return true }, Layer{Name: "x"}) }, `chain: When: layer "x" has a nil middleware`},
		{"If nil", func() { New().If(true, Layer{Name: "x"}) }, `chain: layer 1 of 1 ("x") has a nil middleware`},
		{"nil handler from unnamed layer", func() {
			New(tag("a"), func(http.Handler) http.Handler { return nil }).Then(app)
		}, `chain: layer 2 of 2 returned a nil handler`},
		{"nil handler from named layer", func() {
			New(tag("a")).Use(Named("bad", func(http.Handler) http.Handler { return nil })).Then(app)
		}, `chain: layer 2 of 2 ("bad") returned a nil handler`},
		{"nil handler in a Timed chain counts the chain's layers", func() {
			New(tag("a"), func(http.Handler) http.Handler { return nil }).Timed().Then(app)
		}, `chain: layer 2 of 2 returned a nil handler`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := panicMessage(tt.f); got != tt.want {
				t.Fatalf("panic %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStringDrawsTheOnion(t *testing.T) {
	c := New(mw.RequestID()).Use(Named("logging", tag("l")), Named("recover", tag("r")))
	if got := c.String(); got != "layer 1 > logging > recover > app" {
		t.Fatalf("String() = %q", got)
	}
	if got := New().String(); got != "app" {
		t.Fatalf("empty: %q", got)
	}
	// No name is guessed, from the function or otherwise: an unnamed layer is
	// its position, which follows the edits.
	mixed := New(tag("a")).Use(Named("b", tag("b")), Layer{Middleware: tag("c")}).Append(tag("d"))
	for _, tt := range []struct{ got, want string }{
		{mixed.String(), "layer 1 > b > layer 3 > layer 4 > app"},
		{mixed.Remove("b").String(), "layer 1 > layer 2 > layer 3 > app"},
		{mixed.InsertBefore("b", Named("x", tag("x"))).String(), "layer 1 > x > b > layer 4 > layer 5 > app"},
		{mixed.Timed().String(), "(timed) layer 1 > b > layer 3 > layer 4 > app"},
		{body(mixed.Then(app), "/"), "a(b(c(d(app))))"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
		}
	}
	for _, l := range mixed.Layers() {
		if l.Name != "" && l.Name != "b" {
			t.Errorf("Layers() has the guessed name %q", l.Name)
		}
	}
}

func TestUnnamedLayersCannotBeAddressed(t *testing.T) {
	c := New(tag("a")).Use(Layer{Middleware: tag("b")}, Named("c", tag("c")))
	for _, name := range []string{"", "layer 1", "layer 2", "chain.tag"} {
		if c.Has(name) {
			t.Errorf("Has(%q) is true", name)
		}
	}
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"Remove empty", func() { c.Remove("") }, `chain: Remove: no layer named "" (the chain is: layer 1 > layer 2 > c > app)`},
		{"Remove position", func() { c.Remove("layer 1") }, `chain: Remove: no layer named "layer 1" (the chain is: layer 1 > layer 2 > c > app)`},
		{"InsertBefore", func() { c.InsertBefore("", Named("x", tag("x"))) }, `chain: InsertBefore: no layer named "" (the chain is: layer 1 > layer 2 > c > app)`},
		{"InsertAfter", func() { c.InsertAfter("", Named("x", tag("x"))) }, `chain: InsertAfter: no layer named "" (the chain is: layer 1 > layer 2 > c > app)`},
		{"Replace", func() { c.Replace("", Named("x", tag("x"))) }, `chain: Replace: no layer named "" (the chain is: layer 1 > layer 2 > c > app)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := panicMessage(tt.f); got != tt.want {
				t.Fatalf("panic %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNamesAreUsedOnce(t *testing.T) {
	c := New(tag("u")).Use(Named("a", tag("a")), Named("b", tag("b")))
	yes := func(*http.Request) bool { return true }
	refused := []struct {
		name string
		f    func()
	}{
		{"Use against the chain", func() { c.Use(Named("a", tag("a2"))) }},
		{"Use within its arguments", func() { New().Use(Named("a", tag("a")), Named("a", tag("a2"))) }},
		{"InsertBefore", func() { c.InsertBefore("b", Named("a", tag("a2"))) }},
		{"InsertAfter", func() { c.InsertAfter("b", Named("a", tag("a2"))) }},
		{"Extend", func() { c.Extend(New().Use(Named("a", tag("a2")))) }},
		{"If", func() { c.If(true, Named("a", tag("a2"))) }},
		{"When", func() { c.When(yes, Named("a", tag("a2"))) }},
		{"Replace with another layer's name", func() { c.Replace("b", Named("a", tag("a2"))) }},
		{"two alice chains", func() { FromAlice(alice.New()).Extend(FromAlice(alice.New())) }},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			want := `chain: layer name "a" is used twice`
			if tt.name == "two alice chains" {
				want = `chain: layer name "alice" is used twice`
			}
			if got := panicMessage(tt.f); got != want {
				t.Fatalf("panic %q, want %q", got, want)
			}
		})
	}
	// What is not a second use: unnamed layers, a layer replaced by one of
	// the same name, and a layer that If leaves out.
	for _, tt := range []struct {
		got  Chain
		want string
	}{
		{c.Append(tag("u")).Use(Layer{Middleware: tag("v")}), "layer 1 > a > b > layer 4 > layer 5 > app"},
		{c.Replace("b", Named("b", tag("B"))), "layer 1 > a > b > app"},
		{c.Replace("b", Named("c", tag("C"))), "layer 1 > a > c > app"},
		{c.If(!c.Has("a"), Named("a", tag("a2"))), "layer 1 > a > b > app"},
	} {
		if got := tt.got.String(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
	if got := body(c.Replace("b", Named("b", tag("B"))).Then(app), "/"); got != "u(a(B(app)))" {
		t.Errorf("replaced by its own name: %q", got)
	}
}

// serverTimingNames returns the names of a Server-Timing header, in order.
func serverTimingNames(header string) []string {
	var names []string
	for _, entry := range strings.Split(header, ", ") {
		name, _, _ := strings.Cut(entry, ";")
		names = append(names, name)
	}
	return names
}

func TestTimedMarksEveryLayerAsStringNamesIt(t *testing.T) {
	// The layers add to a header rather than write, so that the response
	// starts in the application, after every mark.
	order := func(name string) mw.Middleware {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Add("X-Order", name)
				next.ServeHTTP(w, r)
			})
		}
	}
	h := New(order("a")).Use(Named("b", order("b"))).Append(order("c")).Timed().Then(app)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	got := strings.Join(serverTimingNames(rec.Header().Get("Server-Timing")), " ")
	ran := strings.Join(rec.Header().Values("X-Order"), " ")
	if got != "layer-1 b layer-3 app total" || ran != "a b c" || rec.Body.String() != "app" {
		t.Fatalf("Server-Timing names %q, layers ran %q, body %q", got, ran, rec.Body.String())
	}
}

func TestIfIncludesOnlyWhenTheConditionHolds(t *testing.T) {
	c := New(tag("a")).If(false, Named("debug", tag("d"))).If(true, Named("b", tag("b")))
	if got := body(c.Then(app), "/"); got != "a(b(app))" || c.String() != "layer 1 > b > app" {
		t.Fatalf("body %q, chain %s", got, c)
	}
	// A false condition leaves the layer alone: a nil middleware included.
	if got := New(tag("a")).If(false, Layer{Name: "x"}).String(); got != "layer 1 > app" {
		t.Fatalf("If(false): %s", got)
	}
}

func TestWhenRunsTheLayerOnlyForMatchingRequests(t *testing.T) {
	notHealth := func(r *http.Request) bool { return r.URL.Path != "/healthz" }
	c := New(tag("a")).When(notHealth, Named("log", tag("log"))).Append(tag("z"))
	if c.String() != "layer 1 > log > layer 3 > app" || !c.Has("log") {
		t.Fatalf("chain %s", c)
	}
	h := c.Then(app)
	if got := body(h, "/x"); got != "a(log(z(app)))" {
		t.Fatalf("/x: %q", got)
	}
	if got := body(h, "/healthz"); got != "a(z(app))" {
		t.Fatalf("/healthz: %q", got)
	}
}

func TestEditByName(t *testing.T) {
	c := New().Use(Named("a", tag("a")), Named("b", tag("b")), Named("c", tag("c")))
	tests := []struct {
		name string
		got  Chain
		want string
	}{
		{"remove", c.Remove("b"), "a(c(app))"},
		{"before first", c.InsertBefore("a", Named("x", tag("x"))), "x(a(b(c(app))))"},
		{"before", c.InsertBefore("c", Named("x", tag("x"))), "a(b(x(c(app))))"},
		{"after last", c.InsertAfter("c", Named("x", tag("x"))), "a(b(c(x(app))))"},
		{"after", c.InsertAfter("a", Named("x", tag("x"))), "a(x(b(c(app))))"},
		{"replace", c.Replace("b", Layer{Middleware: tag("B")}), "a(B(c(app)))"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := body(tt.got.Then(app), "/"); got != tt.want {
				t.Fatalf("%q, want %q", got, tt.want)
			}
		})
	}
	if got := body(c.Then(app), "/"); got != "a(b(c(app)))" {
		t.Fatalf("editing changed the original chain: %q", got)
	}
	if !c.Replace("b", Layer{Middleware: tag("B")}).Has("b") {
		t.Fatal("Replace without a name keeps the old name")
	}
	want := `chain: Remove: no layer named "nope" (the chain is: a > b > c > app)`
	if got := panicMessage(func() { c.Remove("nope") }); got != want {
		t.Fatalf("panic %q, want %q", got, want)
	}
	want = `chain: InsertAfter: no layer named "z" (the chain is: a > b > c > app)`
	if got := panicMessage(func() { c.InsertAfter("z", Named("x", tag("x"))) }); got != want {
		t.Fatalf("panic %q, want %q", got, want)
	}
}

func TestWithoutIgnoresAbsentNames(t *testing.T) {
	c := New(tag("u")).Use(Named("a", tag("a")), Named("b", tag("b")), Named("c", tag("c")))
	for _, tt := range []struct {
		name       string
		got        Chain
		str, onion string
	}{
		{"one", c.Without("b"), "layer 1 > a > c > app", "u(a(c(app)))"},
		{"several, out of order", c.Without("c", "a"), "layer 1 > b > app", "u(b(app))"},
		{"absent ones ignored", c.Without("lint", "b", "nope"), "layer 1 > a > c > app", "u(a(c(app)))"},
		{"only absent", c.Without("lint"), "layer 1 > a > b > c > app", "u(a(b(c(app))))"},
		{"empty and position names reach no unnamed layer", c.Without("", "layer 1"), "layer 1 > a > b > c > app", "u(a(b(c(app))))"},
		{"none", c.Without(), "layer 1 > a > b > c > app", "u(a(b(c(app))))"},
		{"all", c.Without("a", "b", "c"), "layer 1 > app", "u(app)"},
		{"stays Timed", c.Timed().Without("a"), "(timed) layer 1 > b > c > app", "u(b(c(app)))"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
			if got := body(tt.got.Then(app), "/"); got != tt.onion {
				t.Errorf("body %q, want %q", got, tt.onion)
			}
		})
	}
	if got := c.String(); got != "layer 1 > a > b > c > app" {
		t.Fatalf("Without changed the original chain: %q", got)
	}
	// The same edit fits a chain with the layer and one without; Remove does not.
	dev, prod := c.Use(Named("lint", tag("l"))), c
	if dev.Without("lint").String() != prod.Without("lint").String() {
		t.Fatalf("dev %s, prod %s", dev.Without("lint"), prod.Without("lint"))
	}
	want := `chain: Remove: no layer named "lint" (the chain is: layer 1 > a > b > c > app)`
	if got := panicMessage(func() { prod.Remove("lint") }); got != want {
		t.Fatalf("Remove of an absent name: panic %q, want %q", got, want)
	}
}

func TestExtendIsTimedWhenEitherChainIs(t *testing.T) {
	plain, timed := New().Use(Named("a", tag("a"))), New().Use(Named("b", tag("b"))).Timed()
	for _, tt := range []struct {
		got  Chain
		want string
	}{
		{plain.Extend(New().Use(Named("b", tag("b")))), "a > b > app"},
		{plain.Extend(timed), "(timed) a > b > app"},
		{timed.Extend(plain), "(timed) b > a > app"},
		{timed.Extend(New()), "(timed) b > app"},
		{New().Extend(timed), "(timed) b > app"},
	} {
		if got := tt.got.String(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
	if plain.String() != "a > app" || timed.String() != "(timed) b > app" {
		t.Fatalf("Extend changed its operands: %s, %s", plain, timed)
	}
	rec := httptest.NewRecorder()
	plain.Extend(timed).Then(app).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Header().Get("Server-Timing") == "" || rec.Body.String() != "a(b(app))" {
		t.Fatalf("Server-Timing %q, body %q", rec.Header().Get("Server-Timing"), rec.Body.String())
	}
}

func TestAliceConversions(t *testing.T) {
	c := New(tag("a"), tag("b"))
	if got := body(c.Alice().Then(app), "/"); got != "a(b(app))" {
		t.Fatalf("to alice: %q", got)
	}
	back := FromAlice(alice.New(alice.Constructor(tag("x")))).Append(tag("y"))
	if got := body(back.Then(app), "/"); got != "x(y(app))" || !strings.HasPrefix(back.String(), "alice > ") {
		t.Fatalf("from alice: %q, %s", got, back)
	}
	// alice constructors go into New, and our middlewares into alice.New, as they are.
	var ac alice.Constructor = tag("k")
	var m mw.Middleware = ac
	_ = alice.New(m, mw.RequestID())
	if got := body(New(ac).Then(app), "/"); got != "k(app)" {
		t.Fatalf("alice constructor in New: %q", got)
	}
}

func TestMiddlewareNestsAChain(t *testing.T) {
	inner := New(tag("b"), tag("c"))
	h := New(tag("a"), inner.Middleware()).Then(app)
	if got := body(h, "/"); got != "a(b(c(app)))" {
		t.Fatalf("%q", got)
	}
}

func TestLayersReturnsACopy(t *testing.T) {
	c := New().Use(Named("a", tag("a")))
	ls := c.Layers()
	ls[0].Name = "changed"
	if !c.Has("a") {
		t.Fatal("Layers must return a copy")
	}
}
