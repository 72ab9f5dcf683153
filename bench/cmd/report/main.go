// Command report runs the whole comparison and writes its results into
// bench/README.md: the benchmarks (medians of several runs), the server's CPU time
// and allocations per request of each stack on a real loopback server under
// wrk (in place of requests per second, which cannot tell the stacks apart
// on 2 shared cores) (when wrk and taskset are installed and there are 2 cores;
// see cpu.go), and whether each stack keeps the writer's capabilities; and
// draws results/stacks.svg.
//
//	cd bench && go run ./cmd/report [-count 5] [-cpurounds 5]
//
// With -cpu it measures the CPU time per request only, and prints its table
// and every round's figures instead of writing bench/README.md:
//
//	cd bench && go run ./cmd/report -cpu [-cpurounds 5]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wsgo/wsgo/bench"
)

// benchmarks runs every benchmark once per round, count rounds, from one test
// binary: on a shared machine whose speed drifts over minutes, a stack
// compared with another was measured in the same minutes, which -count N
// (N runs of one benchmark, then N of the next) does not give.
func benchmarks(bin string, count int) string {
	var all strings.Builder
	for round := 0; round < count; round++ {
		out, err := exec.Command(bin, "-test.run", "^$", "-test.bench", ".", "-test.benchmem", "-test.count", "1").CombinedOutput()
		if err != nil {
			fail("benchmarks, round %d: %v\n%s", round+1, err, out)
		}
		all.Write(out)
	}
	return all.String()
}

// options are the command's flags.
type options struct {
	count, instrRepeats int
	readme              string
	cpuOnly             bool
	cpu                 cpuConfig
}

func parseFlags() options {
	var o options
	flag.IntVar(&o.count, "count", 5, "benchmark runs; the table shows medians")
	flag.IntVar(&o.instrRepeats, "instrrepeats", 2, "instruction counts: how many times each is measured; the table shows each")
	flag.StringVar(&o.readme, "readme", "README.md", "the page to write the tables into, between its bench:begin and bench:end markers")
	flag.BoolVar(&o.cpuOnly, "cpu", false, "measure the server's CPU time per request only, and print the tables instead of writing the page")
	cpu := &o.cpu
	flag.IntVar(&cpu.rounds, "cpurounds", 5, "CPU measurement rounds; the table shows medians")
	flag.DurationVar(&cpu.warmup, "cpuwarmup", time.Second, "CPU measurement: load before the measured one")
	flag.DurationVar(&cpu.duration, "cpuduration", 3*time.Second, "CPU measurement: the measured load per stack and round")
	flag.IntVar(&cpu.conns, "cpuconns", 8, "CPU measurement: wrk's connections")
	flag.StringVar(&cpu.logDir, "logdir", os.TempDir(), "CPU measurement: the directory of the access log file")
	flag.Float64Var(&cpu.quiet, "cpuquiet", 0.1, "CPU measurement: a load during which other processes used more than this many cores is disturbed")
	flag.IntVar(&cpu.retries, "cpuretries", 2, "CPU measurement: how many times a disturbed load is measured again")
	flag.DurationVar(&cpu.quietWait, "cpuquietwait", 20*time.Second, "CPU measurement: how long to wait for a quiet machine before each load")
	flag.Parse()
	if o.instrRepeats < 1 {
		fail("-instrrepeats %d: at least 1", o.instrRepeats)
	}
	return o
}

func main() {
	o := parseFlags()
	start := time.Now()
	if o.cpuOnly {
		fmt.Print(cpuOnlyReport(o.cpu, start))
		return
	}
	bin := buildBench()
	fmt.Fprintln(os.Stderr, "report: benchmarks...")
	out := benchmarks(bin, o.count)
	writeRaw("results/bench.txt", out)
	res := parse(out)
	instr, instrWhy := instructions(bin, o.instrRepeats)
	cpuRes, cpuWhy := maybeCPU(o.cpu)
	caps, err := bench.WriterCapabilities()
	if err != nil {
		fail("capabilities: %v", err)
	}
	lines, err := bench.AccessLines()
	if err != nil {
		fail("%v", err)
	}

	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s (%d cores), %s, by `cd bench && go run ./cmd/report` (%s in all); medians of %d rounds, each running every benchmark once.\n\n",
		time.Now().UTC().Format("2006-01-02"), cpuModel(), runtime.NumCPU(), runtime.Version(), time.Since(start).Round(time.Second), o.count)
	benchSections(&b, res, instr, instrWhy, lines)
	if cpuRes != nil {
		b.WriteString("\n")
		cpuTable(&b, cpuRes, o.cpu)
	} else {
		fmt.Fprintf(&b, "\n(No server CPU time per request in this run: %s.)\n", cpuWhy)
	}
	capsTable(&b, caps)
	writeReadme(o.readme, b.String())
	writeSVG("results/stacks.svg", res)
	runAtExit()
	fmt.Fprintf(os.Stderr, "report: done in %s\n", time.Since(start).Round(time.Second))
}

