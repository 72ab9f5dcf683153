package wsgo_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeQuickStartIsAnExample: the README's quick start is, verbatim, a
// function of example_test.go, so that go test runs and checks it; the README
// stays short and starts with the two commands CI and newcomers use.
func TestReadmeQuickStartIsAnExample(t *testing.T) {
	readme := readFile(t, "README.md")
	if n := strings.Count(readme, "\n"); n > 300 {
		t.Errorf("README.md has %d lines, want at most 300 (move the detail to docs/ or bench/README.md)", n)
	}
	const commands = "```sh\ngo run ./examples/site           # the main job: serves http://localhost:8081/\ngo test -race ./...              # the tests (CI: bash .ci/run)\n```\n"
	if i := strings.Index(readme, commands); i < 0 || i > strings.Index(readme, "## Install") {
		t.Errorf("README.md: the two commands are not the first code block:\n%s", commands)
	}
	i := strings.Index(readme, "## Quick start")
	if i < 0 {
		t.Fatal("README.md has no Quick start section")
	}
	m := regexp.MustCompile("(?s)```go\n(.*?)```").FindStringSubmatch(readme[i:])
	if m == nil {
		t.Fatal("README.md: Quick start has no Go code block")
	}
	code := m[1]
	if !strings.HasPrefix(code, "func Example") {
		t.Errorf("README.md: the quick start is not an Example function:\n%s", code)
	}
	if !strings.Contains(readFile(t, "example_test.go"), code) {
		t.Errorf("README.md: the quick start is not, verbatim, in example_test.go:\n%s", code)
	}
}

// TestDocsLinksResolve: every relative link of the README, of docs/ and of
// bench/README.md names a file of the repository.
func TestDocsLinksResolve(t *testing.T) {
	files, _ := filepath.Glob("docs/*.md")
	files = append(files, "README.md", "bench/README.md")
	link := regexp.MustCompile(`\]\(([^)#:\s]+)(#[^)]*)?\)`)
	for _, f := range files {
		for _, m := range link.FindAllStringSubmatch(readFile(t, f), -1) {
			target := filepath.Join(filepath.Dir(f), m[1])
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s: link %q: %v", f, m[1], err)
			}
		}
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
