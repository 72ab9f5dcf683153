package logging

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// encodeBoth encodes the entry with zap's JSON encoder (the oracle) and
// with JSONEncoder, each after the same With fields, as ioCore.With does.
func encodeBoth(t testing.TB, cfg zapcore.EncoderConfig, with []zapcore.Field, ent zapcore.Entry, fields []zapcore.Field) (want, got string) {
	t.Helper()
	encode := func(enc zapcore.Encoder) string {
		if len(with) > 0 {
			enc = enc.Clone()
			for i := range with {
				with[i].AddTo(enc)
			}
		}
		buf, err := enc.EncodeEntry(ent, fields)
		if err != nil {
			t.Fatalf("EncodeEntry: %v", err)
		}
		s := buf.String()
		buf.Free()
		return s
	}
	return encode(zapcore.NewJSONEncoder(cfg)), encode(JSONEncoder(cfg))
}

// checkSame fails when JSONEncoder's bytes differ from zap's.
func checkSame(t testing.TB, cfg zapcore.EncoderConfig, with []zapcore.Field, ent zapcore.Entry, fields []zapcore.Field) {
	t.Helper()
	want, got := encodeBoth(t, cfg, with, ent, fields)
	if got != want {
		t.Errorf("JSONEncoder differs from zap's JSON encoder:\n got: %q\nwant: %q", got, want)
	}
}

// fullConfig sets every key, so every part of an entry is written.
func fullConfig() zapcore.EncoderConfig {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.ISO8601TimeEncoder
	cfg.NameKey = "logger"
	cfg.FunctionKey = "func"
	return cfg
}

var testTime = time.Date(2024, 3, 9, 14, 5, 7, 123456789, time.FixedZone("X", -(3*3600+30*60)))

// fullEntry has every part of an entry set.
func fullEntry() zapcore.Entry {
	return zapcore.Entry{
		Level: zapcore.WarnLevel, Time: testTime, LoggerName: "srv.access", Message: "request",
		Caller: zapcore.NewEntryCaller(0, "/src/wsgo/logging/access.go", 251, true),
		Stack:  "goroutine 1 [running]:\n\tmain.main()\n",
	}
}

// hostile are strings an attacker chooses: every control byte, quotes,
// backslashes, HTML, U+2028/2029, and invalid UTF-8 of every kind.
var hostile = []string{
	"", "plain", `a"b\c`, "<script>&amp;</script>", "line\u2028sep\u2029end", "\ufffd literal",
	"\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f", "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f",
	"\xff", "ab\xc3", "\xc0\x80 overlong", "\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80 too big", "\x80\x80\x80\x80\x80\x80\x80\x80\x80",
	"héllo wörld, こんにちは, 😀", "exactly8", "sixteen bytes!!!", "seven b", `12345678"`, "1234567\\", "1234567\x1f",
	strings.Repeat("Mozilla/5.0 (X11; Linux x86_64) ", 5), strings.Repeat("é\"", 9) + "\xe2\x80",
	"\x1b[31mred\x1b[0m", "tab\there", "crlf\r\n", "é", "\u0080\u009f", "\xf0\x9f\x98",
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

type panicStringer struct{}

func (panicStringer) String() string { panic("boom") }

type nilStringer struct{ s string }

func (s *nilStringer) String() string { return s.s }

type richError struct{ msg string }

func (e richError) Error() string { return e.msg }
func (e richError) Format(f fmt.State, verb rune) {
	if f.Flag('+') {
		fmt.Fprintf(f, "%s\n\tat stack \"frame\"", e.msg)
		return
	}
	fmt.Fprint(f, e.msg)
}

type groupError []error

func (g groupError) Error() string   { return "group of " + fmt.Sprint(len(g)) }
func (g groupError) Errors() []error { return g }

type panicError struct{}

func (panicError) Error() string { panic("error boom") }

type nilError struct{}

func (*nilError) Error() string { return "never" }

type badArray struct{}

func (badArray) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	enc.AppendString("before")
	return errors.New("array \"failed\"")
}

// nsObject opens namespaces inside an object, which the object closes.
var nsObject = zapcore.ObjectMarshalerFunc(func(enc zapcore.ObjectEncoder) error {
	enc.AddString("a", "1")
	enc.OpenNamespace("inner")
	enc.AddInt("b", 2)
	enc.OpenNamespace("deeper")
	return enc.AddArray("arr", zapcore.ArrayMarshalerFunc(func(ae zapcore.ArrayEncoder) error {
		ae.AppendInt(1)
		ae.AppendString("two")
		_ = ae.AppendReflected(map[string]int{"x": 1})
		_ = ae.AppendObject(zapcore.ObjectMarshalerFunc(func(oe zapcore.ObjectEncoder) error {
			oe.OpenNamespace("ns")
			oe.AddBool("t", true)
			return nil
		}))
		return ae.AppendArray(zapcore.ArrayMarshalerFunc(func(ae zapcore.ArrayEncoder) error { return nil }))
	}))
})

