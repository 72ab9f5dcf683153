package recover

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/internal/plumb"
	"github.com/wsgo/wsgo/mw"
)

// media types the pages come in.
const (
	typeHTML    = "text/html; charset=utf-8"
	typeText    = "text/plain; charset=utf-8"
	typeProblem = "application/problem+json"
)

// respond writes the 500: the traceback when allowed, the production page
// otherwise, falling back to plain text when rendering panics. encoding is
// the Content-Encoding the response had when the layer received it.
func (c *config) respond(resp *mw.Response, r *http.Request, p *Panic, dc *devCapture, encoding []string) {
	w := resp.Writer()
	h := w.Header()
	resetHeader(h, encoding)
	h.Set(plumb.RequestIDHeader(r.Context()), p.RequestID)
	h["X-Content-Type-Options"] = []string{"nosniff"} // a canonical key, set directly
	defer func() {
		if v := recover(); v != nil {
			c.logger.Error("recover: rendering the error page panicked",
				zap.String("panic", (&Panic{Value: v}).Message()), zap.String("http.request.id", p.RequestID))
			if resp.Committed() {
				panic(http.ErrAbortHandler)
			}
			h.Set("Content-Type", typeText)
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, "500 Internal Server Error\nrequest ID: "+p.RequestID+"\n")
		}
		c.reportLost(resp, p)
	}()
	switch {
	case dc == nil: // not allowed: decided when the request came in (startCapture)
	case c.pin == nil || c.pin.authorized(r):
		c.traceback(w, r, p, dc)
		return
	case negotiate(r.Header.Get("Accept")) == typeHTML:
		c.pin.writePrompt(w, r, p.RequestID)
		return
	}
	c.page(w, r, p)
}

// answerHeaders are the headers that describe the handler's own answer,
// by canonical name: the 500 is not that answer, so they are deleted from
// it. Content-Encoding is among them: the 500 gets back the one it had
// when the recover layer received it.
var answerHeaders = map[string]bool{
	"Content-Type": true, "Content-Length": true, "Content-Disposition": true, "Content-Range": true,
	"Content-Language": true, "Content-Location": true, "Content-Encoding": true, "Etag": true,
	"Last-Modified": true, "Expires": true, "Location": true, "Refresh": true, "Accept-Ranges": true,
	"Set-Cookie": true, "Trailer": true, "Cache-Control": true,
}

// resetHeader makes h, the header map of a response that panicked before
// it was sent, the 500's: the headers that describe the handler's answer
// (answerHeaders) are deleted, with the trailers it declared (the names
// the Trailer header lists, and the keys with http.TrailerPrefix);
// Content-Encoding is encoding again, or none when encoding is nil;
// Cache-Control is no-store, so that no cache keeps the 500 for the
// max-age a handler set. The rest stays: what layers outside set (CORS,
// Vary, Strict-Transport-Security, the request ID) applies to the 500
// too. Keys are compared in canonical form, so that one set into the map
// directly in another case goes as well.
func resetHeader(h http.Header, encoding []string) {
	var trailers []string
	for k, vs := range h {
		if http.CanonicalHeaderKey(k) == "Trailer" {
			trailers = append(trailers, vs...)
		}
	}
	declared := func(k string) bool {
		for _, v := range trailers {
			for name := range strings.SplitSeq(v, ",") {
				if strings.EqualFold(strings.TrimSpace(name), k) {
					return true
				}
			}
		}
		return false
	}
	for k := range h {
		if answerHeaders[http.CanonicalHeaderKey(k)] || strings.HasPrefix(k, http.TrailerPrefix) || declared(k) {
			delete(h, k)
		}
	}
	if encoding != nil {
		h["Content-Encoding"] = encoding
	}
	h["Cache-Control"] = []string{"no-store"}
}

// reportLost logs a page that did not reach the client (its writes go
// through the shared writer, which keeps the first error): the panic entry
// says the client was answered, and this one says it was not.
func (c *config) reportLost(resp *mw.Response, p *Panic) {
	if err := resp.Err(); err != nil {
		c.logger.Warn("recover: the error page did not reach the client",
			zap.Error(err), zap.String("http.request.id", p.RequestID))
	}
}

