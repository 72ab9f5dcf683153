package logtap

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/secret"
)

// tapLogger is a logger that writes to a new tap only, and the tap.
func tapLogger(secret func(string) bool) (*zap.Logger, *Tap) {
	t := New(secret)
	return zap.New(t), t
}

// fieldMap is the fields of r by key, failing on a key given twice.
func fieldMap(t *testing.T, r Record) map[string]Field {
	t.Helper()
	m := map[string]Field{}
	for _, p := range r.Fields {
		if _, dup := m[p.K]; dup {
			t.Fatalf("%q: key %q twice in %v", r.Message, p.K, r.Fields)
		}
		m[p.K] = p
	}
	return m
}

// TestLogTapOrderLevelsLoggers: entries are kept in the order written,
// every level from Debug up, with the logger's name and the entry's time.
func TestLogTapOrderLevelsLoggers(t *testing.T) {
	log, tap := tapLogger(nil)
	before := time.Now()
	log.Debug("one")
	log.Named("db").Info("two")
	log.Named("db").Named("pool").Warn("three")
	log.Error("four")
	recs, dropped := tap.Records()
	if dropped != 0 || len(recs) != 4 {
		t.Fatalf("%d records, %d dropped", len(recs), dropped)
	}
	want := []struct{ msg, level, logger string }{
		{"one", "DEBUG", ""}, {"two", "INFO", "db"}, {"three", "WARN", "db.pool"}, {"four", "ERROR", ""},
	}
	for i, w := range want {
		r := recs[i]
		if r.Message != w.msg || r.Level != w.level || r.Logger != w.logger || len(r.Fields) != 0 {
			t.Errorf("record %d = %+v, want %+v", i, r, w)
		}
		if r.Time.Before(before) || r.Time.After(time.Now()) {
			t.Errorf("record %d: time %v", i, r.Time)
		}
	}
	if !tap.Enabled(zapcore.DebugLevel) || !tap.Enabled(zapcore.FatalLevel) {
		t.Error("a level is not enabled")
	}
	if tap.Sync() != nil {
		t.Error("Sync failed")
	}
}

// point is an object field.
type point struct{ X, Y int }

// MarshalLogObject writes x and y.
func (p point) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddInt("x", p.X)
	enc.AddInt("y", p.Y)
	return enc.AddObject("inner", zapcore.ObjectMarshalerFunc(func(enc zapcore.ObjectEncoder) error {
		enc.AddDuration("d", time.Second)
		enc.AddString("s", "<b>")
		return nil
	}))
}

// TestLogTapFields: every kind of field is rendered as text, in the order
// given, objects and arrays as compact JSON.
func TestLogTapFields(t *testing.T) {
	log, tap := tapLogger(nil)
	when := time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC)
	log.Info("fields",
		zap.String("s", "text"),
		zap.Int("i", -42),
		zap.Uint64("u", 7),
		zap.Float64("f", 1.5),
		zap.Duration("d", 1500*time.Millisecond),
		zap.Error(errors.New("it broke")),
		zap.NamedError("cause", fmt.Errorf("wrapped: %w", errors.New("inner"))),
		zap.Bool("b", true),
		zap.Object("obj", point{1, 2}),
		zap.Ints("ints", []int{1, 2, 3}),
		zap.Strings("strs", []string{"a", "b"}),
		zap.Durations("durs", []time.Duration{time.Second, time.Millisecond}),
		zap.Time("t", when),
		zap.Binary("bin", []byte{0, 1, 2}),
		zap.ByteString("bs", []byte("bytes")),
		zap.Stringer("str", time.Minute),
		zap.Any("m", map[string]any{"k": "v", "n": 1}),
		zap.Reflect("r", struct {
			A string
			B []int
		}{"a", []int{1}}),
		zap.Reflect("ch", make(chan int)),
		zap.Complex128("c", 1+2i),
	)
	recs, _ := tap.Records()
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	want := []Field{
		{K: "s", V: "text"},
		{K: "i", V: "-42"},
		{K: "u", V: "7"},
		{K: "f", V: "1.5"},
		{K: "d", V: "1.5s"},
		{K: "error", V: "it broke"},
		{K: "cause", V: "wrapped: inner"},
		{K: "b", V: "true"},
		{K: "obj", V: `{"inner":{"d":"1s","s":"<b>"},"x":1,"y":2}`},
		{K: "ints", V: "[1,2,3]"},
		{K: "strs", V: `["a","b"]`},
		{K: "durs", V: `["1s","1ms"]`},
		{K: "t", V: "2001-02-03T04:05:06.000000007Z"},
		{K: "bin", V: "AAEC"},
		{K: "bs", V: "bytes"},
		{K: "str", V: "1m0s"},
		{K: "m", V: `{"k":"v","n":1}`},
		{K: "r", V: `{"A":"a","B":[1]}`},
		{K: "c", V: "(1+2i)"},
	}
	got := recs[0].Fields
	// zap.Reflect of a channel: JSON fails, fmt's text is kept (an
	// address); the field comes before c.
	var rest []Field
	for _, p := range got {
		if p.K == "ch" {
			if !strings.HasPrefix(p.V, "0x") {
				t.Errorf("ch = %q, want fmt's address", p.V)
			}
			continue
		}
		rest = append(rest, p)
	}
	if len(rest) != len(want) {
		t.Fatalf("fields %v, want %v", rest, want)
	}
	for i := range want {
		if rest[i] != want[i] {
			t.Errorf("field %d = %+v, want %+v", i, rest[i], want[i])
		}
	}
}

