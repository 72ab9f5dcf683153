package errpage

import "testing"

func TestNegotiate(t *testing.T) {
	for _, tt := range []struct{ accept, want string }{
		{"", TypeText},
		{"*/*", TypeText},
		{"text/html", TypeHTML},
		{"TEXT/HTML", TypeHTML},
		{"Text/*", TypeText},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", TypeHTML},
		{"application/json", TypeProblem},
		{"Application/Problem+JSON", TypeProblem},
		{"application/json;q=0.5, text/html;q=0.9", TypeHTML},
		{"text/html;q=0, */*", TypeText},
		{"text/html;q=2", TypeText}, // a bad q is ignored
		{"text/html;q=abc, application/json", TypeProblem},
		{"image/png", TypeText}, // nothing acceptable: the default
		{",,; ;q=;", TypeText},
		{"te", TypeText},
	} {
		if got := Negotiate(tt.accept); got != tt.want {
			t.Errorf("Negotiate(%q) = %q, want %q", tt.accept, got, tt.want)
		}
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "*/*", "text/html;q=0.9", "Text/*;Q=1", "a/b;q=-1", "/*", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		switch got := Negotiate(accept); got {
		case TypeText, TypeHTML, TypeProblem:
		default:
			t.Fatalf("Negotiate(%q) = %q", accept, got)
		}
	})
}
