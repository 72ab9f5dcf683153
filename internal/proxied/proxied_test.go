package proxied

import (
	"net/textproto"
	"testing"
)

// canonicalCases are keys of every kind: canonical, lower, upper, digits,
// bytes CanonicalMIMEHeaderKey refuses to change.
var canonicalCases = []string{"X-Forwarded-For", "x-forwarded-for", "X-FORWARDED-FOR", "Content-Type", "A", "a", "", "X-Real-Ip", "X-Real-IP", "x_y", "X-1a", "Ünicode", "With Space", "Foo--bar", "-a", "1-a", "X-", "Cf-Connecting-Ip"}

// TestCanonical: canonical agrees with net/textproto on which keys it
// would leave as they are.
func TestCanonical(t *testing.T) {
	for _, k := range canonicalCases {
		if got, want := canonical(k), textproto.CanonicalMIMEHeaderKey(k) == k; got != want {
			t.Errorf("canonical(%q) = %v, CanonicalMIMEHeaderKey says %v", k, got, want)
		}
	}
}

// FuzzCanonical: a key canonical calls canonical is one
// CanonicalMIMEHeaderKey leaves as it is, so skipping it changes nothing.
func FuzzCanonical(f *testing.F) {
	for _, k := range canonicalCases {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, k string) {
		if canonical(k) && textproto.CanonicalMIMEHeaderKey(k) != k {
			t.Fatalf("canonical(%q) is true, but CanonicalMIMEHeaderKey gives %q", k, textproto.CanonicalMIMEHeaderKey(k))
		}
	})
}
