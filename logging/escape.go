package logging

import "strings"

// escapeC1 is s with every C1 control character (U+0080 to U+009F, UTF-8
// C2 80 to C2 9F) written as the six characters \u0080 to \u009f. zap's
// encoders escape the C0 controls (below 0x20) and write invalid UTF-8 as
// U+FFFD, but write a valid C1 control as it is, and U+009B is the 8-bit
// CSI: a terminal that shows the log would take what follows it as an
// escape sequence. The access layers pass every value that comes from the
// request through it, whatever the logger. A string without a C1 control,
// the common case, is returned as it is, at the cost of one byte search.
func escapeC1(s string) string {
	i := indexC1(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for ; i >= 0; i = indexC1(s) {
		b.WriteString(s[:i])
		b.WriteString(`\u00`)
		b.WriteByte(hexDigits[s[i+1]>>4])
		b.WriteByte(hexDigits[s[i+1]&15])
		s = s[i+2:]
	}
	b.WriteString(s)
	return b.String()
}

// indexC1 is the index of the first C1 control in s, in UTF-8, or -1.
func indexC1(s string) int {
	for off := 0; ; {
		i := strings.IndexByte(s[off:], 0xc2)
		if i < 0 {
			return -1
		}
		i += off
		if i+1 < len(s) && 0x80 <= s[i+1] && s[i+1] <= 0x9f {
			return i
		}
		off = i + 1
	}
}
