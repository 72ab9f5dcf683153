// Package logging writes an access-log entry for every request and gives
// every application an error log that knows which request it is in, on
// go.uber.org/zap, in the formats people already parse.
//
// [Access] logs one entry per request on a *zap.Logger you pass in, with
// fields named after OpenTelemetry's HTTP semantic conventions (see
// [FieldMethod] and the other Field constants). [Apache] writes the Common
// and Combined Log Formats exactly as Apache's mod_log_config does, for
// GoAccess, fail2ban and awstats. [From] returns the per-request error log:
// what WSGI calls wsgi.errors.
//
// Status and byte counts come from the shared writer of package mw, so the
// logger wraps nothing of its own: Flush, Hijack, ReadFrom, Push and
// http.ResponseController keep working through it.
//
// Log messages are constants; request data goes only into typed fields,
// because zap's console encoder writes the message unescaped.
package logging
