package traceback

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/wsgo/wsgo/internal/panicvalue"
)

const (
	// maxBody is how much of the request body the development page keeps
	// and shows.
	maxBody = 64 << 10
	// maxField is how much of a multipart form field's value is shown.
	maxField = 1 << 10
	// maxJSONDepth is how deep the JSON view goes: a deeper object or
	// array is shown as "…".
	maxJSONDepth = 100
)

// bodyTap wraps a request body and keeps a copy of the first maxBody bytes
// that the handler reads, for the development page. Every Read and Close
// is passed through unchanged.
type bodyTap struct {
	rc     io.ReadCloser
	buf    []byte // the first bytes read, at most maxBody
	more   bool   // a byte beyond maxBody was read
	done   bool   // a Read returned an error (io.EOF included)
	closed bool   // Close was called
}

// newBodyTap wraps rc.
func newBodyTap(rc io.ReadCloser) *bodyTap {
	return &bodyTap{rc: rc}
}

// wantsBodyTap reports whether r has a body worth capturing: one that is
// there and is not known to be empty.
func wantsBodyTap(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

// Read reads from the body and keeps a copy of what it read, up to maxBody
// bytes in all.
func (t *bodyTap) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	t.keep(p[:n])
	if err != nil {
		t.done = true
	}
	return n, err
}

// Close closes the body; captured does not read it afterwards.
func (t *bodyTap) Close() error {
	t.closed = true
	return t.rc.Close()
}

// keep appends to the copy as much of p as fits in maxBody, and notes
// whether some of it did not fit.
func (t *bodyTap) keep(p []byte) {
	room := maxBody - len(t.buf)
	if len(p) > room {
		p = p[:room]
		t.more = true
	}
	if len(p) == 0 {
		return
	}
	t.grow(len(p))
	t.buf = append(t.buf, p...)
}

// grow makes room for n more bytes in the copy, doubling its capacity but
// never past maxBody, so the copy never holds more memory than that.
func (t *bodyTap) grow(n int) {
	need := len(t.buf) + n
	if need <= cap(t.buf) {
		return
	}
	size := min(max(2*cap(t.buf), need, 512), maxBody)
	buf := make([]byte, len(t.buf), size)
	copy(buf, t.buf)
	t.buf = buf
}

// captured returns the body's first bytes, up to maxBody, and whether the
// body had more. It is called after the handler panicked: when the handler
// read less than maxBody and the body is neither closed nor at its end, it
// reads on, so that the page shows a body the handler never read. An error
// from that reading only ends it.
func (t *bodyTap) captured() (b []byte, cut bool) {
	if !t.closed && !t.done && !t.more {
		t.readOn()
	}
	return t.buf, t.more
}

// readOn fills the copy to maxBody from the body, then tries to read one
// byte more, to know whether the body was cut. Like bufio, it gives up on a
// body that keeps returning nothing and no error.
func (t *bodyTap) readOn() {
	t.grow(maxBody - len(t.buf))
	for empty := 0; !t.done && !t.more && empty < 100; {
		if t.readStep() == 0 {
			empty++
		} else {
			empty = 0
		}
	}
}

// readStep reads once from the body: into the copy while it has room, and
// then a single byte, which says that the body had more.
func (t *bodyTap) readStep() int {
	if len(t.buf) == maxBody {
		var one [1]byte
		n, err := t.rc.Read(one[:])
		t.more, t.done = n > 0, err != nil
		return n
	}
	n, err := t.rc.Read(t.buf[len(t.buf):maxBody])
	t.buf = t.buf[:len(t.buf)+n]
	t.done = err != nil
	return n
}

// bodyView is the request body as the development page shows it.
type bodyView struct {
	Type  string // the media type
	Size  string // "1234 bytes", or how much is shown of a cut body
	Pairs []pair // a form's fields, in their order
	Text  string // JSON, re-indented
	Note  string // why the body, or the rest of it, is not shown
	Cut   bool   // the body had more than is shown
}

