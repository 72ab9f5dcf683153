package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/mw"
)

var apacheTime = time.Date(2000, 10, 10, 13, 55, 36, 0, time.FixedZone("", -7*3600))

// The examples of Apache's own documentation (mod_log_config, "Common Log
// Format" and "Combined Log Format"), rebuilt field by field.
func TestAppendLineMatchesApachesDocumentation(t *testing.T) {
	rec := Record{
		RemoteHost: "127.0.0.1", RemoteUser: "frank", Time: apacheTime,
		RequestLine: "GET /apache_pb.gif HTTP/1.0", Status: 200, Bytes: 2326,
		Referer: "http://www.example.com/start.html", UserAgent: "Mozilla/4.08 [en] (Win98; I ;Nav)",
	}
	if got, want := string(AppendLine(nil, Common, &rec)), `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326`+"\n"; got != want {
		t.Errorf("common:\n got %q\nwant %q", got, want)
	}
	if got, want := string(AppendLine(nil, Combined, &rec)), `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"`+"\n"; got != want {
		t.Errorf("combined:\n got %q\nwant %q", got, want)
	}
}

// Hostile input, escaped as ap_escape_logitem does.
func TestAppendLineEscapesAsApacheDoes(t *testing.T) {
	rec := Record{
		RemoteHost: "10.0.0.1", Time: apacheTime, Status: 404,
		RequestLine: "GET /a\"b\\c\n127.0.0.1 - - [forged] \"GET / HTTP/1.1\" 200 1 HTTP/1.1",
		Referer:     "\b\t\v\r\x00\x1f\x7f\x80\xff",
		UserAgent:   `"><script>`,
	}
	want := `10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a\"b\\c\n127.0.0.1 - - [forged] \"GET / HTTP/1.1\" 200 1 HTTP/1.1" 404 - "\b\t\v\r\x00\x1f\x7f\x80\xff" "\"><script>"` + "\n"
	if got := string(AppendLine(nil, Combined, &rec)); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// Record fields as mod_log_config.c writes them: log_remote_user ("" for an
// empty user), pfmt (- for no status), clf_log_bytes_sent (- for no bytes),
// log_header_in (- for an absent header, nothing for an empty one); and a
// space in the user as \x20, wsgo's one change to ap_escape_logitem.
func TestAppendLineItems(t *testing.T) {
	base := Record{RemoteHost: "192.0.2.1", Time: apacheTime, RequestLine: "GET / HTTP/1.1", Status: 200, Bytes: 5}
	for _, tt := range []struct {
		name string
		edit func(*Record)
		want string
	}{
		{"absent", func(*Record) {}, `192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "-"`},
		{
			"empty", func(r *Record) { r.EmptyUser, r.EmptyReferer, r.EmptyUserAgent = true, true, true },
			`192.0.2.1 - "" [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "" ""`,
		},
		{"flags do nothing to a value", func(r *Record) {
			r.RemoteUser, r.Referer, r.UserAgent = "u", "r", "a"
			r.EmptyUser, r.EmptyReferer, r.EmptyUserAgent = true, true, true
		}, `192.0.2.1 - u [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "r" "a"`},
		{
			"user escaped, spaces too", func(r *Record) { r.RemoteUser = "a b\t\"c\"\\" },
			`192.0.2.1 - a\x20b\t\"c\"\\ [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "-"`,
		},
		{
			"spaces raw elsewhere", func(r *Record) { r.Referer, r.UserAgent = "a b", "c d" },
			`192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "a b" "c d"`,
		},
		{
			"no status, no bytes", func(r *Record) { r.Status, r.Bytes = 0, 0 },
			`192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" - - "-" "-"`,
		},
	} {
		rec := base
		tt.edit(&rec)
		if got := string(AppendLine(nil, Combined, &rec)); got != tt.want+"\n" {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

var lineRE = regexp.MustCompile(`^(\S+) - (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?\n$`)

// parseLine reads a line back into a Record, undoing the escapes: - is an
// absent item, "" (the user) and an empty quoted header an empty one.
func parseLine(line string) (Record, bool) {
	m := lineRE.FindStringSubmatch(line)
	if m == nil {
		return Record{}, false
	}
	tm, err := time.Parse("02/Jan/2006:15:04:05 -0700", m[3])
	if err != nil {
		return Record{}, false
	}
	status, _ := strconv.Atoi(m[5]) // - is 0
	var n int64
	if m[6] != "-" {
		n, _ = strconv.ParseInt(m[6], 10, 64)
	}
	dash := func(s string) string {
		if s == "-" {
			return ""
		}
		return unescape(s)
	}
	rec := Record{
		RemoteHost: dash(m[1]), RemoteUser: dash(m[2]), Time: tm, RequestLine: unescape(m[4]),
		Status: status, Bytes: n, Referer: dash(m[7]), UserAgent: dash(m[8]),
	}
	if m[2] == `""` {
		rec.RemoteUser, rec.EmptyUser = "", true
	}
	if strings.HasSuffix(line, "\"\n") { // Combined: "" between the quotes is an empty header
		rec.EmptyReferer, rec.EmptyUserAgent = m[7] == "", m[8] == ""
	}
	return rec, true
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'b':
			b.WriteByte('\b')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case 'x':
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// FuzzAppendLine: whatever the request line, referer, user agent and user
// (the user agent again), present or empty, the output is exactly one line,
// and it parses back to the same fields.
func FuzzAppendLine(f *testing.F) {
	f.Add("GET / HTTP/1.1", "http://x/", "curl/8", 200, int64(13))
	f.Add("GET /\n\" 200 1 \"x HTTP/1.1", "\x00\xff", `\"`, 500, int64(0))
	f.Add("", "", "", 999, int64(-1))
	f.Add("GET / HTTP/1.1", "", "a b\t\"c\"", 0, int64(0))
	f.Fuzz(func(t *testing.T, requestLine, referer, ua string, status int, n int64) {
		if status != 0 && (status < 100 || status > 999) || n < 0 {
			return // not what a server sends
		}
		rec := Record{
			RemoteHost: "192.0.2.1", RemoteUser: ua, Time: apacheTime, RequestLine: requestLine, Status: status, Bytes: n, Referer: referer, UserAgent: ua,
			EmptyUser: status%2 == 0, EmptyReferer: status%3 == 0, EmptyUserAgent: n%2 == 1,
		}
		for _, format := range []Format{Common, Combined} {
			line := string(AppendLine(nil, format, &rec))
			if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
				t.Fatalf("%v: not one line: %q", format, line)
			}
			got, ok := parseLine(line)
			if !ok {
				t.Fatalf("%v: does not parse: %q", format, line)
			}
			want := rec
			want.EmptyUser = want.RemoteUser == "" && want.EmptyUser
			want.EmptyReferer = want.Referer == "" && want.EmptyReferer
			want.EmptyUserAgent = want.UserAgent == "" && want.EmptyUserAgent
			if format == Common {
				want.Referer, want.UserAgent, want.EmptyReferer, want.EmptyUserAgent = "", "", false, false
			}
			// Apache writes an absent item as -, so an item whose value
			// is - reads back as absent: the format cannot tell them apart.
			for _, s := range []*string{&want.RemoteUser, &want.Referer, &want.UserAgent} {
				if *s == "-" {
					*s = ""
				}
			}
			if !got.Time.Equal(want.Time) || got.RequestLine != want.RequestLine || got.Status != want.Status ||
				got.Bytes != want.Bytes || got.Referer != want.Referer || got.UserAgent != want.UserAgent || got.RemoteHost != want.RemoteHost ||
				got.RemoteUser != want.RemoteUser || got.EmptyUser != want.EmptyUser || got.EmptyReferer != want.EmptyReferer || got.EmptyUserAgent != want.EmptyUserAgent {
				t.Fatalf("%v: %q parsed to %+v, want %+v", format, line, got, want)
			}
		}
	})
}

func TestApacheMiddleware(t *testing.T) {
	var buf bytes.Buffer
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.Write([]byte("Hello World!\n"))
	})
	h := Apache(&buf, Combined)(app)
	r := httptest.NewRequest("GET", "/myapp?subject=Ann", nil)
	r.RemoteAddr = "203.0.113.9:5555"
	r.SetBasicAuth("ann", "secret")
	r.Header.Set("User-Agent", "Mozilla/5.0")
	serveRec(h, r)
	got, ok := parseLine(buf.String())
	if !ok {
		t.Fatalf("unparsable %q", buf.String())
	}
	if got.RemoteHost != "203.0.113.9" || got.RemoteUser != "ann" || got.RequestLine != "GET /myapp?subject=Ann HTTP/1.1" ||
		got.Status != 200 || got.Bytes != 13 || got.Referer != "" || got.UserAgent != "Mozilla/5.0" || time.Since(got.Time) > time.Minute {
		t.Fatalf("line %q parsed to %+v", buf.String(), got)
	}
	if strings.Contains(buf.String(), "secret") {
		t.Fatal("the password is in the log")
	}
	for _, tt := range []struct {
		f    func()
		want string
	}{
		{func() { Apache(nil, Common) }, "logging: Apache: nil writer"},
		{func() { Apache(&buf, Format(7)) }, "logging: Apache: unknown format Format(7)"},
	} {
		func() {
			defer func() {
				if r := recover(); fmt.Sprint(r) != tt.want {
					t.Errorf("panic %v, want %q", r, tt.want)
				}
			}()
			tt.f()
		}()
	}
}

// Every byte value in the path, User-Agent, Referer and X-Request-ID yields
// exactly one line per request, in every format.
func TestEveryByteIsOneLine(t *testing.T) {
	var jsonBuf, consoleBuf, commonBuf, combinedBuf bytes.Buffer
	jsonLog := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(&jsonBuf), zapcore.DebugLevel))
	consoleLog := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(&consoleBuf), zapcore.DebugLevel))
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("x")) })
	h := mw.RequestID(mw.TrustIncomingRequestID(0))(Access(jsonLog)(Access(consoleLog)(
		Apache(&commonBuf, Common)(Apache(&combinedBuf, Combined)(app)))))
	for c := 0; c < 256; c++ {
		s := "a" + string([]byte{byte(c)}) + "b"
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path = "/p" + s
		r.RequestURI = "/p" + s
		r.Header["User-Agent"] = []string{s}
		r.Header["Referer"] = []string{s}
		r.Header["X-Request-Id"] = []string{s}
		serveRec(h, r)
	}
	for name, buf := range map[string]*bytes.Buffer{"json": &jsonBuf, "console": &consoleBuf, "common": &commonBuf, "combined": &combinedBuf} {
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if len(lines) != 256 {
			t.Errorf("%s: %d lines for 256 requests", name, len(lines))
		}
		if name == "json" {
			for i, l := range lines {
				var m map[string]any
				if err := json.Unmarshal([]byte(l), &m); err != nil {
					t.Fatalf("json line %d: %v: %q", i, err, l)
				}
			}
		}
		if name == "common" || name == "combined" {
			for i, l := range lines {
				if _, ok := parseLine(l + "\n"); !ok {
					t.Fatalf("%s line %d does not parse: %q", name, i, l)
				}
			}
		}
	}
}

