package logging

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the child process's TZ is found on a machine without a zoneinfo database too
)

// TestAppendLineZoneOffsets: %t's offset as mod_log_config writes it,
// sign, hours and minutes, for the zones whose offset is not whole hours
// (India, Nepal, Newfoundland, the Marquesas, the Chatham Islands) and for
// a local mean time with seconds, which Apache truncates to the minute.
func TestAppendLineZoneOffsets(t *testing.T) {
	for _, tt := range []struct {
		zone *time.Location
		want string
	}{
		{time.UTC, "+0000"},
		{time.FixedZone("IST", 5*3600+30*60), "+0530"},
		{time.FixedZone("NPT", 5*3600+45*60), "+0545"},
		{time.FixedZone("CHAST", 12*3600+45*60), "+1245"},
		{time.FixedZone("LINT", 14*3600), "+1400"},
		{time.FixedZone("NST", -(3*3600 + 30*60)), "-0330"},
		{time.FixedZone("MART", -(9*3600 + 30*60)), "-0930"},
		{time.FixedZone("HST", -10*3600), "-1000"},
		{time.FixedZone("LMT", 19*60+32), "+0019"}, // Amsterdam before 1937
		{time.FixedZone("", -30), "-0000"},         // as mod_log_config: sign, then whole minutes
	} {
		t.Run(tt.want, func(t *testing.T) {
			rec := Record{
				RemoteHost: "192.0.2.1", RequestLine: "GET / HTTP/1.1", Status: 200, Bytes: 2,
				Time: time.Date(2024, 3, 9, 23, 59, 58, 0, tt.zone),
			}
			want := `192.0.2.1 - - [09/Mar/2024:23:59:58 ` + tt.want + `] "GET / HTTP/1.1" 200 2` + "\n"
			if got := string(AppendLine(nil, Common, &rec)); got != want {
				t.Fatalf("\n got %q\nwant %q", got, want)
			}
		})
	}
}

// apacheZoneChild is the environment variable that makes
// TestApacheLineInTheServersZone the child process that serves a request.
const apacheZoneChild = "WSGO_TEST_APACHE_ZONE_CHILD"

// TestApacheLineInTheServersZone runs the Apache middleware in a process
// whose local zone (TZ) is India's, then the Marquesas': %t carries the
// server's offset, half hour included, as Apache's own line would.
func TestApacheLineInTheServersZone(t *testing.T) {
	if os.Getenv(apacheZoneChild) != "" {
		var out bytes.Buffer
		h := Apache(&out, Common)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("ok"))
		}))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/zone", nil))
		os.Stdout.WriteString("LINE " + out.String())
		return
	}
	for _, tt := range []struct{ tz, offset string }{
		{"Asia/Kolkata", "+0530"},
		{"Pacific/Marquesas", "-0930"},
	} {
		t.Run(tt.tz, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestApacheLineInTheServersZone$", "-test.count=1")
			cmd.Env = append(os.Environ(), apacheZoneChild+"=1", "TZ="+tt.tz)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			_, line, ok := strings.Cut(string(out), "LINE ")
			line, _, _ = strings.Cut(line, "\n")
			re := regexp.MustCompile(`^192\.0\.2\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d ` + regexp.QuoteMeta(tt.offset) + `\] "GET /zone HTTP/1\.1" 200 2$`)
			if !ok || !re.MatchString(line) {
				t.Fatalf("line %q, want the offset %s\nchild said:\n%s", line, tt.offset, out)
			}
		})
	}
}