// bodyView is the view of the body b, sent with contentType, cut when the
// body had more than b; nil when b is empty. Only form and JSON bodies are
// shown, their secrets redacted; of any other body only its size.
func (c *config) bodyView(contentType string, b []byte, cut bool) *bodyView {
	if len(b) == 0 {
		return nil
	}
	mediaType, params, _ := mime.ParseMediaType(contentType)
	v := &bodyView{Type: mediaType, Size: bodySize(len(b), cut), Cut: cut}
	switch {
	case mediaType == "application/x-www-form-urlencoded":
		v.Pairs = c.formPairs(string(b))
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
		v.Text = c.jsonText(b)
	case mediaType == "multipart/form-data":
		v.Pairs, v.Note = c.multipartPairs(b, params["boundary"])
	default:
		v.Note = fmt.Sprintf("%d bytes of %s, not shown: only form and JSON bodies are", len(b), typeName(mediaType))
	}
	return v
}

// bodySize is the Size of a bodyView.
func bodySize(n int, cut bool) string {
	if cut {
		return fmt.Sprintf("%d bytes shown, cut at %d KiB", n, maxBody>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// typeName is the media type for a note, or "unknown type" when there is
// none.
func typeName(mediaType string) string {
	if mediaType == "" {
		return "unknown type"
	}
	return mediaType
}

// formPairs is the fields of a url-encoded form, in their order as sent,
// secret ones redacted. The last field of a cut body is shown as far as it
// goes. Fields are split at ';' as well as '&', as redactQuery splits a
// query: url.ParseQuery refuses a ';', but the page shows the body as sent,
// and "a=1;password=x" must not show x as a's value.
func (c *config) formPairs(raw string) []pair {
	var pairs []pair
	for _, field := range strings.FieldsFunc(raw, func(r rune) bool { return r == '&' || r == ';' }) {
		if field != "" {
			pairs = append(pairs, c.formPair(field))
		}
	}
	return pairs
}

// formPair is one field of a url-encoded form, its name and value decoded
// as url.ParseQuery does, except that a bad escape is kept as it is.
func (c *config) formPair(field string) pair {
	name, value, _ := strings.Cut(field, "=")
	key := unescapeName(name)
	if c.secret(name) {
		// The name as sent may be secret when its decoding is not
		// ("%aauth" decodes to "\xaauth").
		return pair{K: key, V: redactedText, Redacted: true}
	}
	return c.pair(key, unescapeName(value))
}

// multipartPairs is one pair per part of a multipart form: a field's name
// and value, secret ones redacted, or a file's name and what it is (never
// its content). When the parts cannot all be read (a cut body), note says
// where the list stops.
func (c *config) multipartPairs(b []byte, boundary string) (pairs []pair, note string) {
	if boundary == "" {
		return nil, "no boundary in the Content-Type: the parts cannot be told apart"
	}
	mr := multipart.NewReader(bytes.NewReader(b), boundary)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return pairs, ""
		}
		var p pair
		if err == nil {
			p, err = c.partPair(part)
		}
		if err != nil {
			return pairs, fmt.Sprintf("stopped after %d parts: %v", len(pairs), err)
		}
		pairs = append(pairs, p)
	}
}

// partPair is the pair of one multipart part: its name and its value, or
// what the file it holds is.
func (c *config) partPair(part *multipart.Part) (pair, error) {
	name := part.FormName()
	if part.FileName() != "" {
		n, err := io.Copy(io.Discard, part)
		if err != nil {
			return pair{}, err
		}
		return c.pair(name, fmt.Sprintf("file %q, %d bytes, %s", part.FileName(), n, partType(part))), nil
	}
	if c.secret(name) {
		return pair{K: name, V: redactedText, Redacted: true}, nil
	}
	value, err := io.ReadAll(io.LimitReader(part, maxField+1))
	if err != nil {
		return pair{}, err
	}
	return c.pair(name, panicvalue.Cut(string(value), maxField)), nil
}

// partType is the Content-Type of a multipart part, as sent.
func partType(part *multipart.Part) string {
	if t := part.Header.Get("Content-Type"); t != "" {
		return t
	}
	return "no Content-Type"
}

// jsonText is the JSON in b re-indented with two spaces, the value of every
// secret key replaced by REDACTED. What follows the first error (a cut
// or invalid body) is not shown: a line says what the error was.
func (c *config) jsonText(b []byte) string {
	j := &jsonIndenter{c: c, dec: json.NewDecoder(bytes.NewReader(b))}
	j.dec.UseNumber()
	err := j.values()
	if err == nil {
		return j.out.String()
	}
	text := strings.TrimRight(j.out.String(), " \n")
	if text != "" {
		text += "\n"
	}
	return text + "… (not valid JSON after this point: " + err.Error() + ")"
}

// jsonIndenter writes the tokens it reads from dec to out, indented.
type jsonIndenter struct {
	c   *config
	dec *json.Decoder
	out strings.Builder
}

// values writes the top-level values, one after the other, until the end
// of the input or an error.
func (j *jsonIndenter) values() error {
	for n := 0; ; n++ {
		tok, err := j.dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if n > 0 {
			j.out.WriteByte('\n')
		}
		if err := j.value(tok, 0); err != nil {
			return err
		}
	}
}

// next is the next token inside a value, where the end of the input is
// unexpected.
func (j *jsonIndenter) next() (json.Token, error) {
	tok, err := j.dec.Token()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return tok, err
}

// value writes the value that starts with tok, depth objects and arrays
// deep.
func (j *jsonIndenter) value(tok json.Token, depth int) error {
	d, isDelim := tok.(json.Delim)
	switch {
	case !isDelim:
		j.out.WriteString(scalarText(tok))
		return nil
	case depth >= maxJSONDepth:
		j.out.WriteString("…")
		return j.skip(tok)
	case d == '{':
		return j.object(depth)
	case d == '[':
		return j.array(depth)
	}
	return fmt.Errorf("unexpected %q", rune(d))
}

// object writes the members of an object whose '{' was read, the value of
// a secret key replaced.
func (j *jsonIndenter) object(depth int) error {
	j.out.WriteByte('{')
	for n := 0; ; n++ {
		tok, err := j.next()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			j.end('}', depth, n)
			return nil
		}
		key, _ := tok.(string) // the decoder gives only strings as keys
		j.newline(depth+1, n)
		j.out.WriteString(quoteJSON(key) + ": ")
		if err := j.member(key, depth); err != nil {
			return err
		}
	}
}

