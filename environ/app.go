package environ

import (
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"

	"github.com/wsgo/wsgo/internal/token"
)

// StartResponse is WSGI's start_response: the application calls it with a
// status line such as "200 OK" and the response headers as (name, value)
// pairs, before it yields the first chunk of the body:
//
//	start("200 OK", [][2]string{{"Content-Type", "text/html"}})
//
// It returns an error, and changes nothing, for a malformed status or header
// ([ErrBadStatus], [ErrBadHeader]) and once the response has started
// ([ErrStarted]). A header is malformed when its name is not a token, when
// it is hop-by-hop (PEP 3333) or Status (the status line of CGI and
// FastCGI, which would fight the status given to start), or when its value
// has a control character other than tab (RFC 9110 5.5, as wsgiref's
// Headers refuses them). Until the first chunk goes out it may be called
// again, and the last call wins: an application that hits an error before
// its first chunk can still start an error response.
type StartResponse func(status string, headers [][2]string) error

// App is a WSGI-style application: it receives the request's Environ and
// start, and returns its body as an iterator. Each chunk it yields is
// written and flushed as it comes ("each yielded item means writing and
// flushing"). The tutorial's hello world:
//
//	var hello environ.App = func(env *environ.Environ, start environ.StartResponse) iter.Seq[[]byte] {
//		subject := "World"
//		if s := env.Query("subject"); s != "" {
//			subject = html.EscapeString(s)
//		}
//		start("200 OK", [][2]string{{"Content-Type", "text/html"}})
//		return environ.Chunks([]byte("Hello " + subject + "!\n"))
//	}
//
// An App is an http.Handler. When the client goes away, the iterator is
// stopped (its yield returns false and its defers run: WSGI's close()), and
// nothing is written after that. A chunk yielded before start was called is
// a bug of the application: the request panics with [ErrNotStarted], which
// a recover layer turns into a 500.
type App func(env *Environ, start StartResponse) iter.Seq[[]byte]

// AppE is an App whose body can end with an error: yielding a non-nil error
// ends the response. Before anything was sent, the answer is 500 Internal
// Server Error; after, the response is aborted (http.ErrAbortHandler) so
// the client sees it broken. Either way the error is written to wsgi.errors.
type AppE func(env *Environ, start StartResponse) iter.Seq2[[]byte, error]

// Errors of StartResponse and of the adapter.
var (
	ErrBadStatus  = errors.New("environ: start: malformed status")
	ErrBadHeader  = errors.New("environ: start: malformed header")
	ErrStarted    = errors.New("environ: start: the response has started; its status and headers can no longer change")
	ErrNotStarted = errors.New("environ: App yielded a chunk before calling start")
)

// Chunks returns an iterator over the given chunks, for an App's body.
func Chunks(chunks ...[]byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for _, c := range chunks {
			if !yield(c) {
				return
			}
		}
	}
}

// Query returns the first value of the query parameter name, or "", as the
// tutorial's parse_qs(QUERY_STRING)[name][0] does.
func (e *Environ) Query(name string) string { return e.req.URL.Query().Get(name) }

// ServeHTTP runs the App for r.
func (a App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	serveApp(w, r, func(e *Environ, start StartResponse) iter.Seq2[[]byte, error] {
		body := a(e, start)
		return func(yield func([]byte, error) bool) {
			for c := range body {
				if !yield(c, nil) {
					return
				}
			}
		}
	})
}

// ServeHTTP runs the AppE for r.
func (a AppE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	serveApp(w, r, a)
}

// response is what start has been told, and whether it went out.
type response struct {
	code    int
	headers [][2]string
	started bool // start succeeded at least once
	sent    bool
}

func (s *response) start(status string, headers [][2]string) error {
	if s.sent {
		return ErrStarted
	}
	code, err := parseStatus(status)
	if err != nil {
		return err
	}
	for _, h := range headers {
		if err := checkHeader(h[0], h[1]); err != nil {
			return err
		}
	}
	s.code, s.headers, s.started = code, headers, true
	return nil
}

func (s *response) send(w http.ResponseWriter) {
	h := w.Header()
	for _, kv := range s.headers {
		h.Add(kv[0], kv[1])
	}
	s.sent = true
	w.WriteHeader(s.code)
}

func serveApp(w http.ResponseWriter, r *http.Request, app func(*Environ, StartResponse) iter.Seq2[[]byte, error]) {
	r, e := Attach(r)
	var st response
	body := app(e, st.start)
	ctx := r.Context()
	flusher, _ := w.(http.Flusher)
	rc := http.NewResponseController(w)
	for chunk, err := range body {
		if err != nil {
			// wsgi.errors is the error log: a failure to write to it has no
			// one left to be reported to.
			_, _ = fmt.Fprintf(e.Errors(), "environ: App %s %s: %v\n", r.Method, r.URL.Path, err)
			if st.sent {
				panic(http.ErrAbortHandler)
			}
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
			return
		}
		if !st.started {
			panic(ErrNotStarted)
		}
		if ctx.Err() != nil {
			return // the client is gone: stop the iterator
		}
		if len(chunk) == 0 {
			continue
		}
		if !st.sent {
			st.send(w)
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		} else if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return
		}
	}
	if !st.started {
		panic(ErrNotStarted)
	}
	if !st.sent {
		st.send(w)
	}
}

// parseStatus checks a WSGI status line, "200 OK": three digits, 200-999, a
// space, and a reason phrase of printable characters.
func parseStatus(status string) (int, error) {
	bad := func(why string) (int, error) {
		return 0, fmt.Errorf("%w %q: %s, want a line such as \"200 OK\"", ErrBadStatus, status, why)
	}
	if len(status) < 4 || status[3] != ' ' {
		return bad("no three-digit code and space")
	}
	code, err := strconv.Atoi(status[:3])
	if err != nil || status[0] < '1' || status[0] > '9' {
		return bad("the code is not three digits")
	}
	if code < 200 {
		return bad("informational statuses are the server's to send")
	}
	for i := 4; i < len(status); i++ {
		if c := status[i]; c < ' ' && c != '\t' || c == 0x7f {
			return bad("control character in the reason phrase")
		}
	}
	return code, nil
}

// hopByHop are the headers an application must not send (PEP 3333).
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

func checkHeader(name, value string) error {
	if !token.Valid(name) {
		return fmt.Errorf("%w: name %q is not a token", ErrBadHeader, name)
	}
	canon := http.CanonicalHeaderKey(name)
	if hopByHop[canon] {
		return fmt.Errorf("%w: %s is a hop-by-hop header, the server's to send", ErrBadHeader, name)
	}
	if canon == "Status" {
		return fmt.Errorf("%w: %s is CGI's and FastCGI's status line, not a header: give the status to start", ErrBadHeader, name)
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < ' ' && c != '\t' || c == 0x7f {
			return fmt.Errorf("%w: value of %s has control character 0x%02x; only tab is allowed (RFC 9110 5.5)", ErrBadHeader, name, c)
		}
	}
	return nil
}
