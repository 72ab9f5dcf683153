// Package serve runs the examples' servers the same way: a -addr flag, a log
// line saying where it listens, and a graceful shutdown on SIGINT or SIGTERM
// that lets requests in flight finish.
package serve

import (
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.uber.org/zap"
)

// DefaultAddr is where every example listens unless told otherwise.
const DefaultAddr = "localhost:8081"

// AddrFlag registers -addr on fs.
func AddrFlag(fs *flag.FlagSet) *string {
	return fs.String("addr", DefaultAddr, "host:port to listen on")
}

// ShutdownTimeout bounds how long a shutdown waits for requests in flight.
const ShutdownTimeout = 10 * time.Second

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
// of ctx.
func Serve(ctx context.Context, ln net.Listener, serveFn func(net.Listener, *http.Server) error, h http.Handler, log *zap.Logger) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          zap.NewStdLog(log.Named("http")),
	}
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

// Logger returns the examples' start-up logger: zap's development console
// logger, or production JSON when json is true.
func Logger(json bool) *zap.Logger {
	if json {
		l, _ := zap.NewProduction()
		return l
	}
	l, _ := zap.NewDevelopment()
	return l
}
