package traceback

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/environ"
)

// TestPageSecretRule: the page applies the access log's rule (issue 21):
// short words as words of their own, long stems anywhere, one marker. Each
// name is sent in the query, in a header, in the environ, in a form body
// and in a JSON body.
func TestPageSecretRule(t *testing.T) {
	hidden := []string{"pass", "pin", "otp", "cvv", "card_number", "ssn", "PHPSESSID", "code", "apikey", "user[password]"}
	shown := []string{"shipping", "compass", "page", "q", "sort", "monkey", "keyboard"}
	logger, _ := observed()
	var names []string
	names = append(append(names, hidden...), shown...)
	h := devLayer(logger)(environ.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env := environ.From(r)
		for _, n := range names {
			_ = env.Set("my."+n, "ENV-"+n)
		}
		boom(w, r)
	})))
	q := url.Values{}
	var js []string
	for _, n := range names {
		q.Set(n, "QUERY-"+n)
		js = append(js, `"`+n+`":"JSON-`+n+`"`)
	}
	for _, body := range []struct{ typ, text string }{
		{"application/x-www-form-urlencoded", strings.ReplaceAll(q.Encode(), "QUERY-", "FORM-")},
		{"application/json", "{" + strings.Join(js, ",") + "}"},
	} {
		r := httptest.NewRequest("POST", "/?"+q.Encode(), strings.NewReader(body.text))
		r.RemoteAddr, r.Host = "127.0.0.1:5555", "localhost"
		r.Header.Set("Accept", "text/html")
		r.Header.Set("Content-Type", body.typ)
		for _, n := range names {
			if !strings.ContainsAny(n, "[]_") {
				r.Header.Set("X-"+n, "HEADER-"+n)
			}
		}
		page := withoutSource(serve(h, r).Body.String())
		for _, n := range hidden {
			for _, where := range []string{"QUERY-", "HEADER-", "ENV-", "FORM-", "JSON-"} {
				if strings.Contains(page, where+n) {
					t.Errorf("%s: the page shows %s%s", body.typ, where, n)
				}
			}
		}
		for _, n := range shown {
			for _, where := range []string{"QUERY-", "HEADER-", "ENV-"} {
				if !strings.Contains(page, where+n) {
					t.Errorf("%s: the page hides %s%s", body.typ, where, n)
				}
			}
		}
		if strings.Contains(page, "[redacted]") || !strings.Contains(page, "REDACTED") {
			t.Error("the marker is not REDACTED alone")
		}
	}
}

// TestPageRedactsRefererPassword: the Referer's user information loses its
// password, in the headers table and in HTTP_REFERER.
func TestPageRedactsRefererPassword(t *testing.T) {
	logger, _ := observed()
	h := devLayer(logger)(environ.Middleware()(http.HandlerFunc(boom)))
	r := devRequest("/")
	r.Header.Set("Referer", "https://ann:hunter2@app.example/cb?token=T0KEN#access_token=AT0KEN")
	for _, accept := range []string{"text/html", "text/plain"} {
		r.Header.Set("Accept", accept)
		page := withoutSource(serve(h, r).Body.String())
		for _, s := range []string{"hunter2", "T0KEN"} {
			if strings.Contains(page, s) {
				t.Errorf("%s: the page shows %q", accept, s)
			}
		}
		if accept == "text/html" && strings.Count(page, "https://ann:REDACTED@app.example/cb?token=REDACTED#access_token=REDACTED") < 2 {
			t.Errorf("the Referer is not shown redacted in the headers and the environ")
		}
	}
}

// TestRedactAdds: Redact's substrings add to the rule; they do not replace
// it.
func TestRedactAdds(t *testing.T) {
	logger, _ := observed()
	h := devLayer(logger, Redact("Q"))(http.HandlerFunc(boom))
	page := withoutSource(serve(h, devRequest("/?q=hidden-VALUE&password=pw-VALUE&page=shown-VALUE")).Body.String())
	for _, s := range []string{"hidden-VALUE", "pw-VALUE"} {
		if strings.Contains(page, s) {
			t.Errorf("the page shows %q", s)
		}
	}
	if !strings.Contains(page, "shown-VALUE") {
		t.Error("page is hidden")
	}
}
