package traceback

import (
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
)

type nilErr struct{ msg string }

func (e *nilErr) Error() string { return e.msg }

type unwrapPanics struct{}

func (unwrapPanics) Error() string { return "outer" }
func (unwrapPanics) Unwrap() error { panic("unwrap broke") }

type formatPanics struct{}

func (formatPanics) Format(fmt.State, rune) { panic("format broke") }

// TestTracebackOfHostileValues: the traceback page, in each of its forms,
// shows a panic value whose Error, Unwrap or Format panics, rather than
// panicking in turn (the recover layer would then fall back to plain text
// and log that rendering panicked).
func TestTracebackOfHostileValues(t *testing.T) {
	for _, tt := range []struct {
		name  string
		value any
		msg   string
	}{
		{"nil pointer error", error((*nilErr)(nil)), "<Error() panicked: runtime error: invalid memory address or nil pointer dereference>"},
		{"Unwrap panics", unwrapPanics{}, "outer"},
		{"Format panics", formatPanics{}, "%!v(PANIC=Format method: format broke)"},
	} {
		for _, accept := range []string{"text/html", "", "application/json"} {
			t.Run(tt.name+"/"+accept, func(t *testing.T) {
				logger, logs := observed()
				h := devLayer(logger)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(tt.value) }))
				r := devRequest("/")
				r.Header.Set("Accept", accept)
				rec := serve(h, r)
				body := rec.Body.String()
				want := tt.msg
				switch accept {
				case "text/html":
					want = html.EscapeString(tt.msg)
				case "application/json":
					want = strings.ReplaceAll(fmt.Sprintf("%q", tt.msg), `"`, "")
					want = strings.ReplaceAll(want, "<", `\u003c`)
					want = strings.ReplaceAll(want, ">", `\u003e`)
				}
				if rec.Code != 500 || !strings.Contains(body, want) || logs.FilterMessage("recover: rendering the error page panicked").Len() != 0 {
					t.Fatalf("%d, want %q in:\n%.400s", rec.Code, want, body)
				}
			})
		}
	}
}
