package secret

// This file is the implementation of Name, Query and URL as it was before
// their fast paths (commit 1ea4ba9), every name prefixed with oracle: what
// FuzzRedactMatchesOracle compares them with. Keep it as it is.

import (
	"math/bits"
	"strings"

	"github.com/wsgo/wsgo/internal/pct"
)

// oracleStems are the long stems: a name that contains one of them anywhere, once
// lower-cased and stripped of everything but letters and digits, is secret
// (so api_key, user[password], X-Goog-Signature, PHPSESSID and JSESSIONID
// are). The run-together names whose words are too short to be stems by
// themselves (authkey, cardnumber, pincode, otpcode) are listed whole.
var oracleStems = [...]string{
	"password", "passwd", "passphrase", "passcode", "secret", "token",
	"session", "sessid", "apikey", "accesskey", "privatekey", "credential",
	"signature", "cookie", "jwt", "bearer", "csrf", "xsrf", "authorization",
	"authkey", "authcode", "cardnumber", "creditcard", "pincode", "otpcode",
	"socialsecurity", "securitycode",
}

// oracleIsShortWord reports whether w, lower-case, is one of the short words: too
// short to be looked for inside other words (compass holds pass, monkey
// key, shipping pin), they make a name secret only as a word of their own
// (see Name).
func oracleIsShortWord(w []byte) bool {
	switch string(w) {
	case "auth", "pin", "otp", "totp", "hotp", "pass", "pw", "pwd", "code",
		"cvv", "cvc", "ssn", "sid", "key", "sig":
		return true
	}
	return false
}

const (
	oracleMaxShortWord = 4  // len("pass"), the longest short word
	oracleMaxStem      = 14 // len("socialsecurity"), the longest stem
)

// oracleStemsAt maps the first two bytes of a stem (see bigram) to the stems that
// start with them, a bit per index in stems: Name looks for a stem only
// when its first two letters are in the name.
var oracleStemsAt = func() (t [64 * 64]uint32) {
	for i, s := range oracleStems {
		t[oracleBigram(oracleBytes[s[0]]&oracleSymbolMask, oracleBytes[s[1]]&oracleSymbolMask)] |= 1 << i
	}
	return t
}()

// oracleBigram indexes stemsAt with the symbols of two letters or digits (the
// table is larger than 36*36 so that the index needs no bounds check).
func oracleBigram(a, b uint8) uint {
	return uint(a&oracleSymbolMask)<<oracleClassShift | uint(b&oracleSymbolMask)
}

// oracleBytes describes each byte for scan in one look-up: its class in the top
// two bits, and for a letter or a digit its symbol in the others (the
// letters, in either case, 0 to 25, the digits 26 to 35); '+' and '%' are
// marked with escapeMark.
var oracleBytes = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = uint8(oracleLower)<<oracleClassShift | uint8(c-'a')
		t[c-'a'+'A'] = uint8(oracleUpper)<<oracleClassShift | uint8(c-'a')
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = uint8(oracleDigit)<<oracleClassShift | uint8(c-'0') + 26
	}
	t['+'], t['%'] = oracleEscapeMark, oracleEscapeMark
	return t
}()

const (
	oracleClassShift = 6
	oracleSymbolMask = 1<<oracleClassShift - 1
	oracleEscapeMark = 1 // in bytes: '+' and '%', of class other, which a query decodes
)

// oracleName reports whether name names a secret. name is compared as sent and,
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
func oracleName(name string) bool {
	secret, escaped := oracleScan(name, false)
	if !secret && escaped {
		secret, _ = oracleScan(name, true)
	}
	return secret
}

// oracleClass is what kind of byte scan saw, for the word boundaries.
type oracleClass uint8

const (
	oracleOther oracleClass = iota // not a letter or a digit, or nothing yet
	oracleLower
	oracleUpper
	oracleDigit
)

