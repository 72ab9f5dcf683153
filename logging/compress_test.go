package logging

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

// TestBytesCountedWhereTheCompressorSits: with a compressing layer inside
// the log layer, the access entry and Apache's %b count the compressed
// bytes the client received; with it outside, the bytes the application
// wrote, as logging's doc says.
func TestBytesCountedWhereTheCompressorSits(t *testing.T) {
	const body = 2400
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("wsgo ", body/5))
	})
	for _, inside := range []bool{true, false} {
		log, logs := observed()
		var line bytes.Buffer
		chain := func(logLayer func(http.Handler) http.Handler) http.Handler {
			if inside {
				return logLayer(wsgotest.Gzip(app))
			}
			return wsgotest.Gzip(logLayer(app))
		}
		rec := serveRec(chain(Access(log)), httptest.NewRequest("GET", "/", nil))
		sent := rec.Body.Len()
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := io.Copy(io.Discard, zr); n != body {
			t.Fatalf("the client decompressed %d bytes, want %d", n, body)
		}
		want := int64(body)
		if inside {
			want = int64(sent)
		}
		if sent >= body/10 {
			t.Fatalf("%d compressed bytes for %d: the test's body does not compress", sent, body)
		}
		if got := logs.All()[0].ContextMap()[FieldResponseSize]; got != want {
			t.Errorf("compressor inside %v: %s = %v, want %d (the client got %d)", inside, FieldResponseSize, got, want, sent)
		}
		serveRec(chain(Apache(&line, Common)), httptest.NewRequest("GET", "/", nil))
		if f := strings.Fields(line.String()); f[len(f)-1] != strconv.FormatInt(want, 10) {
			t.Errorf("compressor inside %v: Apache line %q, want %%b %d", inside, line.String(), want)
		}
	}
}
