package environ

import (
	"net/http"
	"net/http/fcgi"
	"strings"

	"github.com/wsgo/wsgo/mw"
)

// FastCGI returns a middleware for an application served with
// net/http/fcgi behind Apache's mod_proxy_fcgi: it takes SCRIPT_NAME from
// the FastCGI parameters Apache sends, as mod_wsgi hands it to a WSGI
// application, sets PATH_INFO to the rest of the path and rewrites a copy of
// the request's URL to it, as a [Mount] does.
//
// net/http/fcgi keeps SCRIPT_NAME and PATH_INFO to itself (they are not in
// fcgi.ProcessEnv), so Apache passes the mount point as WSGO_SCRIPT_NAME:
//
//	<Location /site>
//	    ProxyPass fcgi://127.0.0.1:9000/
//	    ProxyFCGISetEnvIf "true" WSGO_SCRIPT_NAME "/site"
//	</Location>
//
// A SCRIPT_NAME that is not a prefix of the path at a segment boundary is
// ignored. Without FastCGI parameters (plain HTTP) the layer does nothing.
// REMOTE_ADDR needs no help: net/http/fcgi takes it from the parameters.
//
// HTTPS says https when it is on, yes or 1, in any case (then HTTPS is
// "on" and wsgi.url_scheme "https"): wsgiref's guess_scheme takes on, yes
// and 1, mod_wsgi on in any case and 1, and this layer all of them. net/http/fcgi reads the parameter itself and
// keeps it: it sees on, ON and 1, and hides any other value from this
// layer. Apache and nginx say on; a front end configured to say yes, On or
// Yes must pass that value as WSGO_HTTPS too (as the mount point is passed
// as WSGO_SCRIPT_NAME), which this layer reads the same way.
func FastCGI() mw.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, received *http.Request) {
			r := received
			params := fcgi.ProcessEnv(r)
			// HTTPS itself, should net/http/fcgi ever pass it on.
			if r.TLS == nil && (httpsOn(params["HTTPS"]) || httpsOn(params["WSGO_HTTPS"])) {
				var e *Environ
				r, e = Attach(r)
				e.setURLScheme("https")
			}
			script := params["SCRIPT_NAME"] // should net/http/fcgi ever pass it on
			if script == "" {
				script = params["WSGO_SCRIPT_NAME"]
			}
			p := r.URL.Path
			if script == "" || script == "/" || !under(p, script) || parsePrefix(script) == "" {
				serveCopy(next, w, received, r, "")
				return
			}
			serveCopy(next, w, received, descend(r, script), script)
		})
	}
}

// httpsOn reports whether a CGI HTTPS value means https: on, yes or 1 in
// any case (wsgiref's guess_scheme takes on, yes and 1, mod_wsgi on in any
// case and 1, Go's net/http/cgi on, ON and 1; Apache's mod_ssl says on).
func httpsOn(v string) bool {
	return strings.EqualFold(v, "on") || strings.EqualFold(v, "yes") || v == "1"
}
