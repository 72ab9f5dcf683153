package logging

import (
	"errors"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// fuzzInput turns fuzz bytes into configs, entries and fields; past the
// end of the bytes it reads zeros.
type fuzzInput struct{ b []byte }

func (in *fuzzInput) byte() byte {
	if len(in.b) == 0 {
		return 0
	}
	c := in.b[0]
	in.b = in.b[1:]
	return c
}

func (in *fuzzInput) uint64() uint64 {
	var u uint64
	for range 8 {
		u = u<<8 | uint64(in.byte())
	}
	return u
}

// string reads a length byte and up to that many bytes (at most 63): the
// fuzzer picks every byte, invalid UTF-8 and control characters included.
func (in *fuzzInput) string() string {
	n := min(int(in.byte()%64), len(in.b))
	s := string(in.b[:n])
	in.b = in.b[n:]
	return s
}

// fields reads up to n fields, nesting objects and arrays to depth 3.
func (in *fuzzInput) fields(n, depth int) []zapcore.Field {
	var fs []zapcore.Field
	for range n {
		if len(in.b) == 0 {
			break
		}
		fs = append(fs, in.field(depth))
	}
	return fs
}

// field reads one field of any type.
func (in *fuzzInput) field(depth int) zapcore.Field {
	op := in.byte()
	key := in.string()
	switch op % 20 {
	case 0:
		return zap.String(key, in.string())
	case 1:
		return zap.Int64(key, int64(in.uint64()))
	case 2:
		typ := integerTypes[int(in.byte())%len(integerTypes)]
		return zapcore.Field{Key: key, Type: typ, Integer: int64(in.uint64()), String: in.string()}
	case 3:
		return zap.Float64(key, in.float())
	case 4:
		return zap.Float32(key, float32(in.float()))
	case 5:
		return zap.Duration(key, time.Duration(in.uint64()>>in.byte()%64))
	case 6:
		return zap.Time(key, time.Unix(0, int64(in.uint64())).In(time.FixedZone("Z", int(int16(in.uint64()))*60)))
	case 7:
		return zap.Binary(key, []byte(in.string()))
	case 8:
		return zap.ByteString(key, []byte(in.string()))
	case 9:
		return zap.Namespace(key)
	case 10, 11:
		sub := in.nested(depth)
		if op%20 == 10 {
			return zap.Object(key, sub)
		}
		return zap.Inline(sub)
	case 12:
		return zap.Array(key, in.array(depth))
	default:
		return in.richField(op%20, key)
	}
}

// richField reads a field of the types with an Interface, or a bool or
// uint64.
func (in *fuzzInput) richField(op byte, key string) zapcore.Field {
	switch op {
	case 13:
		return zap.Reflect(key, map[string]any{in.string(): in.string(), "f": in.float()})
	case 14:
		return zap.Stringer(key, stringer{in.string()})
	case 15:
		return zap.NamedError(key, richError{in.string()})
	case 16:
		return zap.Complex128(key, complex(in.float(), in.float()))
	case 17:
		return zap.Strings(key, []string{in.string(), in.string()})
	case 18:
		return zap.Bool(key, in.byte()&1 == 1)
	default:
		return zap.Uint64(key, in.uint64())
	}
}

// integerTypes are the field types that need no Interface: built by hand
// with any Integer, a narrow type's out-of-range value included.
var integerTypes = []zapcore.FieldType{
	zapcore.BoolType, zapcore.DurationType, zapcore.Float64Type, zapcore.Float32Type, zapcore.Int64Type,
	zapcore.Int32Type, zapcore.Int16Type, zapcore.Int8Type, zapcore.StringType, zapcore.TimeType, zapcore.Uint64Type,
	zapcore.Uint32Type, zapcore.Uint16Type, zapcore.Uint8Type, zapcore.UintptrType, zapcore.NamespaceType, zapcore.SkipType,
}

// float reads a float64, often one of the hard ones.
func (in *fuzzInput) float() float64 {
	if c := in.byte(); c < 128 {
		return hardFloats[int(c)%len(hardFloats)]
	} else if c < 192 {
		return float64(int64(in.uint64())%1e16) / math.Pow10(int(c%20))
	}
	return math.Float64frombits(in.uint64())
}

// nested reads an object's fields, or none past the depth limit.
func (in *fuzzInput) nested(depth int) zapcore.ObjectMarshaler {
	var fs []zapcore.Field
	if depth < 3 {
		fs = in.fields(int(in.byte()%6), depth+1)
	}
	return zapcore.ObjectMarshalerFunc(func(enc zapcore.ObjectEncoder) error {
		for i := range fs {
			fs[i].AddTo(enc)
		}
		return nil
	})
}

// array reads an array's elements: primitives, objects and arrays.
func (in *fuzzInput) array(depth int) zapcore.ArrayMarshaler {
	var elems []func(zapcore.ArrayEncoder) error
	for n := int(in.byte() % 6); n > 0 && depth < 3; n-- {
		switch in.byte() % 6 {
		case 0:
			s := in.string()
			elems = append(elems, func(e zapcore.ArrayEncoder) error { e.AppendString(s); return nil })
		case 1:
			f := in.float()
			elems = append(elems, func(e zapcore.ArrayEncoder) error { e.AppendFloat64(f); return nil })
		case 2:
			obj := in.nested(depth + 1)
			elems = append(elems, func(e zapcore.ArrayEncoder) error { return e.AppendObject(obj) })
		case 3:
			arr := in.array(depth + 1)
			elems = append(elems, func(e zapcore.ArrayEncoder) error { return e.AppendArray(arr) })
		case 4:
			d := time.Duration(in.uint64())
			elems = append(elems, func(e zapcore.ArrayEncoder) error { e.AppendDuration(d); return nil })
		default:
			b := []byte(in.string())
			elems = append(elems, func(e zapcore.ArrayEncoder) error { e.AppendByteString(b); return nil })
		}
	}
	return zapcore.ArrayMarshalerFunc(func(e zapcore.ArrayEncoder) error {
		for _, el := range elems {
			if err := el(e); err != nil {
				return err
			}
		}
		return errors.New("array \"done\"")
	})
}

// FuzzJSONEncoder compares JSONEncoder with zap's JSON encoder on random
// configs, entries, With fields and field sequences.
func FuzzJSONEncoder(f *testing.F) {
	f.Add([]byte("\x00\x05hello\x0bh\xffllo\x00\n\x0d"))
	f.Add([]byte("\x02\x0a\x00\x04key\"\x0c\x05value\x09\x02ns\x0a\x02ob\x03\x00\x01k\x03v\x1f\x00"))
	f.Add([]byte("\x07\x03\x02\x03\x03\x04\xc5\x00\x00\x00\x00\x07\x5b\xcd\x15\x0c\x02ar\x05\x00\x01\xe2\x02\x03\x03\x03"))
	cs := configs()
	names := slices.Sorted(maps.Keys(cs))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &fuzzInput{b: data}
		cfg := cs[names[int(in.byte())%len(names)]]
		ent := zapcore.Entry{
			Level: zapcore.Level(int8(in.byte()%8) - 2), Message: in.string(), LoggerName: in.string(),
		}
		if c := in.byte(); c&1 == 1 {
			ent.Time = time.Unix(0, int64(in.uint64()))
		}
		if c := in.byte(); c&1 == 1 {
			ent.Caller = zapcore.NewEntryCaller(0, in.string(), int(in.byte()), true)
			ent.Caller.Function = in.string()
			ent.Stack = in.string()
		}
		with := in.fields(int(in.byte()%4), 0)
		fields := in.fields(64, 0)
		checkSame(t, cfg, with, ent, fields)
	})
}
