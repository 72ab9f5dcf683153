package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wsgo/wsgo/bench"
)

// The server's CPU time per request: requests per second over loopback
// cannot tell the stacks apart when the server and wrk share 2 cores, the
// CPU the server spent on each request can. cmd/cpuserver serves one stack
// on core 0 with one P (taskset -c 0, GOMAXPROCS=1); wrk loads it from core
// 1 (taskset -c 1) with a browser's request; the server's own getrusage,
// read from its control endpoint before and after the load, divided by the
// requests wrk completed, is the figure. Every stack is measured in turn,
// round after round, and the table shows medians over the rounds.

// cpuConfig is how the CPU measurement runs.
type cpuConfig struct {
	rounds   int           // every stack once per round
	warmup   time.Duration // load before the measured one, on the same server
	duration time.Duration // the measured load
	conns    int           // wrk's connections
	logDir   string        // where the file-log runs write their access log
	// The machine may be shared. A load during which other processes used
	// more than quiet of a core is measured again, up to retries times, and
	// the least disturbed attempt kept; before each attempt, the measurement
	// waits up to quietWait for the machine to be quiet.
	quiet     float64
	retries   int
	quietWait time.Duration
}

// browser is the request of the measurement: the in-memory benchmarks'
// request (wsgotest.Request) with the rest of what Chrome sends.
var browser = []string{
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
	"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
	"Accept-Language: en-US,en;q=0.9",
	"Accept-Encoding: gzip, deflate, br",
	"Referer: http://localhost:8081/",
}

const cpuPath = "/myapp2/hello/Ann?subject=Ann"

// cpuStats is what cmd/cpuserver's control endpoint answers.
type cpuStats struct {
	UserNS      int64  `json:"user_ns"`
	SysNS       int64  `json:"sys_ns"`
	Mallocs     uint64 `json:"mallocs"`
	TinyMallocs uint64 `json:"tiny_mallocs"`
	GCCycles    uint64 `json:"gc_cycles"`
	Requests    int64  `json:"requests"`
	GOMAXPROCS  int    `json:"gomaxprocs"`
}

// cpuRun is one measured load of one stack.
type cpuRun struct {
	usPerReq     float64 // server CPU (user+sys), µs per request
	sysShare     float64 // of which in the kernel
	allocsPerReq float64 // heap allocations per request, tiny ones included
	rps          float64 // requests per second wrk completed
	busy         float64 // server CPU over wall time: 1 is the whole core
	others       float64 // CPU of every other process during the load, in cores
	attempts     int     // loads it took to find one undisturbed, or the retries
}

// cpuResult is every run of one stack, with the sink and with a file.
type cpuResult struct {
	name       string
	sink, file []cpuRun
}

// cpuTools returns the paths of wrk and taskset, or why the CPU
// measurement cannot run here.
func cpuTools() (wrk, taskset, why string) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return "", "", "wrk is not installed"
	}
	taskset, err = exec.LookPath("taskset")
	if err != nil {
		return "", "", "taskset is not installed"
	}
	if runtime.NumCPU() < 2 {
		return "", "", "it needs 2 cores, one for the server and one for wrk"
	}
	for _, c := range []string{"0", "1"} {
		if out, err := exec.Command(taskset, "-c", c, "true").CombinedOutput(); err != nil {
			return "", "", fmt.Sprintf("taskset -c %s fails here: %v %s", c, err, out)
		}
	}
	return wrk, taskset, ""
}

// cpuStacks are the stacks the CPU table shows: bare, the zap floor and
// every full stack.
func cpuStacks() []string {
	var names []string
	for _, s := range bench.Stacks() {
		if s.Full || s.Name == "bare" || s.Name == "zapfloor" {
			names = append(names, s.Name)
		}
	}
	return names
}

