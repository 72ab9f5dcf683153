package traceback

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"strings"
)

// pageAssets is the traceback page's parsed template and its
// Content-Security-Policy. The page is one response: its style and its one
// script are inline, and the policy allows exactly those two by their
// hashes, so that nothing a request reflected onto the page can run, load
// or send anything, even if an escape were missed.
type pageAssets struct {
	tmpl *template.Template
	csp  string
}

// parsePage makes the page's assets. New has it called once, on the first
// traceback (sync.OnceValue), never when the package is initialised: a
// program that never makes a Debugger neither parses nor links the
// template.
func parsePage() pageAssets {
	return pageAssets{
		tmpl: template.Must(template.New("traceback").Funcs(template.FuncMap{"lower": strings.ToLower}).Parse(pageHTML)),
		csp: "default-src 'none'; style-src " + cspHash(pageStyle) + "; script-src " + cspHash(pageScript) +
			"; img-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
	}
}

// cspHash is the CSP source expression that allows the inline element
// whose text is s.
func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// pageStyle is the page's stylesheet.
const pageStyle = `
:root{--fg:#1d232a;--muted:#5c6670;--bg:#f4f5f7;--card:#fff;--line:#e3e6ea;--accent:#b3261e;--code:#f7f8fa;--hl:#fff1c2}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{background:#2b1215;color:#fff;padding:1.4rem 2rem 1.2rem;border-bottom:4px solid var(--accent)}
header .top{display:flex;justify-content:space-between;gap:1rem;align-items:flex-start}
header .kind{font:600 13px ui-monospace,SFMono-Regular,Menlo,monospace;color:#ffb4ab;letter-spacing:.02em}
header h1{margin:.25rem 0 .5rem;font-size:1.55rem;font-weight:650;word-break:break-word;white-space:pre-wrap}
header .req{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;color:#e8d6d6;word-break:break-all}
header .req b{color:#fff}
header button{font:600 12.5px system-ui,sans-serif;color:#fff;background:#ffffff1f;border:1px solid #ffffff4d;border-radius:6px;padding:.35rem .7rem;cursor:pointer;white-space:nowrap}
header button:hover{background:#ffffff33}
nav{font-size:13px;margin-top:.6rem}nav a{color:#ffb4ab;margin-right:.9rem}
main{max-width:1100px;margin:0 auto;padding:1.25rem 2rem 3rem}
h2{font-size:1.05rem;margin:1.75rem 0 .6rem;color:#333}
.errors{margin:0;padding:0;list-style:none}
.errors li{font:13px ui-monospace,monospace;background:var(--card);border:1px solid var(--line);border-left:3px solid var(--accent);padding:.4rem .7rem;margin:.3rem 0;border-radius:4px;word-break:break-word}
.errors .ty{color:#0b3d91;font-weight:600}
.errors .d1{margin-left:1.5rem}.errors .d2{margin-left:3rem}.errors .d3{margin-left:4.5rem}.errors .d4{margin-left:6rem}
details.frame{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:.5rem 0;overflow:hidden;box-shadow:0 1px 2px #0000000d}
details.frame>summary{padding:.5rem .9rem;display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap;cursor:pointer;list-style:none}
details.frame>summary::-webkit-details-marker{display:none}
details.frame[open]>summary{border-bottom:1px solid var(--line)}
.fn{font:600 14px ui-monospace,SFMono-Regular,Menlo,monospace;color:#0b3d91;word-break:break-all}
.lib .fn{font-weight:500;color:#3a4a60}
.file{font:13px ui-monospace,monospace;color:var(--muted)}
.file a{color:var(--muted)}
pre.src{margin:0;background:var(--code);tab-size:4;font:13px/1.55 ui-monospace,SFMono-Regular,Menlo,monospace;overflow-x:auto;padding:.4rem 0}
pre.src span{display:block;padding:0 .9rem;white-space:pre}
pre.src span.cur{background:var(--hl);box-shadow:inset 3px 0 var(--accent)}
pre.src i{display:inline-block;width:3.2em;color:#9aa3ad;font-style:normal;user-select:none}
details.lib,details.more{margin:.5rem 0;border:1px dashed #c9ced4;border-radius:8px;background:#fafbfc}
details.lib>summary,details.more>summary{cursor:pointer;padding:.45rem .9rem;color:var(--muted);font-size:13px}
details.lib details.frame{margin:.4rem .6rem;box-shadow:none}
details.more>div,details.more>table,details.more>pre{margin:.4rem .6rem .6rem}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:.35rem .75rem;border-bottom:1px solid var(--line)}
th{width:28%;font:600 12.5px ui-monospace,monospace;color:#333;background:#fbfbfc;word-break:break-all}
td{font:12.5px ui-monospace,monospace;word-break:break-all;white-space:pre-wrap}
td .long{max-height:10rem;overflow:auto}
td.red{color:#9aa3ad;font-style:italic}
td.lvl{width:4.5rem;font-weight:600}td.lvl.warn{color:#8a5a00}td.lvl.error,td.lvl.dpanic,td.lvl.panic,td.lvl.fatal{color:var(--accent)}td.lvl.debug{color:#6b7785}
td.time{width:8.5rem;color:var(--muted)}
.kv{color:var(--muted)}.kv b{color:var(--fg);font-weight:500}
pre.block{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.7rem .9rem;font:12.5px/1.5 ui-monospace,monospace;overflow:auto;max-height:32rem;white-space:pre-wrap;word-break:break-all}
.plain textarea{width:100%;height:16rem;font:12.5px ui-monospace,monospace;border:1px solid var(--line);border-radius:8px;padding:.7rem;background:var(--card)}
.note{color:var(--muted);font-size:13px;font-weight:400}
p.repeat{margin:-.2rem 0 .6rem 1rem}
`