// TestLogTapRedaction: a field whose key is secret, as the page's Redact
// list says, is REDACTED, and so is a secret key of an object or
// reflected value; the others are kept.
func TestLogTapRedaction(t *testing.T) {
	log, tap := tapLogger(redacting("password", "key", "token"))
	log.With(zap.String("api_key", "k-123")).Info("login",
		zap.String("user", "ann"),
		zap.String("password", "hunter2"),
		zap.String("Authorization", "Bearer x"),
		zap.Any("creds", map[string]any{"user": "ann", "token": "t-1", "deep": map[string]any{"PASSWORD": "p"}}),
		zap.Reflect("form", struct {
			Name     string
			Password string
		}{"ann", "hunter2"}),
	)
	recs, _ := tap.Records()
	m := fieldMap(t, recs[0])
	for _, k := range []string{"api_key", "password", "Authorization"} {
		if p := m[k]; p.V != secret.Marker || !p.Redacted {
			t.Errorf("%s = %+v, want redacted", k, p)
		}
	}
	if p := m["user"]; p.V != "ann" || p.Redacted {
		t.Errorf("user = %+v", p)
	}
	if got, want := m["creds"].V, `{"deep":{"PASSWORD":"REDACTED"},"token":"REDACTED","user":"ann"}`; got != want {
		t.Errorf("creds = %s, want %s", got, want)
	}
	if got, want := m["form"].V, `{"Name":"ann","Password":"REDACTED"}`; got != want {
		t.Errorf("form = %s, want %s", got, want)
	}
	for _, p := range recs[0].Fields {
		if strings.Contains(p.V, "hunter2") || strings.Contains(p.V, "k-123") || strings.Contains(p.V, "t-1") {
			t.Errorf("secret shown: %+v", p)
		}
	}
}

// TestLogTapValueCap: a value is cut at 1 KiB, on a rune boundary, and
// ends in "…"; a value of 1 KiB is kept whole; a long message is cut at
// 4 KiB.
func TestLogTapValueCap(t *testing.T) {
	log, tap := tapLogger(nil)
	log.Info(strings.Repeat("m", 10000),
		zap.String("big", strings.Repeat("x", 5000)),
		zap.String("exact", strings.Repeat("y", maxValue)),
		zap.String("runes", strings.Repeat("é", 1000)),
		zap.Ints("arr", make([]int, 2000)),
	)
	recs, _ := tap.Records()
	m := fieldMap(t, recs[0])
	if v := m["big"].V; v != strings.Repeat("x", maxValue)+"…" {
		t.Errorf("big: %d bytes, ends %q", len(v), v[len(v)-8:])
	}
	if v := m["exact"].V; v != strings.Repeat("y", maxValue) {
		t.Errorf("exact: %d bytes", len(v))
	}
	if v := m["runes"].V; !utf8.ValidString(v) || !strings.HasSuffix(v, "é…") || len(v) > maxValue+len("…") {
		t.Errorf("runes: %d bytes, valid %v", len(v), utf8.ValidString(v))
	}
	if v := m["arr"].V; !strings.HasPrefix(v, "[0,0,") || !strings.HasSuffix(v, "…") || len(v) != maxValue+len("…") {
		t.Errorf("arr: %d bytes", len(v))
	}
	if msg := recs[0].Message; len(msg) != maxMessage+len("…") {
		t.Errorf("message: %d bytes", len(msg))
	}
}

// TestLogTapDropsOldest: past 200 entries the oldest go, and are counted.
func TestLogTapDropsOldest(t *testing.T) {
	log, tap := tapLogger(nil)
	for i := range 250 {
		log.Info(fmt.Sprint("m", i), zap.Int("i", i))
	}
	recs, dropped := tap.Records()
	if len(recs) != maxRecords || dropped != 50 {
		t.Fatalf("%d records, %d dropped", len(recs), dropped)
	}
	for i, r := range recs {
		if want := fmt.Sprint("m", i+50); r.Message != want || r.Fields[0].V != fmt.Sprint(i+50) {
			t.Fatalf("record %d = %q %v, want %q", i, r.Message, r.Fields, want)
		}
	}
}

