package recover

import (
	"errors"
	"fmt"
	"html"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/wsgotest"
	"github.com/wsgo/wsgo/mw"
)

// nilErr's Error dereferences its receiver: a nil *nilErr in an error
// interface is not a nil error, and its Error panics.
type nilErr struct{ msg string }

func (e *nilErr) Error() string { return e.msg }

// unwrapPanics is an error whose Unwrap panics.
type unwrapPanics struct{}

func (unwrapPanics) Error() string { return "outer" }
func (unwrapPanics) Unwrap() error { panic("unwrap broke") }

// stringPanics is a Stringer, not an error, whose String panics with v.
type stringPanics struct{ v any }

func (s stringPanics) String() string { panic(s.v) }

// formatPanics is a Formatter whose Format panics.
type formatPanics struct{}

func (formatPanics) Format(fmt.State, rune) { panic("format broke") }

// errorPanics is an error whose Error panics with v.
type errorPanics struct{ v any }

func (e errorPanics) Error() string { panic(e.v) }

const nilDerefText = "runtime error: invalid memory address or nil pointer dereference"

// hostileValues are panic values whose methods panic, with the panic field
// their entry must carry.
var hostileValues = []struct {
	name  string
	value any
	msg   string
	chain []string // error.chain, nil when the value is not an error
}{
	{
		"nil pointer error", error((*nilErr)(nil)), "<Error() panicked: " + nilDerefText + ">",
		[]string{"*recover.nilErr: <Error() panicked: " + nilDerefText + ">"},
	},
	{"Unwrap panics", unwrapPanics{}, "outer", []string{"recover.unwrapPanics: outer"}},
	{"String panics", stringPanics{"string broke"}, "%!v(PANIC=String method: string broke)", nil},
	{
		"String panics with a value whose String panics",
		stringPanics{stringPanics{"inner broke"}},
		"<String() panicked: inner broke>", nil,
	},
	{"Format panics", formatPanics{}, "%!v(PANIC=Format method: format broke)", nil},
	{
		"Error panics with an error whose Error panics",
		errorPanics{error((*nilErr)(nil))},
		"<Error() panicked: <Error() panicked: " + nilDerefText + ">>",
		[]string{"recover.errorPanics: <Error() panicked: <Error() panicked: " + nilDerefText + ">>"},
	},
	{
		"Error panics with itself, endlessly",
		errorPanics{errorPanics{errorPanics{errorPanics{"deep"}}}},
		"<Error() panicked: <Error() panicked: <Error() panicked: a recover.errorPanics>>>",
		[]string{"recover.errorPanics: <Error() panicked: <Error() panicked: <Error() panicked: a recover.errorPanics>>>"},
	},
}

