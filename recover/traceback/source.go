package traceback

import (
	"bytes"
	"os"
	"strings"
	"sync"

	"github.com/wsgo/wsgo/internal/panicvalue"
)

// sourceCache keeps the lines of the source files that traceback pages
// show, read from disk once. It holds at most maxFiles files of at most
// maxFileSize bytes; a file that cannot be read is remembered as such.
type sourceCache struct {
	mu    sync.Mutex
	files map[string][]string
}

const (
	maxFiles    = 256
	maxFileSize = 2 << 20
)

func (s *sourceCache) lines(file string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ls, ok := s.files[file]; ok {
		return ls
	}
	var ls []string
	if fi, err := os.Stat(file); err == nil && fi.Mode().IsRegular() && fi.Size() <= maxFileSize {
		if b, err := os.ReadFile(file); err == nil {
			ls = strings.Split(string(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))), "\n")
		}
	}
	if s.files == nil {
		s.files = map[string][]string{}
	}
	if len(s.files) >= maxFiles {
		clear(s.files)
	}
	s.files[file] = ls
	return ls
}

// sourceLine is one line of a listing.
type sourceLine struct {
	N       int
	Text    string
	Current bool
}

// around returns the lines line-context .. line+context of file, each cut
// at width bytes (at a rune boundary, marked with an panicvalue.Ellipsis).
func (s *sourceCache) around(file string, line, context, width int) []sourceLine {
	ls := s.lines(file)
	if line < 1 || line > len(ls) {
		return nil
	}
	var out []sourceLine
	for n := max(1, line-context); n <= min(len(ls), line+context); n++ {
		out = append(out, sourceLine{N: n, Text: panicvalue.Cut(ls[n-1], width), Current: n == line})
	}
	return out
}
