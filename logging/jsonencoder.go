package logging

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"math"
	"sync"
	"time"
	"unicode/utf8"

	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
)

// JSONEncoder returns a zapcore.Encoder that writes the same bytes as
// zapcore.NewJSONEncoder(cfg), with fewer instructions per entry: plain
// ASCII keys and values are copied after one word-at-a-time scan instead of
// a byte-at-a-time one, and the common field types are encoded without
// going through zapcore.Field.AddTo's interface calls.
//
// It is what JSON uses. A program that builds its own zap core can use it
// in place of zap's encoder:
//
//	core := zapcore.NewCore(logging.JSONEncoder(cfg), ws, zapcore.InfoLevel)
//
// The output is byte-identical to zap's JSON encoder of the version in
// wsgo's go.mod (its tests compare both, field type by field type and on
// random field sequences) for every field type, entry, With prefix and
// namespace, whenever the config's callbacks (EncodeLevel, EncodeTime,
// EncodeDuration, EncodeCaller, EncodeName) use only the
// zapcore.PrimitiveArrayEncoder they are given, plus the
// AppendTimeLayout(time.Time, string) method zap's own time encoders look
// for. A callback that writes nothing gets zap's fallback; one that appends
// twice gets zap's separator between the two values.
func JSONEncoder(cfg zapcore.EncoderConfig) zapcore.Encoder {
	if cfg.SkipLineEnding {
		cfg.LineEnding = ""
	} else if cfg.LineEnding == "" {
		cfg.LineEnding = zapcore.DefaultLineEnding
	}
	if cfg.NewReflectedEncoder == nil {
		cfg.NewReflectedEncoder = defaultReflectedEncoder
	}
	return &jsonEncoder{cfg: &jsonConfig{EncoderConfig: cfg}, buf: jsonBuffers.Get()}
}

// jsonConfig is an encoder's config, and whether its level, time and
// duration callbacks are the ones JSON sets (zap's LowercaseLevelEncoder,
// ISO8601TimeEncoder and SecondsDurationEncoder), which the encoder then
// writes as they would without calling them. Only JSON says so: a function
// value cannot be compared, so JSONEncoder cannot tell.
type jsonConfig struct {
	zapcore.EncoderConfig
	standard bool
}

// standardJSONEncoder is JSONEncoder for JSON's config, whose level, time
// and duration callbacks JSON set to zap's LowercaseLevelEncoder,
// ISO8601TimeEncoder and SecondsDurationEncoder.
func standardJSONEncoder(cfg zapcore.EncoderConfig) zapcore.Encoder {
	enc := JSONEncoder(cfg).(*jsonEncoder)
	enc.cfg.standard = true
	return enc
}

// defaultReflectedEncoder is zap's default for AddReflected: encoding/json
// without HTML escaping, as zap's own JSON encoder does.
func defaultReflectedEncoder(w io.Writer) zapcore.ReflectedEncoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}

var (
	// jsonBuffers holds the buffers entries are written to; the core frees
	// each one after writing it, as with zap's own encoder.
	jsonBuffers = buffer.NewPool()
	// jsonEncoders recycles the per-entry encoder EncodeEntry uses; nothing
	// outside the call (the observer, a handler) ever sees it.
	jsonEncoders = sync.Pool{New: func() any { return &jsonEncoder{} }}
)

// jsonEncoder is zap's JSON encoder's state (without the console encoder's
// spacing): the config, the buffer, the namespaces open at its end.
type jsonEncoder struct {
	cfg            *jsonConfig
	buf            *buffer.Buffer
	openNamespaces int

	// for AddReflected, made on first use
	reflectBuf *buffer.Buffer
	reflectEnc zapcore.ReflectedEncoder
}

// Clone copies the encoder and the fields added to it (zap's With).
func (enc *jsonEncoder) Clone() zapcore.Encoder {
	clone := &jsonEncoder{cfg: enc.cfg, buf: jsonBuffers.Get(), openNamespaces: enc.openNamespaces}
	clone.buf.AppendBytes(enc.buf.Bytes())
	return clone
}

