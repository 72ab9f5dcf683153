package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	chimw "github.com/go-chi/chi/v5/middleware"

	"github.com/wsgo/wsgo/internal/wsgotest"
)

// LineFacts are the facts of a request an access line may carry, in the
// order of AccessLine.Facts.
var LineFacts = []string{
	"method", "path", "query", "status", "response size", "request size", "duration",
	"client address", "user agent", "referer", "host", "request ID",
}

// Indices into LineFacts.
const (
	factMethod = iota
	factPath
	factQuery
	factStatus
	factRespSize
	factReqSize
	factDuration
	factClient
	factUserAgent
	factReferer
	factHost
	factRequestID
)

// LineStacks are the stacks whose access lines AccessLines looks at: the
// floors and every full stack.
var LineStacks = []string{
	"zapfloor", "zapfloor-careful", "appender", "wsgo-production", "wsgo-production-json", "wsgo-development",
	"chi", "gorilla", "negroni", "echo", "handwritten",
}

// AccessLine is what one stack's access log writes for the benchmarks'
// request.
type AccessLine struct {
	Stack string
	// Line is the access line, newline included: the last line the stack
	// writes for the benchmarks' request (wsgotest.Request, the bare
	// handler's 13-byte answer). Its length varies by a byte or two with
	// the clock (timestamp, duration).
	Line string
	// Lines is how many lines the stack writes for that request.
	Lines int
	// RequestURI is whether the line holds the request's target as the
	// client sent it (r.RequestURI), which for the benchmarks' request,
	// made by httptest.NewRequest from an absolute URL, is that URL.
	RequestURI bool
	// Facts tells, for each of LineFacts, whether the line carries it.
	Facts []bool
	// JSON is whether the line is JSON-shaped (starts with '{'), and
	// ValidOnQuote whether it is still valid JSON when the User-Agent holds
	// a double quote.
	JSON, ValidOnQuote bool
}

// Marks: values of the marked request no other part of a line can hold.
const (
	markHost     = "marked-host.example:8443"
	markReferer  = "http://referer.example/from-page"
	markBodySize = 37243
	quotedAgent  = `Mozilla/5.0 "quoted" \ agent`
)

// AccessLines runs each of LineStacks, built by StacksTo with a writer
// that captures what its loggers write, three times: on the benchmarks'
// request (the line and its length); on the same request marked, its host,
// referer and body size set to values nothing else in a line can match
// (which facts the line carries, detected in the line); and with a quote in
// the User-Agent (whether a JSON-shaped line stays valid JSON).
func AccessLines() ([]AccessLine, error) {
	var buf bytes.Buffer
	stacks := map[string]Stack{}
	for _, s := range StacksTo(&buf) {
		stacks[s.Name] = s
	}
	var out []AccessLine
	for _, name := range LineStacks {
		s, ok := stacks[name]
		if !ok {
			return nil, fmt.Errorf("bench: access lines: no stack %q", name)
		}
		l, err := accessLine(s, &buf)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// accessLine looks at the lines of one stack, whose loggers write to buf.
func accessLine(s Stack, buf *bytes.Buffer) (AccessLine, error) {
	l := AccessLine{Stack: s.Name}
	all, line, err := runOnce(s.Wrap(Hello), buf, wsgotest.Request())
	if err != nil {
		return l, fmt.Errorf("bench: access lines: %s: %w", s.Name, err)
	}
	l.Line, l.Lines = line, strings.Count(all, "\n")
	l.RequestURI = strings.Contains(line, wsgotest.Request().RequestURI)
	l.JSON = strings.HasPrefix(line, "{")

	var ids []string
	probe := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ids = append(ids, chimw.GetReqID(r.Context()), w.Header().Get(mwRequestIDHeader))
		Hello.ServeHTTP(w, r)
	})
	marked := markedRequest()
	if _, line, err = runOnce(s.Wrap(probe), buf, marked); err != nil {
		return l, fmt.Errorf("bench: access lines: %s, marked request: %w", s.Name, err)
	}
	l.Facts = lineFacts(line, marked, append(ids, floorRequestID))

	quoted := wsgotest.Request()
	quoted.Header.Set("User-Agent", quotedAgent)
	if _, line, err = runOnce(s.Wrap(Hello), buf, quoted); err != nil {
		return l, fmt.Errorf("bench: access lines: %s, quoted User-Agent: %w", s.Name, err)
	}
	l.ValidOnQuote = json.Valid([]byte(line))
	return l, nil
}

// mwRequestIDHeader is the response header the stacks that make a request
// ID answer with (wsgo's, echo's, the hand-written one).
const mwRequestIDHeader = "X-Request-Id"

