package traceback

import (
	"encoding/json"
	"fmt"
	"html/template"
	"iter"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	wsgorecover "github.com/wsgo/wsgo/recover"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/internal/errpage"
	"github.com/wsgo/wsgo/internal/logtap"
	"github.com/wsgo/wsgo/internal/panicvalue"
	"github.com/wsgo/wsgo/internal/pct"
	"github.com/wsgo/wsgo/internal/secret"
)

// The traceback page's data.
type tracebackData struct {
	Type, Message, RequestID string
	TraceID                  string
	Errors                   []errView
	Method, URL, Proto       string
	Remote                   string
	Groups                   []frameGroup
	StackCut                 bool // the stack was deeper than the Depth frames kept (see Panic.Truncated)
	Depth                    int
	Headers, Query, Environ  []pair
	Cookies                  []pair
	Logs                     []logtap.Record
	LogsDropped              int
	Body                     *bodyView
	Program                  *programInfo
	When                     panicContext
	Goroutines               string
	GoroutinesCut            bool
	Text, Markdown           string
	Style                    template.CSS
	Script                   template.JS
}

// errView is one error of the tree the panic value heads.
type errView struct {
	Depth         int // for the indent, at most 4
	Type, Message string
	Frames        []frameView // its own stack, when it has one
}

type frameGroup struct {
	App    bool
	Frames []frameView
}

type frameView struct {
	Function, Short, File, Dir string
	Line                       int
	App, Open                  bool
	Repeat                     int // how many more times the same frame followed (a recursion)
	Source                     []sourceLine
	NoSource                   string // why Source is empty
	Editor                     template.URL
	path                       string // the file's whole path
}

type pair struct {
	K, V     string
	Redacted bool
}

// redactedText replaces a secret value on the page: internal/secret's
// marker, the one the access log writes too.
const redactedText = secret.Marker

// traceback writes the development page, as HTML, text or problem+json.
func (c *config) traceback(w http.ResponseWriter, r *http.Request, p *wsgorecover.Panic, dc *devCapture) {
	frames := p.Frames()
	uri := c.redactedURI(r.URL)
	text := tracebackText(r, uri, p, frames, c.program())
	switch errpage.Negotiate(r.Header.Get("Accept")) {
	case errpage.TypeText:
		writeText(w, text)
	case errpage.TypeProblem:
		writeProblem(w, p, text)
	default:
		c.writeHTML(w, c.tracebackData(r, p, dc, frames, uri, text))
	}
}

// writeText writes the plain-text traceback, for curl.
func writeText(w http.ResponseWriter, text string) {
	w.Header().Set("Content-Type", errpage.TypeText)
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(text))
}

// writeProblem writes the traceback as an RFC 9457 problem, for a client
// that asked for problem+json: the panic's fields and the plain text.
func writeProblem(w http.ResponseWriter, p *wsgorecover.Panic, text string) {
	w.Header().Set("Content-Type", errpage.TypeProblem)
	w.WriteHeader(http.StatusInternalServerError)
	b, _ := json.Marshal(errpage.Problem{
		Type: "about:blank", Title: "Internal Server Error", Status: 500,
		Detail: p.Message(), RequestID: p.RequestID, TraceID: p.TraceID, PanicType: p.Type(), Chain: p.Chain(), Traceback: text,
	})
	_, _ = w.Write(append(b, '\n'))
}

// writeHTML writes the traceback page made from d, with the
// Content-Security-Policy that lets only its own style and script run. The
// page is rendered into memory first: when rendering fails, the answer is
// the plain-text traceback, not half a page.
func (c *config) writeHTML(w http.ResponseWriter, d tracebackData) {
	page := c.page()
	var buf strings.Builder
	if err := page.tmpl.Execute(&buf, d); err != nil {
		writeText(w, d.Text+"\n(the HTML page could not be rendered: "+err.Error()+")\n")
		return
	}
	w.Header().Set("Content-Type", errpage.TypeHTML)
	w.Header().Set("Content-Security-Policy", page.csp)
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(buf.String()))
}

