package bench

import (
	"net/http"
	"net/http/httptest"
)

// WriterCapabilities checks, behind each full stack on a real HTTP/1.1
// server, whether the handler's writer is still an http.Flusher and an
// http.Hijacker, and whether http.ResponseController can flush through it.
func WriterCapabilities() (map[string][3]bool, error) {
	got := map[string][3]bool{}
	for _, s := range Stacks() {
		if !s.Full {
			continue
		}
		var caps [3]bool
		h := s.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, caps[0] = w.(http.Flusher)
			_, caps[1] = w.(http.Hijacker)
			caps[2] = http.NewResponseController(w).Flush() == nil
		}))
		ts := httptest.NewServer(h)
		res, err := ts.Client().Get(ts.URL + "/x")
		ts.Close()
		if err != nil {
			return nil, err
		}
		res.Body.Close()
		got[s.Name] = caps
	}
	return got, nil
}
