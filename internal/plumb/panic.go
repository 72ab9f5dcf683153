package plumb

// RecoveredKey is the Scope key under which a recover layer puts true when
// it recovered a panic of the request: an access-log layer outside it then
// sees a 500, an aborted response or a hijacked connection, but no panic,
// and logs error.type=panic all the same. It is put at panic time only, on
// the request's goroutine, so that a request that does not panic pays
// nothing for it.
type RecoveredKey struct{}
