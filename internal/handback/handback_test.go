package handback

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestPrefixed(t *testing.T) {
	for _, tt := range []struct{ p, prefix, want string }{
		{"/users/{id}", "/api", "/api/users/{id}"},
		{"GET /users/{id}", "/api", "GET /api/users/{id}"},
		{"GET example.com/users/", "/api", "GET example.com/api/users/"},
		{"example.com/", "/api", "example.com/api/"},
		{"GET /", "", "GET /"},
		{"/", "/api", "/api/"},
		{"users", "/api", "/apiusers"},
	} {
		if got := Prefixed(tt.p, tt.prefix); got != tt.want {
			t.Errorf("Prefixed(%q, %q) = %q, want %q", tt.p, tt.prefix, got, tt.want)
		}
	}
}

// upload returns a request whose multipart body holds a file bigger than
// the memory ParseMultipartForm is given, so that it goes to a temporary
// file.
func upload(t *testing.T) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mpw := multipart.NewWriter(&b)
	fw, _ := mpw.CreateFormFile("f", "f.bin")
	fw.Write(bytes.Repeat([]byte("x"), 4096))
	mpw.Close()
	r := httptest.NewRequest("POST", "/", &b)
	r.Header.Set("Content-Type", mpw.FormDataContentType())
	return r
}

func tempFiles(t *testing.T) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(os.TempDir(), "multipart-*"))
	return m
}

func TestReturnRemovesTheCopysForm(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	received := upload(t)
	cp := received.WithContext(received.Context())
	if err := cp.ParseMultipartForm(1); err != nil {
		t.Fatal(err)
	}
	if len(tempFiles(t)) != 1 {
		t.Fatalf("ParseMultipartForm left %v, want one temporary file", tempFiles(t))
	}
	Return(received, cp, "")
	if left := tempFiles(t); len(left) != 0 {
		t.Fatalf("temporary files left after Return: %v", left)
	}
}

func TestReturnKeepsAFormTheReceivedRequestOwns(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	received := upload(t)
	if err := received.ParseMultipartForm(1); err != nil {
		t.Fatal(err)
	}
	cp := received.WithContext(received.Context()) // shares the form
	Return(received, cp, "")
	if len(tempFiles(t)) != 1 {
		t.Fatal("Return removed a form the received request owns")
	}
	received.MultipartForm.RemoveAll()
}

func TestReturnPattern(t *testing.T) {
	received := httptest.NewRequest("GET", "/api/users/7", nil)
	cp := received.WithContext(received.Context())
	cp.Pattern = "GET /users/{id}"
	Return(received, cp, "/api")
	if received.Pattern != "GET /api/users/{id}" {
		t.Fatalf("Pattern %q, want %q", received.Pattern, "GET /api/users/{id}")
	}
	outer := httptest.NewRequest("GET", "/api/users/7", nil)
	outer.Pattern = "/api/"
	cp = outer.WithContext(outer.Context())
	cp.Pattern = "GET /users/{id}"
	Return(outer, cp, "/api")
	if outer.Pattern != "/api/" {
		t.Fatalf("an outer ServeMux's Pattern was replaced by %q", outer.Pattern)
	}
}
