package logging

import (
	"time"

	"go.uber.org/zap/zapcore"
)

// accessEntry is what every access entry carries, its first thirteen
// fields, marshaled inline (zap.Inline): the fields read as thirteen fields
// of the entry, in this order, to every encoder and to zap's observer.
//
// It is made for each entry and never reused: zap's observer keeps an
// entry's fields and marshals them again when a test reads them. Its
// values are fixed when it is made; marshaling only writes them.
//
// Written by JSONEncoder, each key is appended as one constant with its
// quotes and colon (keys below), not scanned for characters to escape:
// the keys are constants of plain ASCII (TestAccessKeysArePlain). Any other
// encoder gets zapcore.ObjectEncoder's calls, the bytes it would write for
// thirteen fields.
type accessEntry struct {
	method, path, query, protocol string
	status                        int // no field when 0
	written, requestSize          int64
	duration                      time.Duration
	client, userAgent, referer    string
	host, requestID               string
}

// The keys of accessEntry, as JSONEncoder writes a key: quoted, with the
// colon, and before a string value its opening quote.
const (
	keyMethod       = `"` + FieldMethod + `":"`
	keyPath         = `"` + FieldPath + `":"`
	keyQuery        = `"` + FieldQuery + `":"`
	keyProtocol     = `"` + FieldProtocol + `":"`
	keyStatus       = `"` + FieldStatus + `":`
	keyResponseSize = `"` + FieldResponseSize + `":`
	keyRequestSize  = `"` + FieldRequestSize + `":`
	keyDuration     = `"` + FieldDuration + `":`
	keyClient       = `"` + FieldClient + `":"`
	keyUserAgent    = `"` + FieldUserAgent + `":"`
	keyReferer      = `"` + FieldReferer + `":"`
	keyHost         = `"` + FieldHost + `":"`
	keyRequestID    = `"` + FieldRequestID + `":"`
)

// MarshalLogObject writes the fields to enc.
func (e *accessEntry) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	if j, ok := enc.(*jsonEncoder); ok {
		e.appendJSON(j)
		return nil
	}
	enc.AddString(FieldMethod, e.method)
	enc.AddString(FieldPath, e.path)
	enc.AddString(FieldQuery, e.query)
	enc.AddString(FieldProtocol, e.protocol)
	if e.status != 0 {
		enc.AddInt64(FieldStatus, int64(e.status)) // as zap.Int: Int64Type
	}
	enc.AddInt64(FieldResponseSize, e.written)
	enc.AddInt64(FieldRequestSize, e.requestSize)
	enc.AddDuration(FieldDuration, e.duration)
	enc.AddString(FieldClient, e.client)
	enc.AddString(FieldUserAgent, e.userAgent)
	enc.AddString(FieldReferer, e.referer)
	enc.AddString(FieldHost, e.host)
	enc.AddString(FieldRequestID, e.requestID)
	return nil
}

// appendJSON writes the fields as MarshalLogObject's calls to j would.
func (e *accessEntry) appendJSON(j *jsonEncoder) {
	j.addPlainString(keyMethod, e.method)
	j.addPlainString(keyPath, e.path)
	j.addPlainString(keyQuery, e.query)
	j.addPlainString(keyProtocol, e.protocol)
	if e.status != 0 {
		j.addPlainKey(keyStatus)
		j.buf.AppendInt(int64(e.status))
	}
	j.addPlainKey(keyResponseSize)
	j.buf.AppendInt(e.written)
	j.addPlainKey(keyRequestSize)
	j.buf.AppendInt(e.requestSize)
	j.addPlainKey(keyDuration)
	j.AppendDuration(e.duration)
	j.addPlainString(keyClient, e.client)
	j.addPlainString(keyUserAgent, e.userAgent)
	j.addPlainString(keyReferer, e.referer)
	j.addPlainString(keyHost, e.host)
	j.addPlainString(keyRequestID, e.requestID)
}
