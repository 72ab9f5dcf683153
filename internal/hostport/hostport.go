// Package hostport is the one place where wsgo splits a host and a port:
// Host headers, forwarded hosts, RemoteAddr and local addresses all go
// through it, so that every package reads "[::1]:80", "::1" and "x:abc" the
// same way.
package hostport

import (
	"net/netip"
	"strings"
)

// Split splits "host:port", "[v6]:port", "host" and "[v6]" without
// failing: a bare IPv6 address ("::1", no brackets) is all host, and a port
// that is not a number from 0 to 65535 is no port (the host is then the
// whole string, unless it is a bracketed IPv6 literal). An IPv6 host keeps
// its brackets.
func Split(s string) (host, port string) {
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return s, ""
		}
		if rest := s[end+1:]; strings.HasPrefix(rest, ":") && ValidPort(rest[1:]) {
			return s[:end+1], rest[1:]
		}
		return s[:end+1], ""
	}
	i := strings.LastIndexByte(s, ':')
	if i < 0 || strings.IndexByte(s[:i], ':') >= 0 || !ValidPort(s[i+1:]) {
		return s, "" // no port, a bare IPv6 address, or garbage
	}
	return s[:i], s[i+1:]
}

// Addr is the address part of a RemoteAddr ("192.0.2.1:5555",
// "[::1]:5555", or an address alone, as gorilla's ProxyHeaders and chi's
// RealIP leave it: "::1", "[::1]"), without the brackets of an IPv6 literal.
// An IPv4-mapped IPv6 address ("[::ffff:192.0.2.1]:5555", what a
// dual-stack socket reports for an IPv4 client) is folded to its IPv4 form
// ("192.0.2.1"), as Apache's REMOTE_ADDR and chi's RealIP give it, so that
// one client has one address in the environ and the logs; a zoned one is
// left as it is.
func Addr(remoteAddr string) string {
	host, _ := Split(remoteAddr)
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.IndexByte(host, ':') < 0 {
		return host // not IPv6: nothing to fold, nothing to parse
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Is4In6() && a.Zone() == "" {
		return a.Unmap().String()
	}
	return host
}

// ValidPort reports whether p is a port: 1 to 5 digits, at most 65535.
func ValidPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
		n = n*10 + int(p[i]-'0')
	}
	return n <= 65535
}