// cpuOnlyReport measures the CPU time per request alone and returns its
// table and every round's figures.
func cpuOnlyReport(cpu cpuConfig, start time.Time) string {
	res := measureCPU(cpu)
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s (%d cores), %s, by `cd bench && go run ./cmd/report -cpu -cpurounds %d -cpuduration %s` (%s in all).\n\n",
		time.Now().UTC().Format("2006-01-02"), cpuModel(), runtime.NumCPU(), runtime.Version(), cpu.rounds, cpu.duration, time.Since(start).Round(time.Second))
	cpuTable(&b, res, cpu)
	b.WriteString("\nEvery round:\n\n")
	cpuRounds(&b, res)
	return b.String()
}

// buildBench builds the benchmarks' test binary, removed at exit.
func buildBench() string {
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("wsgo-bench-%d.test", os.Getpid()))
	if out, err := exec.Command("go", "test", "-c", "-o", bin, ".").CombinedOutput(); err != nil {
		fail("building the benchmarks: %v\n%s", err, out)
	}
	atExit(func() { os.Remove(bin) })
	return bin
}

// writeRaw keeps the lines benchstat reads, without what a stack printed,
// and the header lines once, not once per round.
func writeRaw(path, out string) {
	var kept []string
	seen := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "Benchmark"):
			kept = append(kept, line)
		case strings.HasPrefix(line, "goos:") || strings.HasPrefix(line, "goarch:") ||
			strings.HasPrefix(line, "pkg:") || strings.HasPrefix(line, "cpu:"):
			if !seen[line] {
				seen[line] = true
				kept = append(kept, line)
			}
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(kept, "\n")+"\n"), 0o644); err != nil {
		fail("%v", err)
	}
}

// maybeCPU measures the CPU time per request when the tools are there, or
// says why not.
func maybeCPU(cpu cpuConfig) ([]cpuResult, string) {
	if _, _, why := cpuTools(); why != "" {
		fmt.Fprintf(os.Stderr, "report: no CPU time per request: %s\n", why)
		return nil, why
	}
	fmt.Fprintln(os.Stderr, "report: server CPU time per request...")
	return measureCPU(cpu), ""
}

// benchSections writes the benchmarks' tables, the instruction counts and
// the access lines' table.
func benchSections(b *strings.Builder, res map[string]*group, instr map[string][]float64, instrWhy string, lines []bench.AccessLine) {
	b.WriteString("![ns per request of each full stack](results/stacks.svg)\n\n")
	b.WriteString("The same in-memory GET (a query, browser headers, a 13-byte 200 answer) through each stack; loggers write to a writer that drops the bytes (not io.Discard, which log.Logger special-cases to skip formatting).\n\n")
	table(b, res, "Stacks", "bare", "zapfloor", "zap floor")
	b.WriteString("\n")
	if instr != nil {
		instrTable(b, instr)
	} else {
		fmt.Fprintf(b, "(No instruction counts in this run: %s.)\n", instrWhy)
	}
	b.WriteString("\n")
	lineTable(b, lines)
	b.WriteString("\nThe 500 path: a panic recovered, logged (with the stack where the stack does that), answered.\n\n")
	table(b, res, "Panic", "", "handwritten-recover", "hand-written recover")
	if instr != nil {
		b.WriteString("\n")
		instrPanicTable(b, instr)
	}
	b.WriteString("\nA response of 100 flushed 13-byte chunks.\n\n")
	table(b, res, "Stream100", "bare", "", "")
	b.WriteString("\nChain overhead, pass-through layers, ours beside alice.\n\n")
	table(b, res, "Chain", "", "", "")
}

// capsTable writes whether each stack keeps the writer's capabilities.
func capsTable(b *strings.Builder, caps map[string][3]bool) {
	b.WriteString("\nDoes the handler's writer keep its capabilities behind each stack (a real HTTP/1.1 server)?\n\n| stack | http.Flusher | http.Hijacker | ResponseController.Flush |\n| --- | --- | --- | --- |\n")
	for _, s := range bench.Stacks() {
		if c, ok := caps[s.Name]; ok {
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", s.Name, yes(c[0]), yes(c[1]), yes(c[2]))
		}
	}
}

// cleanups are what runAtExit undoes, last first: files to remove.
var cleanups []func()

// atExit adds f to what runAtExit (or fail) undoes.
func atExit(f func()) { cleanups = append(cleanups, f) }

