package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstrTableShowsRepeats: the instruction table gives the median, the
// ratio to the zap floor and every repeat with their spread, and says the
// collector ran stop-the-world.
func TestInstrTableShowsRepeats(t *testing.T) {
	res := map[string][]float64{}
	for _, s := range instrStacks {
		res["Stacks/"+s] = []float64{1000, 1010, 990}
	}
	res["Stacks/zapfloor"] = []float64{2000, 2000, 2000}
	var b strings.Builder
	instrTable(&b, res)
	out := b.String()
	for _, want := range []string{
		"GODEBUG=asyncpreemptoff=1,gcstoptheworld=1",
		"| stack | instructions/request | × zap floor | repeats |",
		"| wsgo-production | 1000 | 0.50 | 1000, 1010, 990 (2.00%) |",
		"| zapfloor | 2000 | 1.00 | 2000, 2000, 2000 (0.00%) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("instrTable: no %q in\n%s", want, out)
		}
	}
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