// everyField has one field or more of every zapcore.FieldType, with the
// hard values of each.
func everyField() []zapcore.Field {
	var p *nilStringer
	var ne *nilError
	fs := []zapcore.Field{
		zap.Int("int", -42), zap.Int64("i64", math.MinInt64), zap.Int32("i32", math.MinInt32), zap.Int16("i16", -300), zap.Int8("i8", -128),
		{Key: "i32wide", Type: zapcore.Int32Type, Integer: 1 << 40},
		{Key: "i8wide", Type: zapcore.Int8Type, Integer: 0x1ff},
		zap.Uint("uint", 7), zap.Uint64("u64", math.MaxUint64), zap.Uint32("u32", math.MaxUint32), zap.Uint16("u16", 65535), zap.Uint8("u8", 255),
		zap.Uintptr("uptr", 0xdeadbeef), zap.Bool("t", true), zap.Bool("f", false),
		{Key: "bool2", Type: zapcore.BoolType, Integer: 2},
		zap.Complex128("c128", complex(1.5, -2.25)), zap.Complex128("c128nan", complex(math.NaN(), math.Inf(1))),
		zap.Complex64("c64", complex(float32(0.1), float32(3))), zap.Complex128("c0", complex(math.Copysign(0, -1), math.Copysign(0, -1))),
		zap.Duration("dur", 1500*time.Millisecond), zap.Duration("dur0", 0), zap.Duration("durneg", -3*time.Nanosecond),
		zap.Duration("durbig", math.MaxInt64), zap.Durations("durs", []time.Duration{1, time.Hour, 123456789}),
		zap.Time("time", testTime), zap.Time("utc", testTime.UTC()), zap.Time("zero", time.Time{}), zap.Time("local", testTime.Local()),
		{Key: "timenil", Type: zapcore.TimeType, Integer: 1700000000123456789},
		zap.Times("times", []time.Time{testTime, time.Unix(0, 0).UTC()}),
		zap.Binary("bin", []byte("\x00\xffbinary\"data")), zap.Binary("bin0", nil), zap.Binary("binlong", []byte(strings.Repeat("0123456789", 20))),
		zap.ByteString("bs", []byte("a\"b\\c\x00\xffé\u2028")), zap.ByteStrings("bss", [][]byte{[]byte("x"), nil, []byte("\x01")}),
		zap.Reflect("refl", map[string]any{"<html>": "&", "n": 1.5, "s": []int{1, 2}}), zap.Reflect("reflnil", nil),
		zap.Reflect("reflerr", make(chan int)), zap.Reflect("reflfn", func() {}), zap.Any("anystruct", struct{ A, b int }{1, 2}),
		zap.Stringer("str", stringer{"a\"b\x00"}), zap.Stringer("strpanic", panicStringer{}), zap.Stringer("strnil", p),
		zap.Error(errors.New("plain \"err\"\n")), zap.NamedError("rich", richError{"rich"}), zap.NamedError("richsame", richError{""}),
		zap.NamedError("group", groupError{errors.New("one"), nil, richError{"two"}, groupError{errors.New("three")}}),
		zap.NamedError("errpanic", panicError{}), zap.NamedError("errnil", ne), zap.Error(nil),
		zap.Object("obj", nsObject), zap.Array("badarr", badArray{}), zap.Inline(nsObject), zap.Skip(),
		zap.Strings("strs", hostile), zap.Ints("ints", []int{1, -2, 3}), zap.Bools("bools", []bool{true, false}),
		zap.Float64s("f64s", []float64{0.1, -0, math.Inf(-1)}), zap.Float32s("f32s", []float32{0.1, float32(math.NaN()), 1e-7}),
		zap.Complex64s("c64s", []complex64{1i}), zap.Uintptrs("uptrs", []uintptr{1}), zap.Int8s("i8s", []int8{-1}),
		zap.Objects("objs", []zapcore.ObjectMarshaler{nsObject, nsObject}),
		zap.Dict("dict", zap.String("k", "v"), zap.Namespace("dns"), zap.Int("n", 1)),
		zap.Namespace("ns1"), zap.String("inns1", "x"), zap.Namespace("ns2"), zap.Namespace("ns3"),
	}
	for i, f := range hardFloats {
		fs = append(fs, zap.Float64(fmt.Sprint("f64_", i), f), zap.Float32(fmt.Sprint("f32_", i), float32(f)))
	}
	for i, s := range hostile {
		fs = append(fs, zap.String(s, s), zap.String(fmt.Sprint("k", i), s))
	}
	return fs
}

