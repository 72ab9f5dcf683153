package panicvalue

import (
	"strings"
	"testing"
)

func TestCut(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"short", "short"},
		{strings.Repeat("a", 10), strings.Repeat("a", 10)},
		{strings.Repeat("a", 11), strings.Repeat("a", 10) + "…"},
		{strings.Repeat("a", 9) + "é", strings.Repeat("a", 9) + "…"}, // é is two bytes: no half rune
	} {
		if got := Cut(tt.in, 10); got != tt.want {
			t.Errorf("Cut(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
