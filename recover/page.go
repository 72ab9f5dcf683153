package recover

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"strings"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/internal/errpage"
	"github.com/wsgo/wsgo/internal/fieldname"
	"github.com/wsgo/wsgo/internal/panicvalue"
	"github.com/wsgo/wsgo/internal/state"
	"github.com/wsgo/wsgo/mw"
)

// respond writes the 500: the Debugger's answer when it gives one, the
// production page otherwise, falling back to plain text when rendering
// panics. encoding is the Content-Encoding the response had when the layer
// received it.
// requestIDHeader is the header in which a request-ID layer sent r's ID,
// mw.DefaultRequestIDHeader when none did.
func requestIDHeader(r *http.Request) string {
	if id, ok := state.RequestIDSlot.Get(r.Context()); ok && id.Header != "" {
		return id.Header
	}
	return mw.DefaultRequestIDHeader
}

func (c *config) respond(resp *mw.Response, r *http.Request, p *Panic, answer Answer, encoding []string) {
	w := resp.Writer()
	h := w.Header()
	resetHeader(h, encoding)
	h[requestIDHeader(r)] = []string{p.RequestID}     // canonical: mw.RequestID canonicalised it
	h["X-Content-Type-Options"] = []string{"nosniff"} // a canonical key, set directly
	defer func() {
		if v := recover(); v != nil {
			c.logger.Error("recover: rendering the error page panicked",
				zap.String(fieldPanic, panicvalue.Text(v, 0)), zap.String(fieldname.RequestID, p.RequestID))
			if resp.Committed() {
				panic(http.ErrAbortHandler)
			}
			h.Set("Content-Type", errpage.TypeText)
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, "500 Internal Server Error\nrequest ID: "+p.RequestID+"\n")
		}
		c.reportLost(resp, p)
	}()
	if answer != nil && answer(w, r, p) {
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
			zap.Error(err), zap.String(fieldname.RequestID, p.RequestID))
	}
}

// The production HTML page, around the request ID.
const (
	productionHTMLHead = errpage.HeadStart + "500 Internal Server Error" + errpage.HeadStyle + errpage.Style + errpage.HeadEnd +
		`<h1>500 Internal Server Error</h1>
<p>Something went wrong on our side, and it has been logged.</p>
<p>If you contact us about it, quote this request ID: <code>`
	productionHTMLTail = "</code></p>\n" + errpage.Tail
)

// productionPage shows the request ID and nothing else of the server.
func productionPage(w http.ResponseWriter, r *http.Request, p *Panic) {
	id := p.RequestID
	var accept string
	if vs := r.Header["Accept"]; len(vs) > 0 { // Get would canonicalise the constant key
		accept = vs[0]
	}
	switch errpage.Negotiate(accept) {
	case errpage.TypeHTML:
		w.Header()["Content-Type"] = []string{errpage.TypeHTML}
		w.WriteHeader(http.StatusInternalServerError)
		// Three writes rather than one joined string: no copy of the page
		// per panic (net/http buffers them into one segment anyway).
		_, _ = io.WriteString(w, productionHTMLHead)
		_, _ = io.WriteString(w, html.EscapeString(id))
		_, _ = io.WriteString(w, productionHTMLTail)
	case errpage.TypeProblem:
		w.Header()["Content-Type"] = []string{errpage.TypeProblem}
		w.WriteHeader(http.StatusInternalServerError)
		b, _ := json.Marshal(errpage.Problem{Type: "about:blank", Title: "Internal Server Error", Status: 500, RequestID: id})
		_, _ = w.Write(append(b, '\n'))
	default:
		w.Header()["Content-Type"] = []string{errpage.TypeText}
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "500 Internal Server Error\nrequest ID: ")
		_, _ = io.WriteString(w, id)
		_, _ = io.WriteString(w, "\n")
	}
}
