package bench

import (
	"io"
	"log"
	"net/http"
	"time"

	"github.com/wsgo/wsgo"

	"github.com/felixge/httpsnoop"
	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/handlers"
	"github.com/justinas/alice"
	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"
	"github.com/urfave/negroni/v3"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/lint"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
	wsgorecover "github.com/wsgo/wsgo/recover"
)

// Stack is a middleware stack around a handler, as a user would build it.
type Stack struct {
	Name string
	Wrap func(http.Handler) http.Handler
	Full bool // request ID or access log and recovery: a full stack
}

// HelloBody is the 13-byte answer of the bare handler, and Hello the bare
// handler: the library's own test fixtures, so both modules measure the same.
var (
	HelloBody = wsgotest.Hello
	Hello     = wsgotest.App
)

// Discard is zap's production JSON encoder writing to a sink that drops
// the bytes, every entry encoded (no sampling), the logger every zap stack
// here uses.
func Discard() *zap.Logger { return zapTo(sink{}) }

// zapTo is the logger of Discard writing to w: one Write per entry.
func zapTo(w io.Writer) *zap.Logger {
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(w), zapcore.InfoLevel))
}

// sink discards what is written to it. It is not io.Discard on purpose: a
// log.Logger that writes to io.Discard skips formatting altogether (Go
// checks for it), which would let the peers' loggers measure as free while
// zap, which formats every entry, pays.
type sink struct{}

func (sink) Write(p []byte) (int, error) { return len(p), nil }

var discardLog = log.New(sink{}, "", log.LstdFlags)

// Stacks returns every stack of the comparison, the bare handler first, its
// loggers writing to a sink that drops the bytes.
func Stacks() []Stack { return StacksTo(sink{}) }

// StacksTo returns the stacks of Stacks with every logger (zap's, the
// standard library's, gorilla's and echo's) writing to w instead: an
// *os.File measures what an access log written to a real file costs. Every
// logger writes each line with one Write, unbuffered.
func StacksTo(w io.Writer) []Stack {
	stdLog := log.New(w, "", log.LstdFlags)
	return []Stack{
		{Name: "bare", Wrap: func(h http.Handler) http.Handler { return h }},
		{Name: "zapfloor", Wrap: zapFloor(zapTo(w))},
		// The same entry as zapfloor, zap used as a careful user uses it,
		// then written without zap: the physical floor of this entry.
		{Name: "zapfloor-careful", Wrap: zapFloorCareful(zapTo(w))},
		{Name: "appender", Wrap: appenderFloor(w)},
		{Name: "wsgo-production", Full: true, Wrap: func(h http.Handler) http.Handler { return wsgo.Production(zapTo(w)).Then(h) }},
		{Name: "wsgo-development", Full: true, Wrap: func(h http.Handler) http.Handler { return wsgo.Development(zapTo(w)).Then(h) }},
		// The production preset on its default logger, logging.JSON (wsgo's
		// own encoder, byte-identical to zap's); the rows above use a stock
		// zap JSON logger, as a user who brings their own would.
		{Name: "wsgo-production-json", Full: true, Wrap: func(h http.Handler) http.Handler { return wsgo.Production(logging.JSON(w)).Then(h) }},
		{Name: "chi", Full: true, Wrap: func(h http.Handler) http.Handler {
			return chimw.RequestID(chimw.RequestLogger(&chimw.DefaultLogFormatter{Logger: stdLog, NoColor: true})(chimw.Recoverer(h)))
		}},
		{Name: "gorilla", Full: true, Wrap: func(h http.Handler) http.Handler {
			return handlers.RecoveryHandler(handlers.RecoveryLogger(stdLog))(handlers.CombinedLoggingHandler(w, h))
		}},
		{Name: "negroni", Full: true, Wrap: func(h http.Handler) http.Handler {
			rec := negroni.NewRecovery()
			rec.Logger = stdLog
			rec.PrintStack = false
			lg := negroni.NewLogger()
			lg.ALogger = stdLog
			n := negroni.New(rec, lg)
			n.UseHandler(h)
			return n
		}},
		{Name: "echo", Full: true, Wrap: func(h http.Handler) http.Handler {
			e := echo.New()
			e.Logger.SetOutput(w)
			e.Use(echomw.RequestID(), echomw.LoggerWithConfig(echomw.LoggerConfig{Output: w}), echomw.Recover())
			e.Any("/*", echo.WrapHandler(h))
			return e
		}},
		{Name: "handwritten", Full: true, Wrap: handwritten(zapTo(w))},
		// Each of our middlewares alone.
		{Name: "wsgo-requestid", Wrap: mw.RequestID()},
		{Name: "wsgo-access", Wrap: logging.Access(zapTo(w))},
		{Name: "wsgo-combined", Wrap: logging.Apache(w, logging.Combined)},
		{Name: "gorilla-combined", Wrap: func(h http.Handler) http.Handler { return handlers.CombinedLoggingHandler(w, h) }},
		{Name: "chi-logger", Wrap: chimw.RequestLogger(&chimw.DefaultLogFormatter{Logger: stdLog, NoColor: true})},
		{Name: "negroni-logger", Wrap: func(h http.Handler) http.Handler {
			lg := negroni.NewLogger()
			lg.ALogger = stdLog
			n := negroni.New(lg)
			n.UseHandler(h)
			return n
		}},
		{Name: "wsgo-recover", Wrap: wsgorecover.New(zapTo(w))},
		{Name: "wsgo-environ", Wrap: environ.Middleware()},
		{Name: "wsgo-lint", Wrap: lint.New(zapTo(w))},
		{Name: "wsgo-flush", Wrap: mw.FlushEachWrite()},
	}
}

