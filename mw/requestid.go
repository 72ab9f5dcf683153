package mw

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"

	"github.com/wsgo/wsgo/internal/handback"
	"github.com/wsgo/wsgo/internal/state"
	"github.com/wsgo/wsgo/internal/token"
)

// DefaultRequestIDHeader is the header RequestID reads and writes unless told
// otherwise, in canonical form.
const DefaultRequestIDHeader = "X-Request-Id"

// RequestIDOption configures [RequestID].
type RequestIDOption interface{ apply(*requestIDConfig) }

type requestIDConfig struct {
	header   string
	trusted  bool
	maxLen   int
	adopt    func(context.Context) string
	generate func() string
}

type requestIDOptionFunc func(*requestIDConfig)

func (f requestIDOptionFunc) apply(c *requestIDConfig) { f(c) }

// TrustIncomingRequestID makes RequestID keep the ID an upstream proxy sent
// in the request header, when it is at most maxLen bytes (64 when maxLen is
// 0 or less) of letters, digits and "-._:+=@/". Only say so when a proxy you
// run sets or strips that header: otherwise a client chooses its own ID and
// can make its requests look like someone else's in the logs.
func TrustIncomingRequestID(maxLen int) RequestIDOption {
	return requestIDOptionFunc(func(c *requestIDConfig) {
		c.trusted = true
		if maxLen > 0 {
			c.maxLen = maxLen
		}
	})
}

// AdoptRequestID makes RequestID take the ID another layer outside it
// already gave the request, as from returns it from the request's context
// (chi's middleware.GetReqID, say), so that the two agree: the logs, the
// error page and the response header then carry that one ID.
//
// An adopted ID has a length limit of its own, 200 bytes (Heroku's limit
// for X-Request-ID), whatever [TrustIncomingRequestID] says: chi's IDs read
// "host/random-000001", 65 bytes and more on a host named like
// ip-172-31-45-67.ap-southeast-2.compute.internal, and the counter grows.
// The characters allowed are those of [TrustIncomingRequestID]: letters,
// digits and "-._:+=@/", so that no space, quote, control or 8-bit byte
// reaches a header or a log line. An adopted ID that is empty, longer or
// with another character is ignored, and the next source in RequestID's
// order applies.
func AdoptRequestID(from func(ctx context.Context) string) RequestIDOption {
	return requestIDOptionFunc(func(c *requestIDConfig) { c.adopt = from })
}

// RequestIDGenerator replaces how RequestID makes a new ID. gen is called
// once per request that gets no ID otherwise, from many goroutines at once.
// An ID it returns that is not valid (empty, longer than the maximum length,
// or with characters outside "-._:+=@/", letters and digits) is replaced by
// one made as by default, so that no header or log line carries it.
func RequestIDGenerator(gen func() string) RequestIDOption {
	return requestIDOptionFunc(func(c *requestIDConfig) { c.generate = gen })
}

// RequestIDHeader sets the header name (default X-Request-ID). RequestID
// panics when the name is not a valid header field name.
func RequestIDHeader(name string) RequestIDOption {
	return requestIDOptionFunc(func(c *requestIDConfig) { c.header = name })
}

