package bench

import (
	"bytes"
	"math/rand"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

// hostile is text a client controls that zap escapes: quotes,
// backslashes, control bytes, DEL, invalid UTF-8 (a lone byte, a cut
// sequence, an over-long form, a surrogate), U+2028 and U+2029 (written as
// is), multi-byte UTF-8 and a genuine U+FFFD.
const hostile = "a\"b\\c\n\r\t\x00\x01\x1f\x7f \xff\xfe \xe2\x82 \xc0\xaf \xed\xa0\x80 \u2028\u2029 é€😀 \ufffd end"

// hostileRequest is the benchmarks' request with hostile text in every
// string the access entry takes from the request.
func hostileRequest() *http.Request {
	r := wsgotest.Request()
	r.Header["User-Agent"] = []string{hostile}
	r.Header["Referer"] = []string{"http://x/" + hostile}
	r.URL.Path = "/p/" + hostile
	r.URL.RawQuery = "q=" + hostile
	r.Host = "h" + hostile
	r.Method = "GE\"T"
	return r
}

// clockFields are the members of a floor's line that the clock writes.
var clockFields = regexp.MustCompile(`"(ts|http\.server\.request\.duration)":[0-9.e+-]+`)

// floorLine serves r once through the stack name of StacksTo and returns
// what its logger wrote, each write, with the clock's members normalised.
func floorLine(t *testing.T, name string, r *http.Request) (line string, writes int) {
	t.Helper()
	var w countingWriter
	for _, s := range StacksTo(&w) {
		if s.Name == name {
			s.Wrap(Hello).ServeHTTP(wsgotest.NewWriter(), r)
			return clockFields.ReplaceAllString(w.b.String(), `"$1":0`), w.writes
		}
	}
	t.Fatalf("no stack %q", name)
	return "", 0
}

// countingWriter keeps what is written to it and counts the writes.
type countingWriter struct {
	b      bytes.Buffer
	writes int
}

// Write keeps p and counts the call.
func (w *countingWriter) Write(p []byte) (int, error) { w.writes++; return w.b.Write(p) }

// TestFloorsWriteZapFloorsLine: the careful zap floor and the appender
// write, with one Write, the line the stock zap floor writes, for the
// benchmarks' request and for one whose every string is hostile; the
// timestamp and the duration normalised.
func TestFloorsWriteZapFloorsLine(t *testing.T) {
	for _, c := range []struct {
		name string
		req  func() *http.Request
	}{{"benchmarks' request", wsgotest.Request}, {"hostile request", hostileRequest}} {
		want, _ := floorLine(t, "zapfloor", c.req())
		if !strings.Contains(want, `"http.response.status_code":200`) || !strings.HasSuffix(want, "}\n") {
			t.Fatalf("%s: zapfloor wrote %q", c.name, want)
		}
		for _, name := range []string{"zapfloor-careful", "appender"} {
			got, writes := floorLine(t, name, c.req())
			if got != want || writes != 1 {
				t.Errorf("%s: %s wrote, in %d writes,\n%q\nzapfloor\n%q", c.name, name, writes, got, want)
			}
		}
	}
}

// zapLine is what zap's production JSON encoder writes for the info entry
// "request" at now with accessFields.
func zapLine(t *testing.T, r *http.Request, now time.Time, d time.Duration) string {
	t.Helper()
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	buf, err := enc.EncodeEntry(zapcore.Entry{Level: zapcore.InfoLevel, Time: now, Message: "request"},
		accessFields(r, 200, int64(len(HelloBody)), d, floorRequestID))
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestAppendAccessLineAsZap: with a fixed clock, the appender's line is
// zap's, byte for byte, timestamp and duration included, for times and
// durations whose floats zap writes with many digits, few, or none.
func TestAppendAccessLineAsZap(t *testing.T) {
	times := []time.Time{
		time.Unix(1796305448, 557829400), time.Unix(1796305448, 0), time.Unix(0, 1), time.Unix(1, 100),
		time.Date(2262, 4, 11, 23, 47, 16, 854775807, time.UTC),
	}
	durations := []time.Duration{0, 1, 631, 93299 * time.Nanosecond, 1500 * time.Millisecond, 90 * time.Minute}
	for _, req := range []func() *http.Request{wsgotest.Request, hostileRequest} {
		for _, now := range times {
			for _, d := range durations {
				want := zapLine(t, req(), now, d)
				if got := string(appendAccessLine(nil, req(), now, d, 200, int64(len(HelloBody)), floorRequestID)); got != want {
					t.Errorf("at %v after %v:\n got %q\nwant %q", now, d, got, want)
				}
			}
		}
	}
}

// TestAppendJSONStringAsZap: the appender escapes every string as zap's
// JSON encoder does: a table of the cases that need escaping, then random
// strings over the bytes that matter (ASCII controls, quotes, backslashes,
// UTF-8 lead and continuation bytes).
func TestAppendJSONStringAsZap(t *testing.T) {
	cfg := zapcore.EncoderConfig{}
	enc := zapcore.NewJSONEncoder(cfg)
	check := func(s string) {
		buf, err := enc.EncodeEntry(zapcore.Entry{}, []zap.Field{zap.String("k", s)})
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(strings.TrimPrefix(buf.String(), `{"k":"`), "\"}\n")
		if got := string(appendJSONString(nil, s)); got != want {
			t.Errorf("%q: got %q, want %q", s, got, want)
		}
	}
	for _, s := range []string{"", "plain", hostile, "\x00", "\x1f", "\"", "\\", "\xff", "\u2028", "😀", "\xf0\x9f\x98", "\xed\xa0\x80"} {
		check(s)
	}
	alphabet := []byte("a\"\\\n\r\t\x00\x01\x1f\x7f\x80\xbf\xc0\xc2\xe2\xed\xef\xf0\xf4\xf5\xff")
	rng := rand.New(rand.NewSource(24))
	for range 5000 {
		b := make([]byte, rng.Intn(12))
		for i := range b {
			b[i] = alphabet[rng.Intn(len(alphabet))]
		}
		check(string(b))
	}
}