// oracleScan reports whether name, percent-decoded when decode is true, is
// secret, and whether it has a '%' or a '+' (as far as it read). It reads name once, into a buffer on the stack: norm[:n] is the
// name's letters and digits, lower-cased, and norm[start:n] the word being
// read; maybe has a bit for each stem whose first two letters were seen.
// When the name is too long for norm, norm is searched for those stems and
// only its tail is kept, long enough for a stem that straddles the cut.
func oracleScan(name string, decode bool) (secret, escaped bool) {
	var norm [64]byte
	n, start := 0, 0
	var maybe uint32
	prev := uint8(oracleSymbolMask) // the symbol of the last letter or digit; none yet
	seen := uint8(0)                // the classes of the last three bytes, two bits each
	for i := 0; i < len(name); i++ {
		c := name[i]
		b := oracleBytes[c]
		if b == oracleEscapeMark {
			c, b, i = oracleEscapedByte(name, i, decode)
			escaped = true
		}
		if oracleClass(b>>oracleClassShift) == oracleOther { // not a letter or a digit: the word ends
			if n-start >= 2 && oracleIsShort(norm[start:n]) {
				return true, escaped
			}
			start, seen = n, 0
			continue
		}
		seen = (seen<<2 | b>>oracleClassShift) & 63
		if cut := oracleCuts[seen]; cut != 0 {
			end := n + 1 - int(cut)
			if oracleIsShort(norm[start:end]) {
				return true, escaped
			}
			start = end
		}
		if n == len(norm) {
			if maybe != 0 && oracleHasStem(norm[:n], maybe) {
				return true, escaped
			}
			n, start = oracleKeepTail(&norm, start)
		}
		maybe |= oracleStemsAt[oracleBigram(prev, b)]
		prev = b
		norm[n&(len(norm)-1)] = c | 0x20 // lower case (a digit has the bit); n < len(norm)
		n++
	}
	return oracleIsShort(norm[start:n]) || maybe != 0 && oracleHasStem(norm[:n], maybe), escaped
}

// oracleEscapedByte is the '+' or '%' at name[i], decoded when decode is true,
// with its entry in bytes, and the index of the last byte it took.
func oracleEscapedByte(name string, i int, decode bool) (c, b byte, last int) {
	if !decode {
		return name[i], 0, i
	}
	c, last = oracleDecodeByte(name, i)
	return c, oracleBytes[c], last
}

// oracleDecodeByte decodes the '+' or '%' at name[i] as a query is decoded: '+'
// is a space, a valid escape "%XY" is its byte, an invalid escape is kept
// as it is. last is the index of the last byte it took.
func oracleDecodeByte(name string, i int) (c byte, last int) {
	if name[i] == '+' {
		return ' ', i
	}
	return pct.Decode(name, i)
}

// oracleKeepTail moves the last bytes of a full norm, as many as a stem has less
// one, to its start, and returns their number and where the word being
// read now starts in norm: 0 when it started before the cut (it is then too
// long to be a short word).
func oracleKeepTail(norm *[64]byte, start int) (n, wordStart int) {
	n = copy(norm[:], norm[len(norm)-(oracleMaxStem-1):])
	return n, max(start-(len(norm)-n), 0)
}

// oracleCuts says, for the classes of the last three letters or digits (see
// scan's seen), where a word ends: 0 nowhere, 1 before the last (a small
// letter then a capital, a letter then a digit, a digit then a letter), 2
// before the one before (two capitals then a small letter: OTPCode).
var oracleCuts = func() (t [64]uint8) {
	for s := range t {
		before, prev, cl := oracleClass(s>>4), oracleClass(s>>2&3), oracleClass(s&3)
		switch {
		case cl == oracleUpper && prev == oracleLower,
			cl == oracleDigit && (prev == oracleLower || prev == oracleUpper),
			cl != oracleDigit && prev == oracleDigit:
			t[s] = 1
		case cl == oracleLower && prev == oracleUpper && before == oracleUpper:
			t[s] = 2
		}
	}
	return t
}()

// oracleIsShort reports whether w is one of the short words.
func oracleIsShort(w []byte) bool {
	return len(w) >= 2 && len(w) <= oracleMaxShortWord && oracleIsShortWord(w)
}

// oracleHasStem reports whether b, lower-case letters and digits, contains one of
// the stems whose bit is set in which.
func oracleHasStem(b []byte, which uint32) bool {
	for ; which != 0; which &= which - 1 {
		if oracleStringsContains(b, oracleStems[bits.TrailingZeros32(which)]) {
			return true
		}
	}
	return false
}