// accessFields are the fields every zap access log here encodes.
func accessFields(r *http.Request, status int, bytes int64, d time.Duration, id string) []zap.Field {
	return []zap.Field{
		zap.String("http.request.method", r.Method), zap.String("url.path", r.URL.Path),
		zap.String("url.query", r.URL.RawQuery), zap.String("network.protocol.version", "1.1"),
		zap.Int("http.response.status_code", status), zap.Int64("http.response.body.size", bytes),
		zap.Int64("http.request.body.size", r.ContentLength), zap.Duration("http.server.request.duration", d),
		zap.String("client.address", "127.0.0.1"), zap.String("user_agent.original", r.UserAgent()),
		zap.String("http.request.header.referer", r.Referer()), zap.String("server.address", r.Host),
		zap.String("http.request.id", id),
	}
}

// zapFloor is zap alone encoding the access log's fields after the handler:
// the cost no zap access log can go below.
func zapFloor(log *zap.Logger) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			h.ServeHTTP(w, r)
			log.Info("request", accessFields(r, 200, int64(len(HelloBody)), time.Since(start), floorRequestID)...)
		})
	}
}

// handwritten is the stack a user would write with alice, httpsnoop and
// zap: a request ID, httpsnoop.CaptureMetrics for the access log, and a
// deferred recover.
func handwritten(log *zap.Logger) func(http.Handler) http.Handler {
	requestID := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := mw.NewRequestID()
			w.Header().Set("X-Request-Id", id)
			next.ServeHTTP(w, r)
		})
	}
	access := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m := httpsnoop.CaptureMetrics(next, w, r)
			log.Info("request", accessFields(r, m.Code, m.Written, m.Duration, w.Header().Get("X-Request-Id"))...)
		})
	}
	return func(h http.Handler) http.Handler {
		return alice.New(requestID, access, handwrittenRecover(log)).Then(h)
	}
}

// handwrittenRecover is the recover layer of the hand-written stack: zap's
// own stack field and http.Error.
func handwrittenRecover(log *zap.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.Error("panic", zap.Any("panic", v), zap.Stack("stack"))
					http.Error(w, "Internal Server Error", http.StatusInternalServerError)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}
