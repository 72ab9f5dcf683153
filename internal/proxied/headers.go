package proxied

import (
	"net/http"
	"net/textproto"
	"strings"
)

// claims are the headers by which a proxy, a load balancer or a CDN names
// the client, or the scheme, host or port the client asked for, besides
// every X-Forwarded-* (see Forwarding): what chi's RealIP, Caddy's
// client_ip_headers, werkzeug's ProxyFix, gorilla's ProxyHeaders and
// mod_wsgi's WSGITrustedProxyHeaders read, and what the CDNs send. A client
// can send any of them itself, so each is either believed through
// environ.Proxy or removed by it; and the recover layer takes any of them
// for a proxy standing between. Keys are canonical (a test checks).
var claims = map[string]bool{
	"Forwarded":                 true, // RFC 7239
	"Forwarded-For":             true, // its pre-RFC form
	"X-Forwarded":               true, // the same, as request-ip and ipware read it
	"X-Real-Ip":                 true, // nginx's usual proxy_set_header; chi's RealIP
	"True-Client-Ip":            true, // Akamai, Cloudflare Enterprise; chi's RealIP
	"Cf-Connecting-Ip":          true, // Cloudflare
	"Cf-Connecting-Ipv6":        true, // Cloudflare
	"Cf-Pseudo-Ipv4":            true, // Cloudflare
	"Fastly-Client-Ip":          true, // Fastly
	"X-Client-Ip":               true, // mod_wsgi's list; Azure, request-ip
	"X-Cluster-Client-Ip":       true, // Rackspace, Riverbed
	"X-Original-Forwarded-For":  true, // ingress-nginx, behind another proxy
	"X-Proxyuser-Ip":            true, // Google
	"X-Appengine-User-Ip":       true, // Google App Engine
	"X-Azure-Clientip":          true, // Azure Front Door
	"X-Azure-Socketip":          true, // Azure Front Door
	"Fly-Client-Ip":             true, // Fly.io
	"Do-Connecting-Ip":          true, // DigitalOcean App Platform
	"X-Nf-Client-Connection-Ip": true, // Netlify
	"X-Envoy-External-Address":  true, // Envoy
	"Client-Ip":                 true, // older proxies; PHP's HTTP_CLIENT_IP
	"X-Originating-Ip":          true, // Microsoft, Barracuda
	"X-Host":                    true, // mod_wsgi's list
	"X-Original-Host":           true, // IIS ARR, Azure
	"X-Scheme":                  true, // mod_wsgi's list; nginx configurations
	"X-Url-Scheme":              true, // werkzeug's and Django's old recipes
	"X-Https":                   true, // mod_wsgi's list
	"Front-End-Https":           true, // Microsoft
}

// presence are the headers by which a proxy or a CDN says it is there
// without naming the client (RFC 9110's Via, RFC 8586's CDN-Loop, which
// Cloudflare, Fastly and Akamai send). They are evidence for the recover
// layer, and environ.Proxy leaves them in the request: they claim nothing
// an application would take for a fact about the client.
var presence = map[string]bool{
	"Via":      true,
	"Cdn-Loop": true,
}

// Forwarding reports whether the header named by the canonical key is one
// by which a proxy names the client or what the client asked for: any
// X-Forwarded-* (For, Host, Proto, Port, Prefix, Server, Scheme, Ssl, ...)
// and the claims above. environ.Proxy believes some X-Forwarded-* and
// Forwarded, as configured, and removes every other one.
func Forwarding(key string) bool {
	return strings.HasPrefix(key, "X-Forwarded-") || claims[key]
}

// Present reports whether h carries a header of a proxy: one Forwarding
// names, or Via or CDN-Loop, whatever its value, even empty, even nil (the
// way environ.Proxy marks a header it removed, so that the layers inside
// it still see a proxy stood between). Keys that net/http would not have
// produced ("x-real-ip", set by a handler) count too.
func Present(h http.Header) bool {
	for k := range h {
		if !canonical(k) { // net/http's own keys are: only a handler's need the work
			k = textproto.CanonicalMIMEHeaderKey(k)
		}
		if Forwarding(k) || presence[k] {
			return true
		}
	}
	return false
}

// canonical reports whether k is already in the form
// textproto.CanonicalMIMEHeaderKey gives: each letter upper case at the
// start and after a '-', lower case elsewhere, and no byte it would refuse
// to change (then it leaves k alone, and so may we).
func canonical(k string) bool {
	upper := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case 'a' <= c && c <= 'z':
			if upper {
				return false
			}
		case 'A' <= c && c <= 'Z':
			if !upper {
				return false
			}
		case c == ' ' || c >= 0x80:
			return true // CanonicalMIMEHeaderKey returns such a key as it is
		}
		upper = c == '-'
	}
	return true
}
