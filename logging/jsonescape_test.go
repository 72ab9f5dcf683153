package logging

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// naivePlainPrefix is plainPrefix a byte at a time.
func naivePlainPrefix(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return i
		}
	}
	return len(s)
}

// TestPlainPrefix checks the word-at-a-time scan against the byte loop:
// every byte value at every position of strings of 0 to 40 bytes (one
// word, two, the loop and its overlapping tail), after and before every
// other, and random strings.
func TestPlainPrefix(t *testing.T) {
	check := func(s string) {
		if got, want := plainPrefix(s), naivePlainPrefix(s); got != want {
			t.Fatalf("plainPrefix(%q) = %d, want %d", s, got, want)
		}
		if got, want := plainPrefix([]byte(s)), naivePlainPrefix(s); got != want {
			t.Fatalf("plainPrefix([]byte(%q)) = %d, want %d", s, got, want)
		}
	}
	const plain = "abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	check("")
	for n := 1; n <= len(plain); n++ {
		check(plain[:n])
		for pos := range n {
			for c := range 256 {
				b := []byte(plain[:n])
				b[pos] = byte(c)
				check(string(b))
				for d := 0; d < 256 && pos+1 < n; d += 17 {
					b[pos+1] = byte(d)
					check(string(b))
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		b := make([]byte, r.IntN(80))
		for i := range b {
			b[i] = byte(0x20 + r.IntN(0x60))
			if r.IntN(30) == 0 {
				b[i] = byte(r.IntN(256))
			}
		}
		check(string(b))
	}
}

// TestJSONEncoderTimes checks the ISO 8601 fast path against time's
// formatter (by way of zap) on years, zones and offsets at its edges.
func TestJSONEncoderTimes(t *testing.T) {
	cfg := fullConfig()
	var fs []zapcore.Field
	zones := []*time.Location{
		time.UTC, time.Local, time.FixedZone("", 0), time.FixedZone("s", -30), time.FixedZone("p", 30),
		time.FixedZone("m", -(9*3600 + 30*60 + 15)), time.FixedZone("h", 14*3600), time.FixedZone("big", 99*3600+59*60),
		time.FixedZone("huge", 100*3600), time.FixedZone("-huge", -100*3600), time.FixedZone("-big", -99*3600),
	}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		zones = append(zones, ny) // LMT before 1883: an offset with seconds
	}
	years := []int{-1, 0, 1, 999, 1883, 1970, 2024, 9999, 10000, 292277026596}
	for _, loc := range zones {
		for _, y := range years {
			for _, ns := range []int{0, 999999, 1000000, 123456789, 999999999} {
				fs = append(fs, zap.Time("t", time.Date(y, 12, 31, 23, 59, 59, ns, loc)), zap.Time("t", time.Date(y, 1, 1, 0, 0, 0, ns, loc)))
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 10000 {
		fs = append(fs, zap.Time("t", time.Unix(0, r.Int64()-r.Int64()).In(zones[r.IntN(len(zones))])))
	}
	checkSame(t, cfg, nil, zapcore.Entry{Time: time.Now()}, fs)
	cfg.EncodeTime = zapcore.RFC3339TimeEncoder
	checkSame(t, cfg, nil, zapcore.Entry{Time: time.Now()}, fs)
}

// TestAppendJSONFloat checks floats, the whole numbers of billionths
// (durations in seconds) among them, against strconv's shortest form.
func TestAppendJSONFloat(t *testing.T) {
	fs := []float64{
		0, 1, -1, 1e-9, -1e-9, 0.5, 0.000123456, 999999.999999999, -999999.999999999, 1e6, -1e6,
		999999, 123456.000000001, 1e-10, 0.1 + 0.2, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Copysign(0, -1),
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		ns := r.Int64N(2e15) - 1e15
		fs = append(fs, float64(ns)/1e9, float64(ns%1e9)/1e9, float64(time.Duration(ns).Seconds()), r.NormFloat64()*1e3)
	}
	for _, f := range fs {
		want := strconv.AppendFloat(nil, f, 'f', -1, 64)
		buf := jsonBuffers.Get()
		appendJSONFloat(buf, f, 64)
		if got := buf.String(); got != string(want) {
			t.Fatalf("appendJSONFloat(%v) = %s, want %s", f, got, want)
		}
		buf.Free()
	}
}
