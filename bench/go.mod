module github.com/wsgo/wsgo/bench

go 1.25

require (
	github.com/go-chi/chi/v5 v5.5.0
	github.com/gorilla/handlers v1.5.2
	github.com/gorilla/mux v1.8.1
	github.com/justinas/alice v1.2.0
	github.com/urfave/negroni/v3 v3.1.2
	github.com/wsgo/wsgo v0.0.0
)

require (
	github.com/felixge/httpsnoop v1.1.0 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	go.uber.org/zap v1.28.0 // indirect
)

replace github.com/wsgo/wsgo => ../
