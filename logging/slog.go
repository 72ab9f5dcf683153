package logging

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"
)

// Slog returns a *zap.Logger whose every entry goes to h, the application's
// log/slog handler, so that [Access], [FromContext] and the presets of package wsgo
// (wsgo.Production(logging.Slog(h))) log through it. zap stays the engine
// in front: levels, Check and the fields are zap's; the core only turns
// each entry into an slog.Record and hands it to h.Handle.
//
// An entry becomes a record as follows:
//   - the level: zap's Debug, Info, Warn and Error are slog's LevelDebug,
//     LevelInfo, LevelWarn and LevelError; DPanic, Panic and Fatal are
//     LevelError (zap still panics or exits after the entry is written);
//   - the message and the entry's time are the record's; a caller, when the
//     logger adds one, is the record's PC (what AddSource reports);
//   - every field is an attribute with the field's key as it is: a dotted
//     name such as http.request.method stays one key, never a group;
//   - a zap.Duration is a float64 of seconds, OpenTelemetry's unit, so that
//     http.server.request.duration ([FieldDuration]) is in seconds, as zap's
//     production encoder writes it; a time is a time.Time; an error is its
//     Error() text under the field's key (no errorVerbose nor errorCauses);
//     an object is a group, an array a []any, a namespace (zap.Namespace)
//     a group holding the fields that follow it; []byte fields are copied;
//   - the logger's name, when it has one, is the attribute "logger", and a
//     stack trace, when the logger adds one, the attribute "stacktrace", as
//     zap's production encoder names them.
//
// The fields given to the logger's With (and to [FromContext]'s per-request
// logger) are attached once, with h.WithAttrs, not converted on every
// entry; those after a namespace are kept converted and added to each
// record in their group, so that the logger's name and the stack trace
// stay at the top, as zap writes them. Whether a level is logged is
// h.Enabled's answer, asked with context.Background(): zap entries carry
// no context, and Handle is called with context.Background() too. An
// error of h.Handle goes to the logger's ErrorOutput, as zap reports a
// failed write. Sync does nothing: an slog.Handler has nothing to flush.
//
// Slog panics when h is nil.
func Slog(h slog.Handler) *zap.Logger {
	if h == nil {
		panic("logging: Slog: nil handler")
	}
	return zap.New(&slogCore{h: h})
}

// SlogFromContext returns the per-request logger of the request whose context is
// ctx, the one [FromContext] returns, as an *slog.Logger: its entries carry the
// request ID, method and path (and the trace fields FromContext adds) and go to
// the same place as FromContext's. Without an access-log layer in front, SlogFromContext
// returns slog.Default(), as FromContext returns zap.L(); never nil.
//
// When the access log's logger is [Slog](h), the logger returned is
// slog.New over h with FromContext's fields attached: the attributes the
// application logs reach h as it gave them (a slog.Duration stays a
// duration). Otherwise it is a zapslog handler over FromContext's zap core
// and name, which turns slog's attributes into zap fields; its entries carry
// no caller and no stack trace, whatever the zap logger's options, which a
// core cannot see.
func SlogFromContext(ctx context.Context) *slog.Logger {
	if el, _ := errorLogSlot.Get(ctx); el == nil {
		return slog.Default()
	}
	l := FromContext(ctx)
	if c, ok := l.Core().(*slogCore); ok {
		return slog.New(c.handler(l.Name()))
	}
	return slog.New(zapslog.NewHandler(l.Core(), zapslog.WithName(l.Name()), zapslog.AddStacktraceAt(slog.Level(math.MaxInt))))
}

// slogCore is the zapcore.Core of [Slog]: it writes every entry to h.
//
// The fields of With before its first namespace are attached to h; the
// namespaces and the fields that follow them are kept in open, converted,
// and added to each record as groups. (h.WithGroup would put every
// attribute of a record in the group, the logger's name and the stack trace
// too, which zap writes at the top.)
type slogCore struct {
	h    slog.Handler
	open []attrFrame
}

var _ zapcore.Core = (*slogCore)(nil)

