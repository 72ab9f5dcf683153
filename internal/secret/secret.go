// Package secret is the one rule wsgo uses to decide that a name (a query
// parameter, a header, an environ key, a form or JSON key, a log field)
// names a secret, and the one marker its value is replaced with: the access
// log (package logging) and the development page (package recover) both
// read it here, so that a value hidden in one is hidden in the other.
package secret

import (
	"math/bits"

	"github.com/wsgo/wsgo/internal/pct"
)

// Marker replaces a secret value, as OpenTelemetry's semantic conventions
// write it (url.query, url.full).
const Marker = "REDACTED"

// stems are the long stems: a name that contains one of them anywhere, once
// lower-cased and stripped of everything but letters and digits, is secret
// (so api_key, user[password], X-Goog-Signature, PHPSESSID and JSESSIONID
// are). The run-together names whose words are too short to be stems by
// themselves (authkey, cardnumber, pincode, otpcode) are listed whole.
var stems = [...]string{
	"password", "passwd", "passphrase", "passcode", "secret", "token",
	"session", "sessid", "apikey", "accesskey", "privatekey", "credential",
	"signature", "cookie", "jwt", "bearer", "csrf", "xsrf", "authorization",
	"authkey", "authcode", "cardnumber", "creditcard", "pincode", "otpcode",
	"socialsecurity", "securitycode",
}

// isShortWord reports whether w, lower-case, is one of the short words: too
// short to be looked for inside other words (compass holds pass, monkey
// key, shipping pin), they make a name secret only as a word of their own
// (see Name).
func isShortWord(w []byte) bool {
	switch string(w) {
	case "auth", "pin", "otp", "totp", "hotp", "pass", "pw", "pwd", "code",
		"cvv", "cvc", "ssn", "sid", "key", "sig":
		return true
	}
	return false
}

const (
	maxShortWord = 4  // len("pass"), the longest short word
	maxStem      = 14 // len("socialsecurity"), the longest stem
)

// stemsAt maps the first two bytes of a stem (see bigram) to the stems that
// start with them, a bit per index in stems: Name looks for a stem only
// when its first two letters are in the name.
var stemsAt = func() (t [64 * 64]uint32) {
	for i, s := range stems {
		t[bigram(bytes[s[0]]&symbolMask, bytes[s[1]]&symbolMask)] |= 1 << i
	}
	return t
}()

// bigram indexes stemsAt with the symbols of two letters or digits (the
// table is larger than 36*36 so that the index needs no bounds check).
func bigram(a, b uint8) uint { return uint(a&symbolMask)<<classShift | uint(b&symbolMask) }

// bytes describes each byte for scan in one look-up: its class in the top
// two bits, and for a letter or a digit its symbol in the others (the
// letters, in either case, 0 to 25, the digits 26 to 35); '+' and '%' are
// marked with escapeMark.
var bytes = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = uint8(lower)<<classShift | uint8(c-'a')
		t[c-'a'+'A'] = uint8(upper)<<classShift | uint8(c-'a')
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = uint8(digit)<<classShift | uint8(c-'0') + 26
	}
	t['+'], t['%'] = escapeMark, escapeMark
	return t
}()

const (
	classShift = 6
	symbolMask = 1<<classShift - 1
	escapeMark = 1 // in bytes: '+' and '%', of class other, which a query decodes
)

// Name reports whether name names a secret. name is compared as sent and,
// when it has a '%' or a '+', percent-decoded as a query is ('+' a space, an
// invalid escape kept as it is), without regard to ASCII case, and it is
// secret when either form
//   - contains a long stem (password, passwd, passphrase, passcode, secret,
//     token, session, sessid, apikey, accesskey, privatekey, credential,
//     signature, cookie, jwt, bearer, csrf, xsrf, authorization, authkey,
//     authcode, cardnumber, creditcard, pincode, otpcode, socialsecurity,
//     securitycode) once everything but letters and digits is dropped:
//     access_token, user[password], password[], PHPSESSID, newPassword;
//   - or has a short word (auth, pin, otp, totp, hotp, pass, pw, pwd, code,
//     cvv, cvc, ssn, sid, key, sig) as a word of its own, words being split
//     at every byte that is not a letter or a digit (_ - . [ ] among them),
//     between a small letter and a capital (apiKey), before the last
//     capital of a run followed by a small letter (OTPCode), and between a
//     letter and a digit (cvv2): api_key, userPIN, connect.sid, x-auth-y.
//
// So shipping, compass, keyboard, monkey, author, signed and zipcode are
// not secret, and tokenizer, sessions and cookieConsent are. Name never
// allocates.
func Name(name string) bool { return mayBeSecret(lettersOf(name)) && scanName(name) }

