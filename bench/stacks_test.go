package bench

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/wsgo/wsgo"

	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/handlers"
	"github.com/urfave/negroni/v3"

	wsgorecover "github.com/wsgo/wsgo/recover"
)

// BenchmarkStacks: the same request through every stack, in one run.
// Compare with: benchstat -col /stack results.txt
func BenchmarkStacks(b *testing.B) {
	for _, s := range Stacks() {
		b.Run("stack="+s.Name, func(b *testing.B) { serve(b, s.Wrap(Hello)) })
	}
}

var boom = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("boom") })

// BenchmarkPanic is the 500 path: a panic recovered, logged, answered.
func BenchmarkPanic(b *testing.B) {
	// chi's Recoverer prints its pretty stack to the standard error it saw
	// at start-up, and nowhere else: point file descriptor 2 at /dev/null
	// while it runs, so it still pays for the printing.
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	saved, err := syscall.Dup(2)
	if err != nil {
		b.Fatal(err)
	}
	syscall.Dup3(int(devnull.Fd()), 2, 0)
	defer func() { syscall.Dup3(saved, 2, 0); syscall.Close(saved); devnull.Close() }()
	stacks := []struct {
		name string
		h    http.Handler
	}{
		{"wsgo-recover", wsgorecover.New(Discard())(boom)},
		{"wsgo-production", wsgo.Production(Discard()).Then(boom)},
		{"chi", chimw.Recoverer(boom)},
		{"gorilla", handlers.RecoveryHandler(handlers.RecoveryLogger(discardLog))(boom)},
		{"negroni", func() http.Handler {
			rec := negroni.NewRecovery()
			rec.Logger, rec.PrintStack = discardLog, false
			n := negroni.New(rec)
			n.UseHandler(boom)
			return n
		}()},
		{"handwritten", handwritten(Discard())(boom)},
		{"handwritten-recover", handwrittenRecover(Discard())(boom)},
	}
	for _, s := range stacks {
		b.Run("stack="+s.name, func(b *testing.B) { serve(b, s.h) })
	}
}

// chunk100 streams 100 chunks of 13 bytes, each flushed.
var chunk100 = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	f, _ := w.(http.Flusher)
	for i := 0; i < 100; i++ {
		w.Write(HelloBody)
		if f != nil {
			f.Flush()
		}
	}
})

// BenchmarkStream100: a response of 100 flushed chunks through each stack.
func BenchmarkStream100(b *testing.B) {
	for _, s := range Stacks() {
		if !s.Full && s.Name != "bare" && s.Name != "zapfloor" {
			continue
		}
		b.Run("stack="+s.Name, func(b *testing.B) { serve(b, s.Wrap(chunk100)) })
	}
}

func TestWriterCapabilities(t *testing.T) {
	caps, err := WriterCapabilities()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("| stack | http.Flusher | http.Hijacker | ResponseController.Flush |\n| --- | --- | --- | --- |\n")
	for _, s := range Stacks() {
		if c, ok := caps[s.Name]; ok {
			fmt.Fprintf(&b, "| %s | %v | %v | %v |\n", s.Name, c[0], c[1], c[2])
		}
	}
	t.Log("\n" + b.String())
	for _, name := range []string{"wsgo-production", "wsgo-development"} {
		if caps[name] != [3]bool{true, true, true} {
			t.Errorf("%s loses a capability of the writer: %v", name, caps[name])
		}
	}
}
