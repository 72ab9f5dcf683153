// Package errpage holds what the production 500 of package recover and the
// pages of recover/traceback share: the media types a page comes in, the
// choice among them by Accept, the problem+json body, and the small pages'
// HTML head and style (the PIN prompt looks like the production page).
package errpage

import (
	"strings"
)

// The media types the pages come in.
const (
	TypeHTML    = "text/html; charset=utf-8"
	TypeText    = "text/plain; charset=utf-8"
	TypeProblem = "application/problem+json"
)

// The small pages (the production 500, the PIN prompt) around their title
// and style: HeadStart, the title, HeadStyle, the style (Style, perhaps
// with rules of its own after it), HeadEnd, the content, Tail.
const (
	HeadStart = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>`
	HeadStyle = `</title>
<style>`
	HeadEnd = `</style>
</head><body><main>`
	Tail = `</main></body></html>
`
)

// Style is the small pages' stylesheet: a card with a heading, paragraphs
// and a request ID to select.
const Style = `body{font:16px/1.5 system-ui,sans-serif;color:#222;background:#f6f6f4;margin:0}
main{max-width:34rem;margin:12vh auto;padding:2rem 2.25rem;background:#fff;border-radius:10px;box-shadow:0 1px 4px #0002}
h1{font-size:1.35rem;margin:0 0 .75rem}p{margin:.5rem 0;color:#444}
code{font:15px ui-monospace,monospace;background:#f0f0ee;padding:.15rem .4rem;border-radius:4px;user-select:all}`

// Problem is an RFC 9457 problem detail, with wsgo's request_id extension
// and, on the development page, the traceback.
type Problem struct {
	Type      string   `json:"type"`
	Title     string   `json:"title"`
	Status    int      `json:"status"`
	Detail    string   `json:"detail,omitempty"`
	RequestID string   `json:"request_id"`
	TraceID   string   `json:"trace_id,omitempty"`
	PanicType string   `json:"panic_type,omitempty"`
	Chain     []string `json:"error_chain,omitempty"`
	Traceback string   `json:"traceback,omitempty"`
}

// Negotiate picks the page's media type from an Accept header: HTML for
// browsers, problem+json for API clients, plain text for curl, for */* and
// for no Accept at all. Each type takes the q of the most specific range
// that matches it (RFC 9110 §12.5.1), so "*/*, text/plain;q=0" excludes
// plain text; a q of 0 is never acceptable. Ties go to the range that came
// first.
func Negotiate(accept string) string {
	if accept == "" {
		return TypeText
	}
	cands := [...]struct {
		typ, full string
		q         int // thousandths
		spec, pos int
	}{
		{"text/plain", TypeText, 0, -1, 0},
		{"text/html", TypeHTML, 0, -1, 0},
		{"application/xhtml+xml", TypeHTML, 0, -1, 0},
		{"application/problem+json", TypeProblem, 0, -1, 0},
		{"application/json", TypeProblem, 0, -1, 0},
	}
	pos := 0
	for rest := accept; rest != ""; pos++ {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		mt, q := parseRange(part)
		if q < 0 {
			continue // a range with a bad q is ignored
		}
		for i := range cands {
			if spec := matches(mt, cands[i].typ); spec > cands[i].spec {
				cands[i].q, cands[i].spec, cands[i].pos = q, spec, pos
			}
		}
	}
	best, bestQ, bestSpec, bestPos := TypeText, 0, -1, 0
	for _, c := range cands {
		if c.q <= 0 {
			continue
		}
		if c.q > bestQ || (c.q == bestQ && (c.spec > bestSpec || (c.spec == bestSpec && c.pos < bestPos))) {
			best, bestQ, bestSpec, bestPos = c.full, c.q, c.spec, c.pos
		}
	}
	return best
}

// parseRange returns a media range, lower-cased, and its q in
// thousandths; -1 when q is not a qvalue.
func parseRange(part string) (string, int) {
	mt, params, _ := strings.Cut(part, ";")
	mt = lower(strings.TrimSpace(mt))
	q := 1000
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(k, "q") {
			q = parseQ(v)
		}
	}
	return mt, q
}

// lower is s in lower case: s itself when it has no capital (media ranges
// nearly never do), found in one plain pass.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// parseQ is a qvalue in thousandths, as RFC 9110 12.4.2 writes it ("0",
// "0.5", "0.125", "1", "1.000"), or -1 for anything else. Integers keep
// the comparison of two q values exact, and cost less than ParseFloat.
func parseQ(v string) int {
	if v == "" || v[0] != '0' && v[0] != '1' || len(v) > 5 || len(v) > 1 && v[1] != '.' {
		return -1
	}
	q := int(v[0]-'0') * 1000
	scale := 100
	for i := 2; i < len(v); i++ {
		d := v[i]
		if d < '0' || d > '9' {
			return -1
		}
		q += int(d-'0') * scale
		scale /= 10
	}
	if q > 1000 {
		return -1
	}
	return q
}

// matches says how specifically mediaRange matches typ: 2 exactly, 1 as
// type/*, 0 as */*, -1 not at all.
func matches(mediaRange, typ string) int {
	switch {
	case mediaRange == typ:
		return 2
	case mediaRange == "*/*":
		return 0
	case strings.HasSuffix(mediaRange, "/*") && strings.HasPrefix(typ, mediaRange[:len(mediaRange)-1]):
		return 1
	}
	return -1
}
