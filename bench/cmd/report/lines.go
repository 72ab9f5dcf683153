package main

import (
	"fmt"
	"strings"

	"github.com/wsgo/wsgo/bench"
)

// lineTable writes what each stack's access log writes for the request of
// the tables above: the line's length, which facts of the request it
// carries, and whether a JSON-shaped line survives a quote in the
// User-Agent; then notes on the lines that do not, and on those that hold
// the absolute URL the in-memory request carries as its target.
func lineTable(b *strings.Builder, lines []bench.AccessLine) {
	b.WriteString("What each stack's access log writes for the request above: the access line's length in bytes (the last line the stack writes for the request, newline included; its timestamp and duration make it vary by a byte or two), how many lines the stack writes, and which facts of the request the line carries. `bench.AccessLines` detects each fact in the line itself, on the same request run again with its host, referer and body size set to values nothing else in a line can match; a duration by its form (a Go duration, or a JSON member named for a duration or a latency). The last column: whether a line shaped as JSON is still valid JSON (`json.Valid`) when the User-Agent holds a `\"`.\n\n")
	b.WriteString("| stack | bytes | lines | " + strings.Join(bench.LineFacts, " | ") + " | JSON with a `\"` in the User-Agent |\n")
	b.WriteString("| --- | ---: | ---: |" + strings.Repeat(" :---: |", len(bench.LineFacts)) + " --- |\n")
	var invalid, absolute, more []string
	for _, l := range lines {
		fmt.Fprintf(b, "| %s | %d | %d |", l.Stack, len(l.Line), l.Lines)
		for _, f := range l.Facts {
			b.WriteString(" " + carried(f) + " |")
		}
		b.WriteString(" " + jsonOnQuote(l) + " |\n")
		if l.JSON && !l.ValidOnQuote {
			invalid = append(invalid, l.Stack)
		}
		if l.RequestURI {
			absolute = append(absolute, l.Stack)
		}
		if l.Lines > 1 {
			more = append(more, l.Stack)
		}
	}
	if len(more) > 0 {
		fmt.Fprintf(b, "\n%s: more than one line for this request; the bytes and the facts are the access line's, the last (the development preset warns that the bare handler's answer has no Content-Type).\n", strings.Join(more, ", "))
	}
	if len(invalid) > 0 {
		fmt.Fprintf(b, "\n%s: the line is shaped as JSON, but request strings go into it unescaped: a `\"` in the User-Agent makes it invalid JSON, and a client can add members of its own to the entry.\n", strings.Join(invalid, ", "))
	}
	if len(absolute) > 0 {
		fmt.Fprintf(b, "\n%s: the line holds the request's target as received (`r.RequestURI`), which for this in-memory request (made by `httptest.NewRequest` from an absolute URL) is `http://localhost:8081/myapp2/hello/Ann?subject=Ann`; from a browser it is the path and query alone, and the line is shorter by the scheme and host.\n", strings.Join(absolute, ", "))
	}
}

// carried is a cell of the facts' columns.
func carried(ok bool) string {
	if ok {
		return "yes"
	}
	return "—"
}

// jsonOnQuote is the cell of the last column.
func jsonOnQuote(l bench.AccessLine) string {
	switch {
	case !l.JSON:
		return "n/a (text)"
	case l.ValidOnQuote:
		return "valid"
	}
	return "**invalid**"
}
