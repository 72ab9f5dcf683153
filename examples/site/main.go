// Command site is wsgo's main example: every application of the WSGI
// tutorial mounted side by side, as WSGIScriptAlias lines would mount them
// under Apache, with a virtual host, static files and the presets.
//
//	go run ./examples/site [-addr localhost:8081] [-debug] [-log-format json|console|combined]
//	                       [-fcgi] [-proxy-headers x-forwarded|forwarded] [-proxy-for N]
//	                       [-proxy-proto N] [-proxy-host N] [-proxy-port N] [-proxy-prefix N]
//	                       [-trusted-proxies N] [-trusted-peers 127.0.0.1/32,::1]
//
// The -proxy-* flags are werkzeug's ProxyFix(x_for, x_proto, x_host,
// x_port, x_prefix): how many proxies in front set each forwarding header,
// 0 (the default) for a header not to be believed; -trusted-proxies N is
// short for -proxy-for N -proxy-proto N -proxy-host N, what Apache's
// mod_proxy_http sets with the configurations of examples/apache.
// -trusted-peers lists your proxies' addresses (CIDRs or single addresses,
// comma-separated): the headers are believed only from them, and with
// -debug a client the proxy saw on this machine gets tracebacks only then.
//
// Routes: / (an index), /static/ (files), /myapp (hello), /myapp2 (the
// regex dispatcher: /myapp2/hello/Ann), /rest (/rest/custompath prints
// PATH_INFO and SCRIPT_NAME), /env (what the app sees of the client),
// /stream (chunks as they are yielded), /panic (a deliberate panic); and
// the virtual host doc.localhost, a separate documentation site.
package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/fcgi"
	"net/netip"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wsgo/wsgo"

	"go.uber.org/zap"

	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/apps"
	"github.com/wsgo/wsgo/examples/internal/serve"
	"github.com/wsgo/wsgo/logging"
)

//go:embed static
var static embed.FS

// Config is what the flags say.
type Config struct {
	Debug     bool
	LogFormat string // json, console or combined
	// Proxy is which forwarding headers to believe, and from how many
	// proxies each (-proxy-headers, -proxy-for, -proxy-proto, -proxy-host,
	// -proxy-port, -proxy-prefix); all counts zero believes none.
	Proxy   environ.ProxyConfig
	FastCGI bool
}

// proxyCount is one count of Config.Proxy and the flag that sets it.
type proxyCount struct {
	flag string
	n    int
}

// proxyCounts are the proxy counts of cfg with the flags that set them.
func (cfg Config) proxyCounts() []proxyCount {
	return []proxyCount{
		{"-proxy-for", cfg.Proxy.For},
		{"-proxy-proto", cfg.Proxy.Proto},
		{"-proxy-host", cfg.Proxy.Host},
		{"-proxy-port", cfg.Proxy.Port},
		{"-proxy-prefix", cfg.Proxy.Prefix},
	}
}

// check says what is wrong with cfg, naming the flag.
func (cfg Config) check() error {
	switch cfg.LogFormat {
	case "json", "console", "combined":
	default:
		return fmt.Errorf("site: -log-format %q: want json, console or combined", cfg.LogFormat)
	}
	if cfg.Proxy.Headers != environ.XForwarded && cfg.Proxy.Headers != environ.Forwarded {
		return fmt.Errorf("site: -proxy-headers %d: want x-forwarded or forwarded", cfg.Proxy.Headers)
	}
	for _, c := range cfg.proxyCounts() {
		if c.n < 0 {
			return fmt.Errorf("site: %s %d: want 0 or more", c.flag, c.n)
		}
	}
	if p := cfg.Proxy; len(p.TrustedPeers) > 0 && p.For+p.Proto+p.Host+p.Port+p.Prefix == 0 {
		return errors.New("site: -trusted-peers: no -proxy-* count given, so no header would be believed; add -proxy-for 1 (or -trusted-proxies 1)")
	}
	if cfg.Proxy.Headers == environ.Forwarded {
		if cfg.Proxy.Port != 0 {
			return fmt.Errorf("site: -proxy-port %d: Forwarded has no port; want 0, or -proxy-headers x-forwarded", cfg.Proxy.Port)
		}
		if cfg.Proxy.Prefix != 0 {
			return fmt.Errorf("site: -proxy-prefix %d: Forwarded has no prefix; want 0, or -proxy-headers x-forwarded", cfg.Proxy.Prefix)
		}
	}
	return nil
}

