// Package logging writes an access-log entry for every request and gives
// every application an error log that knows which request it is in, on
// go.uber.org/zap, in the formats people already parse.
//
// [Access] logs one entry per request on a *zap.Logger you pass in, with
// fields named after OpenTelemetry's HTTP semantic conventions (see
// [FieldMethod] and the other Field constants). [Apache] writes the Common
// and Combined Log Formats as Apache's mod_log_config does (with the few
// deliberate differences listed below), for GoAccess, fail2ban and awstats.
// [FromContext] returns the per-request error log: what WSGI calls wsgi.errors.
//
// For a program that logs with log/slog, zap stays the engine and slog is
// the face: [Slog] makes a *zap.Logger that writes every entry to the
// program's slog.Handler (same field names, durations in seconds), so
// Access(Slog(h)) and the presets log through it, and [SlogFromContext] is the
// per-request logger as an *slog.Logger.
//
// Status and byte counts come from the shared writer of package mw, so the
// logger wraps nothing of its own: Flush, Hijack, ReadFrom, Push and
// http.ResponseController keep working through it.
//
// Log messages are constants; request data goes only into typed fields,
// because zap's console encoder writes the message unescaped.
//
// # Apache's Common and Combined Log Formats
//
// [Apache] writes each field as mod_log_config.c does, escaped as
// ap_escape_logitem escapes:
//
//   - %h is REMOTE_ADDR: the request's Environ's (after a trusted proxy
//     layer, the client's), else the host of r.RemoteAddr, or all of it when
//     it has no port (a bare IPv6 address, as proxy-header middlewares leave
//     it), never a looked-up name (HostnameLookups Off). %l is always -.
//   - %u is the authenticated user: REMOTE_USER of the request's Environ, as
//     an authentication layer sets it (environ.From(r).Set("REMOTE_USER",
//     name), inside an environ layer, as Apache's auth modules set r->user):
//     it is "-" when there is none, and "" for an empty name
//     (log_remote_user).
//   - %t is when the request reached the layer, [10/Oct/2000:13:55:36 -0700].
//   - %r is the request line as it came in: method, target (r.RequestURI)
//     and protocol, read before the handler runs, so a handler or router
//     that rewrites r.URL (http.StripPrefix) does not change it. A password
//     in an absolute-form target is written XXXXXXXX, and a port that is the
//     scheme's default dropped, as log_request_line does through
//     apr_uri_unparse: "GET http://user:XXXXXXXX@example.com/ HTTP/1.1".
//     A request built in code, with no RequestURI, logs r.URL's path and
//     query, or, for a CONNECT, its authority (r.Host), as an HTTP/2
//     CONNECT's target is.
//   - %>s is the status sent: 200 for a handler that sent none, 500 for one
//     that panicked first; a hijacked connection is 101 when it asked for an
//     upgrade (a WebSocket library writes its own 101) and - otherwise.
//   - %b is the body bytes written, - for none and for any HEAD response
//     (clf_log_bytes_sent).
//   - %{Referer}i and %{User-agent}i are - when the header is absent, ""
//     when it is present but empty, and a repeated header's values joined by
//     ", ", as httpd merges a repeated request header into one.
//
// The deliberate differences from mod_log_config are these:
//
//   - Secrets are redacted by default in %r and %{Referer}i, by the rule
//     Access applies to url.query: the value of a secret parameter in the
//     query or the fragment is written REDACTED, and so is the password of
//     the Referer's user information ("GET /cb?access_token=REDACTED
//     HTTP/1.1"). An access log is read by more people, and kept longer,
//     than the secrets it would carry. [ApacheExact] turns it off, for the
//     line Apache writes byte for byte.
//   - A space in %u is written \x20. Apache writes it raw, and "a b" then
//     splits the field in two for every parser that splits on spaces
//     (GoAccess, fail2ban, awstats), so that a client could shift the
//     fields that follow by sending such a user name.
//   - Without REMOTE_USER, %u is the user name of a Basic Authorization
//     header, as mod_auth_basic sets r->user, whether or not the password is
//     right (as Apache's documentation warns, it may be bogus when the status
//     is 401). Apache logs it only where an authentication module is
//     configured; wsgo has no such configuration to look at, and an
//     application that checks Basic credentials itself need not set
//     REMOTE_USER for its users to be logged.
//   - %b counts the bytes that went out through the layer, as written by
//     the handler below it: a compressing layer inside the log layer is
//     counted after compression (the compressed bytes that went out, as
//     Apache counts after its output filters, mod_deflate among them); one
//     outside it, before compression (what the application wrote). So
//     does the access entry's http.response.body.size.
//   - %t is when the request reached the layer, a little after Apache's
//     r->request_time (when the request line was read).
package logging
