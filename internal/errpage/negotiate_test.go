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

func TestParseQ(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want int
	}{
		{"0", 0},
		{"1", 1000},
		{"0.5", 500},
		{"0.125", 125},
		{"1.000", 1000},
		{"1.", 1000},
		{"0.", 0},
		{"1.001", -1},
		{"1.5", -1},
		{"2", -1},
		{"", -1},
		{".5", -1},
		{"0.5000", -1},
		{"-0", -1},
		{"0,5", -1},
		{"5e-1", -1},
		{"01", -1},
		{"0.x", -1},
	} {
		if got := parseQ(tt.v); got != tt.want {
			t.Errorf("parseQ(%q) = %d, want %d", tt.v, got, tt.want)
		}
	}
}