// TestPanicValuesWhoseMethodsPanic panics with values whose Error, Unwrap,
// String or Format panics, over a real server, with the production page and
// with a Debugger whose Answer shows the value (recover/traceback's tests
// do the same with the real page): the recover layer must not panic in turn (the client would
// get EOF, net/http would print "http: panic serving", and no entry would
// be logged). The client gets the 500 and the log its entry.
func TestPanicValuesWhoseMethodsPanic(t *testing.T) {
	for _, tt := range hostileValues {
		for _, dev := range []bool{false, true} {
			name := tt.name + "/production"
			if dev {
				name = tt.name + "/development"
			}
			t.Run(name, func(t *testing.T) {
				logger, logs := observed()
				var opts []Option
				if dev {
					opts = append(opts, Tracebacks(showValue{}))
				}
				h := mw.RequestID()(New(logger, opts...)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					panic(tt.value)
				})))
				var serverLog wsgotest.SyncBuffer
				ts := httptest.NewUnstartedServer(h)
				ts.Config.ErrorLog = log.New(&serverLog, "", 0)
				ts.Start()
				defer ts.Close()
				for _, accept := range []string{"", "text/html", "application/json"} {
					req, _ := http.NewRequest("GET", ts.URL, nil)
					req.Header.Set("Accept", accept)
					res, err := ts.Client().Do(req)
					if err != nil {
						t.Fatalf("Accept %q: %v (server log: %s)", accept, err, serverLog.String())
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					id := res.Header.Get("X-Request-Id")
					if res.StatusCode != 500 || id == "" || !strings.Contains(string(body), id) {
						t.Fatalf("Accept %q: %d %q", accept, res.StatusCode, body)
					}
					if !dev && accept == "" && string(body) != "500 Internal Server Error\nrequest ID: "+id+"\n" {
						t.Fatalf("production body %q", body)
					}
					if dev && accept == "text/html" && !strings.Contains(string(body), html.EscapeString(tt.msg)) {
						t.Fatalf("the traceback does not show %q:\n%s", tt.msg, body)
					}
				}
				if s := serverLog.String(); s != "" {
					t.Fatalf("the server complained: %s", s)
				}
				entries := logs.FilterLevelExact(zapcore.ErrorLevel).All()
				if len(entries) != 3 {
					t.Fatalf("%d Error entries, want 3: %v", len(entries), entries)
				}
				e := entries[0]
				m := e.ContextMap()
				var chain []string
				got, _ := m["error.chain"].([]any)
				for _, c := range got {
					chain = append(chain, c.(string))
				}
				if e.Message != "panic recovered" || e.Level != zapcore.ErrorLevel || m["panic"] != tt.msg ||
					fmt.Sprint(chain) != fmt.Sprint(tt.chain) || m["panic.type"] != fmt.Sprintf("%T", tt.value) {
					t.Fatalf("entry %q %v", e.Message, m)
				}
			})
		}
	}
}

// showValue is a Debugger that answers every panic with an HTML page
// showing the value's message and chain, as a development page does.
type showValue struct{}

func (showValue) Enter(_ http.ResponseWriter, r *http.Request) (*http.Request, Answer, bool) {
	return r, func(w http.ResponseWriter, r *http.Request, p *Panic) bool {
		if !strings.Contains(r.Header.Get("Accept"), "html") {
			return false
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, html.EscapeString(p.Message()+" "+p.RequestID+" "+strings.Join(p.Chain(), "\n")))
		return true
	}, false
}

// TestHookAndPageSeeHostileValuesSafely: the OnPanic hook and a page of the
// user's get the Panic; its Message and Chain are safe to call there too.
func TestHookAndPageSeeHostileValuesSafely(t *testing.T) {
	var fromHook, fromPage string
	logger, logs := observed()
	h := New(logger,
		OnPanic(func(r *http.Request, p *Panic) { fromHook = p.Message() + fmt.Sprint(p.Chain()) }),
		Page(func(w http.ResponseWriter, r *http.Request, p *Panic) {
			fromPage = p.Message()
			w.WriteHeader(500)
		}),
	)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic(error((*nilErr)(nil))) }))
	rec := serve(h, httptest.NewRequest("GET", "/", nil))
	want := "<Error() panicked: " + nilDerefText + ">"
	if rec.Code != 500 || fromPage != want || fromHook != want+"[*recover.nilErr: "+want+"]" || logs.Len() != 1 {
		t.Fatalf("%d page %q hook %q, %d entries", rec.Code, fromPage, fromHook, logs.Len())
	}
}

// selfErr wraps itself: a cycle that errors.Unwrap would follow forever.
type selfErr struct{}

func (e *selfErr) Error() string { return "me again" }
func (e *selfErr) Unwrap() error { return e }

// TestChainWalksAsTheTreeDoes: Chain walks the errors as the traceback
// page's tree does (one walk, internal/panicvalue): a cycle shows once, a
// nil in a join is skipped.
func TestChainWalksAsTheTreeDoes(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want []string
	}{
		{&selfErr{}, []string{"*recover.selfErr: me again", "*recover.selfErr: <cycle: the error at depth 0 again>"}},
		{errors.Join(nil, errors.New("x")), []string{"*errors.joinError: x", "*errors.errorString: x"}},
	} {
		if got := (&Panic{Value: tt.err}).Chain(); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("Chain = %q, want %q", got, tt.want)
		}
	}
}
