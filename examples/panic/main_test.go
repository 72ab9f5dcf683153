package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func get(t *testing.T, url, accept string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", accept)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

func TestPanicExample(t *testing.T) {
	for _, debug := range []bool{false, true} {
		core, logs := observer.New(zapcore.ErrorLevel)
		ts := httptest.NewServer(Handler(zap.New(core), debug))
		res, body := get(t, ts.URL+"/", "text/html")
		if res.StatusCode != 200 || !strings.Contains(body, "This page panics") {
			t.Fatalf("index: %d %q", res.StatusCode, body)
		}
		res, body = get(t, ts.URL+"/boom?account=42&api_key=s3cr3t", "text/html")
		id := res.Header.Get("X-Request-Id")
		if res.StatusCode != 500 || !strings.Contains(body, id) {
			t.Fatalf("debug=%v: %d %q", debug, res.StatusCode, body)
		}
		if got := strings.Contains(body, "ledger: balance does not add up"); got != debug {
			t.Fatalf("debug=%v: traceback shown = %v", debug, got)
		}
		if strings.Contains(body, "s3cr3t") {
			t.Fatal("the api_key is on the page")
		}
		var panics int
		for _, e := range logs.All() {
			if e.Message == "panic recovered" {
				panics++
				if e.ContextMap()["http.request.id"] != id {
					t.Fatalf("log and page disagree on the ID")
				}
			}
		}
		if panics != 1 {
			t.Fatalf("%d panic entries", panics)
		}
		ts.Close()
	}
}
