package traceback

import (
	"net/http"

	"github.com/wsgo/wsgo/internal/logtap"
)

// devCapture is what the development page shows of a request beyond the
// request itself, kept while the handler runs: the body it was sent, as far
// as maxBody, and what the request's logger (logging.FromContext) wrote, Debug
// entries included. It is made only for a request that may get a
// traceback, so production and remote clients pay nothing for it.
type devCapture struct {
	body *bodyTap
	logs *logtap.Tap // nil when r has no state
}

// startCapture returns the capture for r, and the request to hand the
// handler: a copy of r whose body is tapped, when r has one. r itself,
// which outer layers hold, is not changed.
//
// It is where the traceback rule is applied, once, to the request as this
// layer received it: the capture is nil when r may not see a traceback,
// and a panic reads that answer rather than the request inner layers may
// have changed.
func (c *config) startCapture(r *http.Request) (*devCapture, *http.Request) {
	if !c.tracebackAllowed(r) {
		return nil, r
	}
	dc := &devCapture{logs: logtap.Attach(r, c.isSecret)}
	if wantsBodyTap(r) {
		dc.body = newBodyTap(r.Body)
		r = r.WithContext(r.Context()) // a shallow copy
		r.Body = dc.body
	}
	return dc, r
}

// capturedBody is the captured body as the page shows it, or nil.
func (c *config) capturedBody(dc *devCapture, r *http.Request) *bodyView {
	if dc == nil || dc.body == nil {
		return nil
	}
	b, cut := dc.body.captured()
	return c.bodyView(r.Header.Get("Content-Type"), b, cut)
}

// capturedLogs is what the request's logger wrote, and how many of the
// oldest entries the bounded buffer dropped.
func (dc *devCapture) capturedLogs() ([]logtap.Record, int) {
	if dc == nil || dc.logs == nil {
		return nil, 0
	}
	return dc.logs.Records()
}
