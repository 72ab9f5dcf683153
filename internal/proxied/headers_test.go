package proxied

import (
	"net/http"
	"net/textproto"
	"testing"
)

// TestKeysAreCanonical: Forwarding is given canonical keys, so the lists
// must hold them in that form, or a header would never match.
func TestKeysAreCanonical(t *testing.T) {
	for _, m := range []map[string]bool{claims, presence} {
		for k := range m {
			if c := textproto.CanonicalMIMEHeaderKey(k); c != k {
				t.Errorf("%q is not canonical: %q", k, c)
			}
		}
	}
}

// TestPresent: any header of a proxy, whatever its value or the case of its
// key, and none of an ordinary request.
func TestPresent(t *testing.T) {
	for _, tc := range []struct {
		h    http.Header
		want bool
	}{
		{http.Header{"Accept": {"*/*"}, "User-Agent": {"curl"}, "X-Request-Id": {"1"}}, false},
		{http.Header{"X-Forwarded-Anything": {"x"}}, true},
		{http.Header{"X-Forwarded-For": nil}, true},
		{http.Header{"True-Client-Ip": {""}}, true},
		{http.Header{"cf-connecting-ip": {"127.0.0.1"}}, true},
		{http.Header{"Via": {"1.1 proxy"}}, true},
		{http.Header{"Cdn-Loop": {"cloudflare"}}, true},
		{http.Header{"X-Forwardedfor": {"x"}}, false},
	} {
		if got := Present(tc.h); got != tc.want {
			t.Errorf("Present(%v) = %v, want %v", tc.h, got, tc.want)
		}
	}
	if Forwarding("Via") || Forwarding("Cdn-Loop") || !Forwarding("X-Client-Ip") || !Forwarding("X-Forwarded-Server") {
		t.Error("Via and CDN-Loop name no client; X-Client-IP and X-Forwarded-Server do")
	}
}

func TestFromConnection(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:5555": true, "[::1]:5555": true, "192.0.2.1:1": true,
		"127.0.0.1": false, "::1": false, "[::1]": false, "127.0.0.1:0": false, "": false, "@": false, "localhost:80": false,
	} {
		if got := FromConnection(addr); got != want {
			t.Errorf("FromConnection(%q) = %v, want %v", addr, got, want)
		}
	}
}
