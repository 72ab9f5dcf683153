package secret

// The letter filter: most names a request carries (subject, page, lang)
// lack a letter of every stem and every short word, and a name that has not
// all the letters of one of them cannot hold it, in any case, across any
// separator. Name, and Query for each parameter, collect the letters of a
// name in the pass that reads it, and call scan only when the letters of
// some stem or short word are all there (or the name has a '%', which can
// decode to any letter).

// shortWords are the short words isShortWord knows, for the filter; a test
// checks that the two agree.
var shortWords = [...]string{
	"auth", "pin", "otp", "totp", "hotp", "pass", "pw", "pwd", "code",
	"cvv", "cvc", "ssn", "sid", "key", "sig",
}

// A stem or a short word is a bit of a uint64 in within.
const _ = uint(64 - len(stems) - len(shortWords))

// letters gives, for each byte, its letter as a bit of the mask the filter
// reads (a and A bit 0, up to z and Z bit 25), or for '%', '=', '&' and ';'
// a mark above the letters; any other byte is 0.
var letters = func() (t [256]uint32) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 1 << (c - 'a')
		t[c-'a'+'A'] = 1 << (c - 'a')
	}
	t['%'] = percentMark
	t['='] = equalsMark
	t['&'], t[';'] = separatorMark, separatorMark
	return t
}()

const (
	percentMark   = 1 << 29 // in letters: '%', after which a name may decode to any letter
	equalsMark    = 1 << 30 // '=', which ends a parameter's name
	separatorMark = 1 << 31 // '&' and ';', which end a parameter
)

// within[k][v], for v a set of the seven letters 7k to 7k+6 of the mask
// (bit 0 of v the letter 7k), has a bit for each stem and short word
// whose letters among those seven are all in v: a name may hold a word only
// when the word's bit is set in all four.
var within = func() (t [4][128]uint64) {
	for w, word := range append(stems[:], shortWords[:]...) {
		var need uint32
		for i := 0; i < len(word); i++ {
			need |= letters[word[i]]
		}
		for k := range t {
			n := need >> (7 * k) & 127
			for v := n; v < 128; v = (v + 1) | n { // the sets that hold n
				t[k][v] |= 1 << w
			}
		}
	}
	return t
}()

// lettersOf is the mask of the letters of name, with the marks of its '%',
// '=', '&' and ';' (mayBeSecret reads only the first).
func lettersOf(name string) uint32 {
	var has uint32
	for i := 0; i < len(name); i++ {
		has |= letters[name[i]]
	}
	return has
}

// mayBeSecret reports whether a name whose letters are has (see letters)
// may be secret: it has a '%', or all the letters of a stem or a short
// word. When it reports false, Name is false.
func mayBeSecret(has uint32) bool {
	return has&percentMark != 0 ||
		within[0][has&127]&within[1][has>>7&127]&within[2][has>>14&127]&within[3][has>>21&127] != 0
}
