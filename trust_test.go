package wsgo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/environ"
)

// TestDevelopmentTracebackOnlyForLocalClients runs the traceback rule
// through the development preset, alone and BehindProxy, over a real server
// on loopback: a forwarding header that no proxy layer outside recover
// resolved means a proxy stands between, and no traceback is shown.
func TestDevelopmentTracebackOnlyForLocalClients(t *testing.T) {
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret panic text") })
	cases := []struct {
		name          string
		host          string
		header        map[string]string
		plain, behind bool // traceback shown by Development(log) and by Development(log, BehindProxy(...))
	}{
		{"local", "", nil, true, false},
		{"X-Forwarded-For remote", "", map[string]string{"X-Forwarded-For": "6.6.6.6"}, false, false},
		{"X-Forwarded-For loopback", "", map[string]string{"X-Forwarded-For": "127.0.0.1"}, false, true},
		{"Forwarded", "", map[string]string{"Forwarded": "for=6.6.6.6"}, false, false},
		{"X-Real-IP", "", map[string]string{"X-Real-Ip": "6.6.6.6"}, false, false},
		{"X-Forwarded-Host", "", map[string]string{"X-Forwarded-Host": "localhost"}, false, false},
		{"spoofed Host", "evil.example", nil, false, false},
		{"Host: localhost from a remote client through Apache", "localhost", map[string]string{"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "localhost"}, false, false},
	}
	// "local" BehindProxy: the proxy layer believes X-Forwarded-For only, and
	// a request without it resolves nothing, but carries no forwarding header
	// either: it is local.
	cases[0].behind = true
	proxy := environ.ProxyConfig{Headers: environ.XForwarded, For: 1}
	for _, preset := range []struct {
		name   string
		h      http.Handler
		behind bool
	}{
		{"Development", Development(zap.NewNop()).Then(boom), false},
		{"Development BehindProxy", Development(zap.NewNop(), BehindProxy(proxy)).Then(boom), true},
	} {
		ts := httptest.NewServer(preset.h)
		for _, tc := range cases {
			req, _ := http.NewRequest("GET", ts.URL+"/", nil)
			if tc.host != "" {
				req.Host = tc.host
			}
			req.Header.Set("Accept", "text/html")
			for k, v := range tc.header {
				req.Header[k] = []string{v}
			}
			res, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			want := tc.plain
			if preset.behind {
				want = tc.behind
			}
			if got := strings.Contains(string(b), "secret panic text"); got != want || res.StatusCode != 500 {
				t.Errorf("%s / %s: status %d, traceback shown = %v, want 500 and %v", preset.name, tc.name, res.StatusCode, got, want)
			}
		}
		ts.Close()
	}
}

func TestBehindProxyIsOutermostAndChecked(t *testing.T) {
	c := Production(zap.NewNop(), BehindProxy(environ.ProxyConfig{For: 1}))
	if got := c.String(); got != "proxy > requestid > access > recover > environ > app" {
		t.Fatalf("onion: %s", got)
	}
	defer func() {
		v := recover()
		if err, _ := v.(error); err == nil || !strings.Contains(err.Error(), "environ: proxy: For = -1") {
			t.Fatalf("a negative count panicked with %v, want environ.Proxy's error", v)
		}
	}()
	Production(zap.NewNop(), BehindProxy(environ.ProxyConfig{For: -1}))
}
