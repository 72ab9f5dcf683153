// Package token is the one place where wsgo checks an RFC 9110 token (a
// header field name, a method): for the request-ID header's name, a
// dispatcher's methods and StartResponse's header names.
package token

// Valid reports whether s is an RFC 9110 token: one or more of the letters,
// digits and !#$%&'*+-.^_`|~.
func Valid(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '!', c == '#', c == '$', c == '%', c == '&', c == '\'', c == '*',
			c == '+', c == '-', c == '.', c == '^', c == '_', c == '`', c == '|', c == '~':
		default:
			return false
		}
	}
	return true
}
