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
	hexDigit = "0123456789abcdef"
	// digitPairs holds the two digits of 0 to 99 at twice the number.
	digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
		"4041424344454647484950515253545556575859606162636465666768697071727374757677787980" +
		"81828384858687888990919293949596979899"
)

// swar holds the constants of plainMask. They are read from a variable,
// not written as constants, so that a loop loads them once into registers:
// the compiler rematerialises a 64-bit constant at every use, one 10-byte
// move each.
var swar = struct{ below, quote, backslash, one, high uint64 }{
	below:     0x2020202020202020,
	quote:     0x2222222222222222,
	backslash: 0x5c5c5c5c5c5c5c5c,
	one:       0x0101010101010101,
	high:      0x8080808080808080,
}

// plainMask returns a mask with the top bit set in the bytes of x that are
// not plain: 0x80 and above, below 0x20, '"' or '\\'. For a byte b with no
// borrow from the byte below it, b-0x20 has its top bit set when b is
// below 0x20 (or 0xa0 and above), and (b^'"')-1 when b is '"' (or b^'"'
// is above 0x80, as it is for every b of 0x80 and above but 0xa2, which
// b-0x20 marks); the same for '\\'. Only a marked byte borrows from the
// one above it, so the lowest byte marked is exactly the first byte that
// is not plain.
func plainMask(x, below, quote, backslash, one, high uint64) uint64 {
	return ((x - below) | ((x ^ quote) - one) | ((x ^ backslash) - one)) & high
}

// plainPrefix returns the length of the longest prefix of s made of plain
// ASCII bytes, which JSON takes as they are. It reads s sixteen bytes at
// a time, as two words tested together, and ends on the one or two words
// that end s (overlapping bytes already read); a string of fewer than eight
// bytes is read as one word of its first and last four bytes, or of its
// first, middle and last byte.
func plainPrefix[S string | []byte](s S) int {
	below, quote, backslash, one, high := swar.below, swar.quote, swar.backslash, swar.one, swar.high
	n := len(s)
	if n < 8 {
		var x uint64
		switch {
		case n >= 4:
			x = uint64(load32(s[:4])) | uint64(load32(s[n-4:]))<<32
		case n > 0:
			// The five unused bytes are plain; for n of 1 or 2, the first
			// byte marked is still at the index of the first one not plain.
			x = uint64(s[0]) | uint64(s[n>>1])<<8 | uint64(s[n-1])<<16 | 0x6161616161000000
		default:
			return 0
		}
		m := plainMask(x, below, quote, backslash, one, high)
		if m == 0 {
			return n
		}
		i := bits.TrailingZeros64(m) >> 3
		if i >= 4 {
			i += n - 8 // a byte of the last four
		}
		return i
	}
	i := 0
	for ; i < n-16; i += 16 {
		w := s[i : i+16]
		a := plainMask(load64(w[:8]), below, quote, backslash, one, high)
		b := plainMask(load64(w[8:]), below, quote, backslash, one, high)
		if a|b != 0 {
			return i + firstMarked(a, b)
		}
	}
	var a uint64
	if n-i > 8 {
		a = plainMask(load64(s[i:]), below, quote, backslash, one, high)
	}
	b := plainMask(load64(s[n-8:]), below, quote, backslash, one, high)
	if a|b == 0 {
		return n
	}
	if a != 0 {
		return i + bits.TrailingZeros64(a)>>3
	}
	return n - 8 + bits.TrailingZeros64(b)>>3
}

// firstMarked is the index of the first byte marked in a, or else in b,
// the word after it.
func firstMarked(a, b uint64) int {
	if a != 0 {
		return bits.TrailingZeros64(a) >> 3
	}
	return 8 + bits.TrailingZeros64(b)>>3
}

// load64 reads the first eight bytes of s, little-endian (one load).
func load64[S string | []byte](s S) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// load32 reads the first four bytes of s, little-endian (one load).
func load32[S string | []byte](s S) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
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
		u = uint64(-n)
	}
	// Written backwards: the fraction's nine digits (its trailing zeros
	// cut after), the point, the whole part, the sign.
	var b [17]byte // -999999.999999999
	pos, end := len(b), len(b)
	if frac := uint32(u % 1e9); frac != 0 {
		b[16] = byte('0' + frac%10)
		frac /= 10
		for pos = 16; pos > 8; pos -= 2 {
			pair := frac % 100 * 2
			frac /= 100
			b[pos-2], b[pos-1] = digitPairs[pair], digitPairs[pair+1]
		}
		pos--
		b[pos] = '.'
		for b[end-1] == '0' {
			end--
		}
	}
	whole := u / 1e9
	for {
		pos--
		b[pos] = byte('0' + whole%10)
		if whole /= 10; whole == 0 {
			break
		}
	}
	if n < 0 {
		pos--
		b[pos] = '-'
	}
	buf.AppendBytes(b[pos:end])
	return true
}
