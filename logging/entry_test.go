package logging

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The keys JSONEncoder copies without scanning them must be plain: what
// openKey would write for them, as they are.
func TestAccessKeysArePlain(t *testing.T) {
	for key, rendered := range map[string]string{
		FieldMethod: keyMethod, FieldPath: keyPath, FieldQuery: keyQuery, FieldProtocol: keyProtocol,
		FieldStatus: keyStatus, FieldResponseSize: keyResponseSize, FieldRequestSize: keyRequestSize,
		FieldDuration: keyDuration, FieldClient: keyClient, FieldUserAgent: keyUserAgent,
		FieldReferer: keyReferer, FieldHost: keyHost, FieldRequestID: keyRequestID,
	} {
		if plainPrefix(key) != len(key) {
			t.Errorf("key %q needs escaping: it cannot be copied as it is", key)
		}
		if want := `"` + key + `":`; !strings.HasPrefix(rendered, want) || len(rendered) > len(want)+1 {
			t.Errorf("key %q is rendered %q", key, rendered)
		}
	}
}

// An access entry written by JSON is, byte for byte, the one zap's own
// JSON encoder writes with the same config (but for its clock), for hostile
// values, every status.
func TestAccessEntryJSONSameAsZap(t *testing.T) {
	cfg := zap.NewProductionEncoderConfig()
	cfg.EncodeTime = zapcore.ISO8601TimeEncoder
	var got, want strings.Builder
	ours := Access(JSON(&got))
	zaps := Access(zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(cfg), zapcore.AddSync(&want), zapcore.DebugLevel)))
	hostile := "\"q\" \\ \x00\x1f\x7f \xff\xfe é 漢 \u2028 \u009b[31m"
	for _, status := range []int{200, 201, 302, 404, 500, 0} {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if status != 0 {
				w.WriteHeader(status)
			}
			_, _ = w.Write([]byte(hostile))
		})
		r := httptest.NewRequest("POST", "/p%22ath/"+"%C2%9B?q="+"%22&password=x", strings.NewReader("body"))
		r.Header.Set("User-Agent", hostile)
		r.Header.Set("Referer", "https://u:pw@example.com/"+hostile+"?token=1#x")
		r.Host = "ex\"ample.com"
		r.RemoteAddr = "[2001:db8::1]:443"
		ours(h).ServeHTTP(httptest.NewRecorder(), r)
		zaps(h).ServeHTTP(httptest.NewRecorder(), r)
	}
	clock := regexp.MustCompile(`"ts":"[^"]*"|"http.server.request.duration":[0-9.e-]+`)
	g, w := clock.ReplaceAllString(got.String(), "T"), clock.ReplaceAllString(want.String(), "T")
	if g != w {
		t.Errorf("JSON wrote\n%s\nzap wrote\n%s", g, w)
	}
	if strings.Count(g, "\n") != 6 {
		t.Errorf("%d lines, want 6:\n%s", strings.Count(g, "\n"), g)
	}
}
