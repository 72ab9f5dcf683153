package environ

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// report answers with what the application saw, for the bad-input table.
var report = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	e := From(r)
	fmt.Fprintf(w, "SCRIPT_NAME=%q PATH_INFO=%q SERVER_NAME=%q SERVER_PORT=%q X=%d",
		e.ScriptName(), e.PathInfo(), e.ServerName(), e.ServerPort(), len(e.GetString("HTTP_X_BIG")))
})

// raw sends one raw HTTP request to addr and returns the status and body.
func raw(t *testing.T, addr, request string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, request)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: %v", request, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if loc := res.Header.Get("Location"); loc != "" {
		return res.StatusCode, "Location: " + loc
	}
	return res.StatusCode, string(b)
}

func TestBadInput(t *testing.T) {
	site := Middleware()(MustMount(map[string]http.Handler{"/rest": report}, nil))
	ts := httptest.NewServer(site)
	defer ts.Close()
	addr := ts.Listener.Addr().String()
	long := "/rest/" + strings.Repeat("a", 8192)
	big := strings.Repeat("v", 100<<10)
	port := addr[strings.LastIndexByte(addr, ':')+1:] // SERVER_PORT when Host has none: the listener's, as Apache's
	tests := []struct {
		name, request string
		status        int
		body          string
	}{
		{"dot-dot leaving the mount", "GET /rest/../admin HTTP/1.1\r\nHost: x\r\n\r\n", 308, "Location: /admin"},
		{"dot-dot inside the mount", "GET /rest/a/../b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n", 308, "Location: /rest/b?q=1"},
		{"double slash", "GET /rest//x HTTP/1.1\r\nHost: x\r\n\r\n", 308, "Location: /rest/x"},
		{"double slash at the start", "GET //rest/x HTTP/1.1\r\nHost: x\r\n\r\n", 308, "Location: /rest/x"},
		{"encoded slash", "GET /rest/a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n", 200, fmt.Sprintf(`SCRIPT_NAME="/rest" PATH_INFO="/a/b" SERVER_NAME="x" SERVER_PORT=%q X=0`, port)},
		{"encoded dot-dot", "GET /rest/%2E%2E/admin HTTP/1.1\r\nHost: x\r\n\r\n", 308, "Location: /admin"},
		{"invalid percent-encoding", "GET /rest/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, ""},
		{"encoded NUL reaches the app as it is", "GET /rest/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 200, fmt.Sprintf(`SCRIPT_NAME="/rest" PATH_INFO="/a\x00b" SERVER_NAME="x" SERVER_PORT=%q X=0`, port)},
		{"raw NUL in the request line", "GET /rest/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 400, ""},
		{"8 KiB path", "GET " + long + " HTTP/1.1\r\nHost: x\r\n\r\n", 200, fmt.Sprintf(`SCRIPT_NAME="/rest" PATH_INFO=%q SERVER_NAME="x" SERVER_PORT=%q X=0`, long[len("/rest"):], port)},
		{"missing Host, HTTP/1.1", "GET /rest/x HTTP/1.1\r\n\r\n", 400, ""},
		{"missing Host, HTTP/1.0: the local address", "GET /rest/x HTTP/1.0\r\n\r\n", 200, fmt.Sprintf(`SCRIPT_NAME="/rest" PATH_INFO="/x" SERVER_NAME="127.0.0.1" SERVER_PORT=%q X=0`, port)},
		{"empty Host", "GET /rest/x HTTP/1.1\r\nHost: \r\n\r\n", 200, fmt.Sprintf(`SCRIPT_NAME="/rest" PATH_INFO="/x" SERVER_NAME="127.0.0.1" SERVER_PORT=%q X=0`, port)},
		{"IPv6 Host", "GET /rest/x HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", 200, `SCRIPT_NAME="/rest" PATH_INFO="/x" SERVER_NAME="[::1]" SERVER_PORT="8080" X=0`},
		{"malformed Host", "GET /rest/x HTTP/1.1\r\nHost: a b\r\n\r\n", 400, ""},
		{"Host with a bad port", "GET /rest/x HTTP/1.1\r\nHost: x:abc\r\n\r\n", 200, fmt.Sprintf(`SCRIPT_NAME="/rest" PATH_INFO="/x" SERVER_NAME="x" SERVER_PORT=%q X=0`, port)},
		{"100 KiB header value", "GET /rest/x HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n", 200, fmt.Sprintf(`SCRIPT_NAME="/rest" PATH_INFO="/x" SERVER_NAME="x" SERVER_PORT=%q X=102400`, port)},
		{"header past the server's limit", "GET /rest/x HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("v", 2<<20) + "\r\n\r\n", 431, ""},
		{"not under the mount", "GET /restore HTTP/1.1\r\nHost: x\r\n\r\n", 404, "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := raw(t, addr, tt.request)
			if status != tt.status || (tt.body != "" && body != tt.body) {
				t.Fatalf("%d %q\nwant %d %q", status, body, tt.status, tt.body)
			}
		})
	}
}