// slogLevel is the slog level of a zap level: DPanic, Panic and Fatal are
// errors, and anything below Info is Debug.
func slogLevel(l zapcore.Level) slog.Level {
	switch {
	case l >= zapcore.ErrorLevel:
		return slog.LevelError
	case l == zapcore.WarnLevel:
		return slog.LevelWarn
	case l == zapcore.InfoLevel:
		return slog.LevelInfo
	}
	return slog.LevelDebug
}

// Enabled reports whether the handler takes records of level l.
func (c *slogCore) Enabled(l zapcore.Level) bool {
	return c.h.Enabled(context.Background(), slogLevel(l))
}

// With returns a core with fs added: the attributes before the first
// namespace attached to the handler with WithAttrs, the namespaces and the
// attributes after them kept for each record (see slogCore).
func (c *slogCore) With(fs []zapcore.Field) zapcore.Core {
	if len(fs) == 0 {
		return c
	}
	enc := attrEncoder{open: c.openFrames()}
	for i := range fs {
		enc.addField(fs[i])
	}
	h := c.h
	if len(enc.top.attrs) > 0 {
		h = h.WithAttrs(enc.top.attrs)
	}
	return &slogCore{h: h, open: enc.open}
}

// openFrames is a copy of c.open that appending to does not change c.open.
func (c *slogCore) openFrames() []attrFrame {
	if len(c.open) == 0 {
		return nil
	}
	open := make([]attrFrame, len(c.open))
	for i, fr := range c.open {
		open[i] = attrFrame{key: fr.key, attrs: slices.Clip(fr.attrs)}
	}
	return open
}

// handler is c's handler with the logger's name and c's namespaces attached,
// for [SlogFromContext].
func (c *slogCore) handler(name string) slog.Handler {
	h := c.h
	if name != "" {
		h = h.WithAttrs([]slog.Attr{slog.String("logger", name)})
	}
	for _, fr := range c.open {
		h = h.WithGroup(fr.key)
		if len(fr.attrs) > 0 {
			h = h.WithAttrs(fr.attrs)
		}
	}
	return h
}

// Check adds the core to ce when the handler takes the entry's level.
func (c *slogCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(ent.Level) {
		return ce.AddCore(ent, c)
	}
	return ce
}

// Write hands the entry, with fs, to the handler as one record.
func (c *slogCore) Write(ent zapcore.Entry, fs []zapcore.Field) error {
	var pc uintptr
	if ent.Caller.Defined && ent.Caller.PC != 0 {
		// zap's PC is a runtime.Frame's, one before the return address;
		// slog's is a return address, as runtime.Callers gives it.
		pc = ent.Caller.PC + 1
	}
	rec := slog.NewRecord(ent.Time, slogLevel(ent.Level), ent.Message, pc)
	var enc attrEncoder
	if ent.LoggerName != "" {
		enc.add(slog.String("logger", ent.LoggerName))
	}
	enc.open = c.openFrames()
	for i := range fs {
		enc.addField(fs[i])
	}
	if ent.Stack != "" {
		enc.closeAll()
		enc.add(slog.String("stacktrace", ent.Stack))
	}
	rec.AddAttrs(enc.finish()...)
	return c.h.Handle(context.Background(), rec)
}

// Sync does nothing: an slog.Handler has no Sync.
func (*slogCore) Sync() error { return nil }

// attrFrame is the attributes of one open namespace (key "" for the top).
type attrFrame struct {
	key   string
	attrs []slog.Attr
}

// attrEncoder is a zapcore.ObjectEncoder that makes slog attributes of zap
// fields. A namespace opens a frame: the attributes that follow go into it,
// and finish folds each frame into a group of the one before.
type attrEncoder struct {
	top  attrFrame
	open []attrFrame
}

var _ zapcore.ObjectEncoder = (*attrEncoder)(nil)

func (e *attrEncoder) add(a slog.Attr) {
	if n := len(e.open); n > 0 {
		e.open[n-1].attrs = append(e.open[n-1].attrs, a)
		return
	}
	e.top.attrs = append(e.top.attrs, a)
}

