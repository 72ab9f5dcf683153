package logging_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
)

// The access log on zap, and the error log of the request it is in.
func ExampleAccess() {
	core, logs := observer.New(zap.InfoLevel) // in a program: logging.JSON(os.Stderr)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logging.FromRequest(r).Info("hello", zap.String("subject", "Ann"))
		io.WriteString(w, "Hello Ann!")
	})
	h := mw.RequestID()(logging.Access(zap.New(core))(app))
	r := httptest.NewRequest("GET", "/hello?subject=Ann", nil)
	r.Header.Set("User-Agent", "curl/8.0")
	h.ServeHTTP(httptest.NewRecorder(), r)
	for _, e := range logs.All() {
		m := e.ContextMap()
		fmt.Println(e.Level, e.Message, m["http.request.method"], m["url.path"], m["http.response.status_code"],
			m["http.response.body.size"], m["user_agent.original"], len(m["http.request.id"].(string)))
	}
	// Output:
	// info hello GET /hello <nil> <nil> <nil> 20
	// info request GET /hello 200 10 curl/8.0 20
}

// Apache's Combined Log Format, for GoAccess, fail2ban and awstats.
func ExampleAppendLine() {
	rec := logging.Record{
		RemoteHost: "127.0.0.1", RemoteUser: "frank",
		Time:        time.Date(2000, 10, 10, 13, 55, 36, 0, time.FixedZone("", -7*3600)),
		RequestLine: "GET /apache_pb.gif HTTP/1.0", Status: 200, Bytes: 2326,
		Referer: "http://www.example.com/start.html", UserAgent: "Mozilla/4.08 [en] (Win98; I ;Nav)",
	}
	os.Stdout.Write(logging.AppendLine(nil, logging.Combined, &rec))
	rec.RequestLine = "GET /\"injected\n" // escaped: the line cannot be split or forged
	os.Stdout.Write(logging.AppendLine(nil, logging.Common, &rec))
	// Output:
	// 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"
	// 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /\"injected\n" 200 2326
}

// The access log and the per-request logger through an application's
// log/slog handler. (The time and the duration are left out so that the
// output is the same on every run; http.server.request.duration is a
// float64 of seconds.)
func ExampleSlog() {
	h := slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && (a.Key == slog.TimeKey || a.Key == logging.FieldDuration) {
				return slog.Attr{}
			}
			return a
		},
	})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logging.SlogFromContext(r.Context()).Info("hello", "subject", "Ann")
		io.WriteString(w, "Hello Ann!")
	})
	id := mw.RequestIDGenerator(func() string { return "req-1" })
	stack := mw.RequestID(id)(logging.Access(logging.Slog(h))(app))
	r := httptest.NewRequest("GET", "/hello?subject=Ann", nil)
	r.Header.Set("User-Agent", "curl/8.0")
	stack.ServeHTTP(httptest.NewRecorder(), r)
	// Output:
	// {"level":"INFO","msg":"hello","http.request.id":"req-1","http.request.method":"GET","url.path":"/hello","subject":"Ann"}
	// {"level":"INFO","msg":"request","http.request.method":"GET","url.path":"/hello","url.query":"subject=Ann","network.protocol.version":"1.1","http.response.status_code":200,"http.response.body.size":10,"http.request.body.size":0,"client.address":"192.0.2.1","user_agent.original":"curl/8.0","http.request.header.referer":"","server.address":"example.com","http.request.id":"req-1"}
}
