package logging

import (
	"time"

	"go.uber.org/zap/buffer"
)

// iso8601Layout is the layout of zapcore.ISO8601TimeEncoder, the time
// encoder of JSON.
const iso8601Layout = "2006-01-02T15:04:05.000Z0700"

// appendTimeLayout appends t.AppendFormat(layout): for the ISO 8601
// layout, of a local time from 1970 to 9999 and an offset under 100 hours,
// by hand, writing what time's formatter writes (milliseconds truncated,
// "Z" for UTC, the offset's seconds dropped) without parsing the layout
// each time, and with the date computed once from the local seconds since
// the epoch rather than by each of time's accessors.
func appendTimeLayout(buf *buffer.Buffer, t time.Time, layout string) {
	_, offset := t.Zone()
	local := t.Unix() + int64(offset)
	if layout != iso8601Layout || local < 0 || local >= year10000 || offset <= -100*3600 || offset >= 100*3600 {
		buf.AppendTime(t, layout)
		return
	}
	year, month, day := civilDate(int(local / 86400))
	secs := int(local % 86400)
	var b [28]byte
	put4(b[0:], year)
	b[4] = '-'
	put2(b[5:], month)
	b[7] = '-'
	put2(b[8:], day)
	b[10] = 'T'
	put2(b[11:], secs/3600)
	b[13] = ':'
	put2(b[14:], secs/60%60)
	b[16] = ':'
	put2(b[17:], secs%60)
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

// year10000 is the first second of the year 10000, since the epoch.
const year10000 = 253402300800

// civilDate is the proleptic Gregorian date of a day counted from
// 1970-01-01 (not negative): Howard Hinnant's days_from_civil inverted,
// with the year starting on the 1st of March so that the leap day ends it.
func civilDate(days int) (year, month, day int) {
	z := days + 719468 // days since 0000-03-01
	era := z / 146097
	doe := z - era*146097                                  // day of the 400-year era
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // year of the era
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // day of the year, from the 1st of March
	mp := (5*doy + 2) / 153                                // month, from March as 0
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if month > 12 {
		month -= 12
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
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
