package chaintest

import (
	"fmt"
	"io"
	"strings"
)

// Report is what [Run] or [Each] measured: one row per sub-benchmark, in
// the order they ran, "bare" first.
type Report struct {
	Name  string // the benchmark's name, b.Name()
	Alone bool   // made by Each: each layer's cost is its row less "bare"
	Rows  []Row
}

// Figures are the cost of one request, as go test -benchmem shows it: the
// bytes and allocations per request are whole numbers, rounded down.
type Figures struct {
	NsPerOp     float64
	BytesPerOp  int64
	AllocsPerOp int64
}

func (f Figures) minus(g Figures) Figures {
	return Figures{f.NsPerOp - g.NsPerOp, f.BytesPerOp - g.BytesPerOp, f.AllocsPerOp - g.AllocsPerOp}
}

// Row is one sub-benchmark: the handler behind a prefix of the chain (Run)
// or behind one layer (Each).
type Row struct {
	Name  string // the layer's name; "bare" for the handler alone, "timed" for Server-Timing
	Bench string // the sub-benchmark's name, as given to b.Run: "2-+access"
	N     int    // requests measured; 0 when -bench did not select this row

	Total Figures // the cost of a request through this row's handler

	// Layer is the cost of this row's layer: Total less the row before
	// (Run) or less "bare" (Each). HasLayer is false for "bare" and when
	// either row did not run. Noise can make a cheap layer's NsPerOp negative.
	Layer    Figures
	HasLayer bool

	Status  int   // the status of the last request: 0 when nothing was sent
	Written int64 // the body bytes of the last request

	base int
}

// Row returns the row of the layer called name ("bare" for the handler
// alone), and false when there is none.
func (r *Report) Row(name string) (Row, bool) {
	for _, row := range r.Rows {
		if row.Name == name {
			return row, true
		}
	}
	return Row{}, false
}

// WriteTo writes the report as a table headed by its Name, one line per
// row: the row's own figures, then its layer's ("+" columns), then the
// status of its last request. A row that did not run says so.
func (r *Report) WriteTo(w io.Writer) (int64, error) {
	width := len(r.Name)
	for _, row := range r.Rows {
		width = max(width, len(row.Bench))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s %10s %8s %9s %10s %8s %9s %6s\n", width, r.Name,
		"ns/op", "B/op", "allocs/op", "+ns/op", "+B/op", "+allocs", "status")
	for _, row := range r.Rows {
		if row.N == 0 {
			fmt.Fprintf(&b, "%-*s (not run)\n", width, row.Bench)
			continue
		}
		t := row.Total
		fmt.Fprintf(&b, "%-*s %10.1f %8d %9d", width, row.Bench, t.NsPerOp, t.BytesPerOp, t.AllocsPerOp)
		if l := row.Layer; row.HasLayer {
			fmt.Fprintf(&b, " %+10.1f %+8d %+9d", l.NsPerOp, l.BytesPerOp, l.AllocsPerOp)
		} else {
			fmt.Fprintf(&b, " %10s %8s %9s", "", "", "")
		}
		fmt.Fprintf(&b, " %6d\n", row.Status)
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// String returns the table WriteTo writes.
func (r *Report) String() string {
	var b strings.Builder
	_, _ = r.WriteTo(&b)
	return b.String()
}
