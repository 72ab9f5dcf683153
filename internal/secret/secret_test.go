package secret

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// secretNames are secret, plainNames are not. The first lines of each are
// what issue 21 found: names the access log kept in clear (it matched whole
// words only), names the development page showed, and names it hid for a
// substring (key in monkey).
var (
	secretNames = []string{
		"apikey", "sessionid", "accesstoken", "authtoken", "clientsecret", "privatekey", "newpassword",
		"PHPSESSID", "JSESSIONID", "user[password]", "password[]",
		"pass", "pin", "otp", "cvv", "card_number", "ssn", "code",
		// Long stems, anywhere in the name, in any case, across separators.
		"api_key", "API-KEY", "x-api-key", "access_token", "X-Goog-Signature", "AWSAccessKeyId",
		"client.secret", "session-id", "my-passwd", "passphrase", "credentials", "Cookie",
		"Set-Cookie", "Authorization", "Proxy-Authorization", "HTTP_X_JWT_ASSERTION",
		"X-CSRF-Token", "_xsrf", "tokenizer", "private_key", "creditCardNumber", "cardnumber",
		"passcode", "pincode", "otpcode", "social_security_number", "bearer",
		"a_parameter_name_longer_than_sixty_four_bytes_to_cross_the_buffer_token",
		strings.Repeat("x", 60) + "pass" + "word", // a stem across the buffer's cut
		// Short words, as words of their own.
		"key", "sig", "sid", "connect.sid", "pwd", "user.pwd", "pw", "x_auth_y", "xAuthY",
		"userPIN", "apiKey", "APIKey", "OTPCode", "PINCode", "authCode", "cvv2", "cvc", "totp",
		"user_pass", "pin[]", "sort_key", "country_code",
		// Percent-encoded and '+' names: decoded, and as sent.
		"api%5Fkey", "to%6Ben", "pass%77ord", "user+pin", "%41pin", "a%zz_key",
		// Bytes that are not letters or digits are separators.
		"user pin", "key\x00", "\xc2\x9bkey",
	}
	plainNames = []string{
		"shipping", "compass", "page", "q", "sort",
		"monkey", "keyboard", "keyboardLayout", "author", "signed", "design", "zipcode",
		"passenger", "spinner", "subject", "lang", "Expires", "User-Agent", "Accept-Encoding",
		"REMOTE_ADDR", "", strings.Repeat("x", 300), "a%zzkey", "%", "pässword",
	}
)

func TestName(t *testing.T) {
	for want, names := range map[bool][]string{true: secretNames, false: plainNames} {
		for _, name := range names {
			if got := Name(name); got != want {
				t.Errorf("Name(%q) = %v, want %v", name, got, want)
			}
			if got := nameSlowly(name); got != want {
				t.Errorf("the oracle says %v for %q, want %v", got, name, want)
			}
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
	for _, name := range append(secretNames, plainNames...) {
		f.Add(name)
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
