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
// the benchmark binary runs. Each stack's benchmark runs twice, for instrLow
// and instrHigh requests, with one P and no asynchronous preemption; the
// difference of the two counts divided by the difference of the requests is
// the count per request, the binary's start-up and the benchmark's set-up
// cancelling out. The garbage collector runs stop-the-world
// (GODEBUG=gcstoptheworld=1): with a concurrent collector, how many
// requests run while it marks depends on wall-clock time, and the count
// swings by several percent from run to run; stopped, its share is counted
// and repeats. Each count is measured -instrrepeats times, and the table shows
// every repeat, so a reader sees how well it repeats.
const (
	instrLow  = 2000
	instrHigh = 12000
)

// instrStacks are the rows of the table: the full stacks, then wsgo's
// layers alone beside the peers' loggers.
var instrStacks = []string{
	"bare", "zapfloor", "zapfloor-careful", "appender", "wsgo-production", "wsgo-production-json", "wsgo-development", "chi", "gorilla", "negroni", "echo", "handwritten",
	"wsgo-requestid", "wsgo-access", "wsgo-recover", "wsgo-environ", "wsgo-combined", "gorilla-combined",
}

// instrPanics are the rows of the 500 path's table: the recover layers
// alone, ours and the hand-written zap one, then the full stacks.
var instrPanics = []string{"wsgo-recover", "handwritten-recover", "wsgo-production", "handwritten"}

var irefs = regexp.MustCompile(`I\s+refs:\s+([\d,]+)`)

// instrEnv is the environment of every counted run.
var instrEnv = []string{"GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1,gcstoptheworld=1"}

// instrCount is the instructions bin runs for n requests of one stack.
func instrCount(valgrind, bin, group, stack string, n int) (float64, error) {
	cmd := exec.Command(valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
		bin, "-test.run", "^$", "-test.bench", "^Benchmark"+group+"$/^stack="+regexp.QuoteMeta(stack)+"$",
		"-test.benchtime", strconv.Itoa(n)+"x", "-test.count", "1")
	cmd.Env = append(os.Environ(), instrEnv...)
	out, err := cmd.CombinedOutput()
	m := irefs.FindSubmatch(out)
	if err != nil || m == nil || !strings.Contains(string(out), "Benchmark"+group+"/stack="+stack) {
		return 0, fmt.Errorf("%s/%s, %d requests: %v\n%s", group, stack, n, err, out)
	}
	return strconv.ParseFloat(strings.ReplaceAll(string(m[1]), ",", ""), 64)
}

// instrPerRequest is one repeat's instructions per request of one stack.
func instrPerRequest(valgrind, bin, group, stack string) (float64, error) {
	low, err := instrCount(valgrind, bin, group, stack, instrLow)
	if err != nil {
		return 0, err
	}
	high, err := instrCount(valgrind, bin, group, stack, instrHigh)
	if err != nil {
		return 0, err
	}
	return (high - low) / (instrHigh - instrLow), nil
}

// instructions returns the instructions per request of each stack of
// instrStacks (under "Stacks/") and of instrPanics (under "Panic/"), one
// figure per repeat, measured on the benchmark binary bin, or why it could
// not.
func instructions(bin string, repeats int) (map[string][]float64, string) {
	valgrind, err := exec.LookPath("valgrind")
	if err != nil {
		return nil, "valgrind is not installed"
	}
	res := map[string][]float64{}
	for _, g := range []struct {
		name   string
		stacks []string
	}{{"Stacks", instrStacks}, {"Panic", instrPanics}} {
		for _, s := range g.stacks {
			for r := 0; r < repeats; r++ {
				fmt.Fprintf(os.Stderr, "report: instructions per request: %s/%s, repeat %d\n", g.name, s, r+1)
				v, err := instrPerRequest(valgrind, bin, g.name, s)
				if err != nil {
					return nil, err.Error()
				}
				res[g.name+"/"+s] = append(res[g.name+"/"+s], v)
			}
		}
	}
	return res, ""
}

// repeatsText lists every repeat and their spread, (max-min)/median.
func repeatsText(vs []float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%s (%.2f%%)", strings.Join(parts, ", "), 100*spread(vs))
}

// instrTable writes the instructions per request of each stack, and their
// ratios to the three floors': zap's as most users write it (the issue's
// targets are against it), zap's as a careful user writes it, and the
// hand-written appender of the same bytes.
func instrTable(b *strings.Builder, res map[string][]float64) {
	fmt.Fprintf(b, "Instructions per request, counted by valgrind's cachegrind: the in-memory GET above, %s, ((count for %d requests) − (count for %d)) / %d, the garbage collector's share included, run stop-the-world so that it repeats (a concurrent collector's share depends on wall-clock time). The repeats column gives every repeat's count and their spread, (max − min) / median; the table shows the median.\n\n",
		strings.Join(instrEnv, " "), instrHigh, instrLow, instrHigh-instrLow)
	b.WriteString("The three floors write the same line (bench/floors_test.go checks it byte for byte): zapfloor is zap as most users write it, `log.Info` with the fields built per request; zapfloor-careful is zap as a careful user writes it, `log.Check` first, the fields in a pooled array, the headers read by their canonical keys; appender writes the line without zap, appended by hand into a pooled buffer (the physical floor of this entry). The targets are against the stock zap floor.\n\n")
	b.WriteString("| stack | instructions/request | × zap floor | × careful floor | × appender | repeats |\n| --- | ---: | ---: | ---: | ---: | --- |\n")
	floor, careful, appender := median(res["Stacks/zapfloor"]), median(res["Stacks/zapfloor-careful"]), median(res["Stacks/appender"])
	for _, s := range instrStacks {
		vs := res["Stacks/"+s]
		m := median(vs)
		fmt.Fprintf(b, "| %s | %.0f | %.2f | %.2f | %.2f | %s |\n", s, m, m/floor, m/careful, m/appender, repeatsText(vs))
	}
}

// instrPanicTable writes the instructions per request of the 500 path, and
// their ratio to the hand-written zap recover's.
func instrPanicTable(b *strings.Builder, res map[string][]float64) {
	b.WriteString("The 500 path in instructions per request (counted as above):\n\n| stack | instructions/request | × hand-written recover | repeats |\n| --- | ---: | ---: | --- |\n")
	floor := median(res["Panic/handwritten-recover"])
	for _, s := range instrPanics {
		vs := res["Panic/"+s]
		fmt.Fprintf(b, "| %s | %.0f | %.2f | %s |\n", s, median(vs), median(vs)/floor, repeatsText(vs))
	}
}
