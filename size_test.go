package wsgo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The programs whose binaries TestProductionLinksNoDevelopmentPage reads.
const (
	productionProgram = `package main

import (
	"net/http"

	"github.com/wsgo/wsgo"
)

func main() {
	h := wsgo.Production(nil).Then(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	_ = http.ListenAndServe("127.0.0.1:0", h)
}
`
	recoverProgram = `package main

import (
	"net/http"
	"os"

	"github.com/wsgo/wsgo/logging"
	wsgorecover "github.com/wsgo/wsgo/recover"
)

func main() {
	log := logging.JSON(os.Stderr)
	h := logging.Access(log)(wsgorecover.New(log)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	_ = http.ListenAndServe("127.0.0.1:0", h)
}
`
)

// TestProductionLinksNoDevelopmentPage builds two small programs and reads
// their symbols (go tool nm): what production never runs, it must not
// link. A program of wsgo.Production has no function of recover/traceback
// and none of the template engine (no Parse or Execute, no
// reflect.Value.MethodByName, which would turn off the linker's dead-code
// elimination of methods); the package initialisation of html/template
// is all that wsgo's import of traceback (for Development) costs it. A
// program of recover.New and logging.Access alone links neither package
// at all. It asserts which symbols are absent, not byte counts.
func TestProductionLinksNoDevelopmentPage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs")
	}
	for _, tt := range []struct {
		name, src string
		banned    []string
	}{
		{"wsgo.Production", productionProgram, []string{
			" T github.com/wsgo/wsgo/recover/traceback.", " T github.com/wsgo/wsgo/internal/logtap.",
			"html/template.(*Template).Execute", "html/template.(*Template).Parse", "text/template.(*state).",
			"reflect.Value.MethodByName",
		}},
		{"recover.New and logging.Access", recoverProgram, []string{
			"github.com/wsgo/wsgo/recover/traceback.", "html/template.", "text/template.", "reflect.Value.MethodByName",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			src, bin := filepath.Join(dir, "main.go"), filepath.Join(dir, "prog")
			if err := os.WriteFile(src, []byte(tt.src), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("go", "build", "-o", bin, src).CombinedOutput(); err != nil {
				t.Fatalf("go build: %v\n%s", err, out)
			}
			out, err := exec.Command("go", "tool", "nm", bin).Output()
			if err != nil {
				t.Fatalf("go tool nm: %v", err)
			}
			syms := string(out)
			if !strings.Contains(syms, "github.com/wsgo/wsgo/recover.(*config).serve") {
				t.Fatal("the recover layer is not in the binary: the program is not the one meant")
			}
			for _, b := range tt.banned {
				if i := strings.Index(syms, b); i >= 0 {
					line := syms[strings.LastIndexByte(syms[:i], '\n')+1:]
					t.Errorf("linked: %s", line[:strings.IndexByte(line, '\n')])
				}
			}
		})
	}
}
