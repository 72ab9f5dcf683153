package lint

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// twice breaches WriteHeaderTwice on every request.
var twice = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200); w.WriteHeader(500) })

// TestLintBoundsRoutes: 300 requests to distinct long paths (issue 21: they
// grew a development server without bound) leave the layer remembering
// routes of at most maxRoute bytes, and log them cut.
func TestLintBoundsRoutes(t *testing.T) {
	core, logs := observer.New(zapcore.WarnLevel)
	l := newLinter(zap.New(core))
	h := l.middleware()(twice)
	big := strings.Repeat("a", 1<<20)
	for i := range 300 {
		r := httptest.NewRequest("HEAD", "/", nil)
		r.URL.Path = "/" + strconv.Itoa(i) + "/" + big
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	breaches, bytes := l.stored()
	if breaches != 300 {
		t.Errorf("%d breaches remembered, want 300 (the paths differ in their first bytes)", breaches)
	}
	if perKey := len(WriteHeaderTwice) + 1 + maxRoute + len("…"); bytes > 300*perKey {
		t.Errorf("%d bytes remembered for 300 breaches, want at most %d", bytes, 300*perKey)
	}
	if logs.Len() != 300 {
		t.Fatalf("%d entries, want 300", logs.Len())
	}
	for _, e := range logs.All() {
		if route := e.ContextMap()["route"].(string); len(route) > maxRoute+len("…") || !strings.HasSuffix(route, "a…") {
			t.Fatalf("route of %d bytes logged: %.40q…", len(route), route)
		}
	}
}

// TestLintBoundsBytes: past maxKeyBytes of routes, the layer remembers no
// more, says so once, and stays within the bound.
func TestLintBoundsBytes(t *testing.T) {
	core, logs := observer.New(zapcore.WarnLevel)
	l := newLinter(zap.New(core))
	h := l.middleware()(twice)
	pad := strings.Repeat("p", maxRoute)
	n := maxKeyBytes/maxRoute + 100 // more than fit
	for i := range n {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.Path = "/" + strconv.Itoa(i) + pad
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	breaches, bytes := l.stored()
	if bytes > maxKeyBytes || breaches >= n || breaches == 0 {
		t.Fatalf("%d breaches, %d bytes remembered; want fewer than %d and at most %d bytes", breaches, bytes, n, maxKeyBytes)
	}
	if full := logs.FilterMessage(lintFullMessage).Len(); full != 1 {
		t.Errorf("%d entries say the layer is full, want 1", full)
	}
	if got := logs.FilterMessage(lintMessage).Len(); got != breaches {
		t.Errorf("%d breaches logged, %d remembered", got, breaches)
	}
}

func TestLintRoute(t *testing.T) {
	for _, tt := range []struct{ method, path, want string }{
		{"GET", "/x", "GET /x"},
		{"GET", "/" + strings.Repeat("é", 200), "GET /" + strings.Repeat("é", 125) + "…"}, // cut before a character, not inside
		{strings.Repeat("M", 300), "/x", strings.Repeat("M", maxRoute) + "…"},
	} {
		got := routeOf(tt.method, tt.path)
		if got != tt.want {
			t.Errorf("routeOf(%.10q, %.10q) = %.40q (%d bytes), want %.40q", tt.method, tt.path, got, len(got), tt.want)
		}
	}
}
