package environ

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/fcgi"
	"net/textproto"
	"testing"
	"time"
)

// fcgiRecord writes one FastCGI record of request 1.
func fcgiRecord(w io.Writer, typ byte, content []byte) {
	h := []byte{1, typ, 0, 1, 0, 0, 0, 0}
	binary.BigEndian.PutUint16(h[4:], uint16(len(content)))
	w.Write(h)
	w.Write(content)
}

func fcgiPair(b *bytes.Buffer, k, v string) {
	for _, s := range []string{k, v} {
		if len(s) < 128 {
			b.WriteByte(byte(len(s)))
		} else {
			binary.Write(b, binary.BigEndian, uint32(len(s))|1<<31)
		}
	}
	b.WriteString(k)
	b.WriteString(v)
}

// fcgiGet sends one GET of uri with the extra params to a FastCGI server at
// addr, as Apache's mod_proxy_fcgi would, and returns the status and body
// of the answer.
func fcgiGet(t *testing.T, addr, uri string, extra map[string]string) (int, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	var req bytes.Buffer
	fcgiRecord(&req, 1, []byte{0, 1, 0, 0, 0, 0, 0, 0}) // BEGIN_REQUEST, responder, close the connection
	var params bytes.Buffer
	fcgiPair(&params, "REQUEST_METHOD", "GET")
	fcgiPair(&params, "SERVER_PROTOCOL", "HTTP/1.1")
	fcgiPair(&params, "REQUEST_URI", uri)
	fcgiPair(&params, "HTTP_HOST", "www.example.org")
	fcgiPair(&params, "REMOTE_ADDR", "10.0.0.1")
	for k, v := range extra {
		fcgiPair(&params, k, v)
	}
	fcgiRecord(&req, 4, params.Bytes()) // PARAMS
	fcgiRecord(&req, 4, nil)
	fcgiRecord(&req, 5, nil) // empty STDIN
	if _, err := c.Write(req.Bytes()); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	for {
		var h [8]byte
		if _, err := io.ReadFull(c, h[:]); err != nil {
			t.Fatalf("reading the FastCGI answer: %v", err)
		}
		content := make([]byte, int(binary.BigEndian.Uint16(h[4:]))+int(h[6]))
		if _, err := io.ReadFull(c, content); err != nil {
			t.Fatalf("reading the FastCGI answer: %v", err)
		}
		content = content[:binary.BigEndian.Uint16(h[4:])]
		if h[1] == 3 { // END_REQUEST
			break
		}
		if h[1] == 6 { // STDOUT
			stdout.Write(content)
		}
	}
	tp := textproto.NewReader(bufio.NewReader(&stdout))
	hdr, err := tp.ReadMIMEHeader()
	if err != nil {
		t.Fatalf("CGI header of %q: %v", stdout.String(), err)
	}
	status := 200
	if s := hdr.Get("Status"); s != "" {
		status = 0
		for _, c := range s[:3] {
			status = status*10 + int(c-'0')
		}
	}
	body, _ := io.ReadAll(tp.R)
	return status, string(body)
}

