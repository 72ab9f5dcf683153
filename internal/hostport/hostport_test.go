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
		// IPv4-mapped IPv6 addresses fold to IPv4 (Addr only: Split keeps them).
		{"[::ffff:1.2.3.4]:5678", "[::ffff:1.2.3.4]", "5678", "1.2.3.4"},
		{"[::FFFF:1.2.3.4]:5678", "[::FFFF:1.2.3.4]", "5678", "1.2.3.4"},
		{"[0:0:0:0:0:ffff:102:304]:1", "[0:0:0:0:0:ffff:102:304]", "1", "1.2.3.4"},
		{"::ffff:127.0.0.1", "::ffff:127.0.0.1", "", "127.0.0.1"},
		{"[::ffff:1.2.3.4]", "[::ffff:1.2.3.4]", "", "1.2.3.4"},
		{"[::ffff:1.2.3.4%eth0]:1", "[::ffff:1.2.3.4%eth0]", "1", "::ffff:1.2.3.4%eth0"},
		{"[::1.2.3.4]:1", "[::1.2.3.4]", "1", "::1.2.3.4"},                      // IPv4-compatible, not mapped
		{"[64:ff9b::1.2.3.4]:1", "[64:ff9b::1.2.3.4]", "1", "64:ff9b::1.2.3.4"}, // NAT64, not mapped
		{"[::ffff:1.2.3]:1", "[::ffff:1.2.3]", "1", "::ffff:1.2.3"},             // not an address
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
