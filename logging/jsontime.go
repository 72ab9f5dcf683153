package logging

import (
	"time"

	"go.uber.org/zap/buffer"
)

// iso8601Layout is the layout of zapcore.ISO8601TimeEncoder, the time
// encoder of JSON.
const iso8601Layout = "2006-01-02T15:04:05.000Z0700"

// appendTimeLayout appends t.AppendFormat(layout): for the ISO 8601
// layout, of a year from 0 to 9999 and an offset under 100 hours, by hand,
// writing what time's formatter writes (milliseconds truncated, "Z" for
// UTC, the offset's seconds dropped) without parsing the layout each time.
func appendTimeLayout(buf *buffer.Buffer, t time.Time, layout string) {
	year, month, day := t.Date()
	_, offset := t.Zone()
	if layout != iso8601Layout || year < 0 || year > 9999 || offset <= -100*3600 || offset >= 100*3600 {
		buf.AppendTime(t, layout)
		return
	}
	hour, minute, sec := t.Clock()
	var b [28]byte
	put4(b[0:], year)
	b[4] = '-'
	put2(b[5:], int(month))
	b[7] = '-'
	put2(b[8:], day)
	b[10] = 'T'
	put2(b[11:], hour)
	b[13] = ':'
	put2(b[14:], minute)
	b[16] = ':'
	put2(b[17:], sec)
	b[19] = '.'
	ms := t.Nanosecond() / 1e6
	b[20], b[21], b[22] = byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10)
	if offset == 0 {
		b[23] = 'Z'
		buf.AppendBytes(b[:24])
		return
	}
	zone := offset / 60
	b[23] = '+'
	if zone < 0 {
		b[23] = '-'
		zone = -zone
	}
	put2(b[24:], zone/60)
	put2(b[26:], zone%60)
	buf.AppendBytes(b[:28])
}

// put2 writes v (0 to 99) as two digits.
func put2(b []byte, v int) {
	b[0], b[1] = byte('0'+v/10), byte('0'+v%10)
}

// put4 writes v (0 to 9999) as four digits.
func put4(b []byte, v int) {
	put2(b, v/100)
	put2(b[2:], v%100)
}
