package wsgotest_test

import (
	"fmt"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

// The bare handler answers the benchmarks' request with 13 bytes.
func ExampleApp() {
	w := wsgotest.NewWriter()
	wsgotest.App.ServeHTTP(w, wsgotest.Request())
	fmt.Println(w.Code, len(wsgotest.Hello))
	// Output: 0 13
}
