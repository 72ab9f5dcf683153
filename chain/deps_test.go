package chain_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDepsStandardLibraryOnly: the contract (mw) needs the standard library
// alone, and chain adds alice and nothing else: no zap, whatever a sibling
// package of the module imports. It asks go list, which reads the import
// graph the compiler builds from, so a hidden dependency cannot pass.
func TestDepsStandardLibraryOnly(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	allowed := map[string][]string{
		"github.com/wsgo/wsgo/mw":    {"github.com/wsgo/wsgo/mw", "github.com/wsgo/wsgo/internal/"},
		"github.com/wsgo/wsgo/chain": {"github.com/wsgo/wsgo/chain", "github.com/wsgo/wsgo/mw", "github.com/wsgo/wsgo/internal/", "github.com/justinas/alice"},
	}
	for pkg, ok := range allowed {
		out, err := exec.Command(goTool, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if !allowedDep(dep, ok) {
				t.Errorf("%s depends on %s; allowed: the standard library and %q", pkg, dep, ok)
			}
		}
	}
}

// allowedDep reports whether dep is one of prefixes, or under one that
// ends in a slash.
func allowedDep(dep string, prefixes []string) bool {
	for _, p := range prefixes {
		if dep == p || strings.HasSuffix(p, "/") && strings.HasPrefix(dep, p) {
			return true
		}
	}
	return false
}
