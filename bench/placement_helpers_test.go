package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/logging"
)

// The tests of placement_*_test.go back the rows of docs/placement.md, one
// test per row: each builds the stack the row recommends (and, where the
// row says why not, the other order) with the real peer, over a real
// server, and asserts what a user sees: status, headers, body, the access
// entry.

// observed is a logger that keeps its entries, Debug and up.
func observed() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

// accessEntries are the access entries logs holds.
func accessEntries(logs *observer.ObservedLogs) []observer.LoggedEntry {
	return logs.FilterMessage(logging.FieldMessage).All()
}

// oneAccess is the only access entry of logs; the test fails when there is
// not exactly one.
func oneAccess(t *testing.T, logs *observer.ObservedLogs) observer.LoggedEntry {
	t.Helper()
	// A timeout layer outside the preset answers before the preset
	// returns: its entry comes a moment after the client has the answer.
	for deadline := time.Now().Add(5 * time.Second); len(accessEntries(logs)) == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	es := accessEntries(logs)
	if len(es) != 1 {
		t.Fatalf("%d access entries, want 1: %v", len(es), es)
	}
	return es[0]
}

// do sends req to ts and returns the response with its body read.
func do(t *testing.T, ts *httptest.Server, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// newRequest is http.NewRequest that fails the test on error.
func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