// TestLogTapTextBound: the text kept stays within 256 KiB, the oldest
// entries going first; an entry that alone is bigger loses its last
// fields, and says how many.
func TestLogTapTextBound(t *testing.T) {
	log, tap := tapLogger(nil)
	v := strings.Repeat("v", maxValue)
	for i := range 150 {
		log.Info(fmt.Sprint("m", i), zap.String("a", v), zap.String("b", v))
	}
	recs, dropped := tap.Records()
	text := 0
	for _, r := range recs {
		text += recordText(&r)
	}
	if text > maxText || len(recs)+dropped != 150 || dropped == 0 || recs[len(recs)-1].Message != "m149" {
		t.Fatalf("%d records, %d dropped, %d bytes", len(recs), dropped, text)
	}
	if want := maxText / (2*maxValue + 6); len(recs) != want {
		t.Errorf("%d records kept, want %d", len(recs), want)
	}

	fields := make([]zap.Field, 400)
	for i := range fields {
		fields[i] = zap.String(fmt.Sprint("f", i), v)
	}
	log.Info("huge", fields...)
	recs, dropped = tap.Records()
	if len(recs) != 1 || dropped != 150 {
		t.Fatalf("%d records, %d dropped", len(recs), dropped)
	}
	last := recs[0].Fields[len(recs[0].Fields)-1]
	kept := len(recs[0].Fields) - 1
	if kept < 200 || last.K != "…" || last.V != fmt.Sprint(400-kept, " more fields not kept") {
		t.Errorf("%d fields kept, last %+v", kept, last)
	}
	if n := recordText(&recs[0]); n > maxText {
		t.Errorf("huge record keeps %d bytes", n)
	}
}

// TestLogTapConcurrent: goroutines logging at once through loggers that
// share the tap (run with -race) lose nothing but what the bound drops.
func TestLogTapConcurrent(t *testing.T) {
	log, tap := tapLogger(nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			l := log.With(zap.Int("g", g))
			for i := range 100 {
				l.Debug("m", zap.Int("i", i))
			}
		})
	}
	for range 10 {
		tap.Records()
	}
	wg.Wait()
	recs, dropped := tap.Records()
	if len(recs) != maxRecords || dropped != 800-maxRecords {
		t.Fatalf("%d records, %d dropped", len(recs), dropped)
	}
	last := map[string]int{}
	for _, r := range recs {
		m := fieldMap(t, r)
		var i int
		fmt.Sscan(m["i"].V, &i)
		if prev, ok := last[m["g"].V]; ok && i <= prev {
			t.Fatalf("goroutine %s: %d after %d", m["g"].V, i, prev)
		}
		last[m["g"].V] = i
	}
}

// TestLogTapWithSharesBuffer: the cores With returns write to the same
// buffer, each with its fields first; namespaces prefix the keys after
// them; the parent is not changed by its children.
func TestLogTapWithSharesBuffer(t *testing.T) {
	log, tap := tapLogger(nil)
	child := log.With(zap.String("a", "1"))
	grand := child.With(zap.String("b", "2"))
	ns := child.With(zap.Namespace("req"), zap.String("k", "v"))
	child.Info("child", zap.String("c", "3"))
	grand.Info("grand")
	log.Info("root")
	ns.Info("ns", zap.Int("n", 1))
	recs, _ := tap.Records()
	want := []struct {
		msg    string
		fields []Field
	}{
		{"child", []Field{{K: "a", V: "1"}, {K: "c", V: "3"}}},
		{"grand", []Field{{K: "a", V: "1"}, {K: "b", V: "2"}}},
		{"root", nil},
		{"ns", []Field{{K: "a", V: "1"}, {K: "req.k", V: "v"}, {K: "req.n", V: "1"}}},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records", len(recs))
	}
	for i, w := range want {
		if recs[i].Message != w.msg || fmt.Sprint(recs[i].Fields) != fmt.Sprint(w.fields) {
			t.Errorf("record %d = %q %v, want %q %v", i, recs[i].Message, recs[i].Fields, w.msg, w.fields)
		}
	}
}

// redacting is the page's secret rule with the substrings words added,
// as traceback's Redact makes it.
func redacting(words ...string) func(string) bool {
	return func(name string) bool {
		if secret.Name(name) {
			return true
		}
		for _, w := range words {
			if strings.Contains(strings.ToLower(name), w) {
				return true
			}
		}
		return false
	}
}