// runOnce serves r once through h and returns everything written to buf
// and its last line, newline included.
func runOnce(h http.Handler, buf *bytes.Buffer, r *http.Request) (all, last string, err error) {
	buf.Reset()
	h.ServeHTTP(wsgotest.NewWriter(), r)
	all = buf.String()
	if !strings.HasSuffix(all, "\n") {
		return all, "", fmt.Errorf("no complete line written: %q", all)
	}
	body := all[:len(all)-1]
	return all, body[strings.LastIndexByte(body, '\n')+1:] + "\n", nil
}

// markedRequest is the benchmarks' request with a host, a referer and a
// body (its size declared as a client declares it) that no other part of a
// line can match.
func markedRequest() *http.Request {
	r := wsgotest.Request()
	r.Host = markHost
	r.Header.Set("Referer", markReferer)
	r.Body = io.NopCloser(strings.NewReader(strings.Repeat("x", markBodySize)))
	r.ContentLength = markBodySize
	r.Header.Set("Content-Length", strconv.Itoa(markBodySize))
	return r
}

// lineFacts detects in line which facts of r (answered by the bare
// handler) it carries; ids are the request IDs the stack may have logged.
// Text facts are found as they are; a duration by its form, a Go duration
// ("3.7µs") or a JSON member named for a duration or a latency, once the
// text facts are masked out of the line; numbers (status, sizes) as whole
// numbers, once times and durations are masked out too.
func lineFacts(line string, r *http.Request, ids []string) []bool {
	client, _, _ := net.SplitHostPort(r.RemoteAddr)
	texts := []struct {
		fact int
		v    string
	}{
		{factMethod, r.Method},
		{factPath, r.URL.Path},
		{factQuery, r.URL.RawQuery},
		{factClient, client},
		{factUserAgent, r.UserAgent()},
		{factReferer, r.Referer()},
		{factHost, r.Host},
	}
	for _, id := range ids {
		texts = append(texts, struct {
			fact int
			v    string
		}{factRequestID, id})
	}
	facts := make([]bool, len(LineFacts))
	masked := line
	for _, t := range texts {
		if t.v != "" && strings.Contains(line, t.v) {
			facts[t.fact] = true
			masked = strings.ReplaceAll(masked, t.v, " ")
		}
	}
	facts[factDuration] = hasDuration(masked, line)
	masked = timesAndDurations.ReplaceAllString(masked, " ")
	facts[factStatus] = hasNumber(masked, http.StatusOK)
	facts[factRespSize] = hasNumber(masked, len(HelloBody))
	facts[factReqSize] = hasNumber(masked, int(r.ContentLength))
	return facts
}

// goDuration is a duration as time.Duration's String writes it.
var goDuration = regexp.MustCompile(`\d(\.\d+)?(ns|µs|μs|us|ms|s)([^a-zA-Z]|$)`)

// durationKey names a JSON member that holds a duration.
var durationKey = regexp.MustCompile(`(?i)duration|latency|elapsed`)

// timesAndDurations are what a clock puts in a line: decimals (epoch
// seconds, float durations, fractions of seconds), clock times, dates,
// zone offsets, Go durations and the numbers of members named for a
// duration.
var timesAndDurations = regexp.MustCompile(`\d+\.\d+|\d+:\d+(:\d+)?|\d{4}[-/]\d{2}[-/]\d{2}|\d{2}/[A-Za-z]{3}/\d{4}|[+-]\d{4}\b|` +
	goDuration.String() + `|"[^"]*(?i:duration|latency|elapsed)[^"]*":-?\d+`)

// hasDuration tells whether line carries a duration: a Go duration in
// masked (the line without its text facts, in which a request ID could
// look like one), or a JSON member named for one.
func hasDuration(masked, line string) bool {
	if goDuration.MatchString(masked) {
		return true
	}
	var m map[string]any
	if json.Unmarshal([]byte(line), &m) != nil {
		return false
	}
	for k := range m {
		if durationKey.MatchString(k) {
			return true
		}
	}
	return false
}

// hasNumber tells whether s holds n as a whole number: not part of a longer
// number or of a decimal.
func hasNumber(s string, n int) bool {
	v := strconv.Itoa(n)
	for i := 0; ; {
		j := strings.Index(s[i:], v)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(v)
		if (j == 0 || !numberByte(s[j-1])) && (end == len(s) || !numberByte(s[end])) {
			return true
		}
		i = j + 1
	}
}

// numberByte tells whether c can be part of a number.
func numberByte(c byte) bool { return c == '.' || '0' <= c && c <= '9' }
