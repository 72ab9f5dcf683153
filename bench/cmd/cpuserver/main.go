// Command cpuserver serves one stack of the comparison on a loopback port,
// so that cmd/report can measure the server's own CPU time and allocations
// per request. cmd/report starts it pinned to one core with one P:
//
//	GOMAXPROCS=1 taskset -c 0 cpuserver -stack wsgo-production -log sink
//	GOMAXPROCS=1 taskset -c 0 cpuserver -stack chi -log file:/tmp/access.log
//
// It prints two lines on standard output, the stack's address and its
// control endpoint's:
//
//	serve http://127.0.0.1:41234
//	control http://127.0.0.1:41235/stats
//
// The control endpoint is a separate listener and server, outside the
// measured stack; it answers GET /stats with the process's counters as JSON
// (see stats), and, with -memprofilerate, net/http/pprof's profiles under
// /debug/pprof/, to see where the allocations of a request come from. The
// program exits when its standard input reaches end of file
// (when cmd/report closes it, or dies) or after -maxtime, whichever is first:
// a run forgotten by its parent ends by itself.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wsgo/wsgo/bench"
)

// stats is what the control endpoint answers: the process's CPU time so far
// (getrusage, RUSAGE_SELF: every thread, the garbage collector's included),
// its heap allocations so far (runtime/metrics), and the requests the
// stack was handed so far. cmd/report reads it before and after a load and
// divides the differences by the requests served.
type stats struct {
	UserNS      int64  `json:"user_ns"`
	SysNS       int64  `json:"sys_ns"`
	Mallocs     uint64 `json:"mallocs"`      // /gc/heap/allocs:objects: tiny objects not included, only their blocks
	TinyMallocs uint64 `json:"tiny_mallocs"` // /gc/heap/tiny/allocs:objects: the tiny objects
	GCCycles    uint64 `json:"gc_cycles"`    // /gc/cycles/total:gc-cycles
	Requests    int64  `json:"requests"`
	GOMAXPROCS  int    `json:"gomaxprocs"`
}

func main() {
	name := flag.String("stack", "bare", "the stack to serve (a name of bench.Stacks)")
	logTo := flag.String("log", "sink", "where the stack's loggers write: sink (a writer that drops the bytes) or file:PATH (a file, truncated)")
	addr := flag.String("addr", "127.0.0.1:0", "the stack's address")
	ctlAddr := flag.String("ctl", "127.0.0.1:0", "the control endpoint's address")
	maxTime := flag.Duration("maxtime", 10*time.Minute, "exit after this long whatever happens")
	memRate := flag.Int("memprofilerate", 0, "if not 0, runtime.MemProfileRate, and the control endpoint serves net/http/pprof under /debug/pprof/ (go tool pprof -sample_index=alloc_objects http://CONTROL/debug/pprof/allocs)")
	flag.Parse()
	if *memRate != 0 {
		runtime.MemProfileRate = *memRate
	}

	time.AfterFunc(*maxTime, func() {
		fmt.Fprintf(os.Stderr, "cpuserver: -maxtime %s reached, exiting\n", *maxTime)
		os.Exit(2)
	})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()

	stacks := bench.Stacks()
	if path, ok := strings.CutPrefix(*logTo, "file:"); ok {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o644)
		if err != nil {
			fail("%v", err)
		}
		stacks = bench.StacksTo(f)
	} else if *logTo != "sink" {
		fail("-log %q: want sink or file:PATH", *logTo)
	}
	var stack *bench.Stack
	for i := range stacks {
		if stacks[i].Name == *name {
			stack = &stacks[i]
		}
	}
	if stack == nil {
		fail("no stack %q", *name)
	}

	var served atomic.Int64
	h := stack.Wrap(bench.Hello)
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		h.ServeHTTP(w, r)
	})
	ln := listen(*addr)
	ctl := listen(*ctlAddr)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		st := read(&served)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(st)
	})
	if *memRate != 0 {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
	}
	go func() { fail("control: %v", http.Serve(ctl, mux)) }()
	fmt.Printf("serve http://%s\ncontrol http://%s/stats\n", ln.Addr(), ctl.Addr())
	fail("serve: %v", (&http.Server{Handler: counted}).Serve(ln))
}

func listen(addr string) net.Listener {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fail("%v", err)
	}
	return ln
}

// read returns the process's counters now.
func read(served *atomic.Int64) stats {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	samples := []metrics.Sample{
		{Name: "/gc/heap/allocs:objects"},
		{Name: "/gc/heap/tiny/allocs:objects"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	metrics.Read(samples)
	return stats{
		UserNS:      ru.Utime.Nano(),
		SysNS:       ru.Stime.Nano(),
		Mallocs:     samples[0].Value.Uint64(),
		TinyMallocs: samples[1].Value.Uint64(),
		GCCycles:    samples[2].Value.Uint64(),
		Requests:    served.Load(),
		GOMAXPROCS:  runtime.GOMAXPROCS(0),
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "cpuserver: "+format+"\n", args...)
	os.Exit(1)
}
