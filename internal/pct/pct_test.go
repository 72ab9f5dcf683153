package pct

import "testing"

func TestDecode(t *testing.T) {
	for _, tt := range []struct {
		s    string
		i    int
		c    byte
		last int
	}{
		{"%41", 0, 'A', 2},
		{"%6a", 0, 'j', 2},
		{"%6A", 0, 'j', 2},
		{"a%2Fb", 1, '/', 3},
		{"%zz", 0, '%', 0},
		{"%4", 0, '%', 0},
		{"%", 0, '%', 0},
		{"x", 0, 'x', 0},
		{"+", 0, '+', 0},
	} {
		if c, last := Decode(tt.s, tt.i); c != tt.c || last != tt.last {
			t.Errorf("Decode(%q, %d) = %q, %d; want %q, %d", tt.s, tt.i, c, last, tt.c, tt.last)
		}
	}
}
