package logging

import (
	"testing"
	"time"
)

// TestCivilDate checks the date of every day from 1970 to 9999 against
// time's.
func TestCivilDate(t *testing.T) {
	for days := 0; days < year10000/86400; days++ {
		y, m, d := time.Unix(int64(days)*86400, 0).UTC().Date()
		if gy, gm, gd := civilDate(days); gy != y || gm != int(m) || gd != d {
			t.Fatalf("civilDate(%d) = %d-%d-%d, want %d-%d-%d", days, gy, gm, gd, y, m, d)
		}
	}
}
