package recover

import (
	"encoding/json"
	"fmt"
	"html/template"
	"iter"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wsgo/wsgo/internal/pct"
	"github.com/wsgo/wsgo/internal/plumb"
)

// The traceback page's data.
type tracebackData struct {
	Type, Message, RequestID string
	TraceID                  string
	Chain                    []string
	Method, URL, Proto       string
	Remote                   string
	Groups                   []frameGroup
	Headers, Query, Environ  []pair
	Text                     string
}

type frameGroup struct {
	App    bool
	Frames []frameView
}

type frameView struct {
	Function, Short, File, Dir string
	Line                       int
	Source                     []sourceLine
}

type pair struct {
	K, V     string
	Redacted bool
}

const redactedText = "[redacted]"

// traceback writes the development page, as HTML, text or problem+json.
func (c *config) traceback(w http.ResponseWriter, r *http.Request, p *Panic) {
	frames := p.Frames()
	uri := c.redactedURI(r.URL)
	text := tracebackText(r, uri, p, frames)
	switch negotiate(r.Header.Get("Accept")) {
	case typeText:
		writeText(w, text)
	case typeProblem:
		writeProblem(w, p, text)
	default:
		writeHTML(w, c.tracebackData(r, p, frames, uri, text))
	}
}

// writeText writes the plain-text traceback, for curl.
func writeText(w http.ResponseWriter, text string) {
	w.Header().Set("Content-Type", typeText)
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(text))
}

// writeProblem writes the traceback as an RFC 9457 problem, for a client
// that asked for problem+json: the panic's fields and the plain text.
func writeProblem(w http.ResponseWriter, p *Panic, text string) {
	w.Header().Set("Content-Type", typeProblem)
	w.WriteHeader(http.StatusInternalServerError)
	b, _ := json.Marshal(problem{
		Type: "about:blank", Title: "Internal Server Error", Status: 500,
		Detail: p.Message(), RequestID: p.RequestID, TraceID: p.TraceID, PanicType: p.Type(), Chain: p.Chain(), Traceback: text,
	})
	_, _ = w.Write(append(b, '\n'))
}

// writeHTML writes the traceback page made from d.
func writeHTML(w http.ResponseWriter, d tracebackData) {
	w.Header().Set("Content-Type", typeHTML)
	// Rendered into memory first: a template error must not leave half a page.
	var buf strings.Builder
	if err := pageTemplate.Execute(&buf, d); err != nil {
		panic(err)
	}
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(buf.String()))
}

// tracebackData is what the HTML page shows: the panic, the request, the
// frames grouped, and the request's headers, query and environ with their
// secrets redacted.
func (c *config) tracebackData(r *http.Request, p *Panic, frames []Frame, uri, text string) tracebackData {
	return tracebackData{
		Type: p.Type(), Message: p.Message(), RequestID: p.RequestID, TraceID: p.TraceID, Chain: p.Chain(),
		Method: r.Method, URL: uri, Proto: r.Proto, Remote: r.RemoteAddr, Text: text,
		Groups:  c.frameGroups(frames),
		Headers: c.headerPairs(r.Header),
		Query:   c.queryPairs(r.URL.RawQuery),
		Environ: c.environPairs(r),
	}
}

