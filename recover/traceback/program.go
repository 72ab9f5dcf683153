package traceback

import (
	"bytes"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// programInfo is what the traceback page says about the program that
// panicked: the toolchain and platform it was built for, its main module and
// the revision it was built from, its dependencies, the host it runs on and
// when it started.
type programInfo struct {
	GoVersion, GOOS, GOARCH, Host string
	// Module and ModuleVersion are the main module's path and version
	// ("(devel)" for a build outside a module version).
	Module, ModuleVersion string
	// Revision and RevisionTime are the vcs.revision and vcs.time build
	// settings: the commit the binary was built from and its time (RFC 3339).
	Revision, RevisionTime string

	Modified bool      // vcs.modified: the working tree had uncommitted changes
	HasVCS   bool      // the build recorded version control information
	Deps     []dep     // the modules built in, sorted by path
	Started  time.Time // when the Debugger was made: at start-up, as a rule
}

// dep is one module dependency of the program.
type dep struct {
	Path, Version string
	// Replace is the module that replaced it, as path@version, or only its
	// path for a replacement by a directory; empty when it is not replaced.
	Replace string
}

// readProgram is the program's information, from debug.ReadBuildInfo, the
// runtime, the host name and started. New has it called once, on the first
// traceback.
func readProgram(started time.Time) *programInfo {
	bi, ok := debug.ReadBuildInfo()
	host, err := os.Hostname()
	if err != nil {
		host = ""
	}
	return programFrom(bi, ok, host, started)
}

// programFrom makes the program's information from what debug.ReadBuildInfo
// returned (bi may be nil, or ok false in a binary built without module
// support, and then only the runtime's version and platform are known), the
// host name and the process's start time. GOOS and GOARCH come from the
// build settings when they are there, else from the runtime.
func programFrom(bi *debug.BuildInfo, ok bool, host string, started time.Time) *programInfo {
	p := &programInfo{GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Host: host, Started: started}
	if !ok || bi == nil {
		return p
	}
	if bi.GoVersion != "" {
		p.GoVersion = bi.GoVersion
	}
	p.Module, p.ModuleVersion = bi.Main.Path, bi.Main.Version
	if p.Module == "" {
		p.Module = bi.Path // a test binary or go run of files: no main module, only the package
	}
	for _, s := range bi.Settings {
		p.setting(s.Key, s.Value)
	}
	p.Deps = deps(bi.Deps)
	slices.SortFunc(p.Deps, func(a, b dep) int { return strings.Compare(a.Path, b.Path) })
	return p
}

// setting takes in one build setting: the platform and the VCS facts.
func (p *programInfo) setting(key, value string) {
	switch key {
	case "GOOS":
		p.GOOS = value
	case "GOARCH":
		p.GOARCH = value
	case "vcs":
		p.HasVCS = true
	case "vcs.revision":
		p.HasVCS, p.Revision = true, value
	case "vcs.time":
		p.HasVCS, p.RevisionTime = true, value
	case "vcs.modified":
		p.HasVCS, p.Modified = true, value == "true"
	}
}

// deps is the modules built in, as the page lists them (nil entries left
// out), unsorted.
func deps(mods []*debug.Module) []dep {
	var out []dep
	for _, m := range mods {
		if m == nil {
			continue
		}
		d := dep{Path: m.Path, Version: m.Version}
		if r := m.Replace; r != nil {
			d.Replace = r.Path
			if r.Version != "" {
				d.Replace += "@" + r.Version
			}
		}
		out = append(out, d)
	}
	return out
}

// text is the program's information as a few plain lines, for the plain-text
// traceback and the Markdown copy: the Go version and platform, the main
// module, the revision (with +dirty when the tree was modified) and the
// host. A line whose information is unknown is left out.
func (p *programInfo) text() string {
	var b strings.Builder
	b.WriteString("go: " + p.GoVersion + " " + p.GOOS + "/" + p.GOARCH + "\n")
	if p.Module != "" {
		b.WriteString("module: " + p.Module)
		if p.ModuleVersion != "" {
			b.WriteString("@" + p.ModuleVersion)
		}
		b.WriteByte('\n')
	}
	if p.Revision != "" {
		b.WriteString("revision: " + p.Revision)
		if p.RevisionTime != "" {
			b.WriteString(" (" + p.RevisionTime + ")")
		}
		if p.Modified {
			b.WriteString(" +dirty")
		}
		b.WriteByte('\n')
	}
	if p.Host != "" {
		b.WriteString("host: " + p.Host + "\n")
	}
	return b.String()
}

// panicContext is what the page says about the moment of the panic.
type panicContext struct {
	Time       time.Time     // when the panic was recovered
	Uptime     time.Duration // how long since the Debugger was made
	Goroutines int           // how many goroutines there were
}

// newPanicContext is the context of a panic recovered at now, in a program
// whose Debugger was made at started.
func newPanicContext(now, started time.Time) panicContext {
	return panicContext{Time: now, Uptime: now.Sub(started), Goroutines: runtime.NumGoroutine()}
}

// maxGoroutineDump is how many bytes of the dump of all goroutines
// allGoroutines returns at most when given no limit.
const maxGoroutineDump = 1 << 20

// allGoroutines returns the stacks of all goroutines, as runtime.Stack prints
// them, in at most limit bytes (maxGoroutineDump when limit is not
// positive). cut reports that the dump filled the limit and so may lack the
// end; the text is then cut back to its last whole line.
func allGoroutines(limit int) (text string, cut bool) {
	if limit <= 0 {
		limit = maxGoroutineDump
	}
	buf := make([]byte, min(64<<10, limit))
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n]), false
		}
		if len(buf) >= limit {
			if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
				buf = buf[:i+1]
			}
			return string(buf), true
		}
		buf = make([]byte, min(2*len(buf), limit))
	}
}
