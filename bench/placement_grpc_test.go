package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/logging"
)

// healthService answers the health check of "panic" by panicking and that
// of any other service with NotFound.
type healthService struct {
	healthpb.UnimplementedHealthServer
}

func (healthService) Check(_ context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	if req.Service == "panic" {
		panic("boom in a gRPC handler")
	}
	return nil, status.Error(codes.NotFound, "unknown service")
}

// recoverUnary is the recovery interceptor a grpc-go server behind the
// preset needs: it turns a panic into codes.Internal and writes it to the
// request's error log, which carries the request ID.
func recoverUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if v := recover(); v != nil {
			logging.FromContext(ctx).Error("grpc panic", zap.Any("panic", v), zap.StackSkip("stack", 1))
			err = status.Error(codes.Internal, "internal error")
		}
	}()
	return handler(ctx, req)
}

// grpcBehindPreset serves a grpc-go server through its ServeHTTP, behind the
// production preset, over HTTP/2 without TLS (h2c, as net/http serves it),
// and returns a client connected to it.
func grpcBehindPreset(t *testing.T, log *zap.Logger, opts ...grpc.ServerOption) healthpb.HealthClient {
	t.Helper()
	gs := grpc.NewServer(opts...)
	healthpb.RegisterHealthServer(gs, healthService{})
	ts := httptest.NewUnstartedServer(wsgo.Production(log).Then(gs))
	ts.Config.Protocols = new(http.Protocols)
	ts.Config.Protocols.SetUnencryptedHTTP2(true)
	ts.Start()
	t.Cleanup(ts.Close)
	conn, err := grpc.NewClient(ts.Listener.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return healthpb.NewHealthClient(conn)
}

// TestPlacementGRPC: grpc-go behind the preset. A NotFound call is HTTP 200
// with Grpc-Status 5 in its trailer; the access entry carries
// rpc.grpc.status_code=5 at Warn. A panic in a handler, caught by a
// recovery interceptor, reaches the client as Internal, is logged with the
// request's ID, and the access entry says 13 at Error.
func TestPlacementGRPC(t *testing.T) {
	log, logs := observed()
	client := grpcBehindPreset(t, log, grpc.UnaryInterceptor(recoverUnary))
	ctx := context.Background()

	_, err := client.Check(ctx, &healthpb.HealthCheckRequest{Service: "nope"})
	if status.Code(err) != codes.NotFound {
		t.Fatalf("client: %v, want NotFound", err)
	}
	_, err = client.Check(ctx, &healthpb.HealthCheckRequest{Service: "panic"})
	if status.Code(err) != codes.Internal {
		t.Fatalf("client: %v, want Internal", err)
	}

	es := accessEntries(logs)
	if len(es) != 2 {
		t.Fatalf("%d access entries, want 2: %v", len(es), es)
	}
	for i, want := range []struct {
		code  int64
		level zapcore.Level
	}{{5, zapcore.WarnLevel}, {13, zapcore.ErrorLevel}} {
		e := es[i].ContextMap()
		if e[logging.FieldStatus] != int64(200) || e[logging.FieldGRPCStatus] != want.code || es[i].Level != want.level {
			t.Errorf("entry %d: %s, status %v, %s %v; want 200, %d at %s", i, es[i].Level,
				e[logging.FieldStatus], logging.FieldGRPCStatus, e[logging.FieldGRPCStatus], want.code, want.level)
		}
	}
	panics := logs.FilterMessage("grpc panic").All()
	if len(panics) != 1 || panics[0].ContextMap()[logging.FieldRequestID] != es[1].ContextMap()[logging.FieldRequestID] {
		t.Fatalf("panic entries %v; access entry %v", panics, es[1])
	}
}

const grpcCrashEnv = "WSGO_BENCH_GRPC_CRASH"

// TestPlacementGRPCPanicNotRecovered shows why the interceptor is needed:
// grpc-go runs each handler on a goroutine of its own, out of reach of the
// preset's recover layer (a deferred recover catches panics of its own
// goroutine only), so without the interceptor a panic in a handler ends the
// whole program. The test runs the server in a child process and checks
// that it died of the panic, before any access entry was written.
func TestPlacementGRPCPanicNotRecovered(t *testing.T) {
	if os.Getenv(grpcCrashEnv) == "1" {
		client := grpcBehindPreset(t, logging.JSON(os.Stderr))
		_, err := client.Check(context.Background(), &healthpb.HealthCheckRequest{Service: "panic"})
		t.Fatalf("the process is still alive after the panic; the client got %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPlacementGRPCPanicNotRecovered$", "-test.count=1")
	cmd.Env = append(os.Environ(), grpcCrashEnv+"=1")
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 {
		t.Fatalf("child: %v, want exit status 2 (an unrecovered panic)\n%s", err, out)
	}
	if !strings.Contains(string(out), "panic: boom in a gRPC handler") ||
		!strings.Contains(string(out), "created by google.golang.org/grpc.(*Server).serveStreams") ||
		strings.Contains(string(out), logging.FieldStatus) {
		t.Fatalf("child output: want the panic on a goroutine of grpc-go's, and no access entry:\n%s", out)
	}
}
