package mw

import (
	"net/http"
	"strconv"
	"time"

	"github.com/wsgo/wsgo/internal/state"
)

// timing is one request's marks: the name of each layer and when the
// request reached it.
type timing struct {
	start time.Time
	names []string
	at    []time.Time
	// the first marks' backing arrays, in the same allocation: a preset's
	// timed chain has six marks
	namesBuf [8]string
	atBuf    [8]time.Time
}

// ServerTiming returns a middleware that adds a Server-Timing header to
// every final response, so that the browser's network panel shows where the
// time went before the response started: one entry for each [TimingMark]
// the request passed below it, lasting from that mark to the next (the last
// one to the moment the status goes out), then "total", from this layer to
// that moment. chain.Chain's Timed places it and the marks for a whole
// chain; they may also be placed by hand:
//
//	mw.ServerTiming()(mw.TimingMark("auth")(auth(mw.TimingMark("app")(app))))
//
// A ServerTiming layer below another one that is already timing the request
// (a timed chain nested in a timed chain) adds nothing: the response gets
// one Server-Timing value, and the inner marks join the outer list. It is a
// development layer: the header tells anyone how the server is built.
func ServerTiming() Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if timingOf(r) != nil { // an outer ServerTiming times this request
				next.ServeHTTP(w, r)
				return
			}
			resp, r := Capture(w, r)
			defer resp.Release()
			ww := resp.Writer()
			t := &timing{start: time.Now()}
			t.names, t.at = t.namesBuf[:0], t.atBuf[:0]
			timingSlot.Set(r.Context(), t)
			resp.Observe(&Observer{WriteHeader: func(code int) {
				if code >= 200 || code == http.StatusSwitchingProtocols {
					h := ww.Header()
					h["Server-Timing"] = append(h["Server-Timing"], t.header(time.Now())) // Add, without canonicalising a constant key
				}
			}})
			next.ServeHTTP(ww, r)
		})
	}
}

// TimingMark returns a middleware that marks, for the [ServerTiming] layer
// above it, that the request reached the layer called name: the header's
// entry for name lasts from this mark to the next one. name is made a
// Server-Timing token: each byte other than an ASCII letter or digit, '-',
// '_' or '.' becomes '-', and "" becomes "layer". Names need not be unique:
// each mark adds an entry. Without a ServerTiming layer above it,
// TimingMark does nothing.
func TimingMark(name string) Middleware {
	name = timingName(name)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if t := timingOf(r); t != nil {
				t.names = append(t.names, name)
				t.at = append(t.at, time.Now())
			}
			next.ServeHTTP(w, r)
		})
	}
}

// timingOf returns the record of the ServerTiming layer timing r, or nil.
func timingOf(r *http.Request) *timing {
	t, _ := timingSlot.Get(r.Context())
	return t
}

var timingSlot = state.Declare[*timing]()

// header renders the marks as of now: name;dur=milliseconds, ...
func (t *timing) header(now time.Time) string {
	n := len("total;dur=0.000")
	for _, name := range t.names {
		n += len(name) + len(";dur=0.000, ") + 4
	}
	b := make([]byte, 0, n)
	for i, name := range t.names {
		end := now
		if i+1 < len(t.at) {
			end = t.at[i+1]
		}
		b = append(b, name...)
		b = append(b, ";dur="...)
		b = appendMillis(b, end.Sub(t.at[i]))
		b = append(b, ", "...)
	}
	b = append(b, "total;dur="...)
	b = appendMillis(b, now.Sub(t.start))
	return string(b)
}

// appendMillis appends d in milliseconds with three decimals (whole
// microseconds), as strconv.FormatFloat(ms, 'f', 3, 64) would, without
// going through a float.
func appendMillis(b []byte, d time.Duration) []byte {
	us := d.Microseconds()
	if us < 0 {
		b = append(b, '-')
		us = -us
	}
	b = strconv.AppendInt(b, us/1000, 10)
	frac := us % 1000
	return append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
}

// timingName makes a layer name a Server-Timing metric name (a token).
func timingName(name string) string {
	if name == "" {
		return "layer"
	}
	b := []byte(name)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '-'
		}
	}
	return string(b)
}
