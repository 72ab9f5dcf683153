package bench

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

// stackLine serves r once through the stack name of StacksTo and returns
// the last line its loggers wrote.
func stackLine(t *testing.T, name string, r *http.Request) string {
	t.Helper()
	var w countingWriter
	for _, s := range StacksTo(&w) {
		if s.Name == name {
			_, line, err := runOnce(s.Wrap(Hello), &w.b, r)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return line
		}
	}
	t.Fatalf("no stack %q", name)
	return ""
}

// TestEchoLineInvalidJSONOnAQuote: echo's access line is shaped as JSON
// but writes the User-Agent unescaped, so a quote in it makes the line
// invalid JSON; wsgo's and zap's lines stay valid.
func TestEchoLineInvalidJSONOnAQuote(t *testing.T) {
	r := func() *http.Request {
		r := wsgotest.Request()
		r.Header.Set("User-Agent", `Mozilla/5.0 "quoted"`)
		return r
	}
	for name, valid := range map[string]bool{"echo": false, "wsgo-production": true, "wsgo-production-json": true, "zapfloor": true, "appender": true} {
		line := stackLine(t, name, r())
		if !strings.HasPrefix(line, "{") || !strings.Contains(line, "quoted") {
			t.Fatalf("%s: not a JSON-shaped line with the User-Agent: %q", name, line)
		}
		if json.Valid([]byte(line)) != valid {
			t.Errorf("%s: json.Valid = %v, want %v, on %q", name, !valid, valid, line)
		}
	}
}

// TestAccessLines: each stack's line, and the facts detected in it, as
// the lines read: the floors, wsgo and the hand-written stack carry every
// fact; each peer lacks the ones its format leaves out; chi, gorilla and
// echo write the request's target as received.
func TestAccessLines(t *testing.T) {
	lines, err := AccessLines()
	if err != nil {
		t.Fatal(err)
	}
	lacks := map[string][]string{
		"chi":     {"request size", "user agent", "referer"},
		"gorilla": {"request size", "duration", "host", "request ID"},
		"negroni": {"query", "response size", "request size", "client address", "user agent", "referer", "request ID"},
		"echo":    {"referer"},
	}
	if len(lines) != len(LineStacks) {
		t.Fatalf("%d lines for %d stacks", len(lines), len(LineStacks))
	}
	for _, l := range lines {
		var got []string
		for i, f := range l.Facts {
			if !f {
				got = append(got, LineFacts[i])
			}
		}
		if strings.Join(got, ",") != strings.Join(lacks[l.Stack], ",") {
			t.Errorf("%s lacks %v, want %v; line %q", l.Stack, got, lacks[l.Stack], l.Line)
		}
		if l.Lines < 1 || !strings.HasSuffix(l.Line, "\n") || strings.Count(l.Line, "\n") != 1 {
			t.Errorf("%s: %d lines, access line %q", l.Stack, l.Lines, l.Line)
		}
		if peer := l.Stack == "chi" || l.Stack == "gorilla" || l.Stack == "echo"; l.RequestURI != peer {
			t.Errorf("%s: holds the absolute RequestURI: %v, want %v; line %q", l.Stack, l.RequestURI, peer, l.Line)
		}
		if l.JSON && l.ValidOnQuote == (l.Stack == "echo") {
			t.Errorf("%s: valid JSON with a quote in the User-Agent: %v", l.Stack, l.ValidOnQuote)
		}
	}
}

// TestLineFactsIgnoresTheClock: numbers a clock writes (an hour that reads
// as the response size, a duration, a decimal timestamp) are not taken for
// a status or a size, and a request ID that looks like a duration is not
// taken for one.
func TestLineFactsIgnoresTheClock(t *testing.T) {
	r := markedRequest()
	for _, c := range []struct {
		line string
		want []int
	}{
		{"2026/12/03 13:44:13 1796305448.200 | 200 | \t 13.2µs | GET\n", []int{factMethod, factStatus, factDuration}},
		{"13:13:13 [13/Dec/2026:13:13:13 +1300] 12ms GET\n", []int{factMethod, factDuration}},
		{`{"time":"2026-12-13T13:13:13.200Z","latency":13,"id":"ab4s0","method":"GET"}` + "\n", []int{factMethod, factDuration, factRequestID}},
		{`{"id":"ab4s0","bytes_out":13,"status":200,"in":37243}` + "\n", []int{factStatus, factRespSize, factReqSize, factRequestID}},
	} {
		var got []int
		for i, f := range lineFacts(c.line, r, []string{"ab4s0"}) {
			if f {
				got = append(got, i)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: facts %v, want %v", c.line, got, c.want)
		}
	}
}

// TestEchoLineTakesForgedMembers: as echo writes the User-Agent
// unescaped, a client can add members of its own to the entry, which the
// report's note says.
func TestEchoLineTakesForgedMembers(t *testing.T) {
	r := wsgotest.Request()
	r.Header.Set("User-Agent", `x","status":500,"forged":"yes`)
	line := stackLine(t, "echo", r)
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("%v: %q", err, line)
	}
	if m["forged"] != "yes" {
		t.Errorf("no forged member in %q", line)
	}
}
