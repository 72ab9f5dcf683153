package logging

import (
	"time"
	"unicode/utf8"

	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
)

// The methods of zapcore.ObjectEncoder and zapcore.ArrayEncoder, each
// writing what zap's JSON encoder writes.

// AddArray implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddArray(key string, arr zapcore.ArrayMarshaler) error {
	enc.addKey(key)
	return enc.AppendArray(arr)
}

// AddObject implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddObject(key string, obj zapcore.ObjectMarshaler) error {
	enc.addKey(key)
	return enc.AppendObject(obj)
}

// AddBinary implements zapcore.ObjectEncoder: base64, as a string.
func (enc *jsonEncoder) AddBinary(key string, val []byte) {
	enc.addKey(key)
	enc.buf.AppendByte('"')
	enc.appendBase64(val)
	enc.buf.AppendByte('"')
}

// AddByteString implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddByteString(key string, val []byte) {
	enc.addKey(key)
	enc.AppendByteString(val)
}

// AddBool implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddBool(key string, val bool) {
	enc.addKey(key)
	enc.AppendBool(val)
}

// AddComplex128 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddComplex128(key string, val complex128) {
	enc.addKey(key)
	enc.AppendComplex128(val)
}

// AddComplex64 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddComplex64(key string, val complex64) {
	enc.addKey(key)
	enc.AppendComplex64(val)
}

// AddDuration implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddDuration(key string, val time.Duration) {
	enc.addKey(key)
	enc.AppendDuration(val)
}

// AddFloat64 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddFloat64(key string, val float64) {
	enc.addKey(key)
	enc.AppendFloat64(val)
}

// AddFloat32 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddFloat32(key string, val float32) {
	enc.addKey(key)
	enc.AppendFloat32(val)
}

// AddInt64 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddInt64(key string, val int64) {
	enc.addKey(key)
	enc.buf.AppendInt(val)
}

// AddReflected implements zapcore.ObjectEncoder: the config's reflected
// encoder's output, without its trailing newline; nothing (not even the
// key) when it fails.
func (enc *jsonEncoder) AddReflected(key string, obj any) error {
	valueBytes, err := enc.encodeReflected(obj)
	if err != nil {
		return err
	}
	enc.addKey(key)
	_, err = enc.buf.Write(valueBytes)
	return err
}

// OpenNamespace implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) OpenNamespace(key string) {
	enc.addKey(key)
	enc.buf.AppendByte('{')
	enc.openNamespaces++
}

// AddString implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddString(key, val string) {
	enc.openKey(key)
	buf := enc.buf
	buf.AppendString(`":"`)
	if i := plainPrefix(val); i < len(val) {
		appendJSONEscaped(buf, val, i, (*buffer.Buffer).AppendString, utf8.DecodeRuneInString)
	} else {
		buf.AppendString(val)
	}
	buf.AppendByte('"')
}

// AddTime implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddTime(key string, val time.Time) {
	enc.addKey(key)
	enc.AppendTime(val)
}

// AddUint64 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddUint64(key string, val uint64) {
	enc.addKey(key)
	enc.buf.AppendUint(val)
}

// AddInt implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddInt(k string, v int) { enc.AddInt64(k, int64(v)) }

// AddInt32 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddInt32(k string, v int32) { enc.AddInt64(k, int64(v)) }

// AddInt16 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddInt16(k string, v int16) { enc.AddInt64(k, int64(v)) }

// AddInt8 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddInt8(k string, v int8) { enc.AddInt64(k, int64(v)) }

// AddUint implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddUint(k string, v uint) { enc.AddUint64(k, uint64(v)) }

// AddUint32 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddUint32(k string, v uint32) { enc.AddUint64(k, uint64(v)) }

// AddUint16 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddUint16(k string, v uint16) { enc.AddUint64(k, uint64(v)) }

// AddUint8 implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddUint8(k string, v uint8) { enc.AddUint64(k, uint64(v)) }

// AddUintptr implements zapcore.ObjectEncoder.
func (enc *jsonEncoder) AddUintptr(k string, v uintptr) { enc.AddUint64(k, uint64(v)) }

// AppendArray implements zapcore.ArrayEncoder.
func (enc *jsonEncoder) AppendArray(arr zapcore.ArrayMarshaler) error {
	enc.addElementSeparator()
	enc.buf.AppendByte('[')
	err := arr.MarshalLogArray(enc)
	enc.buf.AppendByte(']')
	return err
}

// AppendObject implements zapcore.ArrayEncoder. It closes the namespaces
// the object opened, and only those.
func (enc *jsonEncoder) AppendObject(obj zapcore.ObjectMarshaler) error {
	old := enc.openNamespaces
	enc.openNamespaces = 0
	enc.addElementSeparator()
	enc.buf.AppendByte('{')
	err := obj.MarshalLogObject(enc)
	enc.buf.AppendByte('}')
	enc.closeOpenNamespaces()
	enc.openNamespaces = old
	return err
}