// measureCPU builds cmd/cpuserver and measures every stack of cpuStacks,
// with its logs to a sink and to a file, cfg.rounds times, in turn.
func measureCPU(cfg cpuConfig) []cpuResult {
	wrk, taskset, why := cpuTools()
	if why != "" {
		fail("the CPU measurement cannot run: %s", why)
	}
	if cfg.warmup < time.Second || cfg.duration < time.Second {
		fail("wrk loads for whole seconds: -cpuwarmup %s and -cpuduration %s must be 1s or more", cfg.warmup, cfg.duration)
	}
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("wsgo-cpuserver-%d", os.Getpid()))
	logFile := filepath.Join(cfg.logDir, fmt.Sprintf("wsgo-cpu-access-%d.log", os.Getpid()))
	atExit(func() { os.Remove(bin); os.Remove(logFile) })
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/cpuserver").CombinedOutput(); err != nil {
		fail("building cmd/cpuserver: %v\n%s", err, out)
	}

	defer runAtExit()

	names := cpuStacks()
	res := make([]cpuResult, len(names))
	for round := 1; round <= cfg.rounds; round++ {
		for i, name := range names {
			res[i].name = name
			for _, logTo := range []string{"sink", "file:" + logFile} {
				run := cpuQuiet(cfg, bin, wrk, taskset, name, logTo)
				os.Remove(logFile)
				if logTo == "sink" {
					res[i].sink = append(res[i].sink, run)
				} else {
					res[i].file = append(res[i].file, run)
				}
				fmt.Fprintf(os.Stderr, "report: cpu round %d/%d %-17s %-4.4s %6.2f µs/req %5.1f allocs/req %6.0f req/s, server core %3.0f%% busy, others %.2f cores, attempt %d\n",
					round, cfg.rounds, name, logTo, run.usPerReq, run.allocsPerReq, run.rps, 100*run.busy, run.others, run.attempts)
			}
		}
	}
	return res
}

// cpuQuiet measures one load of the stack name as cpuOnce does, waiting for
// a quiet machine before it, and again while other processes disturbed it.
func cpuQuiet(cfg cpuConfig, bin, wrk, taskset, name, logTo string) cpuRun {
	var best cpuRun
	for attempt := 1; attempt <= 1+cfg.retries; attempt++ {
		waitQuiet(cfg.quiet, cfg.quietWait)
		run := cpuOnce(cfg, bin, wrk, taskset, name, logTo)
		run.attempts = attempt
		if attempt == 1 || run.others < best.others {
			best = run
		}
		if run.others <= cfg.quiet {
			break
		}
	}
	return best
}

// cpuTicks returns the busy and the total time of the machine's cores so
// far, in clock ticks, from /proc/stat.
func cpuTicks() (busy, total float64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	for i, v := range f[1:min(len(f), 9)] {
		x, _ := strconv.ParseFloat(v, 64)
		total += x
		if i != 3 && i != 4 { // idle, iowait
			busy += x
		}
	}
	return busy, total
}

// ticksPerSecond is USER_HZ, the unit of /proc/stat: 100 on every Linux
// architecture Go runs on.
const ticksPerSecond = 100

// waitQuiet waits, up to max, until the machine's cores were busy less than
// quiet of one core over half a second (this program waits meanwhile: the
// business is other processes').
func waitQuiet(quiet float64, max time.Duration) {
	deadline := time.Now().Add(max)
	for {
		b0, _ := cpuTicks()
		time.Sleep(500 * time.Millisecond)
		b1, _ := cpuTicks()
		if (b1-b0)/ticksPerSecond/0.5 <= quiet || time.Now().After(deadline) {
			return
		}
	}
}

// cpuOnce starts cmd/cpuserver with the stack name pinned to core 0, warms
// it up, and measures one load from wrk pinned to core 1.
func cpuOnce(cfg cpuConfig, bin, wrk, taskset, name, logTo string) cpuRun {
	cmd := exec.Command(taskset, "-c", "0", bin, "-stack", name, "-log", logTo, "-maxtime", "2m")
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe() // closing it stops the server
	if err != nil {
		fail("%v", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		fail("%v", err)
	}
	if err := cmd.Start(); err != nil {
		fail("starting cpuserver: %v", err)
	}
	defer stop(cmd, stdin)
	var serveURL, ctlURL string
	sc := bufio.NewScanner(stdout)
	for (serveURL == "" || ctlURL == "") && sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 {
			switch f[0] {
			case "serve":
				serveURL = f[1]
			case "control":
				ctlURL = f[1]
			}
		}
	}
	if serveURL == "" || ctlURL == "" {
		stop(cmd, stdin)
		fail("cpuserver -stack %s -log %s did not say where it serves: %s", name, logTo, stderr.String())
	}

	load(wrk, taskset, serveURL, cfg.warmup, cfg.conns)
	before := readStats(ctlURL)
	if before.GOMAXPROCS != 1 {
		fail("cpuserver runs with GOMAXPROCS=%d, not 1", before.GOMAXPROCS)
	}
	t0 := time.Now()
	busy0, _ := cpuTicks()
	n, wrkCPU := load(wrk, taskset, serveURL, cfg.duration, cfg.conns)
	busy1, _ := cpuTicks()
	after := readStats(ctlURL)
	wall := time.Since(t0)

	// The server's count may differ from wrk's by the requests in flight
	// when the warm-up stopped (served after the first reading) and when the
	// load stopped (served, not counted by wrk): at most one per connection
	// each time.
	if served := after.Requests - before.Requests; served < n-int64(cfg.conns) || served > n+2*int64(cfg.conns) {
		fail("%s: wrk completed %d requests, the server counted %d", name, n, served)
	}
	cpu := float64(after.UserNS + after.SysNS - before.UserNS - before.SysNS)
	allocs := float64(after.Mallocs + after.TinyMallocs - before.Mallocs - before.TinyMallocs)
	return cpuRun{
		usPerReq:     cpu / 1e3 / float64(n),
		sysShare:     float64(after.SysNS-before.SysNS) / cpu,
		allocsPerReq: allocs / float64(n),
		rps:          float64(n) / cfg.duration.Seconds(),
		busy:         cpu / float64(wall.Nanoseconds()),
		others:       max(0, ((busy1-busy0)/ticksPerSecond-cpu/1e9-wrkCPU.Seconds())/wall.Seconds()),
	}
}

