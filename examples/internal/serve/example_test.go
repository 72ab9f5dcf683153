package serve_test

import (
	"flag"
	"fmt"

	"github.com/wsgo/wsgo/examples/internal/serve"
)

// Every example takes -addr, localhost:8081 unless told otherwise.
func ExampleAddrFlag() {
	fs := flag.NewFlagSet("example", flag.ContinueOnError)
	addr := serve.AddrFlag(fs)
	fs.Parse([]string{})
	fmt.Println(*addr)
	fs.Parse([]string{"-addr", "127.0.0.1:0"})
	fmt.Println(*addr)
	// Output:
	// localhost:8081
	// 127.0.0.1:0
}
