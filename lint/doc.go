// Package lint is a development layer that checks that the handlers below
// it keep net/http's contract for an http.ResponseWriter: the
// wsgiref.validate of net/http.
//
//	h := lint.New(logger)(app)
//
// Each breach is logged at Warn, once per route (method and path), with the
// message "lint: handler breaks the HTTP contract", the rule broken in the
// field "rule" (one of this package's constants, such as
// [WriteHeaderTwice]), the route in "route" and a detail in a field of its
// own ("status", "header", "bytes", "call" or "holds"). The response itself
// goes out unchanged. In tests, [Strict] also calls a func for every
// breach:
//
//	h := lint.New(zaptest.NewLogger(t), lint.Strict(func(b string) { t.Error(b) }))(app)
//
// wsgo.Development includes it, as the layer named "lint". It is for
// development: it observes every write, and what it logs tells anyone who
// reads the log how the application misbehaves.
//
// # Differences from peers
//
// Python's wsgiref.validate raises on the first breach; lint logs it and
// lets the response go out, so that a development server keeps serving.
// net/http logs "superfluous response.WriteHeader call" on its ErrorLog
// each time, and drops a header changed after it was sent without a word;
// lint names the rule and the route, once per route. chi, gorilla and
// negroni have no such layer.
package lint