// unsyncWriter is a writer with no lock of its own, like a bytes.Buffer or
// an *os.File written in pieces: each Write lands in two halves with a yield
// between, so that two Writes at once interleave.
type unsyncWriter struct{ b []byte }

func (u *unsyncWriter) Write(p []byte) (int, error) {
	half := len(p) / 2
	u.b = append(u.b, p[:half]...)
	runtime.Gosched()
	u.b = append(u.b, p[half:]...)
	return len(p), nil
}

// TestApacheConcurrentRequestsWriteWholeLines: many goroutines serve
// requests through one Apache layer into one writer without a lock of its
// own; each request gives exactly one complete line (and go test -race
// sees no race on the writer).
func TestApacheConcurrentRequestsWriteWholeLines(t *testing.T) {
	const workers, each = 32, 50
	out := &unsyncWriter{}
	h := Apache(out, Combined)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("Hello World!\n"))
	}))
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := httptest.NewRequest("GET", fmt.Sprintf("/r/%d/%d", g, i), nil)
				r.Header.Set("User-Agent", strings.Repeat("agent ", 20))
				serveRec(h, r)
			}
		}()
	}
	wg.Wait()
	text := string(out.b)
	if !strings.HasSuffix(text, "\n") {
		t.Fatalf("the log does not end with a newline: %q", text[max(0, len(text)-200):])
	}
	lines := strings.SplitAfter(text, "\n")
	lines = lines[:len(lines)-1]
	if len(lines) != workers*each {
		t.Fatalf("%d lines for %d requests", len(lines), workers*each)
	}
	seen := map[string]bool{}
	for i, l := range lines {
		rec, ok := parseLine(l)
		if !ok || rec.Status != 200 || rec.Bytes != 13 || rec.UserAgent != strings.Repeat("agent ", 20) {
			t.Fatalf("line %d is not a whole line: %q", i, l)
		}
		seen[rec.RequestLine] = true
	}
	for g := 0; g < workers; g++ {
		for i := 0; i < each; i++ {
			if rl := fmt.Sprintf("GET /r/%d/%d HTTP/1.1", g, i); !seen[rl] {
				t.Fatalf("no line for %q", rl)
			}
		}
	}
}

