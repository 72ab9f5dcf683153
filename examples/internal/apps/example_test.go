package apps_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wsgo/wsgo/environ"
	"github.com/wsgo/wsgo/examples/internal/apps"
)

// The tutorial's /rest application, mounted at /rest.
func ExampleRest() {
	h := environ.MustMount(map[string]http.Handler{"/rest": http.HandlerFunc(apps.Rest)}, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/rest/custompath", nil))
	fmt.Println(rec.Body.String())
	// Output:
	// Hello World!
	// PATH_INFO = /custompath
	// SCRIPT_NAME = /rest
}
