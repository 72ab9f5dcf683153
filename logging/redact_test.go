package logging

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// redactCases are raw queries as sent and the url.query the access log
// must show for them (the rule itself is tested in internal/secret).
var redactCases = []struct{ name, raw, want string }{
	{"api key", "api_key=abc", "api_key=REDACTED"},
	{"token, page kept", "access_token=x&page=2", "access_token=REDACTED&page=2"},
	{"AWS presigned URL", "AWSAccessKeyId=AKIA1&Expires=9&Signature=c2ln", "AWSAccessKeyId=REDACTED&Expires=9&Signature=REDACTED"},
	// Issue 21: all of these were logged in clear.
	{
		"run-together names", "apikey=1&sessionid=2&accesstoken=3&authtoken=4&clientsecret=5&privatekey=6&newpassword=7",
		"apikey=REDACTED&sessionid=REDACTED&accesstoken=REDACTED&authtoken=REDACTED&clientsecret=REDACTED&privatekey=REDACTED&newpassword=REDACTED",
	},
	{"session cookies", "PHPSESSID=a&JSESSIONID=b", "PHPSESSID=REDACTED&JSESSIONID=REDACTED"},
	{"PHP arrays", "user[password]=a&password[]=b&user[name]=ann", "user[password]=REDACTED&password[]=REDACTED&user[name]=ann"},
	{"short words", "pass=1&pin=2&otp=3&cvv=4&card_number=5&ssn=6&code=7", "pass=REDACTED&pin=REDACTED&otp=REDACTED&cvv=REDACTED&card_number=REDACTED&ssn=REDACTED&code=REDACTED"},
	// and these stay.
	{"plain names", "shipping=1&compass=2&page=3&q=4&sort=5&monkey=6&keyboard=7", "shipping=1&compass=2&page=3&q=4&sort=5&monkey=6&keyboard=7"},
	{"the rest byte for byte", "z=%41+b&Password=p%20w+x&a=%zz&&;", "z=%41+b&Password=REDACTED&a=%zz&&;"},
	{"empty", "", ""},
}

