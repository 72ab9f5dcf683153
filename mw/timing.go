package mw

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// timingKey is the Scope key of a request's Server-Timing record.
type timingKey struct{}

// timing is one request's marks: the name of each layer and when the
// request reached it.
type timing struct {
	start time.Time
	names []string
	at    []time.Time
}

// ServerTiming returns a middleware that adds a Server-Timing header to
// every response, so that the browser's network panel shows where the time
// went before the response started: "total" from this layer to the moment
// the status goes out, and one entry for each layer marked below it with
// chain.Chain's Timed, its duration being the time from its mark to the next
// (chain.Chain's Timed does the marking for every layer and the
// application). It is a development layer: the header tells anyone how the
// server is built.
func ServerTiming() Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, r := Capture(w, r)
			defer resp.Release()
			ww := resp.Writer()
			t := &timing{start: time.Now()}
			ScopeOf(r.Context()).put(timingKey{}, t)
			resp.Observe(&Observer{WriteHeader: func(code int) {
				if code >= 200 || code == http.StatusSwitchingProtocols {
					ww.Header().Add("Server-Timing", t.header(time.Now()))
				}
			}})
			next.ServeHTTP(ww, r)
		})
	}
}

// timingMark returns a middleware that marks, for an outer ServerTiming
// layer, that the request has reached the layer called name. Without a
// ServerTiming layer above it, it does nothing. chain.Chain's Timed puts one
// before each layer (through internal/plumb).
func timingMark(name string) Middleware {
	name = timingName(name)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if t, ok := r.Context().Value(timingKey{}).(*timing); ok {
				t.names = append(t.names, name)
				t.at = append(t.at, time.Now())
			}
			next.ServeHTTP(w, r)
		})
	}
}

// header renders the marks as of now: name;dur=milliseconds, ...
func (t *timing) header(now time.Time) string {
	var b strings.Builder
	for i, name := range t.names {
		end := now
		if i+1 < len(t.at) {
			end = t.at[i+1]
		}
		b.WriteString(name)
		b.WriteString(";dur=")
		b.WriteString(strconv.FormatFloat(float64(end.Sub(t.at[i]).Microseconds())/1000, 'f', 3, 64))
		b.WriteString(", ")
	}
	b.WriteString("total;dur=")
	b.WriteString(strconv.FormatFloat(float64(now.Sub(t.start).Microseconds())/1000, 'f', 3, 64))
	return b.String()
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
