// Package fieldname holds the log field names that package logging exports
// (as its Field constants) and package recover writes too, so that the
// panic entry and the access entry of one request name their fields alike.
package fieldname

// The shared field names, in OpenTelemetry's semantic conventions where
// they define one, and in the same dotted style where they do not.
const (
	Method    = "http.request.method"
	Path      = "url.path"
	RequestID = "http.request.id" // wsgo's own: the ID of mw.RequestID
	TraceID   = "trace_id"        // the W3C traceparent's trace ID
)
