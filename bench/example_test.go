package bench_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/wsgo/wsgo/bench"
)

// Every full stack of the comparison answers the same request the same way.
func ExampleStacks() {
	for _, s := range bench.Stacks() {
		if !s.Full {
			continue
		}
		rec := httptest.NewRecorder()
		s.Wrap(bench.Hello).ServeHTTP(rec, httptest.NewRequest("GET", "/myapp2/hello/Ann", nil))
		fmt.Printf("%s %d %q\n", s.Name, rec.Code, rec.Body.String())
	}
	// Output:
	// wsgo-production 200 "Hello World!\n"
	// wsgo-development 200 "Hello World!\n"
	// wsgo-production-json 200 "Hello World!\n"
	// chi 200 "Hello World!\n"
	// gorilla 200 "Hello World!\n"
	// negroni 200 "Hello World!\n"
	// echo 200 "Hello World!\n"
	// handwritten 200 "Hello World!\n"
}
