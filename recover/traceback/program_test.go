package traceback

import (
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
)

// testStart is the start time given to programFrom in the tests.
var testStart = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// TestProgramFromBuildInfo reads a hand-built BuildInfo with every kind of
// information: a (devel) main module, the platform and VCS settings, and
// dependencies out of order, one replaced by a module, one by a directory,
// and a nil one.
func TestProgramFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.99.1",
		Path:      "example.com/app/cmd/app",
		Main:      debug.Module{Path: "example.com/app", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "golang.org/x/text", Version: "v0.3.0"},
			nil,
			{Path: "example.com/lib", Version: "v1.0.0", Replace: &debug.Module{Path: "example.com/fork", Version: "v1.0.1"}},
			{Path: "example.com/local", Version: "v0.0.0", Replace: &debug.Module{Path: "../local"}},
		},
		Settings: []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "GOARCH", Value: "arm64"},
			{Key: "GOOS", Value: "plan9"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2024-12-31T23:59:59Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	got := programFrom(bi, true, "devbox", testStart)
	want := &programInfo{
		GoVersion: "go1.99.1", GOOS: "plan9", GOARCH: "arm64", Host: "devbox",
		Module: "example.com/app", ModuleVersion: "(devel)",
		Revision: "0123456789abcdef0123456789abcdef01234567", RevisionTime: "2024-12-31T23:59:59Z",
		Modified: true, HasVCS: true,
		Deps: []dep{
			{Path: "example.com/lib", Version: "v1.0.0", Replace: "example.com/fork@v1.0.1"},
			{Path: "example.com/local", Version: "v0.0.0", Replace: "../local"},
			{Path: "golang.org/x/text", Version: "v0.3.0"},
		},
		Started: testStart,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	wantText := "go: go1.99.1 plan9/arm64\n" +
		"module: example.com/app@(devel)\n" +
		"revision: 0123456789abcdef0123456789abcdef01234567 (2024-12-31T23:59:59Z) +dirty\n" +
		"host: devbox\n"
	if text := got.text(); text != wantText {
		t.Fatalf("text:\n%s\nwant:\n%s", text, wantText)
	}
}

// TestProgramFromCleanTreeAndNoMainModule: a clean checkout prints no
// +dirty, and a binary without a main module (a test, go run of files) is
// named by its package path.
func TestProgramFromCleanTreeAndNoMainModule(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.99.1",
		Path:      "example.com/app.test",
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc123"},
			{Key: "vcs.modified", Value: "false"},
		},
	}
	got := programFrom(bi, true, "", testStart)
	want := &programInfo{
		GoVersion: "go1.99.1", GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		Module: "example.com/app.test", Revision: "abc123", HasVCS: true, Started: testStart,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	wantText := "go: go1.99.1 " + runtime.GOOS + "/" + runtime.GOARCH + "\n" +
		"module: example.com/app.test\n" +
		"revision: abc123\n"
	if text := got.text(); text != wantText {
		t.Fatalf("text:\n%s\nwant:\n%s", text, wantText)
	}
}

// TestProgramFromMissingBuildInfo: without build information (ok false, or
// a nil BuildInfo) only the runtime, the host and the start are known.
func TestProgramFromMissingBuildInfo(t *testing.T) {
	want := &programInfo{GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Host: "devbox", Started: testStart}
	for _, c := range []struct {
		bi *debug.BuildInfo
		ok bool
	}{
		{nil, false},
		{nil, true},
		{&debug.BuildInfo{GoVersion: "go1.99.1", Main: debug.Module{Path: "example.com/app"}}, false},
	} {
		got := programFrom(c.bi, c.ok, "devbox", testStart)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("programFrom(%v, %v) = %+v\nwant %+v", c.bi, c.ok, got, want)
		}
		wantText := "go: " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\nhost: devbox\n"
		if text := got.text(); text != wantText {
			t.Fatalf("text:\n%s\nwant:\n%s", text, wantText)
		}
	}
}

// TestBuildInfoOfThisBinary: the test binary's own information is read
// once per Debugger, and is the runtime's, the host's and the Debugger's.
func TestBuildInfoOfThisBinary(t *testing.T) {
	d := New(zap.NewNop())
	p := d.c.program()
	if p != d.c.program() {
		t.Fatal("the program's information computed twice")
	}
	host, _ := os.Hostname()
	if p.GoVersion != runtime.Version() || p.GOOS != runtime.GOOS || p.GOARCH != runtime.GOARCH || p.Host != host || !p.Started.Equal(d.c.started) {
		t.Fatalf("%+v", p)
	}
	if p.Module == "" || !strings.Contains(p.text(), "go: "+runtime.Version()+" ") {
		t.Fatalf("%+v\n%s", p, p.text())
	}
	for i := 1; i < len(p.Deps); i++ {
		if p.Deps[i-1].Path > p.Deps[i].Path {
			t.Fatalf("deps not sorted: %v", p.Deps)
		}
	}
}

// TestNewPanicContext: the uptime counts from the start given.
func TestNewPanicContext(t *testing.T) {
	started := time.Now()
	now := started.Add(90 * time.Second)
	c := newPanicContext(now, started)
	if !c.Time.Equal(now) || c.Uptime != 90*time.Second || c.Goroutines < 1 {
		t.Fatalf("%+v", c)
	}
}

// parkedForDump blocks until release is closed, so that a dump of all
// goroutines shows it.
func parkedForDump(release chan struct{}, parked *sync.WaitGroup) {
	parked.Done()
	<-release
}

// TestAllGoroutines: the dump holds every goroutine (this test's and another
// one's), is whole under the default limit and cut, on a line's end, under
// a small one.
func TestAllGoroutines(t *testing.T) {
	release := make(chan struct{})
	var parked, done sync.WaitGroup
	parked.Add(1)
	done.Add(1)
	go func() {
		defer done.Done()
		parkedForDump(release, &parked)
	}()
	defer done.Wait()
	defer close(release)
	parked.Wait()

	text, cut := allGoroutines(0)
	if cut || !strings.HasPrefix(text, "goroutine ") {
		t.Fatalf("cut %v:\n%s", cut, text)
	}
	for _, want := range []string{"github.com/wsgo/wsgo/recover/traceback.TestAllGoroutines(", "github.com/wsgo/wsgo/recover/traceback.parkedForDump("} {
		if !strings.Contains(text, want) {
			t.Errorf("dump lacks %q:\n%s", want, text)
		}
	}

	text, cut = allGoroutines(256)
	if !cut || len(text) > 256 || !strings.HasPrefix(text, "goroutine ") || !strings.HasSuffix(text, "\n") {
		t.Fatalf("cut %v, %d bytes:\n%s", cut, len(text), text)
	}
}
