package logging

import (
	"math"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// JSON's encoder writes its level, times and durations without calling
// the config's callbacks (it set them itself): its bytes must stay those
// of zap's encoder calling them, at every level, for times in any zone and
// year, for durations of any size, in fields, arrays and objects.
func TestStandardCallbacksWriteWhatZapsWrite(t *testing.T) {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.ISO8601TimeEncoder
	zones := []*time.Location{time.UTC, time.FixedZone("IST", 5*3600+1800), time.FixedZone("m", -(9*3600 + 30*60 + 17)), time.FixedZone("far", 99*3600)}
	var times []time.Time
	for _, z := range zones {
		for _, u := range []int64{0, -1, 1e9, 1764768000, 253402300799, 253402300800, -62135596800} {
			times = append(times, time.Unix(u, 123456789).In(z))
		}
	}
	durations := []time.Duration{0, 1, -1, 999, time.Millisecond, 1234 * time.Microsecond, time.Hour, math.MaxInt64, math.MinInt64}
	levels := []zapcore.Level{zapcore.DebugLevel, zapcore.InfoLevel, zapcore.WarnLevel, zapcore.ErrorLevel, zapcore.DPanicLevel, zapcore.PanicLevel, zapcore.FatalLevel, zapcore.Level(-5), zapcore.Level(42)}
	for _, l := range levels {
		for _, ts := range times {
			fields := []zapcore.Field{zap.Time("t", ts), zap.Durations("ds", durations), zap.Times("ts2", times[:3])}
			for _, d := range durations {
				fields = append(fields, zap.Duration("d", d))
			}
			fields = append(fields, zap.Object("o", zapcore.ObjectMarshalerFunc(func(enc zapcore.ObjectEncoder) error {
				enc.AddDuration("d", 1500*time.Millisecond)
				enc.AddTime("t", ts)
				return nil
			})))
			ent := zapcore.Entry{Level: l, Time: ts, Message: "m"}
			want := encodeWith(t, zapcore.NewJSONEncoder(cfg), ent, fields)
			got := encodeWith(t, standardJSONEncoder(cfg), ent, fields)
			if got != want {
				t.Fatalf("level %v, time %v:\nJSON wrote %s\nzap wrote  %s", l, ts, got, want)
			}
		}
	}
}

// encodeWith is the line enc writes for the entry.
func encodeWith(t *testing.T, enc zapcore.Encoder, ent zapcore.Entry, fields []zapcore.Field) string {
	t.Helper()
	buf, err := enc.EncodeEntry(ent, fields)
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Free()
	return buf.String()
}
