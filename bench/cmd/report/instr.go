package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// Instructions per request: valgrind's cachegrind counts the instructions
// the benchmark binary runs, which repeats to a fraction of a percent where
// times on a shared machine move by tens of percent. Each stack's benchmark
// runs twice, for instrLow and instrHigh requests, with one P and no
// asynchronous preemption; the difference of the two counts divided by the
// difference of the requests is the count per request, the binary's
// start-up and the benchmark's set-up cancelling out. The garbage
// collector's work is counted as it falls.
const (
	instrLow  = 2000
	instrHigh = 12000
)

// instrStacks are the rows of the table: the full stacks, then wsgo's
// layers alone beside the peers' loggers.
var instrStacks = []string{
	"bare", "zapfloor", "wsgo-production", "chi", "gorilla", "negroni", "echo", "handwritten",
	"wsgo-requestid", "wsgo-access", "wsgo-recover", "wsgo-environ", "wsgo-combined", "gorilla-combined",
}

// instrPanics are the rows of the 500 path's table: the recover layers
// alone, ours and the hand-written zap one, then the full stacks.
var instrPanics = []string{"wsgo-recover", "handwritten-recover", "wsgo-production", "handwritten"}

var irefs = regexp.MustCompile(`I\s+refs:\s+([\d,]+)`)

// instructions returns the instructions per request of each stack of
// instrStacks (under "Stacks/") and of instrPanics (under "Panic/"),
// measured on the benchmark binary bin, or why it could not.
func instructions(bin string) (map[string]float64, string) {
	valgrind, err := exec.LookPath("valgrind")
	if err != nil {
		return nil, "valgrind is not installed"
	}
	count := func(group, stack string, n int) (float64, error) {
		cmd := exec.Command(valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
			bin, "-test.run", "^$", "-test.bench", "^Benchmark"+group+"$/^stack="+regexp.QuoteMeta(stack)+"$",
			"-test.benchtime", strconv.Itoa(n)+"x", "-test.count", "1")
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1")
		out, err := cmd.CombinedOutput()
		m := irefs.FindSubmatch(out)
		if err != nil || m == nil || !strings.Contains(string(out), "Benchmark"+group+"/stack="+stack) {
			return 0, fmt.Errorf("%s/%s, %d requests: %v\n%s", group, stack, n, err, out)
		}
		return strconv.ParseFloat(strings.ReplaceAll(string(m[1]), ",", ""), 64)
	}
	res := map[string]float64{}
	for _, g := range []struct {
		name   string
		stacks []string
	}{{"Stacks", instrStacks}, {"Panic", instrPanics}} {
		for _, s := range g.stacks {
			fmt.Fprintf(os.Stderr, "report: instructions per request: %s/%s\n", g.name, s)
			low, err := count(g.name, s, instrLow)
			if err != nil {
				return nil, err.Error()
			}
			high, err := count(g.name, s, instrHigh)
			if err != nil {
				return nil, err.Error()
			}
			res[g.name+"/"+s] = (high - low) / (instrHigh - instrLow)
		}
	}
	return res, ""
}

// instrTable writes the instructions per request of each stack, and their
// ratio to the zap floor's.
func instrTable(b *strings.Builder, res map[string]float64) {
	fmt.Fprintf(b, "Instructions per request, counted by valgrind's cachegrind: the in-memory GET above, GOMAXPROCS=1, GODEBUG=asyncpreemptoff=1, ((count for %d requests) − (count for %d)) / %d, the garbage collector's share included. It repeats to well under 1%% between runs, where the times above move by 10–30%%: it is what tells two close stacks apart.\n\n", instrHigh, instrLow, instrHigh-instrLow)
	b.WriteString("| stack | instructions/request | × zap floor |\n| --- | ---: | ---: |\n")
	for _, s := range instrStacks {
		fmt.Fprintf(b, "| %s | %.0f | %.2f |\n", s, res["Stacks/"+s], res["Stacks/"+s]/res["Stacks/zapfloor"])
	}
}

// instrPanicTable writes the instructions per request of the 500 path, and
// their ratio to the hand-written zap recover's.
func instrPanicTable(b *strings.Builder, res map[string]float64) {
	b.WriteString("The 500 path in instructions per request (counted as above):\n\n| stack | instructions/request | × hand-written recover |\n| --- | ---: | ---: |\n")
	for _, s := range instrPanics {
		fmt.Fprintf(b, "| %s | %.0f | %.2f |\n", s, res["Panic/"+s], res["Panic/"+s]/res["Panic/handwritten-recover"])
	}
}
