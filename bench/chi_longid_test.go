package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	chimw "github.com/go-chi/chi/v5/middleware"
	"go.uber.org/zap"

	"github.com/wsgo/wsgo"
	"github.com/wsgo/wsgo/mw"
)

// TestChiLongRequestIDAdopted: chi's IDs read "host/random-000001", 65
// bytes on an EC2 host name; the production preset adopts one that long
// (chi's RequestID takes it from the incoming header here, as it does
// behind another chi service), so that chi and wsgo agree. An ID with a
// quote and a space, which chi takes as it comes, is refused: wsgo's ID is
// its own then, and the response header carries wsgo's.
func TestChiLongRequestIDAdopted(t *testing.T) {
	const ec2 = "ip-172-31-45-67.ap-southeast-2.compute.internal/Xk3P9qLmZa-000001"
	for _, tt := range []struct {
		in    string
		agree bool
	}{
		{ec2, true},
		{strings.Repeat("h", 64) + "/Xk3P9qLmZa-18446744073709551615", true},
		{`web-1/"Xk3P9qLmZa" 000001`, false},
		{strings.Repeat("a", 201), false},
	} {
		type seen struct{ wsgo, chi string }
		got := make(chan seen, 1)
		app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got <- seen{mw.RequestIDFrom(r.Context()), chimw.GetReqID(r.Context())}
		})
		h := chimw.RequestID(wsgo.Production(zap.NewNop(),
			wsgo.RequestIDOptions(mw.AdoptRequestID(chimw.GetReqID))).Then(app))
		ts := httptest.NewServer(h)
		req, _ := http.NewRequest("GET", ts.URL, nil)
		req.Header.Set("X-Request-Id", tt.in)
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		ts.Close()
		s := <-got
		if s.chi != tt.in || res.Header.Get("X-Request-Id") != s.wsgo {
			t.Fatalf("%.40q: chi %q, wsgo %q, header %q", tt.in, s.chi, s.wsgo, res.Header.Get("X-Request-Id"))
		}
		if agree := s.wsgo == s.chi; agree != tt.agree {
			t.Errorf("%.40q: wsgo %q, chi %q: agree %v, want %v", tt.in, s.wsgo, s.chi, agree, tt.agree)
		}
	}
}
