package logging

import "github.com/wsgo/wsgo/internal/fieldname"

// The access log's field names. They follow OpenTelemetry's semantic
// conventions for HTTP servers (semconv 1.26+: http.request.method,
// url.path, ...); the names OpenTelemetry does not define are marked as
// wsgo's own and use the same dotted style.
const (
	FieldMethod       = fieldname.Method               // GET
	FieldPath         = fieldname.Path                 // /myapp2/hello/Ann, as sent (decoded)
	FieldQuery        = "url.query"                    // subject=Ann, raw, secret values REDACTED (see Access)
	FieldProtocol     = "network.protocol.version"     // 1.1, 2
	FieldStatus       = "http.response.status_code"    // 200
	FieldResponseSize = "http.response.body.size"      // body bytes written
	FieldRequestSize  = "http.request.body.size"       // the request's Content-Length; -1 when unknown
	FieldDuration     = "http.server.request.duration" // encoded by the encoder's duration encoder
	FieldClient       = "client.address"               // REMOTE_ADDR: after a trusted proxy layer, the client's
	FieldUserAgent    = "user_agent.original"
	FieldReferer      = "http.request.header.referer"
	FieldHost         = "server.address"       // the Host header, port included
	FieldRequestID    = fieldname.RequestID    // wsgo's own: the ID of mw.RequestID
	FieldScriptName   = "url.script_name"      // wsgo's own: SCRIPT_NAME, when the request was mounted
	FieldRoute        = "http.route"           // the route that matched (see Route), when there is one
	FieldGRPCStatus   = "rpc.grpc.status_code" // a gRPC call's status, from its Grpc-Status trailer
	FieldError        = "error.type"           // "panic", "aborted" (the response was cut off), "client_gone" or "timeout" (see Access)
	FieldTraceID      = fieldname.TraceID      // the W3C traceparent's trace ID, when the request has one valid value (two restart the trace; see ContextFields)
	FieldMessage      = "request"              // the constant message of every access-log entry
)