// frameGroups groups consecutive frames by whether they are the
// application's, so that the page shows the application's open, with their
// source, and folds each run of the runtime's, net/http's and wsgo's.
func (c *config) frameGroups(frames []Frame) []frameGroup {
	var groups []frameGroup
	for _, f := range frames {
		fv := frameView{Function: f.Function, Short: shortFunc(f.Function), File: filepath.Base(f.File), Dir: filepath.Dir(f.File), Line: f.Line}
		if f.App {
			fv.Source = c.sources.around(f.File, f.Line, 5)
		}
		if n := len(groups); n > 0 && groups[n-1].App == f.App {
			groups[n-1].Frames = append(groups[n-1].Frames, fv)
		} else {
			groups = append(groups, frameGroup{App: f.App, Frames: []frameView{fv}})
		}
	}
	return groups
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

// secret reports whether a header, query parameter or environ key names a
// secret: the four headers that always do, or a name that contains one of
// the substrings of [Redact], without regard to case. Substrings, not
// words: monkey is redacted for its key, design for its sig. On a
// development page hiding too much costs a glance at the code; showing a
// secret may cost the secret.
func (c *config) secret(name string) bool {
	n := strings.ReplaceAll(strings.ToLower(name), "_", "-")
	n = strings.TrimPrefix(n, "http-")
	switch n {
	case "authorization", "cookie", "set-cookie", "proxy-authorization":
		return true
	}
	for _, s := range c.redact {
		if s != "" && strings.Contains(n, s) {
			return true
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

// redactURL is the URL s (a Referer) with the values of secret parameters
// replaced in its query and in its fragment (where OAuth's implicit flow
// puts access_token); the rest is kept as it is, so the page still shows
// where the request came from.
func (c *config) redactURL(s string) string {
	s, fragment, hasFragment := strings.Cut(s, "#")
	s, query, hasQuery := strings.Cut(s, "?")
	if hasQuery {
		s += "?" + c.redactQuery(query)
	}
	if hasFragment {
		s += "#" + c.redactQuery(fragment)
	}
	return s
}

// redactQuery replaces with REDACTED the non-empty value of every parameter
// of a raw query whose name is secret, as sent or percent-decoded. It splits
// at '&' and ';' itself rather than with url.ParseQuery, so a query that
// does not parse is redacted parameter by parameter too, and the rest is
// shown as sent, in its order.
func (c *config) redactQuery(raw string) string {
	var b strings.Builder
	start := 0
	for {
		end := strings.IndexAny(raw[start:], "&;")
		if end < 0 {
			end = len(raw)
		} else {
			end += start
		}
		param := raw[start:end]
		if name, value, ok := strings.Cut(param, "="); ok && value != "" && (c.secret(name) || c.secret(unescapeName(name))) {
			b.WriteString(name + "=REDACTED")
		} else {
			b.WriteString(param)
		}
		if end == len(raw) {
			return b.String()
		}
		b.WriteByte(raw[end])
		start = end + 1
	}
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
func tracebackText(r *http.Request, uri string, p *Panic, frames []Frame) string {
	var b strings.Builder
	fmt.Fprintf(&b, "panic: %s [%s]\n", p.Message(), p.Type())
	if chain := p.Chain(); len(chain) > 1 {
		b.WriteString("\nerror chain:\n")
		for _, e := range chain {
			b.WriteString("  " + e + "\n")
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
	return b.String()
}

var pageTemplate = template.Must(template.New("traceback").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Type}}: {{.Message}}</title>
<style>
:root{--fg:#1d232a;--muted:#5c6670;--bg:#f4f5f7;--card:#fff;--line:#e3e6ea;--accent:#b3261e;--code:#f7f8fa;--hl:#fff1c2}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{background:#2b1215;color:#fff;padding:1.4rem 2rem 1.2rem;border-bottom:4px solid var(--accent)}
header .kind{font:600 13px ui-monospace,SFMono-Regular,Menlo,monospace;color:#ffb4ab;letter-spacing:.02em}
header h1{margin:.25rem 0 .5rem;font-size:1.55rem;font-weight:650;word-break:break-word}
header .req{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;color:#e8d6d6}
header .req b{color:#fff}
main{max-width:1100px;margin:0 auto;padding:1.25rem 2rem 3rem}
h2{font-size:1.05rem;margin:1.75rem 0 .6rem;color:#333}
.chain{margin:0;padding:0;list-style:none}
.chain li{font:13px ui-monospace,monospace;background:var(--card);border:1px solid var(--line);border-left:3px solid var(--accent);padding:.4rem .7rem;margin:.3rem 0;border-radius:4px;word-break:break-word}
.frame{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:.6rem 0;overflow:hidden;box-shadow:0 1px 2px #0000000d}
.frame .where{padding:.55rem .9rem;border-bottom:1px solid var(--line);display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}
.frame .fn{font:600 14px ui-monospace,SFMono-Regular,Menlo,monospace;color:#0b3d91;word-break:break-all}
.frame .file{font:13px ui-monospace,monospace;color:var(--muted)}
pre.src{margin:0;background:var(--code);tab-size:4;font:13px/1.55 ui-monospace,SFMono-Regular,Menlo,monospace;overflow-x:auto;padding:.4rem 0}
pre.src span{display:block;padding:0 .9rem;white-space:pre}
pre.src span.cur{background:var(--hl);box-shadow:inset 3px 0 var(--accent)}
pre.src i{display:inline-block;width:3.2em;color:#9aa3ad;font-style:normal;user-select:none}
details.lib{margin:.5rem 0;border:1px dashed #c9ced4;border-radius:8px;background:#fafbfc}
details.lib summary{cursor:pointer;padding:.45rem .9rem;color:var(--muted);font-size:13px}
details.lib .frame{margin:.4rem .6rem;box-shadow:none}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:.35rem .75rem;border-bottom:1px solid var(--line)}
th{width:28%;font:600 12.5px ui-monospace,monospace;color:#333;background:#fbfbfc;word-break:break-all}
td{font:12.5px ui-monospace,monospace;word-break:break-all}
td.red{color:#9aa3ad;font-style:italic}
.plain textarea{width:100%;height:16rem;font:12.5px ui-monospace,monospace;border:1px solid var(--line);border-radius:8px;padding:.7rem;background:var(--card)}
.note{color:var(--muted);font-size:13px}
</style></head><body>
<header>
<div class="kind">panic · {{.Type}}</div>
<h1>{{.Message}}</h1>
<div class="req"><b>{{.Method}}</b> {{.URL}} · {{.Proto}} · from {{.Remote}} · request ID <b>{{.RequestID}}</b>{{if .TraceID}} · trace <b>{{.TraceID}}</b>{{end}}</div>
</header>
<main>
{{if gt (len .Chain) 1}}<h2>Error chain</h2><ul class="chain">{{range .Chain}}<li>{{.}}</li>{{end}}</ul>{{end}}
<h2>Traceback <span class="note">innermost first; your code is open, the runtime, net/http and wsgo are folded</span></h2>
{{range .Groups}}{{if .App}}{{range .Frames}}<div class="frame"><div class="where"><span class="fn">{{.Short}}</span><span class="file" title="{{.Dir}}">{{.File}}:{{.Line}}</span></div>
{{if .Source}}<pre class="src">{{range .Source}}<span{{if .Current}} class="cur"{{end}}><i>{{.N}}</i>{{.Text}}</span>{{end}}</pre>{{end}}</div>
{{end}}{{else}}<details class="lib"><summary>{{len .Frames}} frame{{if gt (len .Frames) 1}}s{{end}} of the runtime, net/http and wsgo</summary>
{{range .Frames}}<div class="frame"><div class="where"><span class="fn">{{.Short}}</span><span class="file" title="{{.Dir}}">{{.File}}:{{.Line}}</span></div></div>
{{end}}</details>
{{end}}{{end}}
<h2>Request headers</h2><table>{{range .Headers}}<tr><th>{{.K}}</th><td{{if .Redacted}} class="red"{{end}}>{{.V}}</td></tr>{{end}}</table>
{{if .Query}}<h2>Query</h2><table>{{range .Query}}<tr><th>{{.K}}</th><td{{if .Redacted}} class="red"{{end}}>{{.V}}</td></tr>{{end}}</table>{{end}}
<h2>Environ</h2><table>{{range .Environ}}<tr><th>{{.K}}</th><td{{if .Redacted}} class="red"{{end}}>{{.V}}</td></tr>{{end}}</table>
<h2>Plain text <span class="note">to paste into an issue</span></h2>
<div class="plain"><textarea readonly>{{.Text}}</textarea></div>
<p class="note">This page is shown because wsgo's recover layer runs in development mode and you are on this machine. In production the client sees only the request ID.</p>
</main></body></html>
`))

// environAll yields the request's environ for the page, when the environ
// package is in the program (see internal/plumb: recover does not import
// environ), and nothing otherwise.
func environAll(r *http.Request) iter.Seq2[string, any] {
	if plumb.Environ == nil {
		return func(func(string, any) bool) {}
	}
	return plumb.Environ(r)
}
