package wsgo

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/wsgo/wsgo/logging"
)

// TestProductionLogsEveryRequest sends 2 000 requests over 8 connections,
// then 100 panics in a burst, through Production with the logger
// Production(nil) builds, writing to a file: 2 100 access entries and 100
// panic entries, each panic with its request ID.
func TestProductionLogsEveryRequest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("burst")
		}
		io.WriteString(w, "ok")
	})
	ts := httptest.NewServer(Production(logging.JSON(f)).Then(app))
	defer ts.Close()
	tr := &http.Transport{MaxConnsPerHost: 8, MaxIdleConnsPerHost: 8}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	run := func(path string, n, workers int) []string {
		var mu sync.Mutex
		var ids []string
		var wg sync.WaitGroup
		jobs := make(chan int)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range jobs {
					res, err := client.Get(ts.URL + path)
					if err != nil {
						t.Error(err)
						continue
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					mu.Lock()
					ids = append(ids, res.Header.Get("X-Request-Id"))
					mu.Unlock()
				}
			}()
		}
		for i := range n {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		return ids
	}
	run("/", 2000, 8)
	panicIDs := run("/panic", 100, 100)
	ts.Close() // every handler has returned, every entry is written
	f.Close()

	f, err = os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	access, panics := 0, map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("not JSON: %q", sc.Text())
		}
		switch e["msg"] {
		case logging.FieldMessage:
			access++
		case "panic recovered":
			id, _ := e["http.request.id"].(string)
			panics[id] = true
		}
	}
	if access != 2100 {
		t.Errorf("%d access entries for 2 100 requests", access)
	}
	if len(panics) != 100 {
		t.Errorf("%d panic entries (distinct request IDs) for 100 panics", len(panics))
	}
	for _, id := range panicIDs {
		if !panics[id] {
			t.Errorf("no panic entry with the request ID %q the client got", id)
			break
		}
	}
}
