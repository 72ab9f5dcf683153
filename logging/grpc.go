package logging

import (
	"net/http"
	"strconv"

	"go.uber.org/zap/zapcore"
)

// grpcStatus returns the status of a gRPC call (grpc-go, connect's gRPC
// protocol) from the Grpc-Status trailer the handler left in w's header,
// declared or with http.TrailerPrefix, and whether r was one. gRPC runs
// over HTTP/2 only: an HTTP/1 request costs one comparison.
func grpcStatus(r *http.Request, w http.ResponseWriter) (int, bool) {
	if r.ProtoMajor != 2 {
		return 0, false
	}
	h := w.Header()
	vs, ok := h["Grpc-Status"]
	if !ok {
		vs, ok = h[http.TrailerPrefix+"Grpc-Status"]
	}
	if !ok || len(vs) == 0 {
		return 0, false
	}
	code, err := strconv.Atoi(vs[0])
	if err != nil || code < 0 {
		return 0, false
	}
	return code, true
}

// grpcLevel is the least level of an entry for a gRPC status: Error for the
// codes OpenTelemetry counts as a server's failure (Unknown,
// DeadlineExceeded, Unimplemented, Internal, Unavailable, DataLoss), Warn
// for the other failures (the client's: NotFound, InvalidArgument, ...),
// Info for OK. An RPC answers HTTP 200 whatever its outcome, so the HTTP
// status alone would log every failed call at Info.
func grpcLevel(code int) zapcore.Level {
	switch code {
	case 0:
		return zapcore.InfoLevel
	case 2, 4, 12, 13, 14, 15:
		return zapcore.ErrorLevel
	}
	return zapcore.WarnLevel
}
