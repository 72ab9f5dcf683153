// Package chaintest measures what each layer of a chain costs, from a
// benchmark of your own, with go test -bench: one sub-benchmark per prefix of
// the chain ([Run]) or per layer alone ([Each]), each reporting ns/op, B/op
// and allocs/op, and the cost of its layer by name (the difference with the
// row before) as extra metrics and in a [Report]:
//
//	func BenchmarkStack(b *testing.B) {
//		r := httptest.NewRequest("GET", "/hello", nil)
//		rep := chaintest.Run(b, wsgo.Production(log), app, r)
//		fmt.Print(rep)
//	}
//
// gives BenchmarkStack/0-bare, BenchmarkStack/1-+requestid,
// BenchmarkStack/2-+access, ... and a table of them (go test shows what a
// benchmark with sub-benchmarks logs only with -v, hence fmt.Print).
// Compare runs with benchstat.
//
// The chain is a chain.Chain. Plain middlewares ([]func(http.Handler)
// http.Handler, alice's constructors) make one with chain.New(ms...), their
// layers unnamed ("layer-1", "layer-2", ...); give names with chain.Named
// and Use. An alice.Chain does not expose its constructors: chain.FromAlice
// makes it one layer, measured as a whole. A nil middleware is refused where
// the chain is built, by chain.New ("chain: middleware 2 of 3 is nil").
//
// Each request is served over a [Writer], reset before each request, with a
// shallow copy of the request given (its body, when it has one, read afresh
// each time). The request given is not changed, except that a body without
// GetBody is read once and replaced by an equal one. Making each request
// (the copy, the writer's reset) costs every row the same: it is in "bare"
// and cancels out of each layer's cost.
package chaintest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/chain"
)

// Run benchmarks h behind each prefix of c: first h alone, then behind the
// outermost layer, then the two outermost, and so on to the whole chain. It
// runs one sub-benchmark per prefix, named after the layer the prefix adds:
// "0-bare", "1-+requestid", "2-+access", ...; an unnamed layer is "layer-N",
// N its 1-based position in c. A Timed chain (String starts with "(timed)")
// has a row "timed" after "bare": the Server-Timing layer and the app's mark;
// each layer's row then includes its own mark.
//
// Each sub-benchmark reports, besides ns/op, B/op and allocs/op, the cost of
// the layer it adds (its figures less those of the row before) as
// "layer-ns/op", "layer-B/op" and "layer-allocs/op". The returned Report
// holds the same figures; a row that -bench filtered out has N == 0.
//
// Bad input fails the benchmark with b.Fatal and a message starting with
// "chaintest: ": a nil h or r, a request without URL, a layer that returns a
// nil handler, a first request that panics. A nil b panics.
//
// h and the chain must not keep the request or the writer after they return,
// as http.Handler's contract says: both are reused. A chain that changes the
// request's Header or URL in place (which the Handler contract forbids) is
// found on a first request made before measuring; then every request gets
// its own copy of both, every row pays for it, and b.Log says so.
func Run(b *testing.B, c chain.Chain, h http.Handler, r *http.Request) *Report {
	if b == nil {
		panic("chaintest: Run: nil *testing.B")
	}
	b.Helper()
	return run(b, "Run", c, h, r, false)
}

// Each is Run with each layer of c alone in front of h instead of each
// prefix: the sub-benchmarks are "0-bare", "1-requestid", "2-access", ...,
// and each layer's cost is its row less "bare". A layer that depends on an
// outer one (an access log reading the request ID another layer set) is
// measured without it: [Run] measures the chain as it runs. A Timed chain
// has a "timed" row (Server-Timing around h); the layers alone are not timed.
func Each(b *testing.B, c chain.Chain, h http.Handler, r *http.Request) *Report {
	if b == nil {
		panic("chaintest: Each: nil *testing.B")
	}
	b.Helper()
	return run(b, "Each", c, h, r, true)
}

func run(b *testing.B, op string, c chain.Chain, h http.Handler, r *http.Request, alone bool) *Report {
	b.Helper()
	hs, err := newHarness(op, h, r)
	if err != nil {
		b.Fatal(err)
	}
	steps, err := build(op, c, h, alone)
	if err != nil {
		b.Fatal(err)
	}
	if err := hs.warmUp(steps); err != nil {
		b.Fatal(err)
	}
	if hs.mutator != "" {
		b.Logf("chaintest: %s changes the request's Header or URL in place; each request gets a copy of both, and every row pays for it", hs.mutator)
	}
	rep := &Report{Name: b.Name(), Alone: alone, Rows: make([]Row, len(steps))}
	for i, s := range steps {
		rep.Rows[i] = Row{Name: s.name, Bench: s.bench, base: s.base}
		b.Run(s.bench, func(b *testing.B) { hs.measure(b, s.h, rep, i) })
	}
	return rep
}

// step is one row to measure: h behind a prefix of the chain, or behind
// one layer, and the row its layer's cost is counted from (-1: none).
type step struct {
	name, bench string
	h           http.Handler
	base        int
}

