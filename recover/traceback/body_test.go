package traceback

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// plantedSecret is the value the fuzz tests plant under a secret name: it
// must never show.
const plantedSecret = "HUNTER2SECRET"

// bodyConfig is a config with the redaction list that New sets.
func bodyConfig() *config {
	return &config{redact: []string{
		"auth", "credential", "passwd", "password", "pwd", "passphrase",
		"secret", "token", "key", "session", "cookie", "signature", "sig", "jwt",
	}}
}

// redacted is the pair of a secret name.
func redacted(k string) pair { return pair{K: k, V: redactedText, Redacted: true} }

// checkPairs fails t when got is not want.
func checkPairs(t *testing.T, got, want []pair) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("pairs:\n got %+v\nwant %+v", got, want)
	}
}

func TestBodyViewForm(t *testing.T) {
	c := bodyConfig()
	body := "user=ann+lee&password=hunter2&api_key=k1&note=a%26b%3Dc&&user=bob&flag&%aauth=x&Pass%77ord=y"
	v := c.bodyView("application/x-www-form-urlencoded; charset=utf-8", []byte(body), false)
	checkPairs(t, v.Pairs, []pair{
		{K: "user", V: "ann lee"},
		redacted("password"),
		redacted("api_key"),
		{K: "note", V: "a&b=c"},
		{K: "user", V: "bob"},
		{K: "flag", V: ""},
		redacted("\xaauth"), // secret as sent, though not once decoded
		redacted("Password"),
	})
	if v.Type != "application/x-www-form-urlencoded" || v.Size != "92 bytes" || v.Text != "" || v.Note != "" || v.Cut {
		t.Errorf("%+v", v)
	}
}

// A ';' separates fields as '&' does, so a secret after one is redacted.
func TestBodyViewFormSemicolon(t *testing.T) {
	v := bodyConfig().bodyView("application/x-www-form-urlencoded", []byte("a=1;password=HUNTER2SECRET;b=2"), false)
	checkPairs(t, v.Pairs, []pair{{K: "a", V: "1"}, redacted("password"), {K: "b", V: "2"}})
}

func TestBodyViewFormBadEscapes(t *testing.T) {
	c := bodyConfig()
	v := c.bodyView("application/x-www-form-urlencoded", []byte("q=100%&name=a%zzb%41&x%2=1&token%zz=z"), false)
	checkPairs(t, v.Pairs, []pair{
		{K: "q", V: "100%"},
		{K: "name", V: "a%zzbA"},
		{K: "x%2", V: "1"},
		redacted("token%zz"),
	})
}

func TestBodyViewFormCut(t *testing.T) {
	c := bodyConfig()
	v := c.bodyView("application/x-www-form-urlencoded", []byte("a=1&token=abc&b=hel"), true)
	checkPairs(t, v.Pairs, []pair{{K: "a", V: "1"}, redacted("token"), {K: "b", V: "hel"}})
	if !v.Cut || v.Size != "19 bytes shown, cut at 64 KiB" {
		t.Errorf("%+v", v)
	}
}

