package logging

import "github.com/wsgo/wsgo/internal/secret"

// redactQuery is raw, a request's raw query, with the value of every secret
// parameter replaced by REDACTED, as OpenTelemetry's HTTP semantic
// conventions ask; the rule for what is secret is internal/secret's, which
// the development page shares. Everything else stays byte for byte as sent,
// and a query with nothing to redact is returned as it is, without
// allocating.
func redactQuery(raw string) string { return secret.Query(raw, nil) }

// redactURL is a Referer with its secrets replaced by REDACTED: the
// password of its user information, and the values of secret parameters
// in its query and fragment (see internal/secret.URL).
func redactURL(s string) string { return secret.URL(s, nil) }
