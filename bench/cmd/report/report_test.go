package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/bench"
)

// TestInstrTableShowsRepeats: the instruction table gives the median, the
// ratios to the three floors and every repeat with their spread, and says
// the collector ran stop-the-world.
func TestInstrTableShowsRepeats(t *testing.T) {
	res := map[string][]float64{}
	for _, s := range instrStacks {
		res["Stacks/"+s] = []float64{1000, 1010, 990}
	}
	res["Stacks/zapfloor"] = []float64{2000, 2000, 2000}
	res["Stacks/zapfloor-careful"] = []float64{1600, 1600, 1600}
	res["Stacks/appender"] = []float64{500, 500, 500}
	var b strings.Builder
	instrTable(&b, res)
	out := b.String()
	for _, want := range []string{
		"GODEBUG=asyncpreemptoff=1,gcstoptheworld=1",
		"| stack | instructions/request | × zap floor | × careful floor | × appender | repeats |",
		"| wsgo-production | 1000 | 0.50 | 0.62 | 2.00 | 1000, 1010, 990 (2.00%) |",
		"| zapfloor | 2000 | 1.00 | 1.25 | 4.00 | 2000, 2000, 2000 (0.00%) |",
		"| zapfloor-careful | 1600 | 0.80 | 1.00 | 3.20 | 1600, 1600, 1600 (0.00%) |",
		"| appender | 500 | 0.25 | 0.31 | 1.00 | 500, 500, 500 (0.00%) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("instrTable: no %q in\n%s", want, out)
		}
	}
}

// TestInstrStacksHaveTheFloors: the new floors are counted, right after the
// stock zap floor.
func TestInstrStacksHaveTheFloors(t *testing.T) {
	if got := strings.Join(instrStacks[:4], ","); got != "bare,zapfloor,zapfloor-careful,appender" {
		t.Errorf("instrStacks start with %s", got)
	}
}

// TestLineTable: the line table gives each stack's line length, its line
// count, a column per fact and whether the line survives a quote; a note
// names the stacks whose JSON-shaped line does not, and those whose line
// holds the absolute target.
func TestLineTable(t *testing.T) {
	all := make([]bool, len(bench.LineFacts))
	for i := range all {
		all[i] = true
	}
	var b strings.Builder
	lineTable(&b, []bench.AccessLine{
		{Stack: "zapfloor", Line: strings.Repeat("x", 586) + "\n", Lines: 1, Facts: all, JSON: true, ValidOnQuote: true},
		{Stack: "echo", Line: strings.Repeat("x", 406) + "\n", Lines: 1, Facts: make([]bool, len(bench.LineFacts)), JSON: true, RequestURI: true},
		{Stack: "gorilla", Line: "x\n", Lines: 2, Facts: all, RequestURI: true},
	})
	out := b.String()
	for _, want := range []string{
		"| stack | bytes | lines | method | path | query | status | response size | request size | duration | client address | user agent | referer | host | request ID | JSON with a `\"` in the User-Agent |",
		"| zapfloor | 587 | 1 |" + strings.Repeat(" yes |", 12) + " valid |",
		"| echo | 407 | 1 |" + strings.Repeat(" — |", 12) + " **invalid** |",
		"| gorilla | 2 | 2 |" + strings.Repeat(" yes |", 12) + " n/a (text) |",
		"\necho: the line is shaped as JSON, but request strings go into it unescaped",
		"\necho, gorilla: the line holds the request's target as received",
		"\ngorilla: more than one line for this request",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lineTable: no %q in\n%s", want, out)
		}
	}
}

// TestLineTableOnTheStacks: on the real stacks' lines, echo's is invalid
// JSON with a quote in the User-Agent, and the note says so.
func TestLineTableOnTheStacks(t *testing.T) {
	lines, err := bench.AccessLines()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	lineTable(&b, lines)
	out := b.String()
	for _, want := range []string{"\necho: the line is shaped as JSON", "| wsgo-production | ", "| appender | "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	t.Log("\n" + out)
}

// TestWriteReadmeBetweenMarkers: the section replaces what was between the
// markers and nothing else.
func TestWriteReadmeBetweenMarkers(t *testing.T) {
	p := filepath.Join(t.TempDir(), "README.md")
	os.WriteFile(p, []byte("head\n<!-- bench:begin -->\nold\n<!-- bench:end -->\ntail\n"), 0o644)
	writeReadme(p, "new\n")
	b, _ := os.ReadFile(p)
	if want := "head\n<!-- bench:begin -->\nnew\n<!-- bench:end -->\ntail\n"; string(b) != want {
		t.Errorf("got %q, want %q", b, want)
	}
}

// TestBenchReadmeHasMarkers: the default page, bench/README.md, is the one
// with the markers (the top-level README only sums it up).
func TestBenchReadmeHasMarkers(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "<!-- bench:begin -->") || !strings.Contains(string(b), "<!-- bench:end -->") {
		t.Error("bench/README.md has no bench:begin ... bench:end markers")
	}
}

// TestInstrCountRepeats counts one stack twice under valgrind, as the
// report does, and checks that the two repeats agree within 1%: the point
// of the stop-the-world collector.
func TestInstrCountRepeats(t *testing.T) {
	if testing.Short() {
		t.Skip("runs valgrind")
	}
	valgrind, err := exec.LookPath("valgrind")
	if err != nil {
		t.Skip("valgrind is not installed")
	}
	bin := filepath.Join(t.TempDir(), "bench.test")
	if out, err := exec.Command("go", "test", "-c", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("building the benchmarks: %v\n%s", err, out)
	}
	var vs []float64
	for range 2 {
		v, err := instrPerRequest(valgrind, bin, "Stacks", "wsgo-production")
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if s := spread(vs); s > 0.01 {
		t.Errorf("repeats %v differ by %.2f%%, want under 1%%", vs, 100*s)
	}
}