// proxyHeadersFlag is the flag.Value of -proxy-headers.
type proxyHeadersFlag struct{ h *environ.ProxyHeaders }

func (f proxyHeadersFlag) String() string {
	switch {
	case f.h == nil:
		return ""
	case *f.h == environ.Forwarded:
		return "forwarded"
	}
	return "x-forwarded"
}

func (f proxyHeadersFlag) Set(s string) error {
	switch strings.ToLower(s) {
	case "x-forwarded":
		*f.h = environ.XForwarded
	case "forwarded":
		*f.h = environ.Forwarded
	default:
		return errors.New("want x-forwarded or forwarded")
	}
	return nil
}

// peersFlag is the flag.Value of -trusted-peers: CIDRs or single
// addresses, comma-separated, kept as CIDRs ("::1" becomes "::1/128").
type peersFlag struct{ peers *[]string }

func (f peersFlag) String() string {
	if f.peers == nil {
		return ""
	}
	return strings.Join(*f.peers, ",")
}

func (f peersFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if prefix, err := netip.ParsePrefix(p); err == nil {
			*f.peers = append(*f.peers, prefix.String())
			continue
		}
		a, err := netip.ParseAddr(p)
		if err != nil || a.Zone() != "" {
			return fmt.Errorf("%q: want a CIDR or an IP address", p)
		}
		*f.peers = append(*f.peers, netip.PrefixFrom(a, a.BitLen()).String())
	}
	return nil
}

// Logs are where the site writes: the error log (zap) and, for the
// combined format, the access log.
type Logs struct {
	Error  *zap.Logger
	Access io.Writer
}