// tracebackData is what the HTML page shows: the panic, the request, the
// frames grouped, and the request's headers, query and environ with their
// secrets redacted.
func (c *config) tracebackData(r *http.Request, p *wsgorecover.Panic, dc *devCapture, frames []wsgorecover.Frame, uri, text string) tracebackData {
	goroutines, cut := allGoroutines(maxGoroutineDump)
	when := newPanicContext(p.Time, c.started)
	when.Uptime = when.Uptime.Round(time.Second)
	logs, dropped := dc.capturedLogs()
	return tracebackData{
		Type: p.Type(), Message: p.Message(), RequestID: p.RequestID, TraceID: p.TraceID, Errors: c.errorViews(p),
		Method: r.Method, URL: uri, Proto: r.Proto, Remote: r.RemoteAddr,
		Groups: c.frameGroups(frames), StackCut: p.Truncated(), Depth: len(frames),
		Headers: c.requestPairs(r, uri),
		Cookies: c.cookiePairs(r),
		Body:    c.capturedBody(dc, r),
		Query:   c.queryPairs(r.URL.RawQuery),
		Environ: c.environPairs(r),
		Logs:    logs, LogsDropped: dropped,
		Program: c.program(), When: when,
		Goroutines: goroutines, GoroutinesCut: cut,
		Text:     text,
		Markdown: tracebackMarkdown(p, text),
		Style:    pageStyle, Script: pageScript,
	}
}

// Bounds of the source the page carries: every frame's lines around its
// own, each line cut at maxSourceLine bytes, and no more than
// maxSourceFrames frames with source (a stack is at most 128 frames deep, an
// error's own stack at most maxErrorFrames).
const (
	sourceContext   = 10
	maxSourceLine   = 300
	maxSourceFrames = 256
)

// maxOpenFrames is how many of the application's frames the page shows
// open; the others open on a click.
const maxOpenFrames = 5

// frameGroups groups consecutive frames by whether they are the
// application's, so that the page shows the application's open (the first
// maxOpenFrames of them) and folds each run of the runtime's, net/http's
// and wsgo's. Every frame carries its source, to open in place; a frame
// repeated by recursion is shown once, with its count.
func (c *config) frameGroups(frames []wsgorecover.Frame) []frameGroup {
	var groups []frameGroup
	budget, open := maxSourceFrames, maxOpenFrames
	for _, fv := range c.frameViews(frames, &budget) {
		if fv.App && open > 0 {
			fv.Open = true
			open--
		}
		if n := len(groups); n > 0 && groups[n-1].App == fv.App {
			groups[n-1].Frames = append(groups[n-1].Frames, fv)
		} else {
			groups = append(groups, frameGroup{App: fv.App, Frames: []frameView{fv}})
		}
	}
	return groups
}

// frameViews is frames as the page shows them, with their source while
// *budget lasts; consecutive frames at the same line of the same function
// (a recursion) are one view, with Repeat counting the others.
func (c *config) frameViews(frames []wsgorecover.Frame, budget *int) []frameView {
	views := make([]frameView, 0, len(frames))
	for _, f := range frames {
		if n := len(views); n > 0 && views[n-1].Function == f.Function && views[n-1].Line == f.Line && views[n-1].path == f.File {
			views[n-1].Repeat++
			continue
		}
		fv := frameView{
			Function: f.Function, Short: shortFunc(f.Function), File: filepath.Base(f.File), Dir: filepath.Dir(f.File),
			Line: f.Line, App: f.App, Editor: c.editorURL(f.File, f.Line), path: f.File,
		}
		switch {
		case *budget <= 0:
			fv.NoSource = "the page carries the source of the first " + strconv.Itoa(maxSourceFrames) + " frames only"
		default:
			*budget--
			if fv.Source = c.sources.around(f.File, f.Line, sourceContext, maxSourceLine); fv.Source == nil {
				fv.NoSource = "the file " + f.File + " is not readable on this machine"
			}
		}
		views = append(views, fv)
	}
	return views
}