// pageScript is the page's one script: the copy buttons, hidden until it
// runs. It reads the texts from the page's own textareas and fetches
// nothing.
const pageScript = `
document.querySelectorAll("button[data-copy]").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () {
    var text = document.getElementById(b.getAttribute("data-copy")).value, label = b.textContent;
    function done() { b.textContent = "Copied"; setTimeout(function () { b.textContent = label; }, 1500); }
    function fallback() {
      var t = document.createElement("textarea");
      t.value = text; document.body.appendChild(t); t.select();
      document.execCommand("copy"); t.remove(); done();
    }
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  });
});
`

// pageHTML is the page's template. Every value comes through html/template,
// which escapes it for where it stands.
const pageHTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Type}}: {{.Message}}</title>
<style>{{.Style}}</style></head><body>
<header>
<div class="top"><div class="kind">panic · {{.Type}}</div>
<div><button type="button" data-copy="wsgo-text" hidden>Copy as text</button> <button type="button" data-copy="wsgo-markdown" hidden>Copy as Markdown</button></div></div>
<h1>{{.Message}}</h1>
<div class="req"><b>{{.Method}}</b> {{.URL}} · {{.Proto}} · from {{.Remote}} · request ID <b>{{.RequestID}}</b>{{if .TraceID}} · trace <b>{{.TraceID}}</b>{{end}}</div>
<nav><a href="#traceback">Traceback</a><a href="#request">Request</a>{{if .Logs}}<a href="#logs">Logs</a>{{end}}<a href="#environ">Environ</a><a href="#program">Program</a><a href="#goroutines">Goroutines</a><a href="#plain">Plain text</a></nav>
</header>
<main>
{{if .Errors}}<h2>Errors <span class="note">the panic value and what it wraps, outermost first</span></h2><ul class="errors">{{range .Errors}}<li class="d{{.Depth}}"><span class="ty">{{.Type}}</span>: {{.Message}}{{if .Frames}}<details class="more"><summary>its stack, {{len .Frames}} frames</summary>{{template "frames" .Frames}}</details>{{end}}</li>{{end}}</ul>{{end}}
<h2 id="traceback">Traceback <span class="note">innermost first; your code is open, the runtime, net/http and wsgo are folded; click a frame for its source</span></h2>
{{range .Groups}}{{if .App}}{{template "frames" .Frames}}{{else}}<details class="lib"><summary>{{len .Frames}} frame{{if gt (len .Frames) 1}}s{{end}} of the runtime, net/http and wsgo</summary>
{{template "frames" .Frames}}</details>
{{end}}{{end}}{{if .StackCut}}<p class="note">The stack was deeper: only its innermost {{.Depth}} frames were kept.</p>{{end}}
<h2 id="request">Request</h2><table>{{template "rows" .Headers}}</table>
{{if .Cookies}}<h2>Cookies <span class="note">by name; values are never shown</span></h2><table>{{range .Cookies}}<tr><th>{{.K}}</th><td class="red">{{.V}}</td></tr>{{end}}</table>{{end}}
{{with .Body}}<h2>Body <span class="note">{{.Type}} · {{.Size}}</span></h2>{{if .Pairs}}<table>{{template "rows" .Pairs}}</table>{{end}}{{if .Text}}<pre class="block">{{.Text}}</pre>{{end}}{{if .Note}}<p class="note">{{.Note}}</p>{{end}}{{if .Cut}}<p class="note">The body was longer: only its first 64 KiB were kept.</p>{{end}}{{end}}
{{if .Query}}<h2>Query</h2><table>{{template "rows" .Query}}</table>{{end}}
{{if .Logs}}<h2 id="logs">Logs of this request <span class="note">what its logger wrote before the panic, Debug included{{if .LogsDropped}}; the {{.LogsDropped}} oldest entries were dropped{{end}}</span></h2>
<table>{{range .Logs}}<tr><td class="time">{{.Time.Format "15:04:05.000"}}</td><td class="lvl {{.Level | lower}}">{{.Level}}</td><td>{{if .Logger}}<span class="kv">{{.Logger}}</span> {{end}}{{.Message}}{{range .Fields}} <span class="kv">{{.K}}=<b{{if .Redacted}} class="red"{{end}}>{{.V}}</b></span>{{end}}</td></tr>{{end}}</table>{{end}}
<h2 id="environ">Environ</h2><table>{{template "rows" .Environ}}</table>
<h2 id="program">Program</h2><table>
<tr><th>Go</th><td>{{.Program.GoVersion}} {{.Program.GOOS}}/{{.Program.GOARCH}}</td></tr>
{{if .Program.Module}}<tr><th>Module</th><td>{{.Program.Module}}{{if .Program.ModuleVersion}}@{{.Program.ModuleVersion}}{{end}}</td></tr>{{end}}
{{if .Program.HasVCS}}<tr><th>Revision</th><td>{{or .Program.Revision "unknown"}}{{if .Program.Modified}} (modified: uncommitted changes){{end}}{{if .Program.RevisionTime}} · {{.Program.RevisionTime}}{{end}}</td></tr>{{end}}
<tr><th>Host</th><td>{{.Program.Host}}</td></tr>
<tr><th>Panic at</th><td>{{.When.Time.Format "2006-01-02 15:04:05.000 MST"}}</td></tr>
<tr><th>Started</th><td>{{.Program.Started.Format "2006-01-02 15:04:05 MST"}} · up {{.When.Uptime}}</td></tr>
<tr><th>Goroutines</th><td>{{.When.Goroutines}}</td></tr>
</table>
{{if .Program.Deps}}<details class="more"><summary>{{len .Program.Deps}} modules built in</summary><table>{{range .Program.Deps}}<tr><th>{{.Path}}</th><td>{{.Version}}{{if .Replace}} ⇒ {{.Replace}}{{end}}</td></tr>{{end}}</table></details>{{end}}
<h2 id="goroutines">Goroutines</h2>
<details class="more"><summary>every goroutine's stack when the page was made{{if .GoroutinesCut}} (cut at 1 MiB){{end}}</summary><pre class="block">{{.Goroutines}}</pre></details>
<h2 id="plain">Plain text <span class="note">to paste into an issue</span></h2>
<div class="plain"><textarea id="wsgo-text" readonly>{{.Text}}</textarea></div>
<details class="more"><summary>Markdown</summary><div class="plain"><textarea id="wsgo-markdown" readonly>{{.Markdown}}</textarea></div></details>
<p class="note">This page is shown because wsgo's recover layer runs in development mode and you are on this machine. In production the client sees only the request ID.</p>
</main>
<script>{{.Script}}</script>
</body></html>
{{define "rows"}}{{range .}}<tr><th>{{.K}}</th><td{{if .Redacted}} class="red"{{end}}>{{if gt (len .V) 1000}}<div class="long">{{.V}}</div>{{else}}{{.V}}{{end}}</td></tr>{{end}}{{end}}
{{define "frames"}}{{range .}}<details class="frame{{if not .App}} lib{{end}}"{{if .Open}} open{{end}}><summary><span class="fn">{{.Short}}</span><span class="file" title="{{.Dir}}">{{if .Editor}}<a href="{{.Editor}}">{{.File}}:{{.Line}}</a>{{else}}{{.File}}:{{.Line}}{{end}}</span></summary>
{{if .Source}}<pre class="src">{{range .Source}}<span{{if .Current}} class="cur"{{end}}><i>{{.N}}</i>{{.Text}}</span>{{end}}</pre>{{else}}<pre class="src"><span class="note">no source: {{.NoSource}}</span></pre>{{end}}</details>
{{if .Repeat}}<p class="note repeat">↑ the same call {{.Repeat}} more time{{if gt .Repeat 1}}s{{end}} (recursion)</p>{{end}}
{{end}}{{end}}`