// member writes the value of key, or REDACTED when key is secret.
func (j *jsonIndenter) member(key string, depth int) error {
	tok, err := j.next()
	if err != nil {
		return err
	}
	if j.c.secret(key) {
		j.out.WriteString(quoteJSON(redactedText))
		return j.skip(tok)
	}
	return j.value(tok, depth+1)
}

// array writes the elements of an array whose '[' was read.
func (j *jsonIndenter) array(depth int) error {
	j.out.WriteByte('[')
	for n := 0; ; n++ {
		tok, err := j.next()
		if err != nil {
			return err
		}
		if tok == json.Delim(']') {
			j.end(']', depth, n)
			return nil
		}
		j.newline(depth+1, n)
		if err := j.value(tok, depth+1); err != nil {
			return err
		}
	}
}

// newline starts the n-th member or element of a container, at depth.
func (j *jsonIndenter) newline(depth, n int) {
	if n > 0 {
		j.out.WriteByte(',')
	}
	j.out.WriteString("\n" + strings.Repeat("  ", depth))
}

// end closes a container at depth that had n members or elements.
func (j *jsonIndenter) end(closer byte, depth, n int) {
	if n > 0 {
		j.out.WriteString("\n" + strings.Repeat("  ", depth))
	}
	j.out.WriteByte(closer)
}

// skip reads past the value that starts with tok, without writing it.
func (j *jsonIndenter) skip(tok json.Token) error {
	open := 0
	for {
		switch tok {
		case json.Delim('{'), json.Delim('['):
			open++
		case json.Delim('}'), json.Delim(']'):
			open--
		}
		if open == 0 {
			return nil
		}
		var err error
		if tok, err = j.next(); err != nil {
			return err
		}
	}
}

// scalarText is a string, number, boolean or null token written as JSON.
func scalarText(tok json.Token) string {
	switch v := tok.(type) {
	case string:
		return quoteJSON(v)
	case json.Number:
		return string(v)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	}
	return fmt.Sprint(tok)
}

// quoteJSON is s as a JSON string, without escaping HTML characters (the
// page escapes them).
func quoteJSON(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// cookiePairs is one pair per cookie of r, in the order sent: its name, and
// always REDACTED for its value, since any cookie may be a session. A
// part of a Cookie header without '=' is no name=value pair (net/http would
// read it as a name), and may well be a bare token: it is shown only as
// "(no name)", redacted.
func (c *config) cookiePairs(r *http.Request) []pair {
	var pairs []pair
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			name, _, ok := strings.Cut(part, "=")
			if !ok {
				name = "(no name)"
			}
			pairs = append(pairs, pair{K: name, V: redactedText, Redacted: true})
		}
	}
	return pairs
}
