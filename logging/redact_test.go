package logging

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// redactCases are raw queries as sent and the url.query the access log
// must show for them.
var redactCases = []struct{ name, raw, want string }{
	{"api key", "api_key=abc", "api_key=REDACTED"},
	{"token, page kept", "access_token=x&page=2", "access_token=REDACTED&page=2"},
	{"Google signed URL", "X-Goog-Signature=s", "X-Goog-Signature=REDACTED"},
	{"AWS presigned URL", "AWSAccessKeyId=AKIA1&Expires=9&Signature=c2ln", "AWSAccessKeyId=REDACTED&Expires=9&Signature=REDACTED"},
	{"Azure SAS", "sv=2024&sig=abc%2Bdef%3D&se=1", "sv=2024&sig=REDACTED&se=1"},
	{"AWSAccessKeyId in any case", "awsaccesskeyid=A", "awsaccesskeyid=REDACTED"},
	{"monkey is not a key", "monkey=1", "monkey=1"},
	{"nor keyboard, tokenizer, signed", "keyboard=1&tokenizer=2&signed=3", "keyboard=1&tokenizer=2&signed=3"},
	{"unparsable query", "a=%zz&token=t", "a=%zz&token=REDACTED"},
	{"semicolon separator", "sig=1;b=2", "sig=REDACTED;b=2"},
	{"secret after a semicolon", "b=2;password=hunter2", "b=2;password=REDACTED"},
	{"empty value kept", "token=&page=2", "token=&page=2"},
	{"no value kept", "token&page=2", "token&page=2"},
	{"repeated names", "token=a&x=1&token=b&TOKEN=c", "token=REDACTED&x=1&token=REDACTED&TOKEN=REDACTED"},
	{"value with =", "jwt=a.b=c&d=e", "jwt=REDACTED&d=e"},
	{"percent-encoded name", "api%5Fkey=abc&api%5fKEY=d", "api%5Fkey=REDACTED&api%5fKEY=REDACTED"},
	{"the rest byte for byte", "z=%41+b&Password=p%20w+x&a=%zz&&;", "z=%41+b&Password=REDACTED&a=%zz&&;"},
	{
		"parts at _ - .", "client.secret=1&session-id=2&x_auth_y=3&user.pwd=4&my-passwd=5&Cookie=6",
		"client.secret=REDACTED&session-id=REDACTED&x_auth_y=REDACTED&user.pwd=REDACTED&my-passwd=REDACTED&Cookie=REDACTED",
	},
	{
		"every word", "credential=1&credentials=2&passphrase=3&jwt=4&key=5&signature=6&auth=7",
		"credential=REDACTED&credentials=REDACTED&passphrase=REDACTED&jwt=REDACTED&key=REDACTED&signature=REDACTED&auth=REDACTED",
	},
	{"a long name ending in a word", "a_parameter_name_longer_than_any_word_token=1", "a_parameter_name_longer_than_any_word_token=REDACTED"},
	{"a long name that is no word", "averylongnamethatendsintoken=1", "averylongnamethatendsintoken=1"},
	{
		"camel case", "apiKey=1&accessToken=2&sessionId=3&userPassword=4&xAuthY=5",
		"apiKey=REDACTED&accessToken=REDACTED&sessionId=REDACTED&userPassword=REDACTED&xAuthY=REDACTED",
	},
	{
		"camel case that is no word", "keyboardLayout=1&monkeyBusiness=2&tokenizerName=3&APIKEYS=4",
		"keyboardLayout=1&monkeyBusiness=2&tokenizerName=3&APIKEYS=4",
	},
	{"empty", "", ""},
	{"separators only", "&;&", "&;&"},
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
	if n := testing.AllocsPerRun(100, func() { got = redactQuery("access_token=x&page=2") }); n != 1 {
		t.Fatalf("%v allocations redacting one value, want 1", n)
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

var (
	escapeRE    = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)
	separatorRE = regexp.MustCompile(`[_.-]`)
	humpRE      = regexp.MustCompile(`([a-z])([A-Z])`)
)

// secretNameSlowly is secretName written differently: the oracle of the
// fuzz test.
func secretNameSlowly(name string) bool {
	name = strings.ReplaceAll(name, "+", " ") // before decoding: %2B is a +
	name = escapeRE.ReplaceAllStringFunc(name, func(e string) string {
		n, _ := strconv.ParseUint(e[1:], 16, 8)
		return string([]byte{byte(n)})
	})
	name = humpRE.ReplaceAllString(name, "${1}_$2") // apiKey is api_Key
	lower := []byte(name)
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	name = string(lower)
	if name == "awsaccesskeyid" { // with no hump: AWSAccessKeyId has one, and "key"
		return true
	}
	for _, part := range separatorRE.Split(name, -1) {
		switch part {
		case "auth", "credential", "credentials", "passwd", "password", "pwd", "passphrase",
			"secret", "token", "key", "session", "cookie", "signature", "sig", "jwt":
			return true
		}
	}
	return false
}

// FuzzRedactQuery: redactQuery never panics, keeps every parameter and
// separator, replaces exactly the non-empty values of secret parameters,
// and the output never shows such a value (unless the rest of the query
// holds the same bytes).
func FuzzRedactQuery(f *testing.F) {
	for _, tt := range redactCases {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := redactQuery(raw)
		in, out := splitQuery(raw), splitQuery(got)
		if len(in) != len(out) {
			t.Fatalf("%q -> %q: %d parameters, want %d", raw, got, len(out), len(in))
		}
		redactedAny := false
		for i, p := range in {
			name, value, ok := strings.Cut(p.text, "=")
			if !ok || value == "" || !secretNameSlowly(name) {
				if out[i].text != p.text || out[i].sep != p.sep {
					t.Fatalf("%q -> %q: parameter %d %q became %q", raw, got, i, p.text, out[i].text)
				}
				continue
			}
			redactedAny = true
			if out[i].text != name+"="+redacted || out[i].sep != p.sep {
				t.Fatalf("%q -> %q: secret parameter %q became %q", raw, got, p.text, out[i].text)
			}
			rest := raw[:p.start] + raw[p.start+len(p.text):]
			if !strings.Contains(rest, value) && !strings.Contains(name+"="+redacted, value) && strings.Contains(got, value) {
				t.Fatalf("%q -> %q shows the value %q", raw, got, value)
			}
		}
		if !redactedAny && (got != raw || raw != "" && unsafe.StringData(got) != unsafe.StringData(raw)) {
			t.Fatalf("%q -> %q: nothing to redact, want the query itself", raw, got)
		}
	})
}

type queryParam struct {
	text  string
	start int
	sep   byte // the separator after it, 0 at the end
}

func splitQuery(q string) []queryParam {
	var ps []queryParam
	start := 0
	for i := 0; i <= len(q); i++ {
		if i == len(q) || q[i] == '&' || q[i] == ';' {
			var sep byte
			if i < len(q) {
				sep = q[i]
			}
			ps = append(ps, queryParam{q[start:i], start, sep})
			start = i + 1
		}
	}
	return ps
}
