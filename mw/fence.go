package mw

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// fence stops the calls through a captured writer once the layer that
// captured it returned, and waits for the calls already in flight, so that
// no call reaches the connection after net/http took it back (over HTTP/1
// the bytes would land in the next response on the connection, or crash
// the server in its bufio writer; over HTTP/2 net/http panics).
//
// It is one atomic word: bit 0 says the fence is up, the rest counts the
// calls in flight. A call adds two, and goes through only when bit 0 was
// clear; it subtracts two when it is done. No lock is held across a call:
// observers call back into the writer from inside WriteHeader, and a
// second call on the same goroutine must not wait for the first.
type fence struct {
	word atomic.Int64

	mu   sync.Mutex    // guards zero; taken only when the fence waits
	zero chan struct{} // closed when the last call in flight ends, once the fence is up
}

const (
	fenceUp  = 1
	inFlight = 2
)

// fenceGrace is how long raising the fence waits for calls in flight before
// it cuts them with a write deadline. A call in flight is nearly always a
// write into net/http's buffer that ends at once; cutting it would cost the
// response its end, and the connection.
const fenceGrace = 20 * time.Millisecond

// enter reports whether a call may go through; when it returns true, the
// caller must call exit when the call is done (with defer: a call that
// panics must not keep the fence waiting).
func (f *fence) enter() bool {
	if f.word.Add(inFlight)&fenceUp == 0 {
		return true
	}
	f.exit()
	return false
}

// exit ends a call that enter let through (or turned away).
func (f *fence) exit() {
	if f.word.Add(-inFlight) == fenceUp {
		f.mu.Lock()
		if f.zero != nil {
			close(f.zero)
			f.zero = nil
		}
		f.mu.Unlock()
	}
}

// up reports whether the fence is up.
func (f *fence) up() bool { return f.word.Load()&fenceUp != 0 }

// raise puts the fence up and returns when no call is in flight. A call
// still in flight after fenceGrace is cut: cut is called (it sets the
// writer's write deadline to now, so that a write blocked on a slow client
// returns), and raise waits for the call to return.
func (f *fence) raise(cut func()) {
	if f.word.Or(fenceUp)&fenceUp != 0 || f.word.Load() == fenceUp {
		return
	}
	f.mu.Lock()
	if f.word.Load() == fenceUp {
		f.mu.Unlock()
		return
	}
	zero := make(chan struct{})
	f.zero = zero
	f.mu.Unlock()
	if testHookFenceWaits != nil {
		testHookFenceWaits()
	}
	t := time.NewTimer(fenceGrace)
	defer t.Stop()
	select {
	case <-zero:
		return
	case <-t.C:
	}
	cut()
	<-zero
}

// cutWrites sets w's write deadline to now, when w supports deadlines, so
// that a write blocked on a slow client returns.
func cutWrites(w http.ResponseWriter) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now())
}

// Test hooks, nil outside the package's tests: testHookEntered runs in a
// call that the fence let through, before the call reaches the writer;
// testHookFenceWaits runs when raising the fence finds calls in flight.
var (
	testHookEntered    func(method string)
	testHookFenceWaits func()
)
