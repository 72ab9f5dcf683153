package lint

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// TestTrailersAreNoHeaderChange: trailers set after the header went out,
// as net/http documents them (declared in Trailer, or with
// http.TrailerPrefix) and as every grpc-go and connect call sets them, are
// not "header changed after it was sent"; another header set then is.
func TestTrailersAreNoHeaderChange(t *testing.T) {
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		want    []string
	}{
		{"declared trailer", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "Grpc-Status, grpc-message")
			w.Header().Set("Content-Type", "application/grpc")
			io.WriteString(w, "frame")
			w.Header().Set("Grpc-Status", "0")
			w.Header().Set("Grpc-Message", "ok")
		}, nil},
		{"TrailerPrefix", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/grpc")
			io.WriteString(w, "frame")
			w.Header().Set(http.TrailerPrefix+"Grpc-Status", "5")
		}, nil},
		{"an undeclared header", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Trailer", "Grpc-Status")
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, "body")
			w.Header().Set("Grpc-Status", "0")
			w.Header().Set("X-Late", "1")
		}, []string{HeaderAfterSent + " X-Late"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.WarnLevel)
			ts := httptest.NewUnstartedServer(New(zap.New(core))(tt.handler))
			ts.EnableHTTP2 = true
			ts.StartTLS()
			defer ts.Close()
			res, err := ts.Client().Post(ts.URL, "application/grpc", strings.NewReader(""))
			if err != nil {
				t.Fatal(err)
			}
			io.ReadAll(res.Body)
			res.Body.Close()
			var got []string
			for _, e := range logs.All() {
				got = append(got, e.ContextMap()["rule"].(string)+" "+e.ContextMap()["header"].(string))
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("lint entries %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSecondWriteHeaderNamesItsCaller: a layer outside the handler that
// writes a second status (chi's Timeout writes its 504 after the
// handler's) is named in the report; net/http, which never sees the call,
// would have named wsgo's writer.
func TestSecondWriteHeaderNamesItsCaller(t *testing.T) {
	core, logs := observer.New(zapcore.WarnLevel)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	h := New(zap.New(core))(lateTimeout(app))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil))
	e := logs.FilterField(zap.String("rule", WriteHeaderTwice)).All()
	if len(e) != 1 {
		t.Fatalf("lint entries %v, want one", logs.All())
	}
	if got := e[0].ContextMap()["status"].(string); !strings.HasPrefix(got, "504 from github.com/wsgo/wsgo/lint.") ||
		!strings.Contains(got, "lateTimeout") || !strings.Contains(got, "(trailer_test.go:") {
		t.Fatalf("lint entries %v, want one naming lateTimeout", logs.All())
	}
}

// lateTimeout writes a 504 after its handler returned, as chi's Timeout
// does when the deadline passed.
func lateTimeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		w.WriteHeader(http.StatusGatewayTimeout)
	})
}
