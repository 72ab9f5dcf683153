package secret

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// nameCases are names and whether each is secret. The first block is what
// issue 21 found the access log and the development page kept in clear.
var nameCases = []struct {
	name   string
	secret bool
}{
	// Once in clear in the access log (whole words only).
	{"apikey", true}, {"sessionid", true}, {"accesstoken", true}, {"authtoken", true},
	{"clientsecret", true}, {"privatekey", true}, {"newpassword", true},
	{"PHPSESSID", true}, {"JSESSIONID", true}, {"user[password]", true}, {"password[]", true},
	// Once in clear on the development page (substrings of a list).
	{"pass", true}, {"pin", true}, {"otp", true}, {"cvv", true}, {"card_number", true},
	{"ssn", true}, {"code", true},
	// Once over-redacted on the page, and in clear everywhere now.
	{"shipping", false}, {"compass", false}, {"page", false}, {"q", false}, {"sort", false},
	{"monkey", false}, {"keyboard", false}, {"keyboardLayout", false}, {"author", false},
	{"signed", false}, {"design", false}, {"zipcode", false}, {"passenger", false},
	{"spinner", false}, {"subject", false}, {"lang", false}, {"Expires", false},
	{"User-Agent", false}, {"Accept-Encoding", false}, {"REMOTE_ADDR", false}, {"", false},
	// Long stems, anywhere in the name, in any case, across separators.
	{"api_key", true}, {"API-KEY", true}, {"x-api-key", true}, {"access_token", true},
	{"X-Goog-Signature", true}, {"AWSAccessKeyId", true}, {"client.secret", true},
	{"session-id", true}, {"my-passwd", true}, {"passphrase", true}, {"credentials", true},
	{"Cookie", true}, {"Set-Cookie", true}, {"Authorization", true}, {"Proxy-Authorization", true},
	{"HTTP_X_JWT_ASSERTION", true}, {"X-CSRF-Token", true}, {"_xsrf", true}, {"tokenizer", true},
	{"private_key", true}, {"creditCardNumber", true}, {"cardnumber", true}, {"passcode", true},
	{"pincode", true}, {"otpcode", true}, {"social_security_number", true}, {"bearer", true},
	{"a_parameter_name_longer_than_sixty_four_bytes_to_cross_the_buffer_token", true},
	{strings.Repeat("x", 60) + "pass" + "word", true}, // a stem across the buffer's cut
	{strings.Repeat("x", 300), false},
	// Short words, as words of their own.
	{"key", true}, {"sig", true}, {"sid", true}, {"connect.sid", true}, {"pwd", true},
	{"user.pwd", true}, {"pw", true}, {"x_auth_y", true}, {"xAuthY", true}, {"userPIN", true},
	{"apiKey", true}, {"APIKey", true}, {"OTPCode", true}, {"PINCode", true}, {"authCode", true},
	{"cvv2", true}, {"cvc", true}, {"totp", true}, {"user_pass", true}, {"pin[]", true},
	{"sort_key", true}, {"country_code", true},
	// Percent-encoded and '+' names: decoded, and as sent.
	{"api%5Fkey", true}, {"to%6Ben", true}, {"pass%77ord", true}, {"user+pin", true},
	{"%41pin", true}, {"a%zzkey", false}, {"a%zz_key", true}, {"%", false},
	// Not letters or digits: separators.
	{"pässword", false}, {"user pin", true}, {"key\x00", true}, {"\xc2\x9bkey", true},
}

func TestName(t *testing.T) {
	for _, tt := range nameCases {
		if got := Name(tt.name); got != tt.secret {
			t.Errorf("Name(%q) = %v, want %v", tt.name, got, tt.secret)
		}
		if got := nameSlowly(tt.name); got != tt.secret {
			t.Errorf("the oracle says %v for %q, want %v", got, tt.name, tt.secret)
		}
	}
}

func TestNameDoesNotAllocate(t *testing.T) {
	for _, name := range []string{"subject", "access_token", "x%5Fpin", strings.Repeat("a", 500)} {
		if n := testing.AllocsPerRun(100, func() { Name(name) }); n != 0 {
			t.Errorf("Name(%.20q): %v allocations", name, n)
		}
	}
}

var (
	escapeRE  = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)
	otherRE   = regexp.MustCompile(`[^a-zA-Z0-9]+`)
	humpRE    = regexp.MustCompile(`([a-z])([A-Z])`)
	acronymRE = regexp.MustCompile(`([A-Z])([A-Z][a-z])`)
	letDigRE  = regexp.MustCompile(`([a-zA-Z])([0-9])`)
	digLetRE  = regexp.MustCompile(`([0-9])([a-zA-Z])`)
)

// nameSlowly is Name written differently, with regular expressions: the
// oracle of the fuzz test.
func nameSlowly(name string) bool {
	forms := []string{name}
	if strings.ContainsAny(name, "%+") {
		decoded := strings.ReplaceAll(name, "+", " ") // before decoding: %2B is a +
		decoded = escapeRE.ReplaceAllStringFunc(decoded, func(e string) string {
			n, _ := strconv.ParseUint(e[1:], 16, 8)
			return string([]byte{byte(n)})
		})
		forms = append(forms, decoded)
	}
	for _, f := range forms {
		b := []byte(f)
		for i, c := range b { // byte by byte: invalid UTF-8 stays one byte
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				b[i] = ' '
			}
		}
		f = otherRE.ReplaceAllString(string(b), " ")
		norm := strings.ToLower(strings.ReplaceAll(f, " ", ""))
		for _, s := range stems {
			if strings.Contains(norm, s) {
				return true
			}
		}
		f = humpRE.ReplaceAllString(f, "$1 $2")
		f = acronymRE.ReplaceAllString(f, "$1 $2")
		f = letDigRE.ReplaceAllString(f, "$1 $2")
		f = digLetRE.ReplaceAllString(f, "$1 $2")
		for _, w := range strings.Fields(strings.ToLower(f)) {
			switch w {
			case "auth", "pin", "otp", "totp", "hotp", "pass", "pw", "pwd", "code",
				"cvv", "cvc", "ssn", "sid", "key", "sig":
				return true
			}
		}
	}
	return false
}

// FuzzName: Name agrees with its oracle.
func FuzzName(f *testing.F) {
	for _, tt := range nameCases {
		f.Add(tt.name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := Name(name), nameSlowly(name); got != want {
			t.Fatalf("Name(%q) = %v, the oracle says %v", name, got, want)
		}
	})
}

// BenchmarkName: a plain name, a secret one, a long one.
func BenchmarkName(b *testing.B) {
	for _, bb := range []struct{ bench, name string }{
		{"name=plain", "subject"},
		{"name=secret", "access_token"},
		{"name=escaped", "api%5Fkey"},
		{"name=long", strings.Repeat("subject", 20)},
	} {
		b.Run(bb.bench, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Name(bb.name)
			}
		})
	}
}