func TestBodyViewJSON(t *testing.T) {
	c := bodyConfig()
	for _, tt := range []struct{ name, in, want string }{
		{"scalars", `{"user":"ann","n":1.50e3,"ok":true,"none":null,"html":"<a&b>","empty":{},"list":[]}`, `{
  "user": "ann",
  "n": 1.50e3,
  "ok": true,
  "none": null,
  "html": "<a&b>",
  "empty": {},
  "list": []
}`},
		{"secret object and array", `{"password":{"old":"a","new":"b"},"tokens":["t1","t2"],"api_key":7}`, `{
  "password": "REDACTED",
  "tokens": "REDACTED",
  "api_key": "REDACTED"
}`},
		{"secret at depth", `[{"a":{"b":[{"Session_ID":"s","keep":[1,{"jwt":null}]}]}}]`, `[
  {
    "a": {
      "b": [
        {
          "Session_ID": "REDACTED",
          "keep": [
            1,
            {
              "jwt": "REDACTED"
            }
          ]
        }
      ]
    }
  }
]`},
		{"escaped key", `{"pass\u0077ord":"x"}`, `{
  "password": "REDACTED"
}`},
		{"top-level scalar", ` "just a string" `, `"just a string"`},
		{"two documents", `{"a":1} [2]`, `{
  "a": 1
}
[
  2
]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := c.bodyView("application/json; charset=utf-8", []byte(tt.in), false)
			if v.Text != tt.want {
				t.Errorf("got\n%s\nwant\n%s", v.Text, tt.want)
			}
			if v.Type != "application/json" || v.Pairs != nil || v.Note != "" {
				t.Errorf("%+v", v)
			}
		})
	}
}

func TestBodyViewJSONSuffixType(t *testing.T) {
	v := bodyConfig().bodyView("application/problem+json", []byte(`{"secret":1}`), false)
	if want := "{\n  \"secret\": \"REDACTED\"\n}"; v.Text != want {
		t.Errorf("got %q, want %q", v.Text, want)
	}
}

func TestBodyViewJSONCut(t *testing.T) {
	c := bodyConfig()
	doc := `{"user":"ann","password":"hunter2","bio":"a long story"}`
	cut := doc[:strings.Index(doc, "long")] // mid-string
	v := c.bodyView("application/json", []byte(cut), true)
	want := `{
  "user": "ann",
  "password": "REDACTED",
  "bio":
… (not valid JSON after this point: unexpected EOF)`
	if v.Text != want || !v.Cut {
		t.Errorf("got\n%s\nwant\n%s", v.Text, want)
	}

	// Cut inside a secret value: nothing of it shows.
	cut = doc[:strings.Index(doc, "hunter2")+3]
	v = c.bodyView("application/json", []byte(cut), true)
	want = `{
  "user": "ann",
  "password":
… (not valid JSON after this point: unexpected EOF)`
	if v.Text != want {
		t.Errorf("got\n%s\nwant\n%s", v.Text, want)
	}
}

func TestBodyViewJSONInvalid(t *testing.T) {
	c := bodyConfig()
	for _, tt := range []struct{ in, want string }{
		{`[1,2 x]`, "[\n  1,\n  2\n… (not valid JSON after this point: invalid character 'x' after array element)"},
		{`{"a":1}]`, "{\n  \"a\": 1\n}\n… (not valid JSON after this point: invalid character ']' looking for beginning of value)"},
		{`nope`, "… (not valid JSON after this point: invalid character 'o' in literal null (expecting 'u'))"},
		{`{"a":1,`, "{\n  \"a\": 1\n… (not valid JSON after this point: unexpected EOF)"},
		{`{"token":{"x":[`, "{\n  \"token\": \"REDACTED\"\n… (not valid JSON after this point: unexpected EOF)"},
	} {
		if got := c.bodyView("application/json", []byte(tt.in), false).Text; got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestBodyViewJSONDeepNesting(t *testing.T) {
	c := bodyConfig()
	for _, in := range []string{
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000),
		strings.Repeat("[", 30000), // cut
	} {
		text := c.bodyView("application/json", []byte(in), false).Text
		if len(text) > 30000 || strings.Count(text, "\n") > 2*maxJSONDepth+2 || !strings.Contains(text, "…") {
			t.Errorf("%d bytes, %d lines for %.20s…", len(text), strings.Count(text, "\n"), in)
		}
	}
	// Depth 100 is the last one shown.
	in := strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1)
	lines := strings.Split(c.bodyView("application/json", []byte(in), false).Text, "\n")
	if len(lines) != 2*maxJSONDepth+1 || strings.TrimSpace(lines[maxJSONDepth]) != "…" {
		t.Errorf("%d lines, middle %q", len(lines), lines[len(lines)/2])
	}
}

// multipartBody is a multipart form with a field, a secret field, a long
// field and a file.
func multipartBody(t *testing.T) (body []byte, contentType string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.WriteField("name", "Ann"))
	must(w.WriteField("password", "hunter2"))
	must(w.WriteField("bio", strings.Repeat("é", 600))) // 1200 bytes
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="upload"; filename="notes.txt"`)
	h.Set("Content-Type", "text/plain")
	f, err := w.CreatePart(h)
	must(err)
	_, err = f.Write([]byte("secret file"))
	must(err)
	must(w.Close())
	return b.Bytes(), w.FormDataContentType()
}

func TestBodyViewMultipart(t *testing.T) {
	c := bodyConfig()
	body, ct := multipartBody(t)
	v := c.bodyView(ct, body, false)
	checkPairs(t, v.Pairs, []pair{
		{K: "name", V: "Ann"},
		redacted("password"),
		{K: "bio", V: strings.Repeat("é", 512) + "…"},
		{K: "upload", V: `file "notes.txt", 11 bytes, text/plain`},
	})
	if v.Type != "multipart/form-data" || v.Note != "" || v.Text != "" {
		t.Errorf("%+v", v)
	}
}

func TestBodyViewMultipartFileWithoutType(t *testing.T) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="key_file"; filename="id.pem"`)
	f, _ := w.CreatePart(h)
	_, _ = f.Write([]byte("-----BEGIN"))
	h.Set("Content-Disposition", `form-data; name="avatar"; filename="../me.png"`)
	f, _ = w.CreatePart(h)
	_, _ = f.Write([]byte("\x89PNG"))
	_ = w.Close()
	v := bodyConfig().bodyView(w.FormDataContentType(), b.Bytes(), false)
	checkPairs(t, v.Pairs, []pair{
		redacted("key_file"),
		{K: "avatar", V: `file "me.png", 4 bytes, no Content-Type`},
	})
}

func TestBodyViewMultipartCut(t *testing.T) {
	c := bodyConfig()
	body, ct := multipartBody(t)
	cut := body[:bytes.Index(body, []byte("secret file"))+3]
	v := c.bodyView(ct, cut, true)
	checkPairs(t, v.Pairs, []pair{
		{K: "name", V: "Ann"},
		redacted("password"),
		{K: "bio", V: strings.Repeat("é", 512) + "…"},
	})
	if v.Note != "stopped after 3 parts: unexpected EOF" {
		t.Errorf("note %q", v.Note)
	}
}

func TestBodyViewMultipartNoBoundary(t *testing.T) {
	v := bodyConfig().bodyView("multipart/form-data", []byte("--x\r\n"), false)
	if v.Pairs != nil || v.Note != "no boundary in the Content-Type: the parts cannot be told apart" {
		t.Errorf("%+v", v)
	}
}

func TestBodyViewOtherTypes(t *testing.T) {
	c := bodyConfig()
	for _, tt := range []struct{ ct, typ, note string }{
		{"text/plain; charset=utf-8", "text/plain", "12 bytes of text/plain, not shown: only form and JSON bodies are"},
		{"", "", "12 bytes of unknown type, not shown: only form and JSON bodies are"},
		{"application/x-json-not", "application/x-json-not", "12 bytes of application/x-json-not, not shown: only form and JSON bodies are"},
	} {
		v := c.bodyView(tt.ct, []byte("password=abc"), false)
		if v.Type != tt.typ || v.Note != tt.note || v.Pairs != nil || v.Text != "" || v.Size != "12 bytes" {
			t.Errorf("%q: %+v", tt.ct, v)
		}
	}
}

func TestBodyViewEmpty(t *testing.T) {
	if v := bodyConfig().bodyView("application/json", nil, false); v != nil {
		t.Errorf("%+v", v)
	}
}

// tapAfterRead is a bodyTap over body after the handler read n bytes of it
// with reads of 100 bytes.
func tapAfterRead(t *testing.T, body string, n int) *bodyTap {
	t.Helper()
	tap := newBodyTap(io.NopCloser(strings.NewReader(body)))
	buf := make([]byte, 100)
	for read := 0; read < n; {
		m, err := tap.Read(buf[:min(100, n-read)])
		read += m
		if err != nil {
			t.Fatal(err)
		}
	}
	return tap
}

func TestBodyTapCapturesWhatTheHandlerDidNotRead(t *testing.T) {
	body := strings.Repeat("0123456789", 1000)
	for _, n := range []int{0, 10, len(body)} {
		b, cut := tapAfterRead(t, body, n).captured()
		if string(b) != body || cut {
			t.Errorf("read %d: captured %d bytes, cut %v", n, len(b), cut)
		}
	}
}

func TestBodyTapCutsAt64KiB(t *testing.T) {
	big := strings.Repeat("x", 100<<10)
	for _, n := range []int{0, 100, maxBody, maxBody + 50, len(big)} {
		tap := tapAfterRead(t, big, n)
		b, cut := tap.captured()
		if len(b) != maxBody || !cut || string(b) != big[:maxBody] || cap(b) > maxBody {
			t.Errorf("read %d: captured %d bytes (cap %d), cut %v", n, len(b), cap(b), cut)
		}
	}
	exact := big[:maxBody]
	for _, n := range []int{0, maxBody} {
		b, cut := tapAfterRead(t, exact, n).captured()
		if len(b) != maxBody || cut {
			t.Errorf("exactly 64 KiB, read %d: captured %d bytes, cut %v", n, len(b), cut)
		}
	}
}

func TestBodyTapPassesReadsThrough(t *testing.T) {
	const body = "hello, world"
	want := iotest.OneByteReader(strings.NewReader(body))
	tap := newBodyTap(io.NopCloser(iotest.OneByteReader(strings.NewReader(body))))
	p, q := make([]byte, 8), make([]byte, 8)
	for {
		n, err := tap.Read(p)
		wn, werr := want.Read(q)
		if n != wn || err != werr || string(p[:n]) != string(q[:wn]) {
			t.Fatalf("got %d %v %q, want %d %v %q", n, err, p[:n], wn, werr, q[:wn])
		}
		if err != nil {
			break
		}
	}
	if b, cut := tap.captured(); string(b) != body || cut {
		t.Errorf("captured %q, %v", b, cut)
	}

	if err := iotest.TestReader(newBodyTap(io.NopCloser(strings.NewReader(body))), []byte(body)); err != nil {
		t.Error(err)
	}
}

func TestBodyTapPassesErrorsThrough(t *testing.T) {
	boom := errors.New("boom")
	src := &countingBody{r: iotest.ErrReader(boom)}
	tap := newBodyTap(src)
	if n, err := tap.Read(make([]byte, 8)); n != 0 || err != boom {
		t.Errorf("Read: %d, %v", n, err)
	}
	if b, cut := tap.captured(); len(b) != 0 || cut || src.reads != 1 {
		t.Errorf("captured %q, %v after %d reads", b, cut, src.reads)
	}

	// An error while reading on ends the capture with what was read.
	src = &countingBody{r: io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom))}
	if b, cut := newBodyTap(src).captured(); string(b) != "abc" || cut {
		t.Errorf("captured %q, %v", b, cut)
	}
}

func TestBodyTapGivesUpOnEmptyReads(t *testing.T) {
	src := &countingBody{r: emptyReader{}}
	b, cut := newBodyTap(src).captured()
	if len(b) != 0 || cut || src.reads != 100 {
		t.Errorf("captured %q, %v after %d reads", b, cut, src.reads)
	}
}

// emptyReader returns nothing and no error, forever.
type emptyReader struct{}

// Read reads nothing.
func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func TestBodyTapDoesNotReadAfterClose(t *testing.T) {
	src := &countingBody{r: strings.NewReader("abcdef")}
	tap := newBodyTap(src)
	if n, err := tap.Read(make([]byte, 2)); n != 2 || err != nil {
		t.Fatal(n, err)
	}
	if err := tap.Close(); err != nil || !src.closed {
		t.Fatal(err)
	}
	if b, cut := tap.captured(); string(b) != "ab" || cut || src.readsAfterClose != 0 {
		t.Errorf("captured %q, %v, %d reads after close", b, cut, src.readsAfterClose)
	}
}

// countingBody is a request body that counts its reads.
type countingBody struct {
	r               io.Reader
	reads           int
	closed          bool
	readsAfterClose int
}

// Read reads from r and counts.
func (b *countingBody) Read(p []byte) (int, error) {
	b.reads++
	if b.closed {
		b.readsAfterClose++
	}
	return b.r.Read(p)
}

// Close marks the body closed.
func (b *countingBody) Close() error {
	b.closed = true
	return nil
}

func TestWantsBodyTap(t *testing.T) {
	get := httptest.NewRequest("GET", "/", nil)
	post := httptest.NewRequest("POST", "/", strings.NewReader("a=1"))
	chunked := httptest.NewRequest("POST", "/", strings.NewReader("a=1"))
	chunked.ContentLength = -1
	empty := httptest.NewRequest("POST", "/", strings.NewReader("a=1"))
	empty.ContentLength = 0
	nilBody := httptest.NewRequest("POST", "/", nil)
	nilBody.Body = nil
	for _, tt := range []struct {
		r    *http.Request
		want bool
	}{{get, false}, {post, true}, {chunked, true}, {empty, false}, {nilBody, false}} {
		if got := wantsBodyTap(tt.r); got != tt.want {
			t.Errorf("%s body %T length %d: %v", tt.r.Method, tt.r.Body, tt.r.ContentLength, got)
		}
	}
}

func TestCookiePairs(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Add("Cookie", "theme=dark; sessionid=abc123")
	r.Header.Add("Cookie", "lang=en;; BARE-TOKEN-SECRET ")
	checkPairs(t, bodyConfig().cookiePairs(r), []pair{redacted("theme"), redacted("sessionid"), redacted("lang"), redacted("(no name)")})
	if got := bodyConfig().cookiePairs(httptest.NewRequest("GET", "/", nil)); got != nil {
		t.Errorf("no cookies: %+v", got)
	}
}

// viewText is everything a bodyView shows, for the fuzz tests to search.
func viewText(v *bodyView) string {
	if v == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(v.Type + "\n" + v.Size + "\n" + v.Text + "\n" + v.Note + "\n")
	for _, p := range v.Pairs {
		b.WriteString(p.K + "=" + p.V + "\n")
	}
	return b.String()
}

func FuzzBodyViewJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,"x",{"b":[true,null]}]`, `"s"`, `{"a":`, `{"password":{"x":[1]}}`} {
		f.Add([]byte(s))
	}
	c := bodyConfig()
	f.Fuzz(func(t *testing.T, data []byte) {
		text := viewText(c.bodyView("application/json", data, false))
		viewText(c.bodyView("application/vnd.api+json", data, true))
		if !json.Valid(data) || strings.Contains(text, plantedSecret) {
			return
		}
		if strings.Contains(text, "not valid JSON after this point") && !bytes.Contains(data, []byte("not valid JSON")) {
			t.Errorf("valid JSON rendered with an error:\n%s", text)
		}
		for _, doc := range []string{
			`{"password":"` + plantedSecret + `","data":` + string(data) + `}`,
			`[` + string(data) + `,{"x":{"api_key":["` + plantedSecret + `",{"y":1}]}}]`,
			`{"data":` + string(data) + `,"Session":{"v":"` + plantedSecret + `"}}`,
		} {
			if got := viewText(c.bodyView("application/json", []byte(doc), false)); strings.Contains(got, plantedSecret) {
				t.Errorf("the secret shows for %s:\n%s", doc, got)
			}
		}
	})
}

func FuzzBodyViewForm(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "a=%zz&b", "x+y=%41%42&&=", "a=1;b=2", "pass%77ord=x"} {
		f.Add(s)
	}
	c := bodyConfig()
	f.Fuzz(func(t *testing.T, raw string) {
		view := c.bodyView("application/x-www-form-urlencoded", []byte(raw), false)
		c.bodyView("application/x-www-form-urlencoded", []byte(raw), true)
		want, err := url.ParseQuery(raw)
		if err != nil || strings.Contains(viewText(view), plantedSecret) {
			return
		}
		checkFormLikeParseQuery(t, view, want)
		for _, body := range []string{
			raw + "&password=" + plantedSecret,
			"api_key=" + plantedSecret + "&" + raw,
			raw + "&my_Token=" + url.QueryEscape(plantedSecret) + "&" + raw,
		} {
			if got := viewText(c.bodyView("application/x-www-form-urlencoded", []byte(body), false)); strings.Contains(got, plantedSecret) {
				t.Errorf("the secret shows for %q:\n%s", body, got)
			}
		}
	})
}

// checkFormLikeParseQuery fails t when the fields of a valid form, in view,
// are not those url.ParseQuery found, secret ones aside.
func checkFormLikeParseQuery(t *testing.T, view *bodyView, want url.Values) {
	t.Helper()
	var pairs []pair
	if view != nil {
		pairs = view.Pairs
	}
	got := url.Values{}
	secret := map[string]bool{}
	for _, p := range pairs {
		got.Add(p.K, p.V)
		secret[p.K] = secret[p.K] || p.Redacted
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for k, vs := range want {
		if !secret[k] && !slices.Equal(got[k], vs) {
			t.Errorf("%q: got %q, want %q", k, got[k], vs)
		}
	}
}
