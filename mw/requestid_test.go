package mw

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func serveID(t *testing.T, m Middleware, in string) (header, seen string) {
	t.Helper()
	h := m(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = RequestIDFrom(r.Context())
	}))
	req := httptest.NewRequest("GET", "/", nil)
	if in != "" {
		req.Header.Set("X-Request-ID", in)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Header().Get("X-Request-ID"), seen
}

func TestRequestIDGeneratesUniqueSafeIDs(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		hdr, id := serveID(t, RequestID(), "")
		if hdr != id || len(id) != idLen {
			t.Fatalf("header %q, context %q", hdr, id)
		}
		if strings.Trim(id, idAlphabet) != "" {
			t.Fatalf("id %q has characters outside the alphabet", id)
		}
		if seen[id] {
			t.Fatalf("id %q repeated", id)
		}
		seen[id] = true
	}
}

func TestRequestIDIncoming(t *testing.T) {
	long := strings.Repeat("a", 65)
	tests := []struct {
		name  string
		m     Middleware
		in    string
		keeps bool
	}{
		{"untrusted is replaced", RequestID(), "abc-123", false},
		{"trusted is kept", RequestID(TrustIncomingRequestID(0)), "abc-123", true},
		{"trusted uuid is kept", RequestID(TrustIncomingRequestID(0)), "3f2c1a9e-7d1b-4c55-9a8e-2b8c7e6f5a41", true},
		{"too long is replaced", RequestID(TrustIncomingRequestID(0)), long, false},
		{"custom limit", RequestID(TrustIncomingRequestID(100)), long, true},
		{"newline is replaced", RequestID(TrustIncomingRequestID(0)), "a\nb", false},
		{"space is replaced", RequestID(TrustIncomingRequestID(0)), "a b", false},
		{"quote is replaced", RequestID(TrustIncomingRequestID(0)), `a"b`, false},
		{"html is replaced", RequestID(TrustIncomingRequestID(0)), "<script>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr, id := serveID(t, tt.m, tt.in)
			if (id == tt.in) != tt.keeps || hdr != id {
				t.Fatalf("in %q: got %q (header %q), keep=%v", tt.in, id, hdr, tt.keeps)
			}
		})
	}
}

// TestSecondRequestIDLayerKeepsTheFirstID: the outer layer's ID, recorded
// between the two layers, is the one the handler and the response see.
func TestSecondRequestIDLayerKeepsTheFirstID(t *testing.T) {
	var first, firstHeader, inner string
	record := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			first, firstHeader = RequestIDFrom(r.Context()), w.Header().Get("X-Request-Id")
			next.ServeHTTP(w, r)
		})
	}
	h := RequestID()(record(RequestID()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner = RequestIDFrom(r.Context())
	}))))
	for i := 0; i < 3; i++ { // a fresh ID each time, never one left from before
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if len(first) != idLen || firstHeader != first {
			t.Fatalf("the outer layer set %q, header %q", first, firstHeader)
		}
		if got := rec.Header().Values("X-Request-Id"); len(got) != 1 || got[0] != first || inner != first {
			t.Fatalf("header %v, handler %q; the outer layer's ID is %q", got, inner, first)
		}
	}

	// An inner layer with another header name sends the same ID under it.
	h = RequestID(RequestIDHeader("X-Correlation-Id"))(record(RequestID()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inner = RequestIDFrom(r.Context())
	}))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if c := rec.Header().Values("X-Correlation-Id"); len(c) != 1 || c[0] != first || len(first) != idLen || inner != first ||
		rec.Header().Get("X-Request-Id") != first {
		t.Fatalf("headers %v, handler %q; the outer layer's ID is %q", rec.Header(), inner, first)
	}
}

func TestRequestIDHeaderOption(t *testing.T) {
	h := RequestID(RequestIDHeader("x-correlation-id"))(http.NotFoundHandler())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if len(rec.Header().Get("X-Correlation-Id")) != idLen {
		t.Fatalf("header: %v", rec.Header())
	}
	defer func() {
		if got := recover(); got != `mw: RequestIDHeader: "bad name" is not a valid header name` {
			t.Fatalf("panic = %v", got)
		}
	}()
	RequestID(RequestIDHeader("bad name"))
}

type otherIDKey struct{}

// otherID is a layer of another library that puts its own request ID in the
// context, as chi's middleware.RequestID does.
func otherID(id string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if id != "" {
				r = r.WithContext(context.WithValue(r.Context(), otherIDKey{}, id))
			}
			next.ServeHTTP(w, r)
		})
	}
}

func fromOther(ctx context.Context) string { s, _ := ctx.Value(otherIDKey{}).(string); return s }