// EncodeEntry writes the entry and its fields, after the encoder's own, as
// zap's JSON encoder does.
func (enc *jsonEncoder) EncodeEntry(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	final := jsonEncoders.Get().(*jsonEncoder)
	final.cfg = enc.cfg
	final.openNamespaces = enc.openNamespaces
	final.buf = jsonBuffers.Get()
	final.buf.AppendByte('{')
	final.encodeHeader(&ent)
	if enc.buf.Len() > 0 {
		final.addElementSeparator()
		final.buf.AppendBytes(enc.buf.Bytes())
	}
	for i := range fields {
		final.addField(&fields[i])
	}
	final.closeOpenNamespaces()
	if ent.Stack != "" && final.cfg.StacktraceKey != "" {
		final.AddString(final.cfg.StacktraceKey, ent.Stack)
	}
	final.buf.AppendByte('}')
	final.buf.AppendString(final.cfg.LineEnding)
	ret := final.buf
	final.free()
	return ret, nil
}

// free returns a per-entry encoder to the pool, keeping nothing of the entry.
func (enc *jsonEncoder) free() {
	if enc.reflectBuf != nil {
		enc.reflectBuf.Free()
	}
	*enc = jsonEncoder{}
	jsonEncoders.Put(enc)
}

// encodeHeader writes the level, time, logger name, caller, function and
// message, each when its key is set, with zap's fallbacks for callbacks
// that write nothing.
func (enc *jsonEncoder) encodeHeader(ent *zapcore.Entry) {
	cfg := enc.cfg
	if cfg.LevelKey != "" && cfg.standard {
		enc.addKey(cfg.LevelKey)
		enc.AppendString(ent.Level.String())
	} else if cfg.LevelKey != "" && cfg.EncodeLevel != nil {
		enc.addKey(cfg.LevelKey)
		cur := enc.buf.Len()
		cfg.EncodeLevel(ent.Level, enc)
		if cur == enc.buf.Len() {
			enc.AppendString(ent.Level.String())
		}
	}
	if cfg.TimeKey != "" && !ent.Time.IsZero() {
		enc.AddTime(cfg.TimeKey, ent.Time)
	}
	if ent.LoggerName != "" && cfg.NameKey != "" {
		enc.addKey(cfg.NameKey)
		cur := enc.buf.Len()
		nameEncoder := cfg.EncodeName
		if nameEncoder == nil {
			nameEncoder = zapcore.FullNameEncoder
		}
		nameEncoder(ent.LoggerName, enc)
		if cur == enc.buf.Len() {
			enc.AppendString(ent.LoggerName)
		}
	}
	if ent.Caller.Defined {
		enc.encodeCaller(ent.Caller)
	}
	if cfg.MessageKey != "" {
		enc.AddString(cfg.MessageKey, ent.Message)
	}
}

// encodeCaller writes the caller and function keys of a defined caller.
func (enc *jsonEncoder) encodeCaller(caller zapcore.EntryCaller) {
	cfg := enc.cfg
	if cfg.CallerKey != "" {
		enc.addKey(cfg.CallerKey)
		cur := enc.buf.Len()
		cfg.EncodeCaller(caller, enc)
		if cur == enc.buf.Len() {
			enc.AppendString(caller.String())
		}
	}
	if cfg.FunctionKey != "" {
		enc.AddString(cfg.FunctionKey, caller.Function)
	}
}

// addField writes the common field types directly and hands the others to
// zapcore.Field.AddTo, which calls back into the encoder (and adds zap's
// "<key>Error" field when a marshaler, a Stringer or an error fails).
func (enc *jsonEncoder) addField(f *zapcore.Field) {
	switch f.Type {
	case zapcore.StringType:
		enc.AddString(f.Key, f.String)
	case zapcore.Int64Type:
		enc.AddInt64(f.Key, f.Integer)
	case zapcore.DurationType:
		enc.AddDuration(f.Key, time.Duration(f.Integer))
	case zapcore.BoolType:
		enc.AddBool(f.Key, f.Integer == 1)
	case zapcore.Float64Type:
		enc.AddFloat64(f.Key, math.Float64frombits(uint64(f.Integer)))
	default:
		f.AddTo(enc)
	}
}

