package logging

import (
	"strings"

	"github.com/wsgo/wsgo/internal/pct"
)

// redacted replaces the value of a secret query parameter in url.query, as
// OpenTelemetry's HTTP semantic conventions ask.
const redacted = "REDACTED"

// redactQuery is raw, a request's raw query, with the value of every secret
// parameter (see secretName) replaced by REDACTED. Everything else stays
// byte for byte as sent: parameters are split at '&' and at ';' (which some
// servers still take as a separator), the name at the first '=', and only
// the value's span is replaced, never re-encoded or reordered. A parameter
// without '=' or with an empty value has nothing to hide and is kept. A
// query with nothing to redact is returned as it is, without allocating.
func redactQuery(raw string) string {
	var b strings.Builder
	done := 0 // raw[:done] is in b
	for start := 0; start <= len(raw); {
		end := start + indexSeparator(raw[start:])
		param := raw[start:end]
		if eq := strings.IndexByte(param, '='); eq >= 0 && eq+1 < len(param) && secretName(param[:eq]) {
			if b.Len() == 0 {
				b.Grow(len(raw) + len(redacted))
			}
			b.WriteString(raw[done : start+eq+1])
			b.WriteString(redacted)
			done = end
		}
		start = end + 1
	}
	if done == 0 {
		return raw
	}
	b.WriteString(raw[done:])
	return b.String()
}

// indexSeparator is the index of the first '&' or ';' in s, or len(s).
func indexSeparator(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '&' || s[i] == ';' {
			return i
		}
	}
	return len(s)
}

// maxWord is the length of the longest name secretName looks for
// ("awsaccesskeyid").
const maxWord = 14

// secretName reports whether name, a query parameter's name as sent, names
// a secret: when, percent-decoded ('+' as a space, an invalid escape kept as
// it is) and compared without regard to ASCII case, the whole name or a part
// of it split at '_', '-', '.' or a camel-case hump (a capital after a
// small letter) is one of the words of isSecretWord, or the whole name is
// AWSAccessKeyId (OpenTelemetry's list: AWSAccessKeyId, Signature, sig,
// X-Goog-Signature; the last three are caught by the words). So api_key,
// access-token, apiKey, sessionId and X-Goog-Signature are secret; monkey,
// tokenizer and keyboardLayout are not. It decodes on the fly into a buffer
// on the stack: it never allocates.
func secretName(name string) bool {
	var part namePart
	split, prevLower := false, false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '+' || c == '%' {
			c, i = decodedByte(name, i)
		}
		c, upper := toLower(c)
		// A camel-case hump starts a part too (apiKey, sessionId), but
		// keeps its letter.
		hump := upper && prevLower
		prevLower = 'a' <= c && c <= 'z' && !upper
		if isPartSeparator(c) || hump {
			if part.isSecret() {
				return true
			}
			part.n, split = 0, true
			if !hump {
				continue
			}
		}
		part.push(c)
	}
	return part.isSecret() || !split && part.is("awsaccesskeyid")
}

// namePart is the part of a parameter's name that secretName is reading,
// decoded and lower-cased, in a buffer on the stack so that secretName
// never allocates. Only its first maxWord bytes are kept: a longer part
// matches no word, and n counts up to maxWord+1 to say so.
type namePart struct {
	b [maxWord]byte
	n int // length of the part; more than maxWord: too long to match
}

// push appends c to the part, or only counts it when the part is already
// too long to match.
func (p *namePart) push(c byte) {
	if p.n < maxWord {
		p.b[p.n] = c
	}
	if p.n <= maxWord {
		p.n++
	}
}

// isSecret reports whether the part is one of the words of isSecretWord.
func (p *namePart) isSecret() bool { return p.n <= maxWord && isSecretWord(p.b[:p.n]) }

// is reports whether the part is word.
func (p *namePart) is(word string) bool { return p.n <= maxWord && string(p.b[:p.n]) == word }

// decodedByte decodes the '+' or '%' at name[i] as a query is decoded: '+'
// is a space, a valid escape "%XY" is its byte, an invalid escape is kept
// as it is. last is the index of the last byte it took, i or i+2. It is
// called only for those two bytes, so that the loop over the other bytes
// of a name pays no call for them.
func decodedByte(name string, i int) (c byte, last int) {
	if name[i] == '+' {
		return ' ', i
	}
	return pct.Decode(name, i)
}

// toLower folds an ASCII capital to its small letter, for secretName's
// comparison without regard to case, and reports whether it was one, which
// the camel-case rule needs.
func toLower(c byte) (byte, bool) {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A', true
	}
	return c, false
}

// isPartSeparator reports whether c splits a name into parts: '_', '-' or
// '.'.
func isPartSeparator(c byte) bool { return c == '_' || c == '-' || c == '.' }

// isSecretWord reports whether w, lower-case, is a word that makes a query
// parameter's name secret.
func isSecretWord(w []byte) bool {
	switch string(w) {
	case "auth", "credential", "credentials", "passwd", "password", "pwd", "passphrase",
		"secret", "token", "key", "session", "cookie", "signature", "sig", "jwt":
		return true
	}
	return false
}
