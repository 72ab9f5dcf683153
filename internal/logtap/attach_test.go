package logtap_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/internal/logtap"
	"github.com/wsgo/wsgo/internal/secret"
	"github.com/wsgo/wsgo/internal/state"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
)

func observed() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

// TestAttachLogTap: Attach puts the tap in the request's Scope, where
// logging.From finds it: a Debug entry the Info access logger drops
// reaches the tap, without From's fields; without a Scope there is no tap.
func TestAttachLogTap(t *testing.T) {
	if logtap.Attach(httptest.NewRequest("GET", "/", nil), nil) != nil {
		t.Fatal("a tap without a Scope")
	}
	var tap *logtap.Tap
	base, baseLogs := observed()
	base = base.WithOptions(zap.IncreaseLevel(zapcore.InfoLevel))
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tap = logtap.Attach(r, secret.Name)
		if got, _ := state.LogTapSlot.Get(r.Context()); tap == nil || got != zapcore.Core(tap) {
			t.Fatal("the tap is not in the Scope")
		}
		logging.FromContext(r.Context()).Debug("looking", zap.String("password", "x"), zap.String("user", "ann"))
	})
	mw.RequestID()(logging.Access(base)(app)).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/p", nil))
	for _, e := range baseLogs.All() {
		if e.Message == "looking" {
			t.Error("the Info logger got the Debug entry")
		}
	}
	recs, _ := tap.Records()
	if len(recs) != 1 || recs[0].Message != "looking" || recs[0].Level != "DEBUG" {
		t.Fatalf("records %+v", recs)
	}
	if got := fmt.Sprint(recs[0].Fields); got != "[{password REDACTED true} {user ann false}]" {
		t.Errorf("fields %s", got)
	}
}
