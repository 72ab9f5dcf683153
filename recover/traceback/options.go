package traceback

import "strings"

// Option configures [New].
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// RequirePIN asks for a PIN before a traceback page is shown, as
// werkzeug's debugger does: for development mode behind a reverse proxy on
// this machine, which no header can reveal (nginx's proxy_pass with its
// defaults sends no X-Forwarded-For and can rewrite Host to localhost), so
// that the proxy's clients would pass for local ones.
//
// The PIN is drawn at random when the Debugger is made and written to the
// log then, in a Warn entry ("traceback: PIN"). A client the traceback rule
// allows gets, instead of the traceback, the production page with a form
// that asks for the PIN; the form posts to /__wsgo/pin, which the Debugger
// answers itself, and the right PIN sets a cookie (__wsgo_debug:
// HMAC-signed with a key drawn at start-up, HttpOnly, SameSite=Strict, for
// 8 hours) with which the tracebacks are shown. A client that did not ask
// for HTML gets the production page. A restart draws a new PIN and a new
// key. As werkzeug's debugger does:
//
//   - the cookie is Secure whenever the request is secure: over a TLS
//     connection to this server, or behind a TLS-terminating proxy whose
//     X-Forwarded-Proto (or proto=) an environ.Proxy layer outside the
//     recover layer believed; a forwarding header no Proxy layer believed
//     counts for nothing;
//   - wrong attempts are limited: one per second is checked, and the tenth
//     wrong PIN in a row locks the PIN until the server restarts; a right
//     PIN resets the count;
//   - the lock refuses everyone: a cookie set before it shows no more
//     tracebacks, and the prompt says that the PIN is locked.
func RequirePIN() Option { return optionFunc(func(c *config) { c.pin = newPINGuard() }) }

// AllowRemote serves traceback pages to every client. Never in production:
// a traceback shows source code, the environ and the stack.
func AllowRemote() Option { return optionFunc(func(c *config) { c.allowRemote = true }) }

// TrustedHosts replaces the host names for which traceback pages are served
// (default: localhost, any .localhost name, 127.0.0.1 and [::1]). A name
// that starts with "." matches every subdomain. Ports are ignored. This is
// the DNS-rebinding lesson of werkzeug's CVE-2024-34069: a page that a
// malicious site's name resolves to 127.0.0.1 must not get a traceback.
func TrustedHosts(hosts ...string) Option {
	return optionFunc(func(c *config) {
		c.trusted = nil
		for _, h := range hosts {
			c.trusted = append(c.trusted, strings.ToLower(h))
		}
	})
}

// Redact adds substrings that make a header, query parameter, environ
// key, form or JSON key or log field secret on the traceback page: a name
// that contains one of them anywhere, without regard to case (as sent or
// percent-decoded), is secret. They add to the rule the page always
// applies, which the access log of package logging applies too: a name is
// secret when it contains a long stem (password, passwd, passphrase,
// passcode, secret, token, session, sessid, apikey, accesskey, privatekey,
// credential, signature, cookie, jwt, bearer, csrf, xsrf, authorization,
// authkey, authcode, cardnumber, creditcard, pincode, otpcode,
// socialsecurity, securitycode) anywhere, across '_', '-', '.', '[' and
// ']' (api_key, card_number, PHPSESSID, user[password]), or has a short
// word (auth, pin, otp, totp, hotp, pass, pw, pwd, code, cvv, cvc, ssn,
// sid, key, sig) as a word of its own, split at those separators, at case
// changes and between letters and digits (x-auth-y, userPIN, cvv2). So
// shipping, compass, keyboard and monkey are shown, and Authorization,
// Cookie, Set-Cookie and Proxy-Authorization are always secret. Called
// again, Redact replaces the substrings it added before.
//
// A secret header, environ key, entry of the Query table, form field, JSON
// member or log field is shown as REDACTED, the marker the access log
// writes. Where the page shows a raw query (the request URL, QUERY_STRING,
// REQUEST_URI, and the query and fragment of a Referer), the value of each
// secret parameter is replaced by REDACTED and the rest is kept as sent; a
// query that url.ParseQuery rejects is split at '&' and ';' and redacted
// parameter by parameter all the same. A Referer's password is REDACTED
// too (user:REDACTED@host).
func Redact(substrings ...string) Option {
	return optionFunc(func(c *config) {
		c.redact = nil
		for _, s := range substrings {
			c.redact = append(c.redact, strings.ToLower(s))
		}
	})
}
