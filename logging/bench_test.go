package logging

import (
	"io"
	"net/http"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/state"
	"github.com/wsgo/wsgo/internal/wsgotest"
)

var (
	helloBody = wsgotest.Hello
	app       = wsgotest.App
)

// jsonDiscard is zap's production JSON encoder writing to io.Discard, with
// no sampling, so every entry is encoded.
func jsonDiscard() *zap.Logger {
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
}

func run(b *testing.B, h http.Handler) { wsgotest.Serve(b, h) }

// zapFloor is zap alone encoding the access log's fields after the bare
// handler: the cost no zap access log can go below.
func zapFloor(log *zap.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		app.ServeHTTP(w, r)
		log.Info(FieldMessage,
			zap.String(FieldMethod, r.Method),
			zap.String(FieldPath, r.URL.Path),
			zap.String(FieldQuery, r.URL.RawQuery),
			zap.String(FieldProtocol, "1.1"),
			zap.Int(FieldStatus, 200),
			zap.Int64(FieldResponseSize, int64(len(helloBody))),
			zap.Int64(FieldRequestSize, r.ContentLength),
			zap.Duration(FieldDuration, time.Since(start)),
			zap.String(FieldClient, "127.0.0.1"),
			zap.String(FieldUserAgent, r.UserAgent()),
			zap.String(FieldReferer, r.Referer()),
			zap.String(FieldHost, r.Host),
			zap.String(FieldRequestID, "0123456789abcdefghjk"),
		)
	})
}

// BenchmarkAccess puts the access-log middleware beside the zap floor, in
// one run (compare with benchstat -col /stack).
func BenchmarkAccess(b *testing.B) {
	b.Run("stack=bare", func(b *testing.B) { run(b, app) })
	b.Run("stack=zapfloor", func(b *testing.B) { run(b, zapFloor(jsonDiscard())) })
	b.Run("stack=access", func(b *testing.B) { run(b, Access(jsonDiscard())(app)) })
	// With the request's state already made (environ.Layer in front), the
	// access log pays for the shared writer and its entry only.
	withScope := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r, _ = state.New(r)
			next.ServeHTTP(w, r)
		})
	}
	b.Run("stack=scope", func(b *testing.B) { run(b, withScope(app)) })
	b.Run("stack=scope+access", func(b *testing.B) { run(b, withScope(Access(jsonDiscard())(app))) })
}

// BenchmarkApache measures the Combined and Common writers.
func BenchmarkApache(b *testing.B) {
	b.Run("format=combined", func(b *testing.B) { run(b, Apache(io.Discard, Combined)(app)) })
	b.Run("format=common", func(b *testing.B) { run(b, Apache(io.Discard, Common)(app)) })
	b.Run("format=AppendLine", func(b *testing.B) {
		b.ReportAllocs()
		rec := Record{
			RemoteHost: "127.0.0.1", Time: time.Now(), RequestLine: "GET /myapp2/hello/Ann?subject=Ann HTTP/1.1",
			Status: 200, Bytes: 13, Referer: "http://localhost:8081/", UserAgent: "Mozilla/5.0 (X11; Linux x86_64)",
		}
		buf := make([]byte, 0, 512)
		for b.Loop() {
			buf = AppendLine(buf[:0], Combined, &rec)
		}
	})
}

// BenchmarkHidePassword measures %r's target rewriting: the common
// origin-form target and an absolute one without a password are returned
// as they are; only a password costs the rewritten string.
func BenchmarkHidePassword(b *testing.B) {
	var sink string
	for _, bb := range []struct{ name, target string }{
		{"target=origin", "/myapp2/hello/Ann?subject=Ann"},
		{"target=absolute", "http://user@example.com:8080/hello?subject=Ann"},
		{"target=password", "http://user:secret@[fe80::1%eth0]:8080/hello?subject=Ann"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = hidePassword("GET", bb.target)
			}
			_ = sink
		})
	}
}