// index is the index page; {{port}} is ":" and the port of the
// doc.localhost link (see docPort), or nothing for port 80.
const index = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>wsgo site</title><link rel="stylesheet" href="static/style.css"></head>
<body><h1>wsgo: the WSGI tutorial, in Go</h1>
<ul>
<li><a href="myapp?subject=Ann">/myapp</a>: hello world</li>
<li><a href="myapp2/">/myapp2</a>: the regex dispatcher (<a href="myapp2/hello/Ann">/myapp2/hello/Ann</a>)</li>
<li><a href="rest/custompath">/rest/custompath</a>: PATH_INFO and SCRIPT_NAME</li>
<li><a href="env">/env</a>: the client as the application sees it</li>
<li><a href="stream">/stream</a>: chunks as they are yielded</li>
<li><a href="panic?account=42">/panic</a>: a deliberate panic</li>
<li><a href="static/README.txt">/static/</a>: files</li>
<li><a href="http://doc.localhost{{port}}/">doc.localhost</a>: a virtual host</li>
</ul></body></html>
`

// Site returns the site's handler under the preset cfg chooses.
func Site(cfg Config, logs Logs) (http.Handler, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	files, _ := fs.Sub(static, "static")
	root := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		port := docPort(r, cfg.FastCGI)
		if port == "80" || port == "" {
			port = ""
		} else {
			port = ":" + port
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, strings.Replace(index, "{{port}}", html.EscapeString(port), 1))
	})
	mounts := environ.MustMount(map[string]http.Handler{
		"/":          root,
		staticPrefix: staticFiles(files),
		"/myapp":     http.HandlerFunc(apps.Hello),
		"/myapp2":    apps.Dispatch(),
		"/rest":      http.HandlerFunc(apps.Rest),
		"/env":       http.HandlerFunc(apps.Env),
		"/stream":    streaming(apps.Stream),
		"/panic":     http.HandlerFunc(apps.Boom),
	}, nil)
	hosts := environ.MustVirtualHosts([]environ.Site{
		{Names: []string{"doc.localhost"}, Handler: http.HandlerFunc(apps.Doc)},
	}, guardStatic(mounts))

	var opts []wsgo.Option
	if p := cfg.Proxy; p.For+p.Proto+p.Host+p.Port+p.Prefix > 0 {
		if _, err := environ.Proxy(cfg.Proxy); err != nil {
			return nil, err
		}
		// Outermost, so the access log and the recover layer's traceback
		// rule see the client the proxy forwarded.
		opts = append(opts, wsgo.BehindProxy(cfg.Proxy))
	}
	c := wsgo.Preset(cfg.Debug, logs.Error, opts...)
	if cfg.LogFormat == "combined" {
		c = c.Replace(wsgo.LayerAccess, chain.Named("access", logging.Apache(logs.Access, logging.Combined)))
	}
	if cfg.FastCGI {
		c = c.InsertAfter(wsgo.LayerRequestID, chain.Named("fastcgi", environ.FastCGI()))
	}
	return c.Then(hosts), nil
}

// docPort is the port of the index's doc.localhost link: the port the site
// listens on, read from the connection, so that -addr localhost:0 links to
// the port chosen; under FastCGI, where that port speaks FastCGI and not
// HTTP, the port the request came to (Apache's).
func docPort(r *http.Request, fastCGI bool) string {
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && !fastCGI {
		if _, port, err := net.SplitHostPort(a.String()); err == nil {
			return port
		}
	}
	return environ.From(r).ServerPort()
}

// staticPrefix is where the static files are mounted.
const staticPrefix = "/static"

// staticFiles serves files at /static/; /static itself redirects there, as
// Apache's mod_dir does for a directory, so that the relative links of the
// listing resolve inside it.
func staticFiles(files fs.FS) http.Handler {
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e := environ.From(r); e.PathInfo() == "" {
			loc := e.AppPath("/")
			if r.URL.RawQuery != "" {
				loc += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, loc, http.StatusMovedPermanently)
			return
		}
		fileServer.ServeHTTP(w, r)
	})
}

// guardStatic answers a path under /static that cannot name a file before
// it reaches the mount: 404 Not Found for bytes that are not UTF-8 (the
// file server answered those 500), a NUL, or an escaped slash (as Apache
// does with AllowEncodedSlashes Off); 400 Bad Request for a ".." segment,
// as http.FileServer does (the mount would redirect /static/..%2f out of
// /static, to the index).
func guardStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p != staticPrefix && !strings.HasPrefix(p, staticPrefix+"/") {
			next.ServeHTTP(w, r)
			return
		}
		switch {
		case !utf8.ValidString(p) || strings.ContainsRune(p, 0) || strings.Contains(strings.ToLower(r.URL.EscapedPath()), "%2f"):
			http.NotFound(w, r)
		case slices.Contains(strings.Split(p, "/"), ".."):
			http.Error(w, "400 Bad Request: invalid URL path", http.StatusBadRequest)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// streaming gives app, the ten chunks of apps.Stream, the time it needs:
// the server's WriteTimeout would otherwise cut a stream that lasts longer.
func streaming(app http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An error means a connection already gone: the stream ends early.
		_ = serve.ExtendWriteDeadline(w, 10*apps.StreamInterval)
		app.ServeHTTP(w, r)
	})
}

// errorLogger is the zap logger for a log format.
func errorLogger(format string, w io.Writer) *zap.Logger {
	if format == "console" {
		return logging.Console(w)
	}
	return logging.JSON(w)
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// parseFlags reads args into the address to listen on and the Config. On
// an error, flag.ErrHelp for -h, the reason and the usage are already on
// stderr.
func parseFlags(args []string, stderr io.Writer) (string, Config, error) {
	flags := flag.NewFlagSet("site", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := serve.AddrFlag(flags)
	var cfg Config
	flags.BoolVar(&cfg.Debug, "debug", wsgo.DebugFromEnv(), "development preset: tracebacks, lint, Server-Timing (also WSGO_DEBUG=1)")
	flags.StringVar(&cfg.LogFormat, "log-format", "json", "access log format: json, console or combined (Apache's, on standard output)")
	flags.BoolVar(&cfg.FastCGI, "fcgi", false, "serve FastCGI (for Apache's mod_proxy_fcgi) instead of HTTP")
	flags.Var(proxyHeadersFlag{&cfg.Proxy.Headers}, "proxy-headers", "forwarding headers to believe: `x-forwarded` (X-Forwarded-*) or forwarded (RFC 7239's Forwarded)")
	flags.IntVar(&cfg.Proxy.For, "proxy-for", 0, "believe the client address (X-Forwarded-For, Forwarded for=) from this many proxies in front")
	flags.IntVar(&cfg.Proxy.Proto, "proxy-proto", 0, "believe the scheme (X-Forwarded-Proto, Forwarded proto=) from this many proxies")
	flags.IntVar(&cfg.Proxy.Host, "proxy-host", 0, "believe the host (X-Forwarded-Host, Forwarded host=) from this many proxies")
	flags.IntVar(&cfg.Proxy.Port, "proxy-port", 0, "believe X-Forwarded-Port from this many proxies")
	flags.IntVar(&cfg.Proxy.Prefix, "proxy-prefix", 0, "believe X-Forwarded-Prefix (the mount point, before SCRIPT_NAME) from this many proxies")
	trusted := flags.Int("trusted-proxies", 0, "short for -proxy-for N -proxy-proto N -proxy-host N; a -proxy-* flag given too wins")
	flags.Var(peersFlag{&cfg.Proxy.TrustedPeers}, "trusted-peers", "your proxies' `addresses` (CIDRs or IPs, comma-separated, e.g. 127.0.0.1/32,::1): believe forwarding headers only from them (and, with -debug, only then give a client the proxy saw on this machine tracebacks)")
	if err := flags.Parse(args); err != nil {
		return "", cfg, err
	}
	fail := func(err error) (string, Config, error) {
		fmt.Fprintln(stderr, err)
		flags.Usage()
		return "", cfg, err
	}
	if *trusted < 0 {
		return fail(fmt.Errorf("site: -trusted-proxies %d: want 0 or more", *trusted))
	}
	if *trusted > 0 {
		given := map[string]bool{}
		flags.Visit(func(f *flag.Flag) { given[f.Name] = true })
		for name, n := range map[string]*int{"proxy-for": &cfg.Proxy.For, "proxy-proto": &cfg.Proxy.Proto, "proxy-host": &cfg.Proxy.Host} {
			if !given[name] {
				*n = *trusted
			}
		}
	}
	if err := cfg.check(); err != nil {
		return fail(err)
	}
	return *addr, cfg, nil
}

// run is main with its exit status: 2 for a bad flag, 1 when serving fails.
func run(args []string, stdout, stderr io.Writer) int {
	addr, cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	log := errorLogger(cfg.LogFormat, stderr)
	h, err := Site(cfg, Logs{Error: log, Access: stdout})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(stderr, "site:", err)
		return 1
	}
	serveFn := func(l net.Listener, srv *http.Server) error { return srv.Serve(l) }
	if cfg.FastCGI {
		serveFn = func(l net.Listener, srv *http.Server) error {
			err := fcgi.Serve(l, srv.Handler)
			if errors.Is(err, net.ErrClosed) {
				return http.ErrServerClosed
			}
			return err
		}
	}
	log.Info("site", zap.Bool("debug", cfg.Debug), zap.String("log_format", cfg.LogFormat),
		zap.Bool("fcgi", cfg.FastCGI), zap.Stringer("proxy_headers", proxyHeadersFlag{&cfg.Proxy.Headers}),
		zap.Int("proxy_for", cfg.Proxy.For), zap.Int("proxy_proto", cfg.Proxy.Proto), zap.Int("proxy_host", cfg.Proxy.Host),
		zap.Int("proxy_port", cfg.Proxy.Port), zap.Int("proxy_prefix", cfg.Proxy.Prefix), zap.Strings("trusted_peers", cfg.Proxy.TrustedPeers))
	if err := serve.Serve(context.Background(), ln, serveFn, h, log); err != nil {
		fmt.Fprintln(stderr, "site:", err)
		return 1
	}
	return 0
}
