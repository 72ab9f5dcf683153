// Package serve runs the examples' servers the same way: a -addr flag, a log
// line saying where it listens, timeouts that disconnect a client that
// stalls, and a graceful shutdown on SIGINT or SIGTERM that lets requests in
// flight finish.
package serve

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/logging"
)

// DefaultAddr is where every example listens unless told otherwise.
const DefaultAddr = "localhost:8081"

// AddrFlag registers -addr on fs. A value that is not a host:port a
// listener could take (see [CheckAddr]) is a bad flag, as a bad number is
// for an int flag: fs reports it, and exits 2 under flag.ExitOnError.
func AddrFlag(fs *flag.FlagSet) *string {
	addr := DefaultAddr
	fs.Var(addrValue{&addr}, "addr", "host:port to listen on")
	return &addr
}

// CheckAddr says why addr is not a host:port to listen on: no port, or a
// port that is neither a number from 0 to 65535 nor a service name. The host
// is not looked up; a host that cannot be listened on fails at start-up.
func CheckAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("want host:port: %v", err)
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("port %q: want 0 to 65535 or a service name", port)
	}
	return nil
}

// addrValue is the flag.Value of -addr.
type addrValue struct{ addr *string }

func (v addrValue) String() string {
	if v.addr == nil {
		return ""
	}
	return *v.addr
}

func (v addrValue) Set(s string) error {
	if err := CheckAddr(s); err != nil {
		return err
	}
	*v.addr = s
	return nil
}

// ShutdownTimeout bounds how long a shutdown waits for requests in flight.
const ShutdownTimeout = 10 * time.Second

// The timeouts of every example's server. A server without them keeps a
// connection, and its goroutine and buffers, for as long as the client
// pleases: a client that sends its headers a byte at a time (Slowloris), a
// body that never ends, a response nobody reads or a keep-alive connection
// left idle would each hold one forever, and enough of them exhaust the
// server. With them, a client that stalls is disconnected.
const (
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout = 10 * time.Second
	// ReadTimeout bounds reading a whole request, headers and body.
	ReadTimeout = 30 * time.Second
	// WriteTimeout bounds a response, from the end of the request headers
	// to the last byte written; a route that streams for longer extends
	// its own deadline with [ExtendWriteDeadline].
	WriteTimeout = 30 * time.Second
	// IdleTimeout bounds how long a keep-alive connection waits for its
	// next request.
	IdleTimeout = 120 * time.Second
)

// timeouts are the server timeouts Serve and ExtendWriteDeadline use; a
// variable so that tests can shorten them.
var timeouts = struct{ readHeader, read, write, idle time.Duration }{
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout,
}

// Server returns an http.Server for h with the timeouts above, logging its
// errors (a failed TLS handshake, a panic it recovered) to log.
func Server(h http.Handler, log *zap.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: timeouts.readHeader,
		ReadTimeout:       timeouts.read,
		WriteTimeout:      timeouts.write,
		IdleTimeout:       timeouts.idle,
		ErrorLog:          zap.NewStdLog(log.Named("http")),
	}
}

// ExtendWriteDeadline lets a response that streams for about d write for d
// more than WriteTimeout, counted from now, so that the server does not cut
// it short. Call it before streaming. A ResponseWriter that has no deadline
// (FastCGI's, a test recorder's) is left alone.
func ExtendWriteDeadline(w http.ResponseWriter, d time.Duration) error {
	err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d + timeouts.write))
	if errors.Is(err, http.ErrNotSupported) {
		return nil
	}
	return err
}

// Run listens on addr and serves h until SIGINT or SIGTERM arrives or ctx
// ends, then shuts down gracefully. It logs the address it listens on (the
// real one, so "localhost:0" shows the chosen port) and when it stops.
func Run(ctx context.Context, addr string, h http.Handler, log *zap.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return Serve(ctx, ln, func(l net.Listener, srv *http.Server) error { return srv.Serve(l) }, h, log)
}

// Serve is Run on a listener, with serveFn doing the serving (srv.Serve for
// HTTP, or a FastCGI server); it stops serving on SIGINT, SIGTERM or the end
// of ctx. The server srv is [Server]'s, with its timeouts.
func Serve(ctx context.Context, ln net.Listener, serveFn func(net.Listener, *http.Server) error, h http.Handler, log *zap.Logger) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := Server(h, log)
	errc := make(chan error, 1)
	go func() { errc <- serveFn(ln, srv) }()
	log.Info("listening", zap.String("addr", ln.Addr().String()), zap.String("url", "http://"+ln.Addr().String()+"/"))
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	ln.Close()
	if err == nil {
		log.Info("stopped")
	}
	return err
}

// Logger returns the examples' start-up logger, on standard error: the
// presets' loggers, logging.Console, or logging.JSON when json is true.
// Not zap.NewDevelopment or zap.NewProduction: they add a stack trace of
// the logging call itself to every Warn (development) or Error
// (production) line, fifteen lines of the logger's own callers under a
// warning such as the recover layer's "traceback pages are on".
func Logger(json bool) *zap.Logger {
	if json {
		return logging.JSON(os.Stderr)
	}
	return logging.Console(os.Stderr)
}