// build makes the handlers of the rows, turning the chain's panics (a layer
// that returns a nil handler) into an error.
func build(op string, c chain.Chain, h http.Handler, alone bool) (steps []step, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("chaintest: %s: building the chain: %v", op, p)
		}
	}()
	timed := strings.HasPrefix(c.String(), "(timed) ")
	steps = []step{{name: "bare", h: h, base: -1}}
	if timed {
		steps = append(steps, step{name: "timed", h: chain.New().Timed().Then(h), base: 0})
	}
	layers := c.Layers()
	for i, l := range layers {
		name := l.Name
		if name == "" {
			name = "layer-" + strconv.Itoa(i+1)
		}
		s := step{name: name, base: 0}
		if alone {
			s.h = chain.New().Use(l).Then(h)
		} else {
			p := chain.New().Use(layers[:i+1]...)
			if timed {
				p = p.Timed()
			}
			s.h, s.base = p.Then(h), len(steps)-1
		}
		steps = append(steps, s)
	}
	for i := range steps {
		sep := "-"
		if i > 0 && !alone {
			sep = "-+"
		}
		steps[i].bench = strconv.Itoa(i) + sep + steps[i].name
	}
	return steps, nil
}

// harness makes the requests: a shallow copy of a template per request,
// over one Writer, without allocating.
type harness struct {
	op      string // Run or Each, for messages
	w       *Writer
	tmpl    http.Request // its Header and URL are the harness's own copies
	header  http.Header
	url     url.URL
	body    []byte
	hasBody bool

	copy    bool   // give each request its own Header and URL
	mutator string // what changed the Header or URL in place, if anything

	req       http.Request
	reqHeader http.Header
	reqURL    url.URL
	reqBody   reader
}

// reader is a request body that can be read again after Reset.
type reader struct{ bytes.Reader }

// Close does nothing.
func (*reader) Close() error { return nil }

func newHarness(op string, h http.Handler, r *http.Request) (*harness, error) {
	switch {
	case h == nil:
		return nil, fmt.Errorf("chaintest: %s: the handler is nil", op)
	case r == nil:
		return nil, fmt.Errorf("chaintest: %s: the request is nil", op)
	case r.URL == nil:
		return nil, fmt.Errorf("chaintest: %s: the request has no URL", op)
	}
	hs := &harness{op: op, w: NewWriter(), tmpl: *r, header: r.Header.Clone(), url: *r.URL, reqHeader: http.Header{}}
	hs.tmpl.Header, hs.tmpl.URL = hs.header, &hs.url
	if r.Body != nil && r.Body != http.NoBody {
		body, err := readBody(r)
		if err != nil {
			return nil, fmt.Errorf("chaintest: %s: reading the request body: %w", op, err)
		}
		hs.body, hs.hasBody = body, true
	}
	return hs, nil
}

// readBody returns the body of r: from GetBody when r has one, else read
// from r.Body, which is then replaced by a reader of the same bytes.
func readBody(r *http.Request) ([]byte, error) {
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		defer func() { _ = rc.Close() }()
		return io.ReadAll(rc)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// next resets the writer and returns the request to serve.
func (hs *harness) next() *http.Request {
	hs.w.Reset()
	hs.req = hs.tmpl
	if hs.hasBody {
		hs.reqBody.Reset(hs.body)
		hs.req.Body = &hs.reqBody
	}
	if hs.copy {
		clear(hs.reqHeader)
		for k, v := range hs.header {
			hs.reqHeader[k] = v
		}
		hs.reqURL = hs.url
		hs.req.Header, hs.req.URL = hs.reqHeader, &hs.reqURL
	}
	return &hs.req
}

// warmUp serves one request through each row's handler, each over its own
// copy of the Header and URL, and notes the first that changed them in
// place. The template is restored afterwards.
func (hs *harness) warmUp(steps []step) error {
	header, u := hs.header.Clone(), hs.url
	hs.copy = true
	for _, s := range steps {
		if err := hs.serveOnce(s); err != nil {
			return err
		}
		changed := !sameHeader(hs.reqHeader, header) || !sameHeader(hs.header, header) || hs.reqURL != u
		if changed && hs.mutator == "" {
			hs.mutator = "the handler"
			if s.base >= 0 {
				hs.mutator = fmt.Sprintf("layer %q", s.name)
			}
		}
		hs.header = header.Clone()
		hs.tmpl.Header = hs.header
	}
	hs.copy = hs.mutator != ""
	return nil
}

func (hs *harness) serveOnce(s step) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("chaintest: %s: %s: the first request panicked: %v", hs.op, s.bench, p)
		}
	}()
	s.h.ServeHTTP(hs.w, hs.next())
	return nil
}

func sameHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !slices.Equal(v, w) {
			return false
		}
	}
	return true
}

// measure is the sub-benchmark of row i: h served b.N times, the figures
// stored in the row and the layer's cost reported.
func (hs *harness) measure(b *testing.B, h http.Handler, rep *Report, i int) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		h.ServeHTTP(hs.w, hs.next())
	}
	runtime.ReadMemStats(&after)
	row := &rep.Rows[i]
	n := max(b.N, 1)
	row.N = b.N
	row.Total = Figures{
		NsPerOp:     float64(b.Elapsed().Nanoseconds()) / float64(n),
		BytesPerOp:  int64(after.TotalAlloc-before.TotalAlloc) / int64(n),
		AllocsPerOp: int64(after.Mallocs-before.Mallocs) / int64(n),
	}
	row.Status, row.Written = hs.w.Status(), hs.w.Written()
	if row.base < 0 || rep.Rows[row.base].N == 0 {
		return
	}
	row.Layer, row.HasLayer = row.Total.minus(rep.Rows[row.base].Total), true
	b.ReportMetric(row.Layer.NsPerOp, "layer-ns/op")
	b.ReportMetric(float64(row.Layer.BytesPerOp), "layer-B/op")
	b.ReportMetric(float64(row.Layer.AllocsPerOp), "layer-allocs/op")
}
