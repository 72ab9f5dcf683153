module github.com/wsgo/wsgo

go 1.25

require (
	github.com/felixge/httpsnoop v1.1.0
	github.com/justinas/alice v1.2.0
	go.uber.org/goleak v1.3.0
	go.uber.org/zap v1.28.0
	go.uber.org/zap/exp v0.3.0
)

require go.uber.org/multierr v1.10.0 // indirect