// serveFastCGI serves h over FastCGI on loopback until the test ends.
func serveFastCGI(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go fcgi.Serve(ln, h)
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

// TestFastCGIScriptNameAtASegmentBoundary: a mount point /site covers /site
// and /site/x, never /siteadmin, whose request goes on untouched.
func TestFastCGIScriptNameAtASegmentBoundary(t *testing.T) {
	addr := serveFastCGI(t, FastCGI()(seen("app")))
	site := map[string]string{"WSGO_SCRIPT_NAME": "/site"}
	tests := []struct{ uri, want string }{
		{"/site", "app\nSCRIPT_NAME=/site\nPATH_INFO=\nPath=/\nRawPath=\nREQUEST_URI=/site"},
		{"/site/", "app\nSCRIPT_NAME=/site\nPATH_INFO=/\nPath=/\nRawPath=\nREQUEST_URI=/site/"},
		{"/site/x", "app\nSCRIPT_NAME=/site\nPATH_INFO=/x\nPath=/x\nRawPath=\nREQUEST_URI=/site/x"},
		{"/siteadmin", "app\nSCRIPT_NAME=\nPATH_INFO=/siteadmin\nPath=/siteadmin\nRawPath=\nREQUEST_URI=/siteadmin"},
		{"/siteadmin/x", "app\nSCRIPT_NAME=\nPATH_INFO=/siteadmin/x\nPath=/siteadmin/x\nRawPath=\nREQUEST_URI=/siteadmin/x"},
		{"/sit", "app\nSCRIPT_NAME=\nPATH_INFO=/sit\nPath=/sit\nRawPath=\nREQUEST_URI=/sit"},
	}
	for _, tt := range tests {
		code, body := fcgiGet(t, addr, tt.uri, site)
		if code != 200 || body != tt.want {
			t.Errorf("%s: %d %q\nwant 200 %q", tt.uri, code, body, tt.want)
		}
	}
	// Without the parameter (or with a bad one) the layer does nothing.
	for _, extra := range []map[string]string{nil, {"WSGO_SCRIPT_NAME": "/"}, {"WSGO_SCRIPT_NAME": "/a/../site"}} {
		want := "app\nSCRIPT_NAME=\nPATH_INFO=/site/x\nPath=/site/x\nRawPath=\nREQUEST_URI=/site/x"
		if code, body := fcgiGet(t, addr, "/site/x", extra); code != 200 || body != want {
			t.Errorf("%v: %d %q\nwant 200 %q", extra, code, body, want)
		}
	}
}

// Over FastCGI, HTTPS on, yes and 1, in any case, mean https (HTTPS "on",
// wsgi.url_scheme "https"), as wsgiref's guess_scheme reads them (CPython
// Lib/test/test_wsgiref.py testGuessScheme and testCrossDefaults:
// HTTPS on, yes, 1 are https, foo is http, and SERVER_PORT follows); any
// other value, or none, is plain http with no HTTPS key. net/http/fcgi
// reads HTTPS itself (on, ON, 1) and hides it; the other spellings come
// through WSGO_HTTPS.
func TestFastCGIHTTPS(t *testing.T) {
	addr := serveFastCGI(t, FastCGI()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := From(r)
		https, ok := e.Get("HTTPS")
		fmt.Fprintf(w, "HTTPS=%v,%v wsgi.url_scheme=%s SERVER_PORT=%s", https, ok, e.GetString("wsgi.url_scheme"), e.GetString("SERVER_PORT"))
	})))
	const on, off = "HTTPS=on,true wsgi.url_scheme=https SERVER_PORT=443", "HTTPS=<nil>,false wsgi.url_scheme=http SERVER_PORT=80"
	tests := []struct {
		params map[string]string
		want   string
	}{
		{nil, off},
		{map[string]string{"HTTPS": "on"}, on},
		{map[string]string{"HTTPS": "ON"}, on},
		{map[string]string{"HTTPS": "1"}, on},
		{map[string]string{"HTTPS": "off"}, off},
		{map[string]string{"HTTPS": "foo"}, off},
		{map[string]string{"HTTPS": "0"}, off},
		{map[string]string{"HTTPS": ""}, off},
		{map[string]string{"WSGO_HTTPS": "on"}, on},
		{map[string]string{"WSGO_HTTPS": "On"}, on},
		{map[string]string{"WSGO_HTTPS": "yes"}, on},
		{map[string]string{"WSGO_HTTPS": "Yes"}, on},
		{map[string]string{"WSGO_HTTPS": "YES"}, on},
		{map[string]string{"WSGO_HTTPS": "1"}, on},
		{map[string]string{"WSGO_HTTPS": "off"}, off},
		{map[string]string{"WSGO_HTTPS": "foo"}, off},
		{map[string]string{"WSGO_HTTPS": "yes", "WSGO_SCRIPT_NAME": "/site"}, on},
	}
	for _, tt := range tests {
		if code, body := fcgiGet(t, addr, "/site/x", tt.params); code != 200 || body != tt.want {
			t.Errorf("%v: %d %q, want %q", tt.params, code, body, tt.want)
		}
	}
	for _, v := range []string{"on", "On", "oN", "ON", "yes", "Yes", "YES", "1"} {
		if !httpsOn(v) {
			t.Errorf("httpsOn(%q) false", v)
		}
	}
	for _, v := range []string{"", "off", "no", "0", "foo", "true", " on", "yes "} {
		if httpsOn(v) {
			t.Errorf("httpsOn(%q) true", v)
		}
	}
}
