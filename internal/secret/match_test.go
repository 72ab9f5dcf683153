package secret

import (
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// oracleSeeds are inputs for the fast paths' edges, read as names, queries
// and URLs: a stem's or a short word's letters split by separators, by
// case, by '+' and by escapes that decode to the missing letter.
var oracleSeeds = []string{
	"subject=Ann", "http://localhost:8081/", "https://app.example/cb?state=ok#frag",
	"pa+ss", "pa+ssword=x", "to%6Ben=1", "%4Bey=1", "k%65y=1", "%zzkey", "a%zzkey=1&x%4=2",
	"P.a.S.s.W.o.R.d=1", "cO_oK-iE=2", "a[s]s[w]o[r]d=3", "ssn2=1", "Ke+Y=1", "ke=y&key=",
	"page=1;sort=2&q=3&lang=4&=5&&;", "user=ann@example&sid", "tokn=1&tok=2&ken=3",
	"https://ann:pw@host/?page=1#scope=x", "https://host/x?a=b#c#token=1", "//a:b@c?d@e",
	"http://u:p@h", "mailto:ann@example", "http://h/?q=@#@", "#", "?", "@", "=", "",
}

// extraRule is a user's rule for the oracle tests: deterministic, and true
// for names the built-in rule knows nothing of.
func extraRule(name string) bool {
	return len(name)%3 == 1 || strings.Contains(name, "q")
}

// checkMatchesOracle checks Name, Query and URL on s against the oracle
// (oracle_test.go): the same answer, the same string returned as it is (no
// copy) when nothing is hidden, and extra called with the same names in
// the same order.
func checkMatchesOracle(t *testing.T, s string) {
	t.Helper()
	if got, want := Name(s), oracleName(s); got != want {
		t.Fatalf("Name(%q) = %v, the oracle says %v", s, got, want)
	}
	for _, f := range []struct {
		name         string
		fast, oracle func(string, func(string) bool) string
	}{
		{"Query", Query, oracleQuery},
		{"URL", URL, oracleURL},
	} {
		if got, want := f.fast(s, nil), f.oracle(s, nil); got != want || same(got, s) != same(want, s) {
			t.Fatalf("%s(%q) = %q (as it is: %v), the oracle says %q (%v)", f.name, s, got, same(got, s), want, same(want, s))
		}
		var gotCalls, wantCalls []string
		got := f.fast(s, recordCalls(&gotCalls))
		want := f.oracle(s, recordCalls(&wantCalls))
		if got != want || same(got, s) != same(want, s) {
			t.Fatalf("%s(%q, extra) = %q, the oracle says %q", f.name, s, got, want)
		}
		if !slices.Equal(gotCalls, wantCalls) {
			t.Fatalf("%s(%q, extra) called extra with %q, the oracle with %q", f.name, s, gotCalls, wantCalls)
		}
	}
}

// same reports whether a result is the input itself, not a copy.
func same(got, in string) bool { return unsafe.StringData(got) == unsafe.StringData(in) }

func recordCalls(calls *[]string) func(string) bool {
	return func(name string) bool {
		*calls = append(*calls, name)
		return extraRule(name)
	}
}

func TestRedactMatchesOracle(t *testing.T) {
	var inputs []string
	inputs = append(inputs, secretNames...)
	inputs = append(inputs, plainNames...)
	inputs = append(inputs, oracleSeeds...)
	for _, tt := range queryCases {
		inputs = append(inputs, tt.raw)
	}
	for _, s := range inputs {
		checkMatchesOracle(t, s)
	}
}

// FuzzRedactMatchesOracle: Name, Query and URL, fast paths and all, agree
// with their implementation from before the fast paths, for any input read
// as a name, a query and a URL.
func FuzzRedactMatchesOracle(f *testing.F) {
	for _, s := range oracleSeeds {
		f.Add(s)
	}
	for _, tt := range queryCases {
		f.Add(tt.raw)
	}
	f.Fuzz(checkMatchesOracle)
}

// BenchmarkURL: the Referer of the benchmarks' request, one with a query,
// and one with a password to hide.
func BenchmarkURL(b *testing.B) {
	for _, bb := range []struct{ name, url string }{
		{"url=plain", "http://localhost:8081/"},
		{"url=query", "https://app.example/search?subject=Ann&page=2&lang=en#top"},
		{"url=password", "https://ann:hunter2@app.example/x"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				URL(bb.url, nil)
			}
		})
	}
}