// The production HTML page, around the request ID.
const (
	productionHTMLHead = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>500 Internal Server Error</title>
<style>body{font:16px/1.5 system-ui,sans-serif;color:#222;background:#f6f6f4;margin:0}
main{max-width:34rem;margin:12vh auto;padding:2rem 2.25rem;background:#fff;border-radius:10px;box-shadow:0 1px 4px #0002}
h1{font-size:1.35rem;margin:0 0 .75rem}p{margin:.5rem 0;color:#444}
code{font:15px ui-monospace,monospace;background:#f0f0ee;padding:.15rem .4rem;border-radius:4px;user-select:all}</style>
</head><body><main><h1>500 Internal Server Error</h1>
<p>Something went wrong on our side, and it has been logged.</p>
<p>If you contact us about it, quote this request ID: <code>`
	productionHTMLTail = `</code></p>
</main></body></html>
`
)

// productionPage shows the request ID and nothing else of the server.
func productionPage(w http.ResponseWriter, r *http.Request, p *Panic) {
	id := p.RequestID
	switch negotiateCached(r.Header.Get("Accept")) {
	case typeHTML:
		w.Header()["Content-Type"] = []string{typeHTML}
		w.WriteHeader(http.StatusInternalServerError)
		// Three writes rather than one joined string: no copy of the page
		// per panic (net/http buffers them into one segment anyway).
		_, _ = io.WriteString(w, productionHTMLHead)
		_, _ = io.WriteString(w, html.EscapeString(id))
		_, _ = io.WriteString(w, productionHTMLTail)
	case typeProblem:
		w.Header()["Content-Type"] = []string{typeProblem}
		w.WriteHeader(http.StatusInternalServerError)
		b, _ := json.Marshal(problem{Type: "about:blank", Title: "Internal Server Error", Status: 500, RequestID: id})
		_, _ = w.Write(append(b, '\n'))
	default:
		w.Header()["Content-Type"] = []string{typeText}
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "500 Internal Server Error\nrequest ID: ")
		_, _ = io.WriteString(w, id)
		_, _ = io.WriteString(w, "\n")
	}
}

// problem is an RFC 9457 problem detail, with wsgo's request_id extension
// and, in development, the traceback.
type problem struct {
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

// negotiated caches negotiate's answers by Accept value: browsers, curl and
// API clients send a few values, again and again. The values come from
// clients, so the cache is bounded: at most maxNegotiated values of at most
// maxAcceptKey bytes are kept, and any other is negotiated each time.
var (
	negotiated    sync.Map // string -> string
	nNegotiated   atomic.Int64
	maxNegotiated = int64(256)
)

const maxAcceptKey = 256

// negotiateCached is negotiate(accept), from the cache when it can be.
func negotiateCached(accept string) string {
	if v, ok := negotiated.Load(accept); ok {
		return v.(string)
	}
	t := negotiate(accept)
	if len(accept) <= maxAcceptKey && nNegotiated.Load() < maxNegotiated {
		if _, loaded := negotiated.LoadOrStore(strings.Clone(accept), t); !loaded {
			nNegotiated.Add(1)
		}
	}
	return t
}

// negotiate picks the page's media type from an Accept header: HTML for
// browsers, problem+json for API clients, plain text for curl, for */* and
// for no Accept at all. Each type takes the q of the most specific range
// that matches it (RFC 9110 §12.5.1), so "*/*, text/plain;q=0" excludes
// plain text; a q of 0 is never acceptable. Ties go to the range that came
// first.
func negotiate(accept string) string {
	if accept == "" {
		return typeText
	}
	cands := [...]struct {
		typ, full string
		q         float64
		spec, pos int
	}{
		{"text/plain", typeText, 0, -1, 0},
		{"text/html", typeHTML, 0, -1, 0},
		{"application/xhtml+xml", typeHTML, 0, -1, 0},
		{"application/problem+json", typeProblem, 0, -1, 0},
		{"application/json", typeProblem, 0, -1, 0},
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
	best, bestQ, bestSpec, bestPos := typeText, 0.0, -1, 0
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

// parseRange returns a media range, lower-cased, and its q; -1 when q is
// not a number from 0 to 1.
func parseRange(part string) (string, float64) {
	mt, params, _ := strings.Cut(part, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	q := 1.0
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(k, "q") {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			} else {
				q = -1
			}
		}
	}
	return mt, q
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