type brokenWriter struct{ err error }

func (b brokenWriter) Write(p []byte) (int, error) { return 0, b.err }

func TestApacheReportsWriteErrors(t *testing.T) {
	disk := errors.New("no space left on device")
	var got []string
	h := Apache(brokenWriter{disk}, Common, WriteErrors(func(err error, line []byte) {
		got = append(got, err.Error()+": "+string(line))
	}))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	for _, path := range []string{"/a", "/b"} {
		if rec := serveRec(h, httptest.NewRequest("GET", path, nil)); rec.Body.String() != "ok" {
			t.Fatalf("the response suffered from the log: %q", rec.Body.String())
		}
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "no space left on device: 192.0.2.1 - - [") || !strings.Contains(got[1], `"GET /b HTTP/1.1" 200 2`) {
		t.Fatalf("reports: %q", got)
	}
}

func TestApacheSkip(t *testing.T) {
	var buf strings.Builder
	h := Apache(&buf, Common, Skip(func(r *http.Request) bool { return r.URL.Path == "/health" }))(http.NotFoundHandler())
	serveRec(h, httptest.NewRequest("GET", "/health", nil))
	serveRec(h, httptest.NewRequest("GET", "/x", nil))
	if n := strings.Count(buf.String(), "\n"); n != 1 || !strings.Contains(buf.String(), "/x") {
		t.Fatalf("log: %q", buf.String())
	}
}