// AppendBool implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendBool(val bool) {
	enc.addElementSeparator()
	enc.buf.AppendBool(val)
}

// AppendByteString implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendByteString(val []byte) {
	enc.addElementSeparator()
	enc.buf.AppendByte('"')
	appendJSONBytes(enc.buf, val)
	enc.buf.AppendByte('"')
}

// appendComplex writes a complex number as zap does: a string of the real
// and imaginary parts, formatted at the given precision.
func (enc *jsonEncoder) appendComplex(val complex128, precision int) {
	enc.addElementSeparator()
	r, i := real(val), imag(val)
	enc.buf.AppendByte('"')
	enc.buf.AppendFloat(r, precision)
	if i >= 0 {
		enc.buf.AppendByte('+')
	}
	enc.buf.AppendFloat(i, precision)
	enc.buf.AppendString(`i"`)
}

// AppendDuration implements zapcore.PrimitiveArrayEncoder, with the
// config's EncodeDuration, or nanoseconds when that writes nothing.
func (enc *jsonEncoder) AppendDuration(val time.Duration) {
	if enc.cfg.standard {
		enc.AppendFloat64(float64(val) / float64(time.Second))
		return
	}
	cur := enc.buf.Len()
	if e := enc.cfg.EncodeDuration; e != nil {
		e(val, enc)
	}
	if cur == enc.buf.Len() {
		enc.AppendInt64(int64(val))
	}
}

// AppendInt64 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendInt64(val int64) {
	enc.addElementSeparator()
	enc.buf.AppendInt(val)
}

// AppendReflected implements zapcore.ArrayEncoder.
func (enc *jsonEncoder) AppendReflected(val any) error {
	valueBytes, err := enc.encodeReflected(val)
	if err != nil {
		return err
	}
	enc.addElementSeparator()
	_, err = enc.buf.Write(valueBytes)
	return err
}

// AppendString implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendString(val string) {
	enc.addElementSeparator()
	enc.buf.AppendByte('"')
	appendJSONString(enc.buf, val)
	enc.buf.AppendByte('"')
}

// AppendTimeLayout writes t in the layout, quoted; zap's time encoders
// (ISO8601TimeEncoder, RFC3339TimeEncoder, ...) use it when the encoder
// has it.
func (enc *jsonEncoder) AppendTimeLayout(t time.Time, layout string) {
	enc.addElementSeparator()
	enc.buf.AppendByte('"')
	appendTimeLayout(enc.buf, t, layout)
	enc.buf.AppendByte('"')
}

// AppendTime implements zapcore.PrimitiveArrayEncoder, with the config's
// EncodeTime, or nanoseconds since the epoch when that writes nothing.
func (enc *jsonEncoder) AppendTime(val time.Time) {
	if enc.cfg.standard {
		enc.AppendTimeLayout(val, iso8601Layout)
		return
	}
	cur := enc.buf.Len()
	if e := enc.cfg.EncodeTime; e != nil {
		e(val, enc)
	}
	if cur == enc.buf.Len() {
		enc.AppendInt64(val.UnixNano())
	}
}

// AppendUint64 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendUint64(val uint64) {
	enc.addElementSeparator()
	enc.buf.AppendUint(val)
}

// AppendFloat64 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendFloat64(v float64) {
	enc.addElementSeparator()
	appendJSONFloat(enc.buf, v, 64)
}

// AppendFloat32 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendFloat32(v float32) {
	enc.addElementSeparator()
	appendJSONFloat(enc.buf, float64(v), 32)
}

// AppendComplex64 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendComplex64(v complex64) { enc.appendComplex(complex128(v), 32) }

// AppendComplex128 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendComplex128(v complex128) { enc.appendComplex(v, 64) }

// AppendInt implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendInt(v int) { enc.AppendInt64(int64(v)) }

// AppendInt32 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendInt32(v int32) { enc.AppendInt64(int64(v)) }

// AppendInt16 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendInt16(v int16) { enc.AppendInt64(int64(v)) }

// AppendInt8 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendInt8(v int8) { enc.AppendInt64(int64(v)) }

// AppendUint implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendUint(v uint) { enc.AppendUint64(uint64(v)) }

// AppendUint32 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendUint32(v uint32) { enc.AppendUint64(uint64(v)) }

// AppendUint16 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendUint16(v uint16) { enc.AppendUint64(uint64(v)) }

// AppendUint8 implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendUint8(v uint8) { enc.AppendUint64(uint64(v)) }

// AppendUintptr implements zapcore.PrimitiveArrayEncoder.
func (enc *jsonEncoder) AppendUintptr(v uintptr) { enc.AppendUint64(uint64(v)) }