// requestPairs is the request as the headers table shows it: the request
// line (its query redacted) and Host first, then the headers (see
// headerPairs).
func (c *config) requestPairs(r *http.Request, uri string) []pair {
	return append([]pair{
		{K: "Request line", V: r.Method + " " + uri + " " + r.Proto},
		c.pair("Host", r.Host),
	}, c.headerPairs(r.Header)...)
}

// headerPairs is the request's headers, sorted, each joined into one line,
// secret ones redacted, and the secret parameters of a Referer's query and
// fragment redacted too.
func (c *config) headerPairs(h http.Header) []pair {
	var pairs []pair
	for k, vs := range h {
		if strings.EqualFold(k, "Referer") {
			vs = slices.Clone(vs)
			for i, v := range vs {
				vs[i] = c.redactURL(v)
			}
		}
		pairs = append(pairs, c.pair(k, strings.Join(vs, ", ")))
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.K, b.K) })
	return pairs
}

// queryPairs is the decoded query, sorted, secret parameters redacted; none
// when the query does not parse (the environ's QUERY_STRING still shows it).
func (c *config) queryPairs(rawQuery string) []pair {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil
	}
	var pairs []pair
	for k, vs := range q {
		pairs = append(pairs, c.pair(k, strings.Join(vs, ", ")))
	}
	slices.SortFunc(pairs, func(a, b pair) int { return strings.Compare(a.K, b.K) })
	return pairs
}

// environPairs is the request's environ, when the environ package is in the
// program, with the secrets in its values redacted, each value written as
// environValue says.
func (c *config) environPairs(r *http.Request) []pair {
	var pairs []pair
	for k, v := range environAll(r) {
		pairs = append(pairs, c.pair(k, environValue(c.redactEnviron(k, v))))
	}
	return pairs
}

// redactEnviron redacts the secret parameters in the environ values that
// carry a query (QUERY_STRING, REQUEST_URI) or a URL (HTTP_REFERER), which
// pair alone would show, since their keys name no secret.
func (c *config) redactEnviron(k string, v any) any {
	switch k {
	case "QUERY_STRING":
		return c.redactQuery(v.(string))
	case "HTTP_REFERER":
		return c.redactURL(v.(string))
	case "REQUEST_URI":
		u, err := url.ParseRequestURI(v.(string))
		if err != nil {
			u = &url.URL{}
		}
		return c.redactedURI(u)
	}
	return v
}

// environValue is an environ value as the page shows it: printed for the
// plain types, and only its type for the others (wsgi.input, wsgi.errors),
// whose printed form says nothing useful.
func environValue(v any) string {
	switch v.(type) {
	case string, bool, int, int64, []string, map[string]string:
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%T", v)
}

func (c *config) pair(k, v string) pair {
	if c.secret(k) {
		return pair{K: k, V: redactedText, Redacted: true}
	}
	return pair{K: k, V: v}
}

// secret reports whether a header, query parameter, environ key, form or
// JSON key or log field names a secret: by internal/secret's rule, which the
// access log shares, or by a substring of [Redact].
func (c *config) secret(name string) bool {
	return secret.Name(name) || c.extraSecret(name)
}

// extraSecret reports whether name, lower-cased, or its decoding as a query
// decodes it, contains one of the substrings of [Redact].
func (c *config) extraSecret(name string) bool {
	if len(c.redact) == 0 {
		return false
	}
	for _, n := range []string{strings.ToLower(name), strings.ToLower(unescapeName(name))} {
		for _, s := range c.redact {
			if s != "" && strings.Contains(n, s) {
				return true
			}
		}
	}
	return false
}

// redactedURI is the request URI with the values of secret query
// parameters replaced.
func (c *config) redactedURI(u *url.URL) string {
	if u.RawQuery == "" {
		return u.EscapedPath()
	}
	return u.EscapedPath() + "?" + c.redactQuery(u.RawQuery)
}

// redactURL is the URL s (a Referer) with its secrets replaced: the
// password of its user information, and the values of secret parameters in
// its query and in its fragment (where OAuth's implicit flow puts
// access_token); the rest is kept as it is, so the page still shows where
// the request came from.
func (c *config) redactURL(s string) string { return secret.URL(s, c.extra()) }

// redactQuery replaces with REDACTED the non-empty value of every parameter
// of a raw query whose name is secret. It splits at '&' and ';' itself
// rather than with url.ParseQuery, so a query that does not parse is
// redacted parameter by parameter too, and the rest is shown as sent, in
// its order.
func (c *config) redactQuery(raw string) string { return secret.Query(raw, c.extra()) }

// extra is extraSecret, or nil without substrings of [Redact].
func (c *config) extra() func(string) bool {
	if len(c.redact) == 0 {
		return nil
	}
	return c.extraSecret
}

// unescapeName decodes a query parameter's name as url.ParseQuery does,
// '+' as a space, but keeps an invalid escape as it is instead of failing.
func unescapeName(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '+' {
			b = append(b, ' ')
			continue
		}
		var c byte
		c, i = pct.Decode(s, i)
		b = append(b, c)
	}
	return string(b)
}