// TestRequestIDPrecedence: an outer wsgo ID > an adopted ID (validated) > a
// trusted incoming header (validated) > the generator (validated) > the
// default generator.
func TestRequestIDPrecedence(t *testing.T) {
	gen := func() string { return "gen-1" }
	bad := func() string { return "bad id\r\n" }
	tests := []struct {
		name     string
		h        func(http.Handler) http.Handler
		incoming string
		want     string // "" means a default ID (20 characters)
	}{
		{"outer wsgo ID wins over everything", func(h http.Handler) http.Handler {
			return RequestID()(otherID("chi-abc")(RequestID(AdoptRequestID(fromOther), TrustIncomingRequestID(0), RequestIDGenerator(gen))(h)))
		}, "incoming-1", ""},
		{"adopted", func(h http.Handler) http.Handler {
			return otherID("chi-abc")(RequestID(AdoptRequestID(fromOther), TrustIncomingRequestID(0), RequestIDGenerator(gen))(h))
		}, "incoming-1", "chi-abc"},
		{"adopted but invalid: the trusted header", func(h http.Handler) http.Handler {
			return otherID("bad id")(RequestID(AdoptRequestID(fromOther), TrustIncomingRequestID(0), RequestIDGenerator(gen))(h))
		}, "incoming-1", "incoming-1"},
		{"nothing to adopt: the trusted header", func(h http.Handler) http.Handler {
			return otherID("")(RequestID(AdoptRequestID(fromOther), TrustIncomingRequestID(0))(h))
		}, "incoming-1", "incoming-1"},
		{"header not trusted: the generator", func(h http.Handler) http.Handler {
			return RequestID(AdoptRequestID(fromOther), RequestIDGenerator(gen))(h)
		}, "incoming-1", "gen-1"},
		{"trusted header invalid: the generator", func(h http.Handler) http.Handler {
			return RequestID(TrustIncomingRequestID(5), RequestIDGenerator(gen))(h)
		}, "too-long", "gen-1"},
		{"generator invalid: the default", func(h http.Handler) http.Handler {
			return RequestID(RequestIDGenerator(bad))(h)
		}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen string
			app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = RequestIDFrom(r.Context()) })
			h := tt.h(app)
			req := httptest.NewRequest("GET", "/", nil)
			if tt.incoming != "" {
				req.Header.Set("X-Request-Id", tt.incoming)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			hdr := rec.Header().Values("X-Request-Id")
			if len(hdr) != 1 || hdr[0] != seen {
				t.Fatalf("header %q, context %q", hdr, seen)
			}
			if tt.want == "" {
				if len(seen) != idLen || !validRequestID(seen, 64) {
					t.Fatalf("got %q, want a default ID", seen)
				}
			} else if seen != tt.want {
				t.Fatalf("got %q, want %q", seen, tt.want)
			}
		})
	}
}

// TestAdoptChiRequestID: an ID in chi's format ("host/random-000001", as
// chi's middleware.RequestID builds it) is adopted however long the host
// name (64 bytes on Linux at most) and the counter (a uint64) make it, so
// that chi's ID and wsgo's agree; an ID over the adoption limit, or with a
// space, a quote, a control or an 8-bit byte, is refused: the request gets
// an ID of its own, the same in the header and in the context.
func TestAdoptChiRequestID(t *testing.T) {
	host64 := strings.Repeat("h", 64)
	tests := []struct {
		name, other string
		adopted     bool
	}{
		{"chi, short host", "web-1/Xk3P9qLmZa-000001", true},
		{"chi, EC2 host", "ip-172-31-45-67.ap-southeast-2.compute.internal/Xk3P9qLmZa-000001", true},
		{"chi, 64-byte host, counter past a million", host64 + "/Xk3P9qLmZa-18446744073709551615", true},
		{"200 bytes", strings.Repeat("a", 200), true},
		{"201 bytes", strings.Repeat("a", 201), false},
		{"space", "ip-172-31-45-67/Xk3P9qLmZa 000001", false},
		{"double quote", `web-1/"Xk3P9qLmZa"-000001`, false},
		{"single quote", "web-1/'Xk3P9qLmZa'-000001", false},
		{"CR LF", "web-1/Xk3P9qLmZa-000001\r\nSet-Cookie: a=b", false},
		{"NUL", "web-1/Xk3P9qLmZa\x00-000001", false},
		{"ESC", "web-1/\x1b[31mXk3P9qLmZa-000001", false},
		{"8-bit", "wéb-1/Xk3P9qLmZa-000001", false},
		{"DEL", "web-1/Xk3P9qLmZa\x7f-000001", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen string
			app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = RequestIDFrom(r.Context()) })
			h := otherID(tt.other)(RequestID(AdoptRequestID(fromOther))(app))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			hdr := rec.Header().Values("X-Request-Id")
			if len(hdr) != 1 || hdr[0] != seen {
				t.Fatalf("header %q, context %q", hdr, seen)
			}
			switch {
			case tt.adopted && seen != tt.other:
				t.Fatalf("got %q, want chi's %q", seen, tt.other)
			case !tt.adopted && (len(seen) != idLen || !validRequestID(seen, 64)):
				t.Fatalf("got %q, want a default ID", seen)
			}
		})
	}
}

// TestAdoptionLimitIsItsOwn: the adoption limit does not widen what a
// trusted incoming header may be: a 65-byte incoming ID is still refused.
func TestAdoptionLimitIsItsOwn(t *testing.T) {
	long := "ip-172-31-45-67.ap-southeast-2.compute.internal/Xk3P9qLmZa-000001"
	hdr, seen := serveID(t, RequestID(AdoptRequestID(fromOther), TrustIncomingRequestID(0)), long)
	if hdr != seen || len(seen) != idLen {
		t.Fatalf("header %q, context %q; want a default ID", hdr, seen)
	}
}
