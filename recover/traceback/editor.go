package traceback

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"
)

// EditorLink makes each frame's file:line on the traceback page a link that
// opens the file in an editor, by the URL pattern given: {path} stands for
// the file's absolute path and {line} for the line. For example
//
//	EditorLink("vscode://file/{path}:{line}")             // VS Code
//	EditorLink("goland://open?file={path}&line={line}")    // GoLand
//	EditorLink("idea://open?file={path}&line={line}")      // IntelliJ IDEA
//
// There is none by default. The path is percent-encoded but for its
// slashes and a Windows drive's colon, so it is the same in a URL's path
// and in its query. EditorLink panics when the pattern has no {path}, no
// scheme, or a scheme that runs code in the page (javascript, vbscript,
// data): the pattern is the program's, never the client's.
func EditorLink(pattern string) Option {
	u, err := url.Parse(strings.NewReplacer("{path}", "p", "{line}", "1").Replace(pattern))
	switch {
	case !strings.Contains(pattern, "{path}"):
		panic("traceback: EditorLink: the pattern has no {path}: " + strconv.Quote(pattern))
	case err != nil || u.Scheme == "":
		panic("traceback: EditorLink: the pattern is not a URL with a scheme: " + strconv.Quote(pattern))
	case u.Scheme == "javascript" || u.Scheme == "vbscript" || u.Scheme == "data":
		panic("traceback: EditorLink: the scheme " + u.Scheme + " is refused")
	}
	return optionFunc(func(c *config) { c.editor = pattern })
}

// editorURL is the link that opens file at line in the editor of
// [EditorLink], or "" without one.
func (c *config) editorURL(file string, line int) template.URL {
	if c.editor == "" || file == "" {
		return ""
	}
	//nolint:gosec // the pattern is the program's, validated by EditorLink; the path is percent-encoded
	return template.URL(strings.NewReplacer("{path}", escapePath(file), "{line}", strconv.Itoa(line)).Replace(c.editor))
}

// escapePath percent-encodes every byte of a file path but the unreserved
// ones, '/' and ':'.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~/:", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
