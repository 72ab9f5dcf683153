package secret

import (
	"strings"
	"testing"
	"unsafe"
)

// queryCases are raw queries and what Query makes of them.
var queryCases = []struct{ name, raw, want string }{
	{"api key", "api_key=abc", "api_key=REDACTED"},
	{"token, page kept", "access_token=x&page=2", "access_token=REDACTED&page=2"},
	{"AWS presigned URL", "AWSAccessKeyId=AKIA1&Expires=9&Signature=c2ln", "AWSAccessKeyId=REDACTED&Expires=9&Signature=REDACTED"},
	{"Azure SAS", "sv=2024&sig=abc%2Bdef%3D&se=1", "sv=2024&sig=REDACTED&se=1"},
	{"whole words", "monkey=1&keyboard=2&signed=3&shipping=4&compass=5", "monkey=1&keyboard=2&signed=3&shipping=4&compass=5"},
	{
		"run-together names", "apikey=1&sessionid=2&accesstoken=3&authtoken=4&clientsecret=5&privatekey=6&newpassword=7",
		"apikey=REDACTED&sessionid=REDACTED&accesstoken=REDACTED&authtoken=REDACTED&clientsecret=REDACTED&privatekey=REDACTED&newpassword=REDACTED",
	},
	{"session cookies in a query", "PHPSESSID=1&JSESSIONID=2", "PHPSESSID=REDACTED&JSESSIONID=REDACTED"},
	{"PHP arrays", "user[password]=1&password[]=2&user[name]=ann", "user[password]=REDACTED&password[]=REDACTED&user[name]=ann"},
	{"unparsable query", "a=%zz&token=t", "a=%zz&token=REDACTED"},
	{"semicolon separator", "sig=1;b=2", "sig=REDACTED;b=2"},
	{"empty value kept", "token=&page=2", "token=&page=2"},
	{"no value kept", "token&page=2", "token&page=2"},
	{"repeated names", "token=a&x=1&token=b&TOKEN=c", "token=REDACTED&x=1&token=REDACTED&TOKEN=REDACTED"},
	{"value with =", "jwt=a.b=c&d=e", "jwt=REDACTED&d=e"},
	{"percent-encoded name", "api%5Fkey=abc&api%5fKEY=d", "api%5Fkey=REDACTED&api%5fKEY=REDACTED"},
	{"the rest byte for byte", "z=%41+b&Password=p%20w+x&a=%zz&&;", "z=%41+b&Password=REDACTED&a=%zz&&;"},
	{"empty", "", ""},
	{"separators only", "&;&", "&;&"},
}

func TestQuery(t *testing.T) {
	for _, tt := range queryCases {
		if got := Query(tt.raw, nil); got != tt.want {
			t.Errorf("%s: Query(%q) = %q, want %q", tt.name, tt.raw, got, tt.want)
		}
	}
}

func TestQueryExtra(t *testing.T) {
	extra := func(name string) bool { return strings.Contains(strings.ToLower(name), "q") }
	if got := Query("Q=1&page=2&token=3", extra); got != "Q=REDACTED&page=2&token=REDACTED" {
		t.Fatal(got)
	}
}

func TestQueryDoesNotAllocateWithoutSecrets(t *testing.T) {
	raw := "subject=Ann&page=2&sort=-date&monkey=1&q=a%20b;lang=en"
	var got string
	if n := testing.AllocsPerRun(100, func() { got = Query(raw, nil) }); n != 0 {
		t.Fatalf("%v allocations", n)
	}
	if unsafe.StringData(got) != unsafe.StringData(raw) {
		t.Fatal("a query without secrets must be returned as it is")
	}
	if n := testing.AllocsPerRun(100, func() { got = Query("access_token=x&page=2", nil) }); n != 1 {
		t.Fatalf("%v allocations redacting one value, want 1", n)
	}
}

func TestURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://app.example/cb?state=ok", "https://app.example/cb?state=ok"},
		{"https://ann:hunter2@app.example/x", "https://ann:REDACTED@app.example/x"},
		{"https://ann:hunter2@app.example", "https://ann:REDACTED@app.example"},
		{
			"https://ann:hunter2@app.example:8443/x?token=t#access_token=a&scope=openid",
			"https://ann:REDACTED@app.example:8443/x?token=REDACTED#access_token=REDACTED&scope=openid",
		},
		{"https://ann@app.example/x", "https://ann@app.example/x"},   // no password
		{"https://ann:@app.example/x", "https://ann:@app.example/x"}, // an empty one
		{"https://a:b@c:d@host/x", "https://a:REDACTED@host/x"},      // the last '@', the first ':'
		{"//ann:pw@host/x", "//ann:REDACTED@host/x"},
		{"https://host/x?next=//ann:pw@evil", "https://host/x?next=//ann:pw@evil"}, // a query is not an authority
		{"https://host/a//b:c@d", "https://host/a//b:c@d"},                         // nor is a path
		{"not a url: a//b:c@d", "not a url: a//b:c@d"},
		{"https://app.example/cb#access_token=a&state=s", "https://app.example/cb#access_token=REDACTED&state=s"},
		{"https://app.example/cb?token=abcdefgh", "https://app.example/cb?token=REDACTED"}, // as long as the marker
		{"", ""},
	} {
		if got := URL(tt.in, nil); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	plain := "https://app.example/cb?state=ok#frag"
	if n := testing.AllocsPerRun(100, func() { URL(plain, nil) }); n != 0 {
		t.Errorf("%v allocations for a URL with nothing to hide", n)
	}
}

// FuzzQuery: Query never panics, keeps every parameter and separator,
// replaces exactly the non-empty values of secret parameters, and the
// output never shows such a value (unless the rest of the query holds the
// same bytes).
func FuzzQuery(f *testing.F) {
	for _, tt := range queryCases {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := Query(raw, nil)
		in, out := splitQuery(raw), splitQuery(got)
		if len(in) != len(out) {
			t.Fatalf("%q -> %q: %d parameters, want %d", raw, got, len(out), len(in))
		}
		redactedAny := false
		for i, p := range in {
			redactedAny = checkParam(t, raw, got, p, out[i]) || redactedAny
		}
		if !redactedAny && (got != raw || raw != "" && unsafe.StringData(got) != unsafe.StringData(raw)) {
			t.Fatalf("%q -> %q: nothing to redact, want the query itself", raw, got)
		}
	})
}

// checkParam checks what Query made of the parameter p of raw (out, in
// got), and reports whether p was secret.
func checkParam(t *testing.T, raw, got string, p, out queryParam) bool {
	t.Helper()
	name, value, ok := strings.Cut(p.text, "=")
	if !ok || value == "" || !nameSlowly(name) {
		if out.text != p.text || out.sep != p.sep {
			t.Fatalf("%q -> %q: parameter %q became %q", raw, got, p.text, out.text)
		}
		return false
	}
	if out.text != name+"="+Marker || out.sep != p.sep {
		t.Fatalf("%q -> %q: secret parameter %q became %q", raw, got, p.text, out.text)
	}
	rest := raw[:p.start] + raw[p.start+len(p.text):]
	if !strings.Contains(rest, value) && !strings.Contains(name+"="+Marker, value) && strings.Contains(got, value) {
		t.Fatalf("%q -> %q shows the value %q", raw, got, value)
	}
	return true
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

// BenchmarkQuery: a query without secrets costs no allocation.
func BenchmarkQuery(b *testing.B) {
	for _, bb := range []struct{ name, raw string }{
		{"secrets=none", "subject=Ann&page=2&sort=-date&q=hello%20world&lang=en"},
		{"secrets=one", "subject=Ann&page=2&access_token=abcdef&lang=en"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Query(bb.raw, nil)
			}
		})
	}
}