// hardFloats are the floats whose formatting has a special case, in zap
// or in JSONEncoder's decimal fast path.
var hardFloats = []float64{
	0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1, -1, 0.1, 0.2, 0.3, 1.5, 123.456, 1e-9, 2e-9, 1.000000001,
	999999.999999999, 1e6, 1e6 - 1e-9, -999999.999999999, 1e21, 1e20, 1e-7, 5e-324, math.MaxFloat64, math.SmallestNonzeroFloat64,
	1.0 / 3, 2.0 / 3, 0.000123, 123456.789, 0.0015, 4.35, 0.29, 1e15, 1e16, 123456789012345678, 0.000001234, 1e-10, 1.5e-9,
}

// configs are encoder configs that use each of zap's callbacks, and keys
// that are empty, hostile or unusual.
func configs() map[string]zapcore.EncoderConfig {
	cs := map[string]zapcore.EncoderConfig{}
	cs["production"] = zap.NewProductionEncoderConfig()
	cs["development"] = zap.NewDevelopmentEncoderConfig()
	cs["full"] = fullConfig()
	c := fullConfig()
	c.EncodeTime, c.EncodeDuration, c.EncodeLevel, c.EncodeCaller = zapcore.RFC3339NanoTimeEncoder, zapcore.StringDurationEncoder, zapcore.CapitalColorLevelEncoder, zapcore.FullCallerEncoder
	cs["nano+string+color"] = c
	c = fullConfig()
	c.EncodeTime, c.EncodeDuration, c.EncodeLevel = zapcore.EpochMillisTimeEncoder, zapcore.MillisDurationEncoder, zapcore.LowercaseColorLevelEncoder
	cs["millis"] = c
	c = fullConfig()
	c.EncodeTime, c.EncodeDuration = zapcore.EpochNanosTimeEncoder, zapcore.NanosDurationEncoder
	c.LineEnding = "\r\n;"
	cs["nanos+crlf"] = c
	c = fullConfig()
	c.EncodeTime, c.EncodeLevel = zapcore.TimeEncoderOfLayout("Mon Jan _2 15:04:05 \"MST\" 2006"), zapcore.CapitalLevelEncoder
	c.SkipLineEnding, c.LineEnding = true, "x"
	cs["layout+skip"] = c
	c = fullConfig()
	c.EncodeTime, c.EncodeDuration, c.EncodeLevel, c.EncodeCaller, c.EncodeName = writeNothing[time.Time], writeNothing[time.Duration], writeNothing[zapcore.Level], writeNothing[zapcore.EntryCaller], writeNothing[string]
	cs["callbacks write nothing"] = c
	c = fullConfig()
	c.EncodeTime, c.EncodeDuration, c.EncodeLevel, c.EncodeCaller, c.EncodeName = writeTwice[time.Time], writeTwice[time.Duration], writeTwice[zapcore.Level], writeTwice[zapcore.EntryCaller], writeTwice[string]
	cs["callbacks write twice"] = c
	c = fullConfig()
	c.EncodeTime, c.EncodeDuration, c.EncodeName = nil, nil, nil
	cs["nil callbacks"] = c
	c = fullConfig()
	c.EncodeTime, c.EncodeDuration = zapcore.EpochTimeEncoder, zapcore.SecondsDurationEncoder
	c.LevelKey, c.TimeKey, c.NameKey, c.CallerKey, c.FunctionKey, c.MessageKey, c.StacktraceKey = "", "", "", "", "", "", ""
	cs["no keys"] = c
	c = fullConfig()
	c.LevelKey, c.TimeKey, c.NameKey, c.CallerKey, c.FunctionKey, c.MessageKey, c.StacktraceKey = "l\"v", "t\x00", "n\xff", "c\u2028", "f\\", "m<>", "s\n"
	cs["hostile keys"] = c
	c = fullConfig()
	c.EncodeLevel = nil
	c.NewReflectedEncoder = zapcore.EncoderConfig{}.NewReflectedEncoder
	cs["nil level encoder"] = c
	return cs
}

// writeNothing is a config callback that writes nothing (zap falls back).
func writeNothing[T any](T, zapcore.PrimitiveArrayEncoder) {}

// writeTwice is a config callback that appends two values.
func writeTwice[T any](v T, enc zapcore.PrimitiveArrayEncoder) {
	enc.AppendString(fmt.Sprint(v))
	enc.AppendInt(2)
}

