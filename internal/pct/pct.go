// Package pct is the one place where wsgo reads a percent-encoded byte
// (%41) by hand, for the places that must not allocate or must keep an
// invalid escape as it is, where net/url would fail the whole string.
package pct

// Decode returns the byte that s[i:] starts with, and the index of the last
// byte it took: a percent escape "%XX" with two hex digits is one byte, and
// anything else, an invalid escape included, is the byte itself.
func Decode(s string, i int) (c byte, last int) {
	if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
		return unhex(s[i+1])<<4 | unhex(s[i+2]), i + 2
	}
	return s[i], i
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
