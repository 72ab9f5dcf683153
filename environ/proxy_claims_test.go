package environ

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestProxyRemovesEveryClientClaimItDoesNotBelieve: behind a believed
// X-Forwarded-For, the other headers by which proxies and CDNs name the
// client or what it asked for (X-Client-IP, True-Client-IP,
// CF-Connecting-IP, ...) are removed from the request and the environ, as
// mod_wsgi strips X-Client-IP: the application reads no address a client
// forged. Via and CDN-Loop, which name no client, and ordinary headers
// stay. From a peer outside TrustedPeers every claim goes.
func TestProxyRemovesEveryClientClaimItDoesNotBelieve(t *testing.T) {
	claims := []string{
		"X-Client-Ip", "True-Client-Ip", "Cf-Connecting-Ip", "Fastly-Client-Ip", "X-Cluster-Client-Ip",
		"X-Original-Forwarded-For", "X-Proxyuser-Ip", "Client-Ip", "X-Host", "X-Scheme", "Front-End-Https",
		"Forwarded-For", "X-Forwarded", "X-Real-Ip",
	}
	kept := map[string]string{"Via": "1.1 edge", "Cdn-Loop": "cloudflare", "X-Request-Id": "abc"}
	for _, tc := range []struct {
		name, remoteAddr string
		cfg              ProxyConfig
		xff              bool // X-Forwarded-For is believed and stays
	}{
		{"For believed", "127.0.0.1:5555", ProxyConfig{For: 1}, true},
		{"For believed from a trusted peer", "127.0.0.1:5555", ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.0/8"}}, true},
		{"peer outside TrustedPeers", "192.0.2.1:5555", ProxyConfig{For: 1, TrustedPeers: []string{"127.0.0.0/8"}}, false},
	} {
		for _, st := range proxyStacks(MustProxy(tc.cfg)) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remoteAddr
			r.Header.Set("X-Forwarded-For", "203.0.113.7")
			for _, k := range claims {
				r.Header.Set(k, "127.0.0.1")
			}
			for k, v := range kept {
				r.Header.Set(k, v)
			}
			var env, hdr []string
			var remote string
			st.stack(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				e := From(r)
				remote = e.GetString("REMOTE_ADDR")
				for k, v := range e.All() {
					if strings.HasPrefix(k, "HTTP_") {
						env = append(env, k+"="+v.(string))
					}
				}
				for k := range r.Header {
					if v := r.Header.Get(k); v != "" {
						hdr = append(hdr, k)
					}
				}
			})).ServeHTTP(httptest.NewRecorder(), r)
			slices.Sort(env)
			slices.Sort(hdr)
			wantEnv := []string{"HTTP_CDN_LOOP=cloudflare", "HTTP_HOST=example.com", "HTTP_VIA=1.1 edge", "HTTP_X_REQUEST_ID=abc"}
			wantHdr := []string{"Cdn-Loop", "Via", "X-Request-Id"}
			wantRemote := strings.Split(tc.remoteAddr, ":")[0]
			if tc.xff {
				wantEnv = append(wantEnv, "HTTP_X_FORWARDED_FOR=203.0.113.7")
				wantHdr = append(wantHdr, "X-Forwarded-For")
				wantRemote = "203.0.113.7"
				slices.Sort(wantEnv)
				slices.Sort(wantHdr)
			}
			if !slices.Equal(env, wantEnv) || !slices.Equal(hdr, wantHdr) || remote != wantRemote {
				t.Errorf("%s / %s:\n environ %q\n    want %q\n header %q\n    want %q\n REMOTE_ADDR %s, want %s",
					tc.name, st.name, env, wantEnv, hdr, wantHdr, remote, wantRemote)
			}
		}
	}
}