// TestAccessRedactsQuery reads url.query off the access log's entry.
func TestAccessRedactsQuery(t *testing.T) {
	for _, tt := range redactCases {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := observed()
			target := "/p"
			if tt.raw != "" {
				target += "?" + tt.raw
			}
			serveRec(Access(log)(http.NotFoundHandler()), httptest.NewRequest("GET", target, nil))
			if got := logs.All()[0].ContextMap()[FieldQuery]; got != tt.want {
				t.Fatalf("url.query = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRedactQueryDoesNotAllocateWithoutSecrets(t *testing.T) {
	raw := "subject=Ann&page=2&sort=-date&monkey=1&q=a%20b;lang=en"
	var got string
	if n := testing.AllocsPerRun(100, func() { got = redactQuery(raw) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
	if unsafe.StringData(got) != unsafe.StringData(raw) {
		t.Fatal("a query without secrets must be returned as it is")
	}
}

// BenchmarkRedactQuery: a query without secrets costs no allocation.
func BenchmarkRedactQuery(b *testing.B) {
	for _, bb := range []struct{ name, raw string }{
		{"secrets=none", "subject=Ann&page=2&sort=-date&q=hello%20world&lang=en"},
		{"secrets=one", "subject=Ann&page=2&access_token=abcdef&lang=en"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				redactQuery(bb.raw)
			}
		})
	}
}

// refererCases are Referers as sent and what every format must log.
var refererCases = []struct{ name, sent, want string }{
	{"plain", "https://app.example/start?page=2", "https://app.example/start?page=2"},
	{"user information", "https://ann:hunter2@app.example/x", "https://ann:REDACTED@app.example/x"},
	{"query", "https://app.example/cb?state=ok&token=T0KEN", "https://app.example/cb?state=ok&token=REDACTED"},
	{"fragment", "https://app.example/cb#access_token=AT0KEN&scope=openid", "https://app.example/cb#access_token=REDACTED&scope=openid"},
}

// TestAccessRedactsReferer: the Referer's password, secret query values and
// secret fragment values never reach the JSON or console log.
func TestAccessRedactsReferer(t *testing.T) {
	for _, enc := range []struct {
		name string
		new  func(zapcore.EncoderConfig) zapcore.Encoder
	}{{"json", zapcore.NewJSONEncoder}, {"console", zapcore.NewConsoleEncoder}} {
		for _, tt := range refererCases {
			t.Run(enc.name+"/"+tt.name, func(t *testing.T) {
				var buf bytes.Buffer
				log := zap.New(zapcore.NewCore(enc.new(zap.NewProductionEncoderConfig()), zapcore.AddSync(&buf), zapcore.DebugLevel))
				r := httptest.NewRequest("GET", "/", nil)
				r.Header.Set("Referer", tt.sent)
				serveRec(Access(log)(http.NotFoundHandler()), r)
				out := buf.String()
				if !strings.Contains(out, tt.want) {
					t.Errorf("want %q in\n%s", tt.want, out)
				}
				for _, s := range []string{"hunter2", "T0KEN", "AT0KEN"} {
					if strings.Contains(out, s) {
						t.Errorf("%q in\n%s", s, out)
					}
				}
			})
		}
	}
}

// TestAccessEscapesC1 sends U+009B, the 8-bit CSI, and the other C1
// controls in every value the access log takes from the request, through
// zap's JSON and console encoders: the raw bytes never reach the output.
func TestAccessEscapesC1(t *testing.T) {
	const csi = "\u009b"
	for _, enc := range []struct {
		name string
		new  func(zapcore.EncoderConfig) zapcore.Encoder
	}{{"json", zapcore.NewJSONEncoder}, {"console", zapcore.NewConsoleEncoder}} {
		t.Run(enc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := zap.New(zapcore.NewCore(enc.new(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(&buf), zapcore.DebugLevel))
			r := httptest.NewRequest("GET", "/a%C2%9B31mb?q="+csi+"2J&x=%C2%9B", nil)
			r.Host = "h" + csi + "ost"
			r.Header.Set("User-Agent", "ua"+csi+"31m\u0085\u0080\u009f")
			r.Header.Set("Referer", "https://x.example/"+csi+"0m")
			serveRec(Access(log)(http.NotFoundHandler()), r)
			out := buf.String()
			for _, c1 := range []string{csi, "\u0085", "\u0080", "\u009f"} {
				if strings.Contains(out, c1) {
					t.Fatalf("C1 control %q in\n%q", c1, out)
				}
			}
			for _, want := range []string{`/a\\u009b31mb`, `q=\\u009b2J&x=%C2%9B`, `h\\u009bost`, `ua\\u009b31m\\u0085\\u0080\\u009f`, `https://x.example/\\u009b0m`} {
				if !strings.Contains(out, want) {
					t.Errorf("want %s in\n%s", want, out)
				}
			}
		})
	}
}

func TestEscapeC1(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"é ü \u00a0 \u00c2", "é ü \u00a0 \u00c2"}, // C2 A0 and C3 82: not C1
		{"\u0080\u009f", `\u0080\u009f`},
		{"a\u009bb\u009bc", `a\u009bb\u009bc`},
		{"\xc2", "\xc2"},
		{"\xc2\xc2\x9b", "\xc2" + `\u009b`},
	} {
		if got := escapeC1(tt.in); got != tt.want {
			t.Errorf("escapeC1(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	s := "/myapp2/hello/Ann é"
	if n := testing.AllocsPerRun(100, func() { escapeC1(s) }); n != 0 {
		t.Errorf("%v allocations without a C1 control", n)
	}
}

// TestApacheRedacts: by default the Combined line redacts secret values in
// %r (query and fragment) and in %{Referer}i, as Access does; with
// ApacheExact it is Apache's own line, secrets included.
func TestApacheRedacts(t *testing.T) {
	const ua = `"Go-http-client/1.1"`
	for _, tt := range []struct {
		name, target, referer string
		want, exact           string // %r's target and %{Referer}i, as logged
	}{
		{
			"query", "/cb?state=ok&access_token=S3CRET&page=2", "https://app.example/?page=1",
			`GET /cb?state=ok&access_token=REDACTED&page=2 HTTP/1.1" 200 2 "https://app.example/?page=1"`,
			`GET /cb?state=ok&access_token=S3CRET&page=2 HTTP/1.1" 200 2 "https://app.example/?page=1"`,
		},
		{
			"run-together names", "/login?newpassword=S3CRET&PHPSESSID=S3CRET", "",
			`GET /login?newpassword=REDACTED&PHPSESSID=REDACTED HTTP/1.1" 200 2 "-"`,
			`GET /login?newpassword=S3CRET&PHPSESSID=S3CRET HTTP/1.1" 200 2 "-"`,
		},
		{
			"referer", "/x", "https://ann:S3CRET@app.example/cb?token=S3CRET#access_token=S3CRET&scope=openid",
			`GET /x HTTP/1.1" 200 2 "https://ann:REDACTED@app.example/cb?token=REDACTED#access_token=REDACTED&scope=openid"`,
			`GET /x HTTP/1.1" 200 2 "https://ann:S3CRET@app.example/cb?token=S3CRET#access_token=S3CRET&scope=openid"`,
		},
		{
			"absolute-form target", "http://ann:S3CRET@example.com/a?sig=S3CRET", "",
			`GET http://ann:XXXXXXXX@example.com/a?sig=REDACTED HTTP/1.1" 200 2 "-"`,
			`GET http://ann:XXXXXXXX@example.com/a?sig=S3CRET HTTP/1.1" 200 2 "-"`,
		},
	} {
		for _, exact := range []bool{false, true} {
			t.Run(tt.name+"/exact="+strconv.FormatBool(exact), func(t *testing.T) {
				var buf bytes.Buffer
				var opts []Option
				want := tt.want
				if exact {
					opts, want = []Option{ApacheExact()}, tt.exact
				}
				r := readRequest("GET", tt.target)
				r.Header.Set("User-Agent", "Go-http-client/1.1")
				if tt.referer != "" {
					r.Header.Set("Referer", tt.referer)
				}
				serveRec(Apache(&buf, Combined, opts...)(answer(200, 2)), r)
				got := apacheTimeRE.ReplaceAllLiteralString(buf.String(), "[T]")
				if want := `192.0.2.1 - - [T] "` + want + " " + ua + "\n"; got != want {
					t.Errorf("\n got %s\nwant %s", got, want)
				}
			})
		}
	}
}
