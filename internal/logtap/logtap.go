// Package logtap keeps what a request's logger wrote, for the traceback
// page of recover/traceback: a [Tap] is a zapcore.Core that a development
// layer puts in the request's state (state.LogTapSlot), and logging.FromContext tees the
// request's logger into whatever core it finds there. Package logging owns
// the key (it reads it on every From); the development page owns the tap.
package logtap

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/wsgo/wsgo/internal/panicvalue"
	"github.com/wsgo/wsgo/internal/secret"
	"github.com/wsgo/wsgo/internal/state"
)

// A development layer puts a zapcore.Core (a *Tap) that records the
// request's log entries in state.LogTapSlot. logging.FromContext tees the
// request's logger into it, so the entries of FromContext, SlogFromContext and
// wsgi.errors reach it, whatever the level of the logger they go to. A
// request without one pays nothing more than the failed look-up.

// The bounds of a request's log tap.
const (
	// maxRecords is how many entries a tap keeps: the last ones.
	maxRecords = 200
	// maxText is how much text a tap keeps in all, in bytes: messages,
	// logger names, field keys and values. The oldest entries go first
	// to keep under it.
	maxText = 256 << 10
	// maxValue is the length of a field value (or key) beyond which it
	// is cut and ends in "…".
	maxValue = 1 << 10
	// maxMessage is the length of a message beyond which it is cut.
	maxMessage = 4 << 10
)

// Record is one entry of the request's log, as the traceback page shows
// it: its fields rendered as text, in the order they were given (those of
// the logger's With first).
type Record struct {
	Time    time.Time
	Level   string // DEBUG, INFO, WARN, ERROR, DPANIC, PANIC or FATAL
	Logger  string // the logger's name, "" for none
	Message string
	Fields  []Field
}

// Field is one field of a Record: its key and its value as text, or
// secret.Marker with Redacted set when the key names a secret.
type Field struct {
	K, V     string
	Redacted bool
}

// Tap is the zapcore.Core that keeps a request's log entries for the
// traceback page.
//
// Every level is enabled, Debug included, so the page shows the entries
// that the application's logger, at a higher level, drops. The tap keeps
// the last [maxRecords] entries and at most [maxText] bytes of text,
// dropping the oldest and counting them; every field value is cut at
// [maxValue] bytes. It is safe for use by several goroutines: the
// cores that With returns share one buffer.
type Tap struct {
	buf *buffer
	// with is the fields given to With, rendered when given, as zap's own
	// cores encode them.
	with     []Field
	withText int
	// ns is the prefix that the namespaces opened by With (zap.Namespace)
	// give the keys that follow them: "a.b." after namespaces a and b.
	ns string
}

// buffer is the store a Tap and the cores its With returns share: a ring
// of the last records, oldest first from head.
type buffer struct {
	secret func(string) bool

	mu      sync.Mutex
	ring    []Record
	head, n int
	text    int // the text of the n records kept
	dropped int
}

var _ zapcore.Core = (*Tap)(nil)

// New returns an empty tap, in one allocation. A field whose key secret
// reports true for is kept as secret.Marker, and so is a key of an object
// in a field's value; secret may be nil, for none.
func New(secret func(string) bool) *Tap {
	both := &struct {
		t Tap
		b buffer
	}{}
	both.t.buf = &both.b
	both.b.init(secret)
	return &both.t
}

// init readies an empty buffer whose records redact what secret says.
func (b *buffer) init(secret func(string) bool) {
	if secret == nil {
		secret = func(string) bool { return false }
	}
	b.secret = secret
}

// Attach makes a tap and puts it in the state of r (state.LogTapSlot), so that
// logging.FromContext tees the request's logger into it. It returns nil when r
// has no state.
func Attach(r *http.Request, secret func(string) bool) *Tap {
	t := New(secret)
	if !state.LogTapSlot.Set(r.Context(), t) {
		return nil
	}
	return t
}

// Enabled implements zapcore.Core: every level is.
func (t *Tap) Enabled(zapcore.Level) bool { return true }

// With implements zapcore.Core: a tap that shares t's buffer and adds
// fields, rendered now, to every entry.
func (t *Tap) With(fields []zapcore.Field) zapcore.Core {
	c := &Tap{buf: t.buf, with: slices.Clip(t.with), withText: t.withText, ns: t.ns}
	c.with, c.withText, c.ns = t.buf.render(c.with, c.withText, c.ns, fields)
	return c
}

// Check implements zapcore.Core: it adds t, whatever the level.
func (t *Tap) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	return ce.AddCore(ent, t)
}

// Write implements zapcore.Core: it keeps ent with the fields of With and
// fields, dropping the oldest records to stay within the bounds. It never
// fails.
func (t *Tap) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	rec := Record{
		Time:    ent.Time,
		Level:   ent.Level.CapitalString(),
		Logger:  panicvalue.Cut(ent.LoggerName, maxValue),
		Message: panicvalue.Cut(ent.Message, maxMessage),
	}
	// Rendering calls the application's marshalers: not under the lock.
	rec.Fields, _, _ = t.buf.render(slices.Clip(t.with), t.withText, t.ns, fields)
	t.buf.push(rec)
	return nil
}