func shortFunc(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

// tracebackText is the plain-text traceback: for curl, for problem+json, and
// on the page to paste into an issue.
func tracebackText(r *http.Request, uri string, p *wsgorecover.Panic, frames []wsgorecover.Frame, prog *programInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "panic: %s [%s]\n", p.Message(), p.Type())
	if err, ok := p.Value.(error); ok {
		if tree := errorTree(err); len(tree) > 1 || len(tree) == 1 && tree[0].Frames != nil {
			b.WriteString("\nerrors:\n" + treeText(tree))
		}
	}
	b.WriteString("\ntraceback (innermost first):\n")
	for _, f := range frames {
		mark := "  "
		if f.App {
			mark = "> "
		}
		fmt.Fprintf(&b, "%s%s\n      %s:%d\n", mark, f.Function, f.File, f.Line)
	}
	fmt.Fprintf(&b, "\nrequest: %s %s %s\nrequest ID: %s\n", r.Method, uri, r.Proto, p.RequestID)
	if p.TraceID != "" {
		fmt.Fprintf(&b, "trace ID: %s\n", p.TraceID)
	}
	fmt.Fprintf(&b, "time: %s\n\n%s", p.Time.Format(time.RFC3339Nano), prog.text())
	return b.String()
}

// environAll yields the request's environ for the page: the one a layer
// attached, or one made from r.
func environAll(r *http.Request) iter.Seq2[string, any] { return environ.From(r).All() }

// errorViews is the error tree the panic value heads, for the page: none
// when the value is not an error.
func (c *config) errorViews(p *wsgorecover.Panic) []errView {
	err, ok := p.Value.(error)
	if !ok {
		return nil
	}
	nodes := errorTree(err)
	views := make([]errView, len(nodes))
	budget := maxSourceFrames
	for i, n := range nodes {
		views[i] = errView{Depth: min(n.Depth, 4), Type: n.Type, Message: n.Message, Frames: c.frameViews(n.Frames, &budget)}
	}
	return views
}

// tracebackMarkdown is the plain-text traceback as Markdown, for an issue
// or a chat: a heading with the panic and the text in a fenced block.
func tracebackMarkdown(p *wsgorecover.Panic, text string) string {
	return "**panic** " + codeSpan(p.Type()) + ": " + codeSpan(oneLine(p.Message())) + "\n\n" + fenced(text)
}

// codeSpan is s as a Markdown code span: delimited by one backtick more
// than the longest run of backticks in it (CommonMark 6.1).
func codeSpan(s string) string {
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	return fence + " " + s + " " + fence
}

// fenced is s as a Markdown fenced code block, its fence longer than any
// run of backticks in s, so nothing in s can close it.
func fenced(s string) string {
	fence := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return fence + "text\n" + strings.TrimSuffix(s, "\n") + "\n" + fence + "\n"
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}

// oneLine is s with its line breaks as spaces, at most 200 bytes.
func oneLine(s string) string {
	return panicvalue.Cut(strings.Join(strings.Fields(s), " "), 200)
}
