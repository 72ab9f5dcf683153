package hostport

import "testing"

func TestSplit(t *testing.T) {
	tests := []struct{ in, host, port, addr string }{
		{"example.org", "example.org", "", "example.org"},
		{"example.org:8080", "example.org", "8080", "example.org"},
		{"192.0.2.1:5555", "192.0.2.1", "5555", "192.0.2.1"},
		{"192.0.2.1", "192.0.2.1", "", "192.0.2.1"},
		{"[::1]:80", "[::1]", "80", "::1"},
		{"[::1]", "[::1]", "", "::1"},
		{"::1", "::1", "", "::1"},
		{"2001:db8::1", "2001:db8::1", "", "2001:db8::1"},
		{"[2001:db8::1]:x", "[2001:db8::1]", "", "2001:db8::1"},
		{"x:abc", "x:abc", "", "x:abc"},
		{"x:99999", "x:99999", "", "x:99999"},
		{"x:65535", "x", "65535", "x"},
		{"x:", "x:", "", "x:"},
		{"[::1", "[::1", "", "::1"},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		host, port := Split(tt.in)
		if host != tt.host || port != tt.port {
			t.Errorf("Split(%q) = %q, %q; want %q, %q", tt.in, host, port, tt.host, tt.port)
		}
		if got := Addr(tt.in); got != tt.addr {
			t.Errorf("Addr(%q) = %q, want %q", tt.in, got, tt.addr)
		}
	}
}
