package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDispatch(t *testing.T) {
	ts := httptest.NewServer(Application())
	defer ts.Close()
	tests := []struct {
		path   string
		status int
		ctype  string
		want   string
	}{
		{"/", 200, "text/html; charset=utf-8", `<a href="/hello/">continue</a>`},
		{"/hello", 200, "text/html; charset=utf-8", "<h1>Hello World!</h1>"},
		{"/hello/", 200, "text/html; charset=utf-8", "<h1>Hello World!</h1>"},
		{"/hello/Ann", 200, "text/html; charset=utf-8", "<h1>Hello Ann!</h1>"},
		{"/hello/%3Cscript%3E", 200, "text/html; charset=utf-8", "<h1>Hello &lt;script&gt;!</h1>"},
		{"/hello?subject=Bob", 200, "text/html; charset=utf-8", "<h1>Hello Bob!</h1>"},
		{"/goodbye", 404, "text/plain; charset=utf-8", "Not Found"},
		{"/hellothere", 404, "text/plain; charset=utf-8", "Not Found"},
	}
	for _, tt := range tests {
		res, err := http.Get(ts.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.status || res.Header.Get("Content-Type") != tt.ctype || !strings.Contains(string(b), tt.want) {
			t.Errorf("%s: %d %s %q; want %d %s %q", tt.path, res.StatusCode, res.Header.Get("Content-Type"), b, tt.status, tt.ctype, tt.want)
		}
	}
}
