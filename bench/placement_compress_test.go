package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/gorilla/handlers"
	"github.com/klauspost/compress/gzhttp"
	"go.uber.org/zap"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/chain"
	"github.com/wsgo/wsgo/logging"
	"github.com/wsgo/wsgo/mw"
)

// compressors are the three compressing middlewares of the guide.
var compressors = []struct {
	name string
	wrap func(http.Handler) http.Handler
}{
	{"gzhttp", func(h http.Handler) http.Handler { return gzhttp.GzipHandler(h) }},
	{"chi Compress", chimw.Compress(5)},
	{"gorilla CompressHandler", handlers.CompressHandler},
}

// gzipGet is a GET that asks for gzip itself, so that the client hands
// back the body as it came over the wire.
func gzipGet(t *testing.T, url string) *http.Request {
	req := newRequest(t, "GET", url, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	return req
}

// TestPlacementCompressBytes: the access entry's http.response.body.size
// counts what went through the access layer. With the compressor inside the
// preset that is the compressed body the client received; outside, the
// bytes the application wrote (2,400 here).
func TestPlacementCompressBytes(t *testing.T) {
	text := strings.Repeat("wsgo logs the bytes it sees. ", 80) // 2,400 bytes
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, text)
	})
	for _, c := range compressors {
		for _, inside := range []bool{true, false} {
			name := c.name + "/outside"
			if inside {
				name = c.name + "/inside"
			}
			t.Run(name, func(t *testing.T) {
				log, logs := observed()
				h := c.wrap(wsgo.Production(log).Then(app))
				if inside {
					h = wsgo.Production(log).InsertAfter(wsgo.LayerRecover, chain.Named("gzip", c.wrap)).Then(app)
				}
				ts := httptest.NewServer(h)
				defer ts.Close()
				res, body := do(t, ts, gzipGet(t, ts.URL))
				if res.Header.Get("Content-Encoding") != "gzip" || len(body) >= len(text) {
					t.Fatalf("Content-Encoding %q, %d bytes: not compressed", res.Header.Get("Content-Encoding"), len(body))
				}
				want := int64(len(text))
				if inside {
					want = int64(len(body))
				}
				if got := oneAccess(t, logs).ContextMap()[logging.FieldResponseSize]; got != want {
					t.Fatalf("logged %v bytes, want %d (the client received %d)", got, want, len(body))
				}
			})
		}
	}
}

// wire records what a handler's writes have pushed to net/http's writer
// by each Flush: the bytes a client can have received. It is the outermost
// layer of the tests below.
type wire struct {
	http.ResponseWriter
	mu      sync.Mutex
	written bytes.Buffer
	flushed []byte
}

func (w *wire) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.written.Write(p)
	w.mu.Unlock()
	return w.ResponseWriter.Write(p)
}

func (w *wire) Flush() {
	w.ResponseWriter.(http.Flusher).Flush()
	w.mu.Lock()
	w.flushed = bytes.Clone(w.written.Bytes())
	w.mu.Unlock()
}

// sent reports whether the gzip stream flushed so far holds want whole.
func (w *wire) sent(want string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	zr, err := gzip.NewReader(bytes.NewReader(w.flushed))
	if err != nil {
		return false
	}
	got := make([]byte, len(want))
	_, err = io.ReadFull(zr, got)
	return err == nil && string(got) == want
}

type wireKey struct{}

// onWire is the outermost layer: it hands inward a wire over the server's
// writer, and puts it in the request's context for the application.
func onWire(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := &wire{ResponseWriter: w}
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), wireKey{}, ww)))
	})
}

// TestPlacementFlushEachWrite: a streaming application that writes without
// flushing, behind a compressor inside the preset. mw.FlushEachWrite keeps
// each write flowing to the client only between the compressor and the
// application: there it flushes the compressor, which flushes its stream
// and the writer under it, and the client reads the first chunk, decoded,
// before the application writes the second. Outside the compressor it
// flushes only what the compressor chose to pass on, and the first chunk
// is still in the compressor's buffer when the second is written.
func TestPlacementFlushEachWrite(t *testing.T) {
	// The first chunk is over gzhttp's minimum size, so that it compresses
	// even when nothing flushes it; each compressor keeps it in its buffer.
	first, second := strings.Repeat("first chunk\n", 125), "second chunk\n"
	for _, c := range compressors {
		for _, flushInside := range []bool{true, false} {
			name := c.name + "/FlushEachWrite outside the compressor"
			if flushInside {
				name = c.name + "/FlushEachWrite inside the compressor"
			}
			t.Run(name, func(t *testing.T) {
				clientGotFirst := make(chan struct{})
				wasSent := make(chan bool, 1)
				app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/plain; charset=utf-8")
					io.WriteString(w, first)
					sent := r.Context().Value(wireKey{}).(*wire).sent(first)
					wasSent <- sent
					if sent {
						select { // the client decodes it while we wait
						case <-clientGotFirst:
						case <-r.Context().Done(): // the test failed and hung up
						}
					}
					io.WriteString(w, second)
				})
				preset := wsgo.Production(zap.NewNop())
				var h http.Handler
				if flushInside {
					h = preset.InsertAfter(wsgo.LayerRecover, chain.Named("gzip", c.wrap)).Then(mw.FlushEachWrite()(app))
				} else {
					h = preset.InsertAfter(wsgo.LayerRecover, chain.Named("flush", mw.FlushEachWrite())).
						InsertAfter("flush", chain.Named("gzip", c.wrap)).Then(app)
				}
				ts := httptest.NewServer(onWire(h))
				defer ts.Close()
				res, err := ts.Client().Do(gzipGet(t, ts.URL))
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				if res.Header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
				}
				zr, err := gzip.NewReader(res.Body)
				if err != nil {
					t.Fatal(err)
				}
				if sent := <-wasSent; sent != flushInside {
					t.Fatalf("first chunk on the wire before the second was written: %v, want %v", sent, flushInside)
				}
				got := make([]byte, len(first))
				if _, err := io.ReadFull(zr, got); err != nil || string(got) != first {
					t.Fatalf("client read %q, %v", got, err)
				}
				if flushInside {
					close(clientGotFirst)
				}
				rest, err := io.ReadAll(zr)
				if err != nil || string(rest) != second {
					t.Fatalf("client read %q then %q, %v", got, rest, err)
				}
			})
		}
	}
}
