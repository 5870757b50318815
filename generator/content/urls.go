package content

import (
	"html"
	"net/url"
	"strings"
)

// The URL fields accept http(s) URLs and, where the field is a link the
// site serves (image), site paths (/images/x.png) and paths relative to
// the article (map.png, for an article folder). No other scheme is
// accepted, whatever its spelling: a value reaches feeds, og:image and
// JSON-LD as written, and feed readers are less careful than browsers.
//
// The rules follow how a browser reads a URL, so a value cannot say one
// thing here and another there: a browser drops tabs and line breaks
// anywhere (java\tscript:), trims controls and spaces at both ends, takes
// a backslash for a slash (/\evil.example is another host), and
// html/template calls anything before a colon with no slash before it a
// scheme. A value that is entity- or percent-encoded is checked decoded
// too (javascript&#58;), for readers that decode once more.

// urlProblem says what is wrong with s as the value of a URL field, or
// returns "" when s is acceptable. relative allows site paths and
// relative paths besides http(s) URLs.
func urlProblem(s string, relative bool) string {
	for _, form := range decoded(s) {
		if scheme, ok := schemeOf(form); ok && scheme != "http" && scheme != "https" {
			return wantURL(relative)
		}
	}
	_, hasScheme := schemeOf(s)
	switch {
	case !relative && !hasScheme:
		return wantURL(relative)
	case strings.HasPrefix(s, "//"):
		return "has no scheme (write https:" + s + ")"
	case strings.Contains(s, `\`):
		return `holds a backslash (URLs use "/")`
	}
	switch {
	case strings.ContainsFunc(s, invisible):
		return "holds an invisible or control character"
	case strings.Contains(s, " "):
		return "holds a space (write %20)"
	}
	u, err := url.Parse(s)
	if err != nil || hasScheme && u.Host == "" {
		return wantURL(relative)
	}
	return ""
}

func wantURL(relative bool) string {
	if relative {
		return "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"
	}
	return "is not an http(s) URL"
}

// schemeOf returns the lowercased scheme of s as html/template sees it:
// what comes before a colon that has no slash before it.
func schemeOf(s string) (string, bool) {
	i := strings.IndexByte(s, ':')
	if i < 0 || strings.Contains(s[:i], "/") {
		return "", false
	}
	return strings.ToLower(s[:i]), true
}

// decoded returns s as readers that decode it once more may see it:
// entities resolved, percent-escapes resolved, and then as a browser
// reads it, without tabs and line breaks and trimmed.
func decoded(s string) []string {
	forms := []string{s, html.UnescapeString(s)}
	if p, err := url.PathUnescape(s); err == nil {
		forms = append(forms, p)
	}
	for i, f := range forms {
		forms[i] = strings.TrimFunc(dropBreaks.Replace(f), func(r rune) bool { return r <= ' ' })
	}
	return forms
}

// dropBreaks removes what a browser drops anywhere in a URL.
var dropBreaks = strings.NewReplacer("\t", "", "\n", "", "\r", "")
