package traceparent

import (
	"net/http"
	"testing"
)

// The valid and invalid values follow the W3C Trace Context specification's
// traceparent section and its test suite (w3c/trace-context test/test.py:
// test_traceparent_version_0x00, _0xff, _trace_id_all_zero,
// _parent_id_all_zero, _illegal_characters, _ows_handling).
func TestParse(t *testing.T) {
	const trace, parent = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	valid := []string{
		"00-" + trace + "-" + parent + "-01",
		"00-" + trace + "-" + parent + "-00",
		"01-" + trace + "-" + parent + "-01",          // a later version
		"01-" + trace + "-" + parent + "-01-whatever", // more after the flags
	}
	for _, v := range valid {
		tr, p, ok := Parse(v)
		if !ok || tr != trace || p != parent {
			t.Errorf("Parse(%q) = %q, %q, %v", v, tr, p, ok)
		}
	}
	invalid := []string{
		"",
		"00-" + trace + "-" + parent, // no flags
		"00-" + trace + "-" + parent + "-01-extra",              // version 00 is exact
		"00-" + trace + "-" + parent + "-0100",                  // version 00 is exact
		"01-" + trace + "-" + parent + "-01extra",               // no dash after the flags
		"ff-" + trace + "-" + parent + "-01",                    // version ff
		"00-00000000000000000000000000000000-" + parent + "-01", // zero trace ID
		"00-" + trace + "-0000000000000000-01",                  // zero parent ID
		"00-0AF7651916CD43DD8448EB211C80319C-" + parent + "-01", // upper case
		"00-" + trace + "-" + parent + "-0g",
		"0g-" + trace + "-" + parent + "-01",
		" 00-" + trace + "-" + parent + "-01",
		"00-" + trace + "-" + parent + "-01 ",
		"00_" + trace + "-" + parent + "-01",
		"00-" + trace[:31] + "-" + parent + "-01",
	}
	for _, v := range invalid {
		if tr, p, ok := Parse(v); ok {
			t.Errorf("Parse(%q) = %q, %q, true; want invalid", v, tr, p)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	f.Fuzz(func(t *testing.T, v string) {
		tr, p, ok := Parse(v)
		if ok && (len(tr) != 32 || len(p) != 16 || tr != v[3:35] || p != v[36:52]) {
			t.Fatalf("Parse(%q) = %q, %q", v, tr, p)
		}
	})
}

// A request with two traceparent values (w3c/trace-context test/test.py:
// test_traceparent_duplicated) restarts the trace: no parent, whether the
// values come on two header lines or on one line joined by a comma.
func TestFromHeader(t *testing.T) {
	const a = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	const b = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	tests := []struct {
		name   string
		values []string
		trace  string
	}{
		{"none", nil, ""},
		{"one", []string{a}, "0af7651916cd43dd8448eb211c80319c"},
		{"two lines", []string{a, b}, ""},
		{"two lines, same value", []string{a, a}, ""},
		{"one line, comma", []string{a + "," + b}, ""},
		{"one line, comma and space", []string{a + ", " + b}, ""},
		{"later version, comma after the flags", []string{"01" + a[2:] + "-x," + b}, ""},
		{"invalid then valid", []string{"garbage", a}, ""},
	}
	for _, tt := range tests {
		h := http.Header{}
		for _, v := range tt.values {
			h.Add("Traceparent", v)
		}
		tr, _, ok := FromHeader(h)
		if tr != tt.trace || ok != (tt.trace != "") {
			t.Errorf("%s: FromHeader = %q, %v; want %q", tt.name, tr, ok, tt.trace)
		}
	}
}