// scanName is Name for a name that passed the letter filter (see
// mayBeSecret): scan, once as sent and once decoded if it has a '%' or a
// '+'.
func scanName(name string) bool {
	secret, escaped := scan(name, false)
	if !secret && escaped {
		secret, _ = scan(name, true)
	}
	return secret
}

// class is what kind of byte scan saw, for the word boundaries.
type class uint8

const (
	other class = iota // not a letter or a digit, or nothing yet
	lower
	upper
	digit
)

// scan reports whether name, percent-decoded when decode is true, is
// secret, and whether it has a '%' or a '+' (as far as it read). It reads name once, into a buffer on the stack: norm[:n] is the
// name's letters and digits, lower-cased, and norm[start:n] the word being
// read; maybe has a bit for each stem whose first two letters were seen.
// When the name is too long for norm, norm is searched for those stems and
// only its tail is kept, long enough for a stem that straddles the cut.
func scan(name string, decode bool) (secret, escaped bool) {
	var norm [64]byte
	n, start := 0, 0
	var maybe uint32
	prev := uint8(symbolMask) // the symbol of the last letter or digit; none yet
	seen := uint8(0)          // the classes of the last three bytes, two bits each
	for i := 0; i < len(name); i++ {
		c := name[i]
		b := bytes[c]
		if b == escapeMark {
			c, b, i = escapedByte(name, i, decode)
			escaped = true
		}
		if class(b>>classShift) == other { // not a letter or a digit: the word ends
			if n-start >= 2 && isShort(norm[start:n]) {
				return true, escaped
			}
			start, seen = n, 0
			continue
		}
		seen = (seen<<2 | b>>classShift) & 63
		if cut := cuts[seen]; cut != 0 {
			end := n + 1 - int(cut)
			if isShort(norm[start:end]) {
				return true, escaped
			}
			start = end
		}
		if n == len(norm) {
			if maybe != 0 && hasStem(norm[:n], maybe) {
				return true, escaped
			}
			n, start = keepTail(&norm, start)
		}
		maybe |= stemsAt[bigram(prev, b)]
		prev = b
		norm[n&(len(norm)-1)] = c | 0x20 // lower case (a digit has the bit); n < len(norm)
		n++
	}
	return isShort(norm[start:n]) || maybe != 0 && hasStem(norm[:n], maybe), escaped
}

// escapedByte is the '+' or '%' at name[i], decoded when decode is true,
// with its entry in bytes, and the index of the last byte it took.
func escapedByte(name string, i int, decode bool) (c, b byte, last int) {
	if !decode {
		return name[i], 0, i
	}
	c, last = decodeByte(name, i)
	return c, bytes[c], last
}

// decodeByte decodes the '+' or '%' at name[i] as a query is decoded: '+'
// is a space, a valid escape "%XY" is its byte, an invalid escape is kept
// as it is. last is the index of the last byte it took.
func decodeByte(name string, i int) (c byte, last int) {
	if name[i] == '+' {
		return ' ', i
	}
	return pct.Decode(name, i)
}

// keepTail moves the last bytes of a full norm, as many as a stem has less
// one, to its start, and returns their number and where the word being
// read now starts in norm: 0 when it started before the cut (it is then too
// long to be a short word).
func keepTail(norm *[64]byte, start int) (n, wordStart int) {
	n = copy(norm[:], norm[len(norm)-(maxStem-1):])
	return n, max(start-(len(norm)-n), 0)
}

// cuts says, for the classes of the last three letters or digits (see
// scan's seen), where a word ends: 0 nowhere, 1 before the last (a small
// letter then a capital, a letter then a digit, a digit then a letter), 2
// before the one before (two capitals then a small letter: OTPCode).
var cuts = func() (t [64]uint8) {
	for s := range t {
		before, prev, cl := class(s>>4), class(s>>2&3), class(s&3)
		switch {
		case cl == upper && prev == lower,
			cl == digit && (prev == lower || prev == upper),
			cl != digit && prev == digit:
			t[s] = 1
		case cl == lower && prev == upper && before == upper:
			t[s] = 2
		}
	}
	return t
}()

// isShort reports whether w is one of the short words.
func isShort(w []byte) bool { return len(w) >= 2 && len(w) <= maxShortWord && isShortWord(w) }

// hasStem reports whether b, lower-case letters and digits, contains one of
// the stems whose bit is set in which.
func hasStem(b []byte, which uint32) bool {
	for ; which != 0; which &= which - 1 {
		if stringsContains(b, stems[bits.TrailingZeros32(which)]) {
			return true
		}
	}
	return false
}

// stringsContains is strings.Contains for a byte slice that must not be
// copied into a string.
func stringsContains(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if b[i] == s[0] && string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}