// TestJSONEncoderSameAsZap compares JSONEncoder with zap's JSON encoder for
// every field type, in the entry and in With, under every config.
func TestJSONEncoderSameAsZap(t *testing.T) {
	for name, cfg := range configs() {
		t.Run(name, func(t *testing.T) {
			ent := fullEntry()
			checkSame(t, cfg, nil, ent, nil)
			checkSame(t, cfg, nil, zapcore.Entry{}, nil)
			checkSame(t, cfg, nil, ent, everyField())
			checkSame(t, cfg, everyField(), ent, everyField())
			checkSame(t, cfg, everyField(), ent, nil)
			checkSame(t, cfg, []zapcore.Field{zap.Namespace("with")}, ent, nil)
			checkSame(t, cfg, []zapcore.Field{zap.Namespace("with")}, ent, []zapcore.Field{zap.Int("a", 1)})
			for _, f := range everyField() {
				checkSame(t, cfg, nil, ent, []zapcore.Field{f})
				checkSame(t, cfg, []zapcore.Field{f}, zapcore.Entry{}, []zapcore.Field{f})
			}
			for _, s := range hostile {
				ent := ent
				ent.Message, ent.LoggerName, ent.Stack, ent.Caller.Function, ent.Caller.File = s, s, s, s, s
				checkSame(t, cfg, nil, ent, []zapcore.Field{zap.String(s, s)})
			}
			for l := zapcore.DebugLevel - 2; l <= zapcore.FatalLevel+2; l++ {
				ent := ent
				ent.Level = l
				checkSame(t, cfg, nil, ent, nil)
			}
		})
	}
}

// TestJSONEncoderCloneKeepsOriginal checks that a clone's fields do not
// reach the encoder it came from, nor the entries of another clone.
func TestJSONEncoderCloneKeepsOriginal(t *testing.T) {
	cfg := fullConfig()
	ent := fullEntry()
	base := JSONEncoder(cfg)
	base.AddString("base", "b")
	a := base.Clone()
	a.AddString("a", "1")
	a.OpenNamespace("ans")
	b := base.Clone()
	b.AddInt("b", 2)
	zb := zapcore.NewJSONEncoder(cfg)
	zb.AddString("base", "b")
	za := zb.Clone()
	za.AddString("a", "1")
	za.OpenNamespace("ans")
	zbb := zb.Clone()
	zbb.AddInt("b", 2)
	for i, pair := range [][2]zapcore.Encoder{{base, zb}, {a, za}, {b, zbb}, {base, zb}} {
		got, _ := pair[0].EncodeEntry(ent, []zapcore.Field{zap.Int("n", i)})
		want, _ := pair[1].EncodeEntry(ent, []zapcore.Field{zap.Int("n", i)})
		if got.String() != want.String() {
			t.Errorf("encoder %d:\n got: %q\nwant: %q", i, got, want)
		}
	}
}

// TestJSONEncoderFloats compares the decimal fast path with strconv (by
// way of zap) on whole numbers of billionths and their neighbours.
func TestJSONEncoderFloats(t *testing.T) {
	cfg := zapcore.EncoderConfig{}
	var fs []zapcore.Field
	add := func(f float64) {
		fs = append(fs, zap.Float64("f", f), zap.Float64("n", math.Nextafter(f, 0)), zap.Float64("u", math.Nextafter(f, math.Inf(1))))
	}
	for _, f := range hardFloats {
		add(f)
	}
	for n := int64(1); n < 1e15; n = n*3 + n/7 + 1 {
		add(float64(n) / 1e9)
		add(-float64(n) / 1e9)
		add(float64(n) / 1e6)
		add(float64(n) / 1e12)
	}
	for d := time.Duration(1); d < 1000*time.Hour; d = d*2 + d/3 + 7 {
		add(d.Seconds())
		add(float64(d) / float64(time.Millisecond))
	}
	checkSame(t, cfg, nil, zapcore.Entry{}, fs)
}

// TestJSONLoggerWritesSameAsZap checks JSON end to end: its lines are
// those of zap's encoder with the same config.
func TestJSONLoggerWritesSameAsZap(t *testing.T) {
	var got, want strings.Builder
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.ISO8601TimeEncoder
	zlog := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(cfg), zapcore.AddSync(&want), zapcore.InfoLevel))
	log := JSON(&got)
	for _, l := range []*zap.Logger{zlog, log} {
		l = l.Named("n").With(zap.String("w", "\x00"), zap.Namespace("ns"))
		l.Info("hello", zap.String("user_agent.original", "\"evil\"\n\xff"), zap.Duration("d", 1234*time.Microsecond))
		l.Debug("dropped")
	}
	// The times differ; compare the lines without them.
	strip := func(s string) string {
		i := strings.Index(s, `"ts":"`)
		j := strings.Index(s[i+6:], `"`)
		return s[:i] + s[i+6+j+1:]
	}
	if strip(got.String()) != strip(want.String()) {
		t.Errorf("JSON wrote %q, zap %q", got.String(), want.String())
	}
}