// addKey writes a separator when one is needed, then the key, escaped and
// quoted, and a colon.
func (enc *jsonEncoder) addKey(key string) {
	enc.openKey(key)
	enc.buf.AppendString(`":`)
}

// openKey writes a separator when one is needed, a quote and the key,
// escaped: the key without its closing quote, which its caller writes
// with what follows it (`":` or, before a string, `":"`).
func (enc *jsonEncoder) openKey(key string) {
	buf := enc.buf
	if enc.needsSeparator() {
		buf.AppendString(`,"`)
	} else {
		buf.AppendByte('"')
	}
	if i := plainPrefix(key); i < len(key) {
		appendJSONEscaped(buf, key, i, (*buffer.Buffer).AppendString, utf8.DecodeRuneInString)
		return
	}
	buf.AppendString(key)
}

// addPlainKey writes a separator when one is needed and key, a key already
// written as JSON (quoted, with its colon): one of logging's own
// constants, plain ASCII, which openKey would copy as it is.
func (enc *jsonEncoder) addPlainKey(key string) {
	if enc.needsSeparator() {
		enc.buf.AppendByte(',')
	}
	enc.buf.AppendString(key)
}

// addPlainString is AddString for a key written as addPlainKey takes it,
// with the opening quote of its value.
func (enc *jsonEncoder) addPlainString(key, val string) {
	enc.addPlainKey(key)
	buf := enc.buf
	if i := plainPrefix(val); i < len(val) {
		appendJSONEscaped(buf, val, i, (*buffer.Buffer).AppendString, utf8.DecodeRuneInString)
	} else {
		buf.AppendString(val)
	}
	buf.AppendByte('"')
}

// addElementSeparator is zap's rule: a comma unless the buffer is empty or
// ends in an opening bracket, a colon, a comma or a space.
func (enc *jsonEncoder) addElementSeparator() {
	if enc.needsSeparator() {
		enc.buf.AppendByte(',')
	}
}

// needsSeparator is zap's rule for a comma: unless the buffer is empty or
// ends in an opening bracket, a colon, a comma or a space. Following the
// same rule (not tracking state) keeps callbacks that write twice, or
// write nothing, identical to zap.
func (enc *jsonEncoder) needsSeparator() bool {
	bs := enc.buf.Bytes()
	if len(bs) == 0 {
		return false
	}
	switch bs[len(bs)-1] {
	case '{', '[', ':', ',', ' ':
		return false
	}
	return true
}

// closeOpenNamespaces closes the namespaces opened since the last object
// began.
func (enc *jsonEncoder) closeOpenNamespaces() {
	for i := 0; i < enc.openNamespaces; i++ {
		enc.buf.AppendByte('}')
	}
	enc.openNamespaces = 0
}

// encodeReflected encodes obj with the config's reflected encoder into the
// encoder's second buffer, without the newline encoding/json appends.
func (enc *jsonEncoder) encodeReflected(obj any) ([]byte, error) {
	if obj == nil {
		return []byte("null"), nil
	}
	if enc.reflectBuf == nil {
		enc.reflectBuf = jsonBuffers.Get()
		enc.reflectEnc = enc.cfg.NewReflectedEncoder(enc.reflectBuf)
	} else {
		enc.reflectBuf.Reset()
	}
	if err := enc.reflectEnc.Encode(obj); err != nil {
		return nil, err
	}
	enc.reflectBuf.TrimNewline()
	return enc.reflectBuf.Bytes(), nil
}

// appendBase64 writes val in standard base64, in chunks of a multiple of
// three bytes so the chunks' encodings join into the whole one's.
func (enc *jsonEncoder) appendBase64(val []byte) {
	var out [64]byte
	for len(val) > 0 {
		n := min(len(val), 48)
		base64.StdEncoding.Encode(out[:], val[:n])
		enc.buf.AppendBytes(out[:base64.StdEncoding.EncodedLen(n)])
		val = val[n:]
	}
}
