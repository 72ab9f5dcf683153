package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRest(t *testing.T) {
	ts := httptest.NewServer(Handler())
	defer ts.Close()
	tests := []struct {
		path   string
		status int
		want   string
	}{
		{"/rest/custompath", 200, "Hello World!\nPATH_INFO = /custompath\nSCRIPT_NAME = /rest"},
		{"/rest/a/b", 200, "Hello World!\nPATH_INFO = /a/b\nSCRIPT_NAME = /rest"},
		{"/rest", 200, "Hello World!\nPATH_INFO = \nSCRIPT_NAME = /rest"},
		{"/rest/", 200, "Hello World!\nPATH_INFO = /\nSCRIPT_NAME = /rest"},
		{"/restore", 404, "404 page not found\n"},
	}
	for _, tt := range tests {
		res, err := http.Get(ts.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.status || string(b) != tt.want {
			t.Errorf("%s: %d %q; want %d %q", tt.path, res.StatusCode, b, tt.status, tt.want)
		}
		if tt.status == 200 && res.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", tt.path, res.Header.Get("Content-Type"))
		}
	}
}
