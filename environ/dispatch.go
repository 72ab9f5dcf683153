package environ

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/wsgo/wsgo/internal/token"
)

// Route is one line of a [Dispatcher]'s table: a regular expression over
// PATH_INFO without its leading slashes (the tutorial's convention, so `^$`
// is the index and `hello/(.+)$` matches /hello/Ann), the handler to call,
// and optionally the methods it accepts (none: every method; GET includes
// HEAD).
type Route struct {
	Pattern string
	Handler http.Handler
	Methods []string
}

// Dispatcher is the tutorial's urls table done right. Routes are tried in
// order and the first whose pattern matches (anywhere, as Python's
// re.search; anchor with ^ and $) and whose methods allow the request's
// method is called, and only that one. Its captures are set in the Environ
// under the Dispatcher's key as a []string (the tutorial's
// myapp.url_args), and its named groups under key+".named" as a
// map[string]string. When some route matches the path but none the method,
// the answer is 405 Method Not Allowed with an Allow header; when none
// matches, the not-found handler answers (404 Not Found, text/plain, by
// default).
type Dispatcher struct {
	key      string
	routes   []route
	notFound http.Handler
}

type route struct {
	re      *regexp.Regexp
	h       http.Handler
	methods []string
	names   []string // group names, "" for unnamed
}

// NewDispatcher compiles routes. The key is where captures go. An invalid
// regular expression, an empty or reserved key, a nil handler or an invalid
// method name is an error that names the route:
//
//	environ: route "^hello/(.+$": missing closing )
func NewDispatcher(key string, routes []Route, notFound http.Handler) (*Dispatcher, error) {
	if key == "" || isReserved(key) {
		return nil, fmt.Errorf("environ: dispatcher key %q is empty or reserved", key)
	}
	d := &Dispatcher{key: key, notFound: notFound}
	if d.notFound == nil {
		d.notFound = http.HandlerFunc(notFoundText)
	}
	for _, rt := range routes {
		re, err := regexp.Compile(rt.Pattern)
		if err != nil {
			var se *syntax.Error
			if errors.As(err, &se) {
				return nil, fmt.Errorf("environ: route %q: %s", rt.Pattern, se.Code)
			}
			return nil, fmt.Errorf("environ: route %q: %v", rt.Pattern, err)
		}
		if rt.Handler == nil {
			return nil, fmt.Errorf("environ: route %q: nil handler", rt.Pattern)
		}
		for _, m := range rt.Methods {
			if !token.Valid(m) {
				return nil, fmt.Errorf("environ: route %q: invalid method %q", rt.Pattern, m)
			}
		}
		methods := slices.Clone(rt.Methods)
		if slices.Contains(methods, http.MethodGet) && !slices.Contains(methods, http.MethodHead) {
			methods = append(methods, http.MethodHead)
		}
		d.routes = append(d.routes, route{re, rt.Handler, methods, re.SubexpNames()[1:]})
	}
	return d, nil
}

// MustDispatcher is NewDispatcher that panics on an error.
func MustDispatcher(key string, routes []Route, notFound http.Handler) *Dispatcher {
	d, err := NewDispatcher(key, routes, notFound)
	if err != nil {
		panic(err)
	}
	return d
}

func notFoundText(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "Not Found", http.StatusNotFound)
}

// ServeHTTP calls the first route that matches r.
func (d *Dispatcher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r, e := Attach(r)
	path := strings.TrimLeft(e.PathInfo(), "/")
	var allow []string
	for i := range d.routes {
		rt := &d.routes[i]
		loc := rt.re.FindStringSubmatchIndex(path)
		if loc == nil {
			continue
		}
		if len(rt.methods) > 0 && !slices.Contains(rt.methods, r.Method) {
			allow = append(allow, rt.methods...)
			continue
		}
		args := make([]string, len(rt.names))
		var named map[string]string
		for g := range args {
			if s, end := loc[2*g+2], loc[2*g+3]; s >= 0 {
				args[g] = path[s:end]
			}
			if n := rt.names[g]; n != "" {
				if named == nil {
					named = map[string]string{}
				}
				named[n] = args[g]
			}
		}
		_ = e.Set(d.key, args) // cannot fail: the key was checked when the Dispatcher was built
		if named != nil {
			_ = e.Set(d.key+".named", named)
		}
		rt.h.ServeHTTP(w, r)
		return
	}
	if allow != nil {
		slices.Sort(allow)
		w.Header().Set("Allow", strings.Join(slices.Compact(allow), ", "))
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	d.notFound.ServeHTTP(w, r)
}