// addField adds f. An error is its Error() text alone: zap's own encoding of
// an error adds errorVerbose and errorCauses fields.
func (e *attrEncoder) addField(f zapcore.Field) {
	if f.Type == zapcore.ErrorType {
		e.AddString(f.Key, errorText(f.Interface.(error)))
		return
	}
	f.AddTo(e)
}

// closeAll folds the open namespaces into the top frame.
func (e *attrEncoder) closeAll() {
	for n := len(e.open); n > 0; n = len(e.open) {
		fr := e.open[n-1]
		e.open = e.open[:n-1]
		e.add(slog.Attr{Key: fr.key, Value: slog.GroupValue(fr.attrs...)})
	}
}

// finish folds the open namespaces and returns the top frame's attributes.
func (e *attrEncoder) finish() []slog.Attr {
	e.closeAll()
	return e.top.attrs
}

// errorText is err.Error(), "<nil>" for a nil pointer whose Error panics (as
// zap writes it), or the panic's text.
func errorText(err error) (s string) {
	defer func() {
		if r := recover(); r != nil {
			if v := reflect.ValueOf(err); v.Kind() == reflect.Pointer && v.IsNil() {
				s = "<nil>"
				return
			}
			s = fmt.Sprintf("PANIC=%v", r)
		}
	}()
	return err.Error()
}

func seconds(d time.Duration) float64 { return d.Seconds() }

// complexText is c as zap's JSON encoder writes it: 1+2i.
func complexText(c complex128) string {
	return strings.TrimSuffix(strings.TrimPrefix(strconv.FormatComplex(c, 'g', -1, 128), "("), ")")
}

func (e *attrEncoder) AddArray(key string, m zapcore.ArrayMarshaler) error {
	var a arrayEncoder
	err := m.MarshalLogArray(&a)
	e.add(slog.Any(key, a.elems))
	return err
}

func (e *attrEncoder) AddObject(key string, m zapcore.ObjectMarshaler) error {
	var o attrEncoder
	err := m.MarshalLogObject(&o)
	e.add(slog.Attr{Key: key, Value: slog.GroupValue(o.finish()...)})
	return err
}

func (e *attrEncoder) AddBinary(key string, v []byte) {
	e.add(slog.Any(key, append([]byte(nil), v...)))
}
func (e *attrEncoder) AddByteString(key string, v []byte) { e.add(slog.String(key, string(v))) }
func (e *attrEncoder) AddBool(key string, v bool)         { e.add(slog.Bool(key, v)) }
func (e *attrEncoder) AddComplex128(key string, v complex128) {
	e.add(slog.String(key, complexText(v)))
}

func (e *attrEncoder) AddComplex64(key string, v complex64) {
	e.add(slog.String(key, complexText(complex128(v))))
}

func (e *attrEncoder) AddDuration(key string, v time.Duration) {
	e.add(slog.Float64(key, seconds(v)))
}
func (e *attrEncoder) AddFloat64(key string, v float64) { e.add(slog.Float64(key, v)) }
func (e *attrEncoder) AddFloat32(key string, v float32) { e.add(slog.Float64(key, float64(v))) }
func (e *attrEncoder) AddInt(key string, v int)         { e.add(slog.Int(key, v)) }
func (e *attrEncoder) AddInt64(key string, v int64)     { e.add(slog.Int64(key, v)) }
func (e *attrEncoder) AddInt32(key string, v int32)     { e.add(slog.Int64(key, int64(v))) }
func (e *attrEncoder) AddInt16(key string, v int16)     { e.add(slog.Int64(key, int64(v))) }
func (e *attrEncoder) AddInt8(key string, v int8)       { e.add(slog.Int64(key, int64(v))) }
func (e *attrEncoder) AddString(key, v string)          { e.add(slog.String(key, v)) }
func (e *attrEncoder) AddTime(key string, v time.Time)  { e.add(slog.Time(key, v)) }
func (e *attrEncoder) AddUint(key string, v uint)       { e.add(slog.Uint64(key, uint64(v))) }
func (e *attrEncoder) AddUint64(key string, v uint64)   { e.add(slog.Uint64(key, v)) }
func (e *attrEncoder) AddUint32(key string, v uint32)   { e.add(slog.Uint64(key, uint64(v))) }
func (e *attrEncoder) AddUint16(key string, v uint16)   { e.add(slog.Uint64(key, uint64(v))) }
func (e *attrEncoder) AddUint8(key string, v uint8)     { e.add(slog.Uint64(key, uint64(v))) }
func (e *attrEncoder) AddUintptr(key string, v uintptr) { e.add(slog.Uint64(key, uint64(v))) }
func (e *attrEncoder) AddReflected(key string, v any) error {
	e.add(slog.Any(key, v))
	return nil
}
func (e *attrEncoder) OpenNamespace(key string) { e.open = append(e.open, attrFrame{key: key}) }

