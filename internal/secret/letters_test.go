package secret

import (
	"slices"
	"strings"
	"testing"
)

// TestShortWordsAgree: the filter's list of short words is the one
// isShortWord knows: every word it lists, and no other word of up to four
// letters.
func TestShortWordsAgree(t *testing.T) {
	for _, w := range shortWords {
		if !isShortWord([]byte(w)) {
			t.Errorf("%q is in shortWords, not in isShortWord", w)
		}
	}
	var w []byte
	var walk func()
	walk = func() {
		if len(w) >= 2 && isShortWord(w) != slices.Contains(shortWords[:], string(w)) {
			t.Errorf("isShortWord(%q) = %v, and shortWords disagree", w, isShortWord(w))
		}
		if len(w) == maxShortWord {
			return
		}
		for c := byte('a'); c <= 'z'; c++ {
			w = append(w, c)
			walk()
			w = w[:len(w)-1]
		}
	}
	walk()
}

// TestLetterFilter: the filter lets through every stem and short word,
// even spelt with separators and capitals, and stops the benchmark's
// parameter name.
func TestLetterFilter(t *testing.T) {
	for _, w := range append(stems[:], shortWords[:]...) {
		for _, name := range []string{w, strings.ToUpper(w), strings.Join(strings.Split(w, ""), "_")} {
			if !mayBeSecret(lettersOf(name)) {
				t.Errorf("the filter stops %q", name)
			}
		}
	}
	for _, name := range []string{"subject", "page", "lang", "sort", "q", "offset"} {
		if mayBeSecret(lettersOf(name)) {
			t.Errorf("the filter lets %q through", name)
		}
	}
}

// TestWithin: each entry of within is what it says, checked against every
// stem and short word.
func TestWithin(t *testing.T) {
	for w, word := range append(stems[:], shortWords[:]...) {
		need := lettersOf(word)
		for k := range within {
			for v := range within[k] {
				holds := need>>(7*k)&127&^uint32(v) == 0
				if got := within[k][v]>>w&1 == 1; got != holds {
					t.Errorf("within[%d][%#x] says %v for %q, want %v", k, v, got, word, holds)
				}
			}
		}
	}
}
