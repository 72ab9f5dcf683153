//go:build !race

package bench

import (
	"testing"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

// TestFloorsAllocateNothing: the careful zap floor builds its fields
// without a per-request slice (the stock floor's one allocation), and the
// appender allocates nothing either. Not under the race detector, whose
// sync.Pool drops items at random.
func TestFloorsAllocateNothing(t *testing.T) {
	want := map[string]float64{"zapfloor": 1, "zapfloor-careful": 0, "appender": 0}
	for _, s := range Stacks() {
		n, ok := want[s.Name]
		if !ok {
			continue
		}
		h, w, r := s.Wrap(Hello), wsgotest.NewWriter(), wsgotest.Request()
		if got := testing.AllocsPerRun(200, func() { h.ServeHTTP(w, r) }); got != n {
			t.Errorf("%s: %v allocations per request, want %v", s.Name, got, n)
		}
	}
}