// arrayEncoder is a zapcore.ArrayEncoder that collects the elements of a
// zap array as Go values: durations as float64 seconds, objects as maps.
type arrayEncoder struct{ elems []any }

var _ zapcore.ArrayEncoder = (*arrayEncoder)(nil)

func (a *arrayEncoder) AppendArray(m zapcore.ArrayMarshaler) error {
	var inner arrayEncoder
	err := m.MarshalLogArray(&inner)
	a.elems = append(a.elems, inner.elems)
	return err
}

func (a *arrayEncoder) AppendObject(m zapcore.ObjectMarshaler) error {
	var o attrEncoder
	err := m.MarshalLogObject(&o)
	a.elems = append(a.elems, attrMap(o.finish()))
	return err
}

func (a *arrayEncoder) AppendReflected(v any) error {
	a.elems = append(a.elems, v)
	return nil
}
func (a *arrayEncoder) AppendBool(v bool)              { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendByteString(v []byte)      { a.elems = append(a.elems, string(v)) }
func (a *arrayEncoder) AppendComplex128(v complex128)  { a.elems = append(a.elems, complexText(v)) }
func (a *arrayEncoder) AppendComplex64(v complex64)    { a.AppendComplex128(complex128(v)) }
func (a *arrayEncoder) AppendFloat64(v float64)        { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendFloat32(v float32)        { a.elems = append(a.elems, float64(v)) }
func (a *arrayEncoder) AppendInt(v int)                { a.elems = append(a.elems, int64(v)) }
func (a *arrayEncoder) AppendInt64(v int64)            { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendInt32(v int32)            { a.elems = append(a.elems, int64(v)) }
func (a *arrayEncoder) AppendInt16(v int16)            { a.elems = append(a.elems, int64(v)) }
func (a *arrayEncoder) AppendInt8(v int8)              { a.elems = append(a.elems, int64(v)) }
func (a *arrayEncoder) AppendString(v string)          { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendUint(v uint)              { a.elems = append(a.elems, uint64(v)) }
func (a *arrayEncoder) AppendUint64(v uint64)          { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendUint32(v uint32)          { a.elems = append(a.elems, uint64(v)) }
func (a *arrayEncoder) AppendUint16(v uint16)          { a.elems = append(a.elems, uint64(v)) }
func (a *arrayEncoder) AppendUint8(v uint8)            { a.elems = append(a.elems, uint64(v)) }
func (a *arrayEncoder) AppendUintptr(v uintptr)        { a.elems = append(a.elems, uint64(v)) }
func (a *arrayEncoder) AppendDuration(v time.Duration) { a.elems = append(a.elems, seconds(v)) }
func (a *arrayEncoder) AppendTime(v time.Time)         { a.elems = append(a.elems, v) }

// attrMap is attrs as a map, groups as nested maps: an object in an array,
// where slog has no group.
func attrMap(attrs []slog.Attr) map[string]any {
	m := make(map[string]any, len(attrs))
	for _, a := range attrs {
		if v := a.Value.Resolve(); v.Kind() == slog.KindGroup {
			m[a.Key] = attrMap(v.Group())
		} else {
			m[a.Key] = v.Any()
		}
	}
	return m
}