// RequestID returns a middleware that gives every request an ID: it records
// the ID in the request's state (read it with [RequestIDFrom]), where the
// access log, the error log and the error page find it, and sets it as the
// response header X-Request-ID before calling the next handler.
//
// A generated ID is 20 characters of lowercase base32, 100 random bits
// drawn from the runtime's per-thread ChaCha8 generator (math/rand/v2),
// seeded by the operating system at start-up. What it guarantees:
//   - unique in practice, within a process and across processes and
//     restarts: two of n IDs are the same with a probability under
//     n²/2¹⁰¹, less than one in a million after 10¹² IDs; not unique by
//     construction, as a counter would be;
//   - nothing in it says which server made it or how many requests it has
//     served (a counter would say both);
//   - not promised unguessable: math/rand/v2 does not promise it, so a
//     request ID must never serve as a secret (a session or CSRF token).
//
// IDs are made in batches, so a request pays no allocation of its own
// (BenchmarkNewRequestID measures it, against crypto/rand).
// [RequestIDGenerator] replaces it.
//
// Which ID a request gets, first that applies: the ID an outer RequestID
// already gave it; the ID another layer gave it ([AdoptRequestID]); the ID
// in the incoming request header, only with [TrustIncomingRequestID]; a new
// one. Each of them is validated.
//
// RequestID panics at build time on an invalid option.
func RequestID(opts ...RequestIDOption) Middleware {
	cfg := requestIDConfig{header: DefaultRequestIDHeader, maxLen: 64}
	for _, o := range opts {
		o.apply(&cfg)
	}
	if !token.Valid(cfg.header) {
		panic(fmt.Sprintf("mw: RequestIDHeader: %q is not a valid header name", cfg.header))
	}
	cfg.header = http.CanonicalHeaderKey(cfg.header)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, received *http.Request) {
			r, s := withScope(received)
			if r != received {
				defer handback.Return(received, r, "")
			}
			h := w.Header()
			if s.id.ID != "" {
				if _, ok := h[cfg.header]; !ok {
					h[cfg.header] = []string{s.id.ID}
				}
				next.ServeHTTP(w, r)
				return
			}
			b := idBlocks.Get().(*idBlock)
			id, slot := b.take()
			idBlocks.Put(b)
			if other := cfg.choose(r); other != "" {
				id = other
				slot[0] = other
			}
			s.id = state.RequestID{ID: id, Header: cfg.header}
			state.RequestIDSlot.Set(r.Context(), &s.id)
			h[cfg.header] = slot
			next.ServeHTTP(w, r)
		})
	}
}

// choose is the ID r gets other than a fresh default one, or "": see the
// precedence in RequestID's doc.
func (c *requestIDConfig) choose(r *http.Request) string {
	if c.adopt != nil {
		if id := c.adopt(r.Context()); validRequestID(id, maxAdoptedIDLen) {
			return id
		}
	}
	if c.trusted {
		if id := r.Header.Get(c.header); validRequestID(id, c.maxLen) {
			return id
		}
	}
	if c.generate != nil {
		if id := c.generate(); validRequestID(id, c.maxLen) {
			return id
		}
	}
	return ""
}

// NewRequestID returns a fresh ID as RequestID makes them.
func NewRequestID() string {
	b := idBlocks.Get().(*idBlock)
	id, _ := b.take()
	idBlocks.Put(b)
	return id
}

// maxAdoptedIDLen is the length limit of an adopted ID (see AdoptRequestID).
const maxAdoptedIDLen = 200

const (
	idLen       = 20
	idsPerBlock = 64
	idAlphabet  = "0123456789abcdefghjkmnpqrstvwxyz" // Crockford's base32, lowercase
)

// idBlock hands out IDs made idsPerBlock at a time: one string holding them
// all and one []string of header values, so that a request pays no
// allocation of its own for its ID or for the header slice that carries it
// (each slot has capacity 1, so an append by a handler cannot reach its
// neighbour).
type idBlock struct {
	slots []string
	next  int
}

var idBlocks = sync.Pool{New: func() any { return new(idBlock) }}

func (b *idBlock) take() (string, []string) {
	if b.next == len(b.slots) {
		b.fill()
	}
	i := b.next
	b.next++
	return b.slots[i], b.slots[i : i+1 : i+1]
}

func (b *idBlock) fill() {
	var buf [idLen * idsPerBlock]byte
	for i := 0; i < idsPerBlock; i++ {
		x, y := rand.Uint64(), rand.Uint64()
		id := buf[i*idLen : (i+1)*idLen]
		for j := 0; j < 10; j++ {
			id[j] = idAlphabet[x&31]
			x >>= 5
			id[10+j] = idAlphabet[y&31]
			y >>= 5
		}
	}
	all := string(buf[:])
	b.slots = make([]string, idsPerBlock)
	for i := range b.slots {
		b.slots[i] = all[i*idLen : (i+1)*idLen]
	}
	b.next = 0
}

func validRequestID(s string, maxLen int) bool {
	if len(s) == 0 || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == ':', c == '+', c == '=', c == '@', c == '/':
		default:
			return false
		}
	}
	return true
}
