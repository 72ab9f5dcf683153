package logging

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// accessFields are the access entry's 13 fields, as Access writes them for
// a plain GET.
func accessFields(userAgent, referer string) []zapcore.Field {
	return []zapcore.Field{
		zap.String(FieldMethod, "GET"),
		zap.String(FieldPath, "/myapp2/hello/Ann"),
		zap.String(FieldQuery, "subject=Ann"),
		zap.String(FieldProtocol, "1.1"),
		zap.Int(FieldStatus, 200),
		zap.Int64(FieldResponseSize, 13),
		zap.Int64(FieldRequestSize, -1),
		zap.Duration(FieldDuration, 123456*time.Nanosecond),
		zap.String(FieldClient, "127.0.0.1"),
		zap.String(FieldUserAgent, userAgent),
		zap.String(FieldReferer, referer),
		zap.String(FieldHost, "localhost:8081"),
		zap.String(FieldRequestID, "0123456789abcdefghjk"),
	}
}

// BenchmarkJSONEncoder encodes the access entry with zap's JSON encoder and
// with JSONEncoder, config of JSON: plain values, and hostile ones (quotes,
// control characters, invalid UTF-8, non-ASCII).
func BenchmarkJSONEncoder(b *testing.B) {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.ISO8601TimeEncoder
	ent := zapcore.Entry{Level: zapcore.InfoLevel, Time: time.Now(), Message: FieldMessage}
	inputs := []struct {
		name   string
		fields []zapcore.Field
	}{
		{"plain", accessFields("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "http://localhost:8081/")},
		{"hostile", accessFields("\"evil\"\n\x1b[31m\xff\\ Mözilla \u2028", "http://localhost:8081/?q=<script>\"\t")},
	}
	encoders := []struct {
		name string
		new  func(zapcore.EncoderConfig) zapcore.Encoder
	}{{"zap", zapcore.NewJSONEncoder}, {"wsgo", JSONEncoder}}
	for _, in := range inputs {
		for _, e := range encoders {
			b.Run("fields="+in.name+"/encoder="+e.name, func(b *testing.B) {
				enc := e.new(cfg)
				b.ReportAllocs()
				for b.Loop() {
					buf, _ := enc.EncodeEntry(ent, in.fields)
					buf.Free()
				}
			})
		}
	}
}

// BenchmarkJSONEncoderPadded encodes the plain access entry with each of
// its 13 field keys, or each of its 9 string values, longer by pad plain
// bytes. The instructions per byte of keys (of values) are the difference
// between pad=64 and pad=0, counted under valgrind, divided by 13*64 (by
// 9*64): the cost of one more byte, without the per-field cost.
func BenchmarkJSONEncoderPadded(b *testing.B) {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.ISO8601TimeEncoder
	ent := zapcore.Entry{Level: zapcore.InfoLevel, Time: time.Now(), Message: FieldMessage}
	encoders := []struct {
		name string
		new  func(zapcore.EncoderConfig) zapcore.Encoder
	}{{"zap", zapcore.NewJSONEncoder}, {"wsgo", JSONEncoder}}
	for _, part := range []string{"keys", "values"} {
		for _, pad := range []int{0, 64} {
			fields := accessFields("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "http://localhost:8081/")
			padding := strings.Repeat("p", pad)
			for i := range fields {
				switch {
				case part == "keys":
					fields[i].Key += padding
				case fields[i].Type == zapcore.StringType:
					fields[i].String += padding
				}
			}
			for _, e := range encoders {
				b.Run(fmt.Sprintf("%s/pad=%d/encoder=%s", part, pad, e.name), func(b *testing.B) {
					enc := e.new(cfg)
					b.ReportAllocs()
					for b.Loop() {
						buf, _ := enc.EncodeEntry(ent, fields)
						buf.Free()
					}
				})
			}
		}
	}
}
