package logging

import (
	"math"
	"math/bits"
	"unicode/utf8"

	"go.uber.org/zap/buffer"
)

// The escaping and number formatting of JSONEncoder, byte for byte zap's:
// '"' and '\\' backslashed; \n, \r and \t by name; other bytes below 0x20
// as \u00XX (lower-case hex); each byte of invalid UTF-8 as \ufffd;
// everything else (DEL, U+2028, U+2029, HTML characters) as it is.

const (
	lowBits  = 0x0101010101010101 // one in each byte
	highBits = 0x8080808080808080 // the top bit of each byte
	hexDigit = "0123456789abcdef"
)

// plainWord returns a mask with the top bit set in the bytes of x that are
// not plain: 0x80 and above, below 0x20, '"' or '\\'. For a byte below
// 0x80, adding 0x60 sets its top bit when it is 0x20 or more, and adding
// 0x7f to it xor '"' (or '\\') when it is not that character; no sum
// carries into the next byte. A byte of 0x80 or more is marked by its own
// top bit, and its sums carry only into the bytes above it, so the lowest
// byte marked is exactly the first byte that is not plain.
func plainWord(x uint64) uint64 {
	ok := (x + lowBits*0x60) & ((x ^ lowBits*'"') + lowBits*0x7f) & ((x ^ lowBits*'\\') + lowBits*0x7f)
	return (x | ^ok) & highBits
}

// plainPrefix returns the length of the longest prefix of s made of plain
// ASCII bytes, which JSON takes as they are; it reads s eight bytes at a
// time, and the last (up to) seven bytes of a string of eight or more as
// the word that ends it.
func plainPrefix[S string | []byte](s S) int {
	n := len(s)
	if n < 8 {
		for i := range n {
			if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
				return i
			}
		}
		return n
	}
	i := 0
	for {
		if i > n-8 {
			i = n - 8
		}
		_ = s[i+7]
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if m := plainWord(x); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
		if i += 8; i >= n {
			return n
		}
	}
}

// appendJSONString appends s, escaped as zap escapes it, without quotes.
func appendJSONString(buf *buffer.Buffer, s string) {
	i := plainPrefix(s)
	if i == len(s) {
		buf.AppendString(s)
		return
	}
	appendJSONEscaped(buf, s, i, (*buffer.Buffer).AppendString, utf8.DecodeRuneInString)
}

// appendJSONBytes is appendJSONString for a byte slice.
func appendJSONBytes(buf *buffer.Buffer, s []byte) {
	i := plainPrefix(s)
	if i == len(s) {
		buf.AppendBytes(s)
		return
	}
	appendJSONEscaped(buf, s, i, (*buffer.Buffer).AppendBytes, utf8.DecodeRune)
}

// appendJSONEscaped is the slow path: s from its first byte i that is not
// plain ASCII, with runs of plain bytes skipped a word at a time.
func appendJSONEscaped[S string | []byte](buf *buffer.Buffer, s S, i int,
	appendTo func(*buffer.Buffer, S), decodeRune func(S) (rune, int),
) {
	last := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			if r, size := decodeRune(s[i:]); r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			appendTo(buf, s[last:i])
			buf.AppendString(`\ufffd`)
		case c >= 0x20 && c != '"' && c != '\\':
			i += plainPrefix(s[i:])
			continue
		default:
			appendTo(buf, s[last:i])
			appendJSONEscapedByte(buf, c)
		}
		i++
		last = i
	}
	appendTo(buf, s[last:])
}

// appendJSONEscapedByte escapes one ASCII byte that JSON does not take as it is.
func appendJSONEscapedByte(buf *buffer.Buffer, c byte) {
	switch c {
	case '\\', '"':
		buf.AppendByte('\\')
		buf.AppendByte(c)
	case '\n':
		buf.AppendString(`\n`)
	case '\r':
		buf.AppendString(`\r`)
	case '\t':
		buf.AppendString(`\t`)
	default:
		buf.AppendString(`\u00`)
		buf.AppendByte(hexDigit[c>>4])
		buf.AppendByte(hexDigit[c&0xF])
	}
}

// appendJSONFloat appends f as zap does: NaN and infinities as strings,
// other values in strconv's shortest 'f' form.
func appendJSONFloat(buf *buffer.Buffer, f float64, bitSize int) {
	switch {
	case math.IsNaN(f):
		buf.AppendString(`"NaN"`)
	case math.IsInf(f, 1):
		buf.AppendString(`"+Inf"`)
	case math.IsInf(f, -1):
		buf.AppendString(`"-Inf"`)
	case bitSize == 64 && appendNanoDecimal(buf, f):
	default:
		buf.AppendFloat(f, bitSize)
	}
}

// appendNanoDecimal appends f and reports true when f is a whole number
// of billionths below a million (a duration in seconds, a count, a
// price): then the decimal n/1e9 has at most 15 significant digits and
// parses to f (float64(n) is exact and IEEE division rounds correctly),
// and since two decimals of at most 15 significant digits never parse to
// the same float64, it is the shortest decimal that parses to f: exactly
// what strconv.AppendFloat(f, 'f', -1, 64) writes, without its search.
func appendNanoDecimal(buf *buffer.Buffer, f float64) bool {
	if f == 0 || !(f > -1e6 && f < 1e6) {
		return false // zero keeps its sign through strconv
	}
	n := int64(math.Round(f * 1e9))
	if float64(n)/1e9 != f {
		return false
	}
	u := uint64(n)
	if n < 0 {
		buf.AppendByte('-')
		u = uint64(-n)
	}
	buf.AppendUint(u / 1e9)
	frac := u % 1e9
	if frac == 0 {
		return true
	}
	var digits [10]byte
	digits[0] = '.'
	for i := 9; i > 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	end := 10
	for digits[end-1] == '0' {
		end--
	}
	buf.AppendBytes(digits[:end])
	return true
}
