package chaintest

import (
	"io"
	"net/http"
	"time"
)

// Writer is an http.ResponseWriter for benchmarks: it discards the body and
// keeps what a layer may ask of net/http's own HTTP/1.1 writer, except the
// connection: http.Flusher, io.ReaderFrom, io.StringWriter, and what
// http.ResponseController calls (FlushError, SetReadDeadline,
// SetWriteDeadline, EnableFullDuplex, all succeeding). It is not an
// http.Hijacker: there is no connection to hand over. A layer that wraps it
// and supports Unwrap lets http.ResponseController reach it.
//
// Reset makes it ready for the next request without allocating. A Writer is
// for one goroutine at a time.
type Writer struct {
	header  http.Header
	status  int
	written int64
}

// NewWriter returns a Writer with an empty header.
func NewWriter() *Writer { return &Writer{header: http.Header{}} }

// Reset clears the header (keeping its map), the status and the byte count,
// as if no request had been served.
func (w *Writer) Reset() {
	clear(w.header)
	w.status = 0
	w.written = 0
}

// Header returns the response header.
func (w *Writer) Header() http.Header { return w.header }

// WriteHeader records the status of the response: the first one at or above
// 200 (or 101), as net/http sends it; informational statuses are not kept.
func (w *Writer) WriteHeader(code int) {
	if w.status != 0 || (code < 200 && code != http.StatusSwitchingProtocols) {
		return
	}
	w.status = code
}

// Write counts and discards p; a first Write without WriteHeader means 200.
func (w *Writer) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.written += int64(len(p))
	return len(p), nil
}

// WriteString counts and discards s, as Write does.
func (w *Writer) WriteString(s string) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.written += int64(len(s))
	return len(s), nil
}

// ReadFrom reads src to its end, counting and discarding what it reads.
func (w *Writer) ReadFrom(src io.Reader) (int64, error) {
	w.WriteHeader(http.StatusOK)
	n, err := io.Discard.(io.ReaderFrom).ReadFrom(src)
	w.written += n
	return n, err
}

// Flush sends the header, as net/http's Flush does: a response that is
// flushed before anything is written is a 200.
func (w *Writer) Flush() { w.WriteHeader(http.StatusOK) }

// FlushError is Flush for http.ResponseController; it returns nil.
func (w *Writer) FlushError() error {
	w.Flush()
	return nil
}

// SetReadDeadline does nothing and returns nil, for http.ResponseController.
func (w *Writer) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline does nothing and returns nil, for http.ResponseController.
func (w *Writer) SetWriteDeadline(time.Time) error { return nil }

// EnableFullDuplex does nothing and returns nil, for http.ResponseController.
func (w *Writer) EnableFullDuplex() error { return nil }

// Status returns the status sent since the last Reset: 200 when the body was
// written or flushed without WriteHeader, 0 when nothing was sent (net/http
// would then send a 200 with an empty body).
func (w *Writer) Status() int { return w.status }

// Written returns the number of body bytes written since the last Reset.
func (w *Writer) Written() int64 { return w.written }
