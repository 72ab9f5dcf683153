// Package traceparent reads the W3C Trace Context traceparent header
// (https://www.w3.org/TR/trace-context/#traceparent-header) strictly, so
// that the access log, the per-request logger and the recover layer can
// carry the trace ID of a request without a tracing dependency.
package traceparent

import (
	"net/http"
	"strings"
)

// FromHeader returns the trace ID and the parent ID of the traceparent
// header in h, as Parse does, and ok false when there is none or when there
// is more than one value: two header lines, or one line holding a
// comma-separated list (the same thing in HTTP). The W3C test suite
// (test_traceparent_duplicated) expects a receiver to restart the trace
// then, not to pick one of the values a client or a proxy combined.
func FromHeader(h http.Header) (traceID, parentID string, ok bool) {
	vs := h["Traceparent"] // the canonical key, read directly: Values would canonicalise it per request
	if len(vs) != 1 || strings.IndexByte(vs[0], ',') >= 0 {
		return "", "", false
	}
	return Parse(vs[0])
}

// Parse returns the trace ID and the parent ID of a traceparent header
// value, both lowercase hex, and ok false for anything that is not a valid
// value: version 00 is exactly "00-<32 hex>-<16 hex>-<2 hex>"; a later
// version may carry more after the flags, behind a "-"; version ff, an
// all-zero trace ID or parent ID, and upper-case hex are invalid, as the
// specification says.
func Parse(v string) (traceID, parentID string, ok bool) {
	if !shaped(v) {
		return "", "", false
	}
	version, trace, parent, flags := v[:2], v[3:35], v[36:52], v[53:55]
	if !hex(version) || version == "ff" || !hex(trace) || !hex(parent) || !hex(flags) ||
		zero(trace) || zero(parent) {
		return "", "", false
	}
	return trace, parent, true
}

// shaped reports whether v has the dashes and the length of a traceparent
// value of its version: exactly 55 bytes for version 00, and at least 55
// for a later one, with a dash after the flags when there is more.
func shaped(v string) bool {
	if len(v) < 55 || v[2] != '-' || v[35] != '-' || v[52] != '-' {
		return false
	}
	if v[:2] == "00" {
		return len(v) == 55
	}
	return len(v) == 55 || v[55] == '-'
}

func hex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func zero(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}
