package secret

import "strings"

// Query is raw, a raw query (or a fragment written as one), with the
// non-empty value of every parameter whose name is secret replaced by
// [Marker]: Name says which, or extra when it is not nil (a user's own
// list), called with the name as sent. Everything else stays byte for byte
// as sent: parameters are split at '&' and at ';' (which some servers still
// take as a separator), the name at the first '=', and only the value's
// span is replaced, never re-encoded or reordered, so a query that net/url
// would reject is redacted all the same. A query with nothing to redact is
// returned as it is, without allocating.
func Query(raw string, extra func(name string) bool) string {
	q, _ := query(raw, extra)
	return q
}

// query is Query, and whether it replaced anything.
func query(raw string, extra func(string) bool) (string, bool) {
	if raw == "" { // most URLs have no query and no fragment
		return raw, false
	}
	eq, end := nextSecret(raw, 0, extra)
	if eq < 0 {
		return raw, false
	}
	return redact(raw, eq, end, extra), true
}

// nextSecret finds the first parameter of raw, from start on, whose value
// is to be replaced: eq is the index of its '=' and end the index of the
// separator after it (len(raw) at the end); eq is -1 when there is none.
func nextSecret(raw string, start int, extra func(string) bool) (eq, end int) {
	for start <= len(raw) {
		eq, end, has := param(raw, start)
		if eq >= 0 && eq+1 < end && isSecret(raw[start:eq], has, extra) {
			return eq, end
		}
		start = end + 1
	}
	return -1, -1
}

// redact is raw with the value raw[eq+1:end] replaced by the marker, and
// the values of the secret parameters after it (see nextSecret).
func redact(raw string, eq, end int, extra func(string) bool) string {
	var b strings.Builder
	b.Grow(len(raw) + len(Marker))
	done := 0 // raw[:done] is in b
	for eq >= 0 {
		b.WriteString(raw[done : eq+1])
		b.WriteString(Marker)
		done = end
		eq, end = nextSecret(raw, end+1, extra)
	}
	b.WriteString(raw[done:])
	return b.String()
}

// param reads raw's parameter that starts at start, in one pass: eq is the
// index of its first '=' (-1 when it has none), end the index of the '&'
// or ';' after it (len(raw) at the end), and has the letters of its name
// (see lettersOf).
func param(raw string, start int) (eq, end int, has uint32) {
	i := start
	for ; i < len(raw); i++ {
		l := letters[raw[i]]
		if l&(equalsMark|separatorMark) != 0 {
			break
		}
		has |= l
	}
	if i == len(raw) || raw[i] != '=' {
		return -1, i, has
	}
	eq = i
	for i++; i < len(raw) && letters[raw[i]]&separatorMark == 0; i++ {
	}
	return eq, i, has
}

// isSecret is Name for name, whose letters are has, or extra.
func isSecret(name string, has uint32, extra func(string) bool) bool {
	return mayBeSecret(has) && scanName(name) || extra != nil && extra(name)
}

// URL is s, a URL as a Referer carries it, with its secrets replaced by
// [Marker]: the password of its user information (user:REDACTED@host, as
// url.URL.Redacted hides it), and the values of secret parameters in its
// query and in its fragment (where OAuth's implicit flow puts
// access_token), as [Query] replaces them. The rest is kept byte for byte,
// so a log still shows where a request came from; a URL with nothing to
// hide is returned as it is, without allocating. extra is as for Query.
func URL(s string, extra func(name string) bool) string {
	rest, fragment, hasFragment := cut(s, '#')
	rest, rawQuery, hasQuery := cut(rest, '?')
	user, host, hasPassword := splitPassword(rest)
	q, inQuery := query(rawQuery, extra)
	f, inFragment := query(fragment, extra)
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

// cut is strings.Cut for a one-byte separator, without strings.Index's
// look at the separator's length.
func cut(s string, sep byte) (before, after string, found bool) {
	if i := strings.IndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

// splitPassword splits s, a URL without its query and fragment, around the
// non-empty password of its user information: s is user + ":" + the
// password + "@" + host. ok is false when there is none: no "//" authority, no '@' in
// it (the last one, as net/url and apr_uri_parse take it), or no ':' (the
// first one) with something after it in the user information.
func splitPassword(s string) (user, host string, ok bool) {
	if strings.IndexByte(s, '@') < 0 { // most URLs: no user information to find
		return "", "", false
	}
	slashes := strings.Index(s, "//")
	if slashes < 0 || slashes > 0 && !validScheme(s[:slashes]) {
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

// validScheme reports whether s is a scheme and its colon: ALPHA *( ALPHA /
// DIGIT / "+" / "-" / "." ) ":".
func validScheme(s string) bool {
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