// stop closes the server's standard input, which makes it exit, and kills
// it if it has not within seconds.
func stop(cmd *exec.Cmd, stdin io.Closer) {
	if cmd.ProcessState != nil {
		return
	}
	stdin.Close()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

var (
	wrkRequestsRE = regexp.MustCompile(`(\d+) requests in `)
	wrkNon2xxRE   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkErrorsRE   = regexp.MustCompile(`Socket errors: .*`)
)

// load runs wrk pinned to core 1 against url for d with the browser's
// headers, and returns the requests it completed and the CPU time it used.
func load(wrk, taskset, url string, d time.Duration, conns int) (int64, time.Duration) {
	args := []string{"-c", "1", wrk, "-t1", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s"}
	for _, h := range browser {
		args = append(args, "-H", h)
	}
	cmd := exec.Command(taskset, append(args, url+cpuPath)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		fail("wrk: %v\n%s", err, out)
	}
	if m := wrkNon2xxRE.FindSubmatch(out); m != nil {
		fail("wrk: %s non-2xx answers\n%s", m[1], out)
	}
	if m := wrkErrorsRE.Find(out); m != nil {
		fmt.Fprintf(os.Stderr, "report: wrk: %s\n", m)
	}
	m := wrkRequestsRE.FindSubmatch(out)
	if m == nil {
		fail("wrk said: %s", out)
	}
	n, _ := strconv.ParseInt(string(m[1]), 10, 64)
	if n == 0 {
		fail("wrk completed no request: %s", out)
	}
	return n, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func readStats(url string) cpuStats {
	res, err := http.Get(url)
	if err != nil {
		fail("control endpoint: %v", err)
	}
	defer res.Body.Close()
	var st cpuStats
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		fail("control endpoint: %v", err)
	}
	return st
}

// col returns f of every run.
func col(runs []cpuRun, f func(cpuRun) float64) []float64 {
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = f(r)
	}
	return v
}

func usPerReq(r cpuRun) float64     { return r.usPerReq }
func allocsPerReq(r cpuRun) float64 { return r.allocsPerReq }

// quantile returns the p-quantile of v, interpolating between ranks.
func quantile(v []float64, p float64) float64 {
	v = slices.Sorted(slices.Values(v))
	x := p * float64(len(v)-1)
	i := int(x)
	if i+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[i] + (x-float64(i))*(v[i+1]-v[i])
}

func median(v []float64) float64 { return quantile(v, 0.5) }

// spread returns (max-min)/median of v: how far all the rounds agree.
func spread(v []float64) float64 { return (slices.Max(v) - slices.Min(v)) / median(v) }

// iqr returns the interquartile range of v over its median: how far the
// middle half of the rounds agree.
func iqr(v []float64) float64 { return (quantile(v, 0.75) - quantile(v, 0.25)) / median(v) }

// ratios returns, round by round, each run's CPU time per request over
// bare's in the same round: the mean of bare's two loads, since bare has no
// logger to point at a sink or a file. A drift of the machine's speed slower
// than a round cancels out of the ratio.
func ratios(res []cpuResult, runs []cpuRun) []float64 {
	bare := res[0]
	if bare.name != "bare" {
		panic("the first stack is not bare")
	}
	v := make([]float64, len(runs))
	for i, r := range runs {
		v[i] = r.usPerReq / ((bare.sink[i].usPerReq + bare.file[i].usPerReq) / 2)
	}
	return v
}

// cpuTable writes the CPU table: medians over the rounds, and the median of
// each round's ratio to bare.
func cpuTable(b *strings.Builder, res []cpuResult, cfg cpuConfig) {
	fmt.Fprintf(b, "Server CPU time per request: each stack behind a real http.Server on 127.0.0.1 (`cmd/cpuserver`), pinned to core 0 with GOMAXPROCS=1; "+
		"`wrk -t1 -c%d -d%s` pinned to core 1 with a browser's headers (User-Agent, Accept, Accept-Language, Accept-Encoding, Referer), after a %s warm-up; "+
		"the server's getrusage (user+sys, the garbage collector's included) over the requests wrk completed. Every stack in turn, %d rounds, medians; "+
		"× bare is the median of each round's ratio to bare's figure in the same round. "+
		"Heap allocations per request from the server's runtime/metrics (`/gc/heap/allocs:objects` + `/gc/heap/tiny/allocs:objects`, net/http's own included). "+
		"Logs to a writer that drops the bytes, then to a file on disk (opened O_APPEND, one write(2) per line).\n\n",
		cfg.conns, cfg.duration, cfg.warmup, cfg.rounds)
	b.WriteString("| stack | CPU µs/request | × bare | allocs/request | CPU µs/request, log to a file | × bare |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range res {
		fmt.Fprintf(b, "| %s | %.1f | %.2f | %.1f | %.1f | %.2f |\n", r.name,
			median(col(r.sink, usPerReq)), median(ratios(res, r.sink)), median(col(r.sink, allocsPerReq)),
			median(col(r.file, usPerReq)), median(ratios(res, r.file)))
	}
	var spreads, iqrs []float64
	runs, disturbed := 0, 0
	for _, r := range res {
		for _, m := range [][]cpuRun{r.sink, r.file} {
			spreads = append(spreads, spread(col(m, usPerReq)))
			if r.name != "bare" {
				iqrs = append(iqrs, iqr(ratios(res, m)))
			}
			for _, run := range m {
				runs++
				if run.others > cfg.quiet {
					disturbed++
				}
			}
		}
	}
	fmt.Fprintf(b, "\nThe rounds of one stack differed by %.0f%% of its median ((max−min)/median) in the middle case, %.0f%% at most; "+
		"the middle half of the rounds' ratios to bare by %.0f%% (interquartile range/median) in the middle case, %.0f%% at most. ",
		100*median(spreads), 100*slices.Max(spreads), 100*median(iqrs), 100*slices.Max(iqrs))
	fmt.Fprintf(b, "Other processes used more than %.2f of a core during %d of the %d loads, even after %d retries.\n", cfg.quiet, disturbed, runs, cfg.retries)
}

// cpuRounds writes every round's figure, with the spread, the share of
// the CPU spent in the kernel, the throughput and how busy the server's
// core was: what the medians of cpuTable came from.
func cpuRounds(b *strings.Builder, res []cpuResult) {
	b.WriteString("| stack | log | CPU µs/request, each round | spread | × bare, each round | IQR | kernel | requests/s | server core busy | others, cores (max) | attempts |\n" +
		"| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range res {
		for _, m := range []struct {
			log  string
			runs []cpuRun
		}{{"sink", r.sink}, {"file", r.file}} {
			var each, eachRatio []string
			others, attempts := 0.0, 0
			ratio := ratios(res, m.runs)
			for i, run := range m.runs {
				each = append(each, strconv.FormatFloat(run.usPerReq, 'f', 1, 64))
				eachRatio = append(eachRatio, strconv.FormatFloat(ratio[i], 'f', 2, 64))
				others = max(others, run.others)
				attempts += run.attempts
			}
			fmt.Fprintf(b, "| %s | %s | %s | %.0f%% | %s | %.0f%% | %.0f%% | %.0f | %.0f%% | %.2f | %d |\n", r.name, m.log,
				strings.Join(each, " "), 100*spread(col(m.runs, usPerReq)), strings.Join(eachRatio, " "), 100*iqr(ratio),
				100*median(col(m.runs, func(r cpuRun) float64 { return r.sysShare })),
				median(col(m.runs, func(r cpuRun) float64 { return r.rps })),
				100*median(col(m.runs, func(r cpuRun) float64 { return r.busy })), others, attempts)
		}
	}
}
