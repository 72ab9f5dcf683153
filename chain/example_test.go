package chain_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/mw"
)

func header(name, value string) mw.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("X-Layers", value)
			next.ServeHTTP(w, r)
		})
	}
}

func Example() {
	debug := false
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "Hello World!")
	})
	c := chain.New().Use(
		chain.Named("requestid", mw.RequestID()),
		chain.Named("outer", header("X-Layers", "outer")),
	).If(debug, chain.Named("debug", header("X-Layers", "debug"))).
		Use(chain.Named("inner", header("X-Layers", "inner")))

	fmt.Println(c)
	rec := httptest.NewRecorder()
	c.Then(app).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Header().Values("X-Layers"), rec.Body.String())

	// Adjust by name without rebuilding by hand.
	fmt.Println(c.Remove("outer").InsertAfter("requestid", chain.Named("cors", header("X-Layers", "cors"))))
	// Output:
	// requestid > outer > inner > app
	// [outer inner] Hello World!
	// requestid > cors > inner > app
}

// When runs a layer only for some requests, here skipping /healthz.
func ExampleChain_When() {
	c := chain.New().When(
		func(r *http.Request) bool { return r.URL.Path != "/healthz" },
		chain.Named("logged", header("X-Layers", "logged")),
	)
	h := c.Then(http.NotFoundHandler())
	for _, path := range []string{"/", "/healthz"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		fmt.Printf("%s %q\n", path, rec.Header().Get("X-Layers"))
	}
	// Output:
	// / "logged"
	// /healthz ""
}

// Without fits chains that differ: it drops the layers it finds and ignores
// the others, where Remove panics. A layer added without a name shows as its
// position and cannot be removed by name.
func ExampleChain_Without() {
	base := chain.New(header("X-Layers", "first")).Use(
		chain.Named("requestid", mw.RequestID()),
		chain.Named("access", header("X-Layers", "access")),
	)
	dev := base.Use(chain.Named("lint", header("X-Layers", "lint")))
	fmt.Println(dev.Without("lint", "access"))
	fmt.Println(base.Without("lint", "access"))
	// Output:
	// layer 1 > requestid > app
	// layer 1 > requestid > app
}

// The README's quick start: the tutorial's /rest application, mounted, under
// the production preset (here with a logger that prints nothing).

// A Timed chain sends a Server-Timing header with an entry per layer, named
// as String names it, then "app" and "total"; its alice.Chain does too.
func ExampleChain_Timed() {
	c := chain.New(header("X-Layers", "first")).Use(chain.Named("access", header("X-Layers", "access"))).Timed()
	fmt.Println(c)
	for _, h := range []http.Handler{c.Then(http.NotFoundHandler()), c.Alice().Then(http.NotFoundHandler())} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		var names []string
		for _, entry := range strings.Split(rec.Header().Get("Server-Timing"), ", ") {
			name, _, _ := strings.Cut(entry, ";dur=") // the durations change from run to run
			names = append(names, name)
		}
		fmt.Println(names)
	}
	// Output:
	// (timed) layer 1 > access > app
	// [layer-1 access app total]
	// [layer-1 access app total]
}