// Sync implements zapcore.Core: there is nothing to flush.
func (t *Tap) Sync() error { return nil }

// Records returns the records kept, oldest first, and how many older ones
// were dropped to keep within the bounds.
func (t *Tap) Records() (recs []Record, dropped int) {
	b := t.buf
	b.mu.Lock()
	defer b.mu.Unlock()
	recs = make([]Record, 0, b.n)
	for i := range b.n {
		recs = append(recs, b.ring[(b.head+i)%len(b.ring)])
	}
	return recs, b.dropped
}

// recordText is the text of r that counts against maxText.
func recordText(r *Record) int {
	n := len(r.Message) + len(r.Logger)
	for _, p := range r.Fields {
		n += len(p.K) + len(p.V)
	}
	return n
}

// push keeps r, first dropping the oldest records while there are
// maxRecords of them or r's text would not fit. A record that alone
// exceeds maxText loses its last fields.
func (b *buffer) push(r Record) {
	size := recordText(&r)
	if size > maxText {
		size = trimFields(&r)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.n > 0 && (b.n == maxRecords || b.text+size > maxText) {
		old := &b.ring[b.head]
		b.text -= recordText(old)
		*old = Record{} // let its text go
		b.head = (b.head + 1) % len(b.ring)
		b.n--
		b.dropped++
	}
	if b.n == len(b.ring) {
		// Full below maxRecords: grow, oldest first from 0.
		grown := make([]Record, 0, min(max(2*b.n, 16), maxRecords))
		for i := range b.n {
			grown = append(grown, b.ring[(b.head+i)%len(b.ring)])
		}
		b.ring, b.head = grown[:cap(grown)], 0
	}
	b.ring[(b.head+b.n)%len(b.ring)] = r
	b.n++
	b.text += size
}

// trimFields drops the last fields of r until its text fits in
// maxText, and says how many went in a last field "…". It returns r's
// text then.
func trimFields(r *Record) int {
	size := len(r.Message) + len(r.Logger)
	for i, p := range r.Fields {
		if size+len(p.K)+len(p.V) > maxText-64 {
			note := Field{K: panicvalue.Ellipsis, V: strconv.Itoa(len(r.Fields)-i) + " more fields not kept"}
			r.Fields = append(r.Fields[:i:i], note)
			return size + len(note.K) + len(note.V)
		}
		size += len(p.K) + len(p.V)
	}
	return size
}

// render appends fields to pairs as text, one Field per key in the order
// given, the keys of a field that makes several (zap.Inline, an error's
// errorVerbose) sorted. ns is the namespace prefix in force, text the text
// of pairs; it returns both as they are after fields.
func (b *buffer) render(pairs []Field, text int, ns string, fields []zapcore.Field) ([]Field, int, string) {
	for _, f := range fields {
		if f.Type == zapcore.NamespaceType {
			ns += f.Key + "."
			continue
		}
		enc := zapcore.NewMapObjectEncoder()
		f.AddTo(enc)
		keys := make([]string, 0, len(enc.Fields))
		for k := range enc.Fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := Field{K: panicvalue.Cut(ns+k, maxValue)}
			if b.secret(p.K) {
				p.V, p.Redacted = secret.Marker, true
			} else {
				p.V = panicvalue.Cut(b.valueText(enc.Fields[k]), maxValue)
			}
			pairs = append(pairs, p)
			text += len(p.K) + len(p.V)
		}
	}
	return pairs, text, ns
}

// valueText is the text of a value of a MapObjectEncoder: a string as it
// is, a duration and a time as their String and RFC 3339 texts, an object
// or array as compact JSON (its secret keys redacted), an error as its
// text; anything else as JSON, or as fmt's %+v if JSON fails.
func (b *buffer) valueText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr,
		float32, float64, complex64, complex128:
		return fmt.Sprint(v)
	case time.Duration:
		return v.String()
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case []byte: // zap.Binary
		return base64.StdEncoding.EncodeToString(v)
	case error:
		return panicvalue.ErrorText(v)
	}
	// An object, an array or a reflected value. A reflected value whose
	// JSON is an object or array is decoded again, so that its secret keys
	// are found as an object's are.
	js, err := compactJSON(b.plain(v))
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	if len(js) > 0 && (js[0] == '{' || js[0] == '[') {
		d := json.NewDecoder(bytes.NewReader(js))
		d.UseNumber()
		var decoded any
		if d.Decode(&decoded) == nil {
			if again, err := compactJSON(b.plain(decoded)); err == nil {
				js = again
			}
		}
	}
	return string(js)
}

// plain turns what a MapObjectEncoder put in an object or array into what
// encoding/json writes as the page shows it: durations, times, errors and
// complex numbers as text, and the values of secret keys as REDACTED.
func (b *buffer) plain(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			if b.secret(k) {
				m[k] = secret.Marker
			} else {
				m[k] = b.plain(e)
			}
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, e := range v {
			a[i] = b.plain(e)
		}
		return a
	case time.Duration:
		return v.String()
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case complex64, complex128:
		return fmt.Sprint(v)
	case error:
		return panicvalue.ErrorText(v)
	}
	return v
}

// compactJSON is v as JSON on one line, without HTML escapes (the page's
// template escapes what it shows).
func compactJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
