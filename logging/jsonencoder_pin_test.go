package logging

import (
	"flag"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap/zapcore"
)

// pinnedZap is the zap version JSONEncoder was proved identical to. When
// go.mod moves, TestJSONEncoderPinnedToZap fails until someone reads zap's
// changes to its JSON encoder, regenerates the golden file with
// -update-golden, reviews its diff, and moves this constant.
const pinnedZap = "v1.28.0"

const goldenPath = "testdata/jsonencoder.golden"

var updateGolden = flag.Bool("update-golden", false, "rewrite "+goldenPath+" from zap's JSON encoder")

// goldenFields is everyField without what depends on the machine's time
// zone.
func goldenFields() []zapcore.Field {
	var fs []zapcore.Field
	for _, f := range everyField() {
		if f.Key != "local" && f.Key != "timenil" {
			fs = append(fs, f)
		}
	}
	return fs
}

// goldenOutput is zap's JSON encoder's output, under every config, for a
// big entry with every field type in the entry and in With.
func goldenOutput(t *testing.T, newEncoder func(zapcore.EncoderConfig) zapcore.Encoder) string {
	var sb strings.Builder
	cs := configs()
	for _, name := range slices.Sorted(maps.Keys(cs)) {
		enc := newEncoder(cs[name]).Clone()
		for _, f := range goldenFields() {
			f.AddTo(enc)
		}
		buf, err := enc.EncodeEntry(fullEntry(), goldenFields())
		if err != nil {
			t.Fatal(err)
		}
		sb.WriteString(name + ": ")
		sb.Write(buf.Bytes())
		sb.WriteString("\n")
		buf.Free()
	}
	return sb.String()
}

// TestJSONEncoderPinnedToZap fails when zap in go.mod is not the version
// JSONEncoder was proved against, or when zap's JSON encoder no longer
// writes the golden bytes (the oracle moved); JSONEncoder must write them
// too.
func TestJSONEncoderPinnedToZap(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	version := "none"
	if m := regexp.MustCompile(`(?m)^\s*go\.uber\.org/zap (v\S+)`).FindSubmatch(mod); m != nil {
		version = string(m[1])
	}
	if version != pinnedZap {
		t.Errorf("go.mod requires zap %q; JSONEncoder was proved against %s: check zap's JSON encoder changes, "+
			"run go test ./logging -run PinnedToZap -update-golden, review the diff, then move pinnedZap", version, pinnedZap)
	}
	zapOut := goldenOutput(t, zapcore.NewJSONEncoder)
	if *updateGolden {
		if err := os.WriteFile(goldenPath, []byte(zapOut), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatal(err)
	}
	if zapOut != string(golden) {
		t.Errorf("zap's JSON encoder no longer writes %s: the oracle moved; check JSONEncoder against it and regenerate with -update-golden", goldenPath)
	}
	if ours := goldenOutput(t, JSONEncoder); ours != string(golden) {
		t.Errorf("JSONEncoder does not write %s", goldenPath)
	}
}
