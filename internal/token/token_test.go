package token

import "testing"

func TestValid(t *testing.T) {
	for _, s := range []string{"GET", "X-Request-Id", "a!#$%&'*+-.^_`|~9"} {
		if !Valid(s) {
			t.Errorf("Valid(%q) = false", s)
		}
	}
	for _, s := range []string{"", "X Request", "a:b", "a\x00", "é", "a/b", `a"`, "a(", "a\x7f", "a@b", "a{", "a;b", "a,b"} {
		if Valid(s) {
			t.Errorf("Valid(%q) = true", s)
		}
	}
}