// oracleStringsContains is strings.Contains for a byte slice that must not be
// copied into a string.
func oracleStringsContains(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if b[i] == s[0] && string(b[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}

// oracleQuery is raw, a raw query (or a fragment written as one), with the
// non-empty value of every parameter whose name is secret replaced by
// [Marker]: Name says which, or extra when it is not nil (a user's own
// list), called with the name as sent. Everything else stays byte for byte
// as sent: parameters are split at '&' and at ';' (which some servers still
// take as a separator), the name at the first '=', and only the value's
// span is replaced, never re-encoded or reordered, so a query that net/url
// would reject is redacted all the same. A query with nothing to redact is
// returned as it is, without allocating.
func oracleQuery(raw string, extra func(name string) bool) string {
	q, _ := oracleRedactQuery(raw, extra)
	return q
}

// oracleRedactQuery is Query, and whether it replaced anything.
func oracleRedactQuery(raw string, extra func(string) bool) (string, bool) {
	var b strings.Builder
	done := 0 // raw[:done] is in b
	for start := 0; start <= len(raw); {
		end := start + oracleIndexSeparator(raw[start:])
		param := raw[start:end]
		if eq := strings.IndexByte(param, '='); eq >= 0 && eq+1 < len(param) && oracleIsSecret(param[:eq], extra) {
			if b.Len() == 0 {
				b.Grow(len(raw) + len(Marker))
			}
			b.WriteString(raw[done : start+eq+1])
			b.WriteString(Marker)
			done = end
		}
		start = end + 1
	}
	if done == 0 {
		return raw, false
	}
	b.WriteString(raw[done:])
	return b.String(), true
}

// oracleIsSecret is Name, or extra.
func oracleIsSecret(name string, extra func(string) bool) bool {
	return oracleName(name) || extra != nil && extra(name)
}

// oracleIndexSeparator is the index of the first '&' or ';' in s, or len(s).
func oracleIndexSeparator(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '&' || s[i] == ';' {
			return i
		}
	}
	return len(s)
}

// oracleURL is s, a URL as a Referer carries it, with its secrets replaced by
// [Marker]: the password of its user information (user:REDACTED@host, as
// url.URL.Redacted hides it), and the values of secret parameters in its
// query and in its fragment (where OAuth's implicit flow puts
// access_token), as [Query] replaces them. The rest is kept byte for byte,
// so a log still shows where a request came from; a URL with nothing to
// hide is returned as it is, without allocating. extra is as for Query.
func oracleURL(s string, extra func(name string) bool) string {
	rest, fragment, hasFragment := strings.Cut(s, "#")
	rest, rawQuery, hasQuery := strings.Cut(rest, "?")
	user, host, hasPassword := oracleSplitPassword(rest)
	q, inQuery := oracleRedactQuery(rawQuery, extra)
	f, inFragment := oracleRedactQuery(fragment, extra)
	if !hasPassword && !inQuery && !inFragment {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*len(Marker))
	if hasPassword {
		b.WriteString(user)
		b.WriteString(":" + Marker + "@")
		b.WriteString(host)
	} else {
		b.WriteString(rest)
	}
	if hasQuery {
		b.WriteString("?" + q)
	}
	if hasFragment {
		b.WriteString("#" + f)
	}
	return b.String()
}

// oracleSplitPassword splits s, a URL without its query and fragment, around the
// non-empty password of its user information: s is user + ":" + the
// password + "@" + host. ok is false when there is none: no "//" authority, no '@' in
// it (the last one, as net/url and apr_uri_parse take it), or no ':' (the
// first one) with something after it in the user information.
func oracleSplitPassword(s string) (user, host string, ok bool) {
	slashes := strings.Index(s, "//")
	if slashes < 0 || slashes > 0 && !oracleValidScheme(s[:slashes]) {
		return "", "", false
	}
	authority := s[slashes+2:]
	if end := strings.IndexByte(authority, '/'); end >= 0 {
		authority = authority[:end]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return "", "", false
	}
	colon := strings.IndexByte(authority[:at], ':')
	if colon < 0 || colon+1 == at {
		return "", "", false
	}
	start := slashes + 2
	return s[:start+colon], s[start+at+1:], true
}

// oracleValidScheme reports whether s is a scheme and its colon: ALPHA *( ALPHA /
// DIGIT / "+" / "-" / "." ) ":".
func oracleValidScheme(s string) bool {
	if len(s) < 2 || s[len(s)-1] != ':' {
		return false
	}
	for i := 0; i < len(s)-1; i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}