func runAtExit() {
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	cleanups = nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "report: "+format+"\n", args...)
	runAtExit()
	os.Exit(1)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "**no**"
}

// result is the medians of one benchmark.
type result struct{ ns, bytes, allocs float64 }

var lineRE = regexp.MustCompile(`^Benchmark(\w+)/(\S+?)-\d+\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) B/op\s+([\d.]+) allocs/op`)

// parse returns group -> sub-benchmark -> medians, keeping the order seen.
func parse(out string) map[string]*group {
	samples := map[string]map[string][][3]float64{}
	groups := map[string]*group{}
	for _, line := range strings.Split(out, "\n") {
		m := lineRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		g, name := m[1], m[2]
		if groups[g] == nil {
			groups[g] = &group{res: map[string]result{}}
			samples[g] = map[string][][3]float64{}
		}
		if _, ok := samples[g][name]; !ok {
			groups[g].order = append(groups[g].order, name)
		}
		var v [3]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(m[3+i], 64)
		}
		samples[g][name] = append(samples[g][name], v)
	}
	for g, byName := range samples {
		for name, vs := range byName {
			var r [3]float64
			for i := range r {
				col := make([]float64, len(vs))
				for j := range vs {
					col[j] = vs[j][i]
				}
				sort.Float64s(col)
				r[i] = col[len(col)/2]
			}
			groups[g].res[name] = result{r[0], r[1], r[2]}
		}
	}
	return groups
}

type group struct {
	order []string
	res   map[string]result
}

func table(b *strings.Builder, groups map[string]*group, name, base, floor, floorLabel string) {
	g := groups[name]
	if g == nil {
		b.WriteString("(no results)\n")
		return
	}
	b.WriteString("| benchmark | ns/op | B/op | allocs/op |")
	if base != "" {
		b.WriteString(" × bare |")
	}
	if floor != "" {
		b.WriteString(" × " + floorLabel + " |")
	}
	b.WriteString("\n| --- | ---: | ---: | ---: |")
	if base != "" {
		b.WriteString(" ---: |")
	}
	if floor != "" {
		b.WriteString(" ---: |")
	}
	b.WriteString("\n")
	for _, n := range g.order {
		r := g.res[n]
		fmt.Fprintf(b, "| %s | %.0f | %.0f | %.0f |", strings.TrimPrefix(n, "stack="), r.ns, r.bytes, r.allocs)
		if base != "" {
			fmt.Fprintf(b, " %.0f |", r.ns/g.res["stack="+base].ns)
		}
		if floor != "" {
			fmt.Fprintf(b, " %.2f |", r.ns/g.res["stack="+floor].ns)
		}
		b.WriteString("\n")
	}
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	if m := regexp.MustCompile(`model name\s*:\s*(.+)`).FindSubmatch(b); m != nil {
		return strings.TrimSpace(string(m[1]))
	}
	return runtime.GOARCH
}

func writeReadme(path, section string) {
	b, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	const begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		fail("%s has no %s ... %s markers", path, begin, end)
	}
	s = s[:i+len(begin)] + "\n" + section + s[j:]
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		fail("%v", err)
	}
}

// writeSVG draws ns/op of the full stacks and the zap floor as bars.
func writeSVG(path string, groups map[string]*group) {
	g := groups["Stacks"]
	if g == nil {
		return
	}
	type bar struct {
		name string
		ns   float64
	}
	var bars []bar
	for _, s := range bench.Stacks() {
		if s.Full || s.Name == "zapfloor" {
			bars = append(bars, bar{s.Name, g.res["stack="+s.Name].ns})
		}
	}
	maxNS := 0.0
	for _, b := range bars {
		maxNS = max(maxNS, b.ns)
	}
	const left, width, rowH = 150, 460, 28
	var b strings.Builder
	h := rowH*len(bars) + 50
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="system-ui,sans-serif" font-size="13">`+"\n", left+width+90, h)
	fmt.Fprintf(&b, `<text x="10" y="20" font-weight="600">ns per request (lower is better), same in-memory request, loggers to a discarding writer</text>`+"\n")
	for i, br := range bars {
		y := 36 + i*rowH
		w := int(br.ns / maxNS * width)
		color := "#8a94a6"
		switch {
		case strings.HasPrefix(br.name, "wsgo"):
			color = "#1f7a4d"
		case br.name == "zapfloor":
			color = "#c9a227"
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", left-8, y+15, br.name)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="18" fill="%s" rx="3"/>`+"\n", left, y+2, max(w, 1), color)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%.0f</text>`+"\n", left+w+6, y+15, br.ns)
	}
	b.WriteString("</svg>\n")
	os.WriteFile(path, []byte(b.String()), 0o644)
}
