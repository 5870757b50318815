package content

import (
	"html/template"
	"net/url"
	"strings"
	"testing"
)

// urlTests are values of image (relative true) and source_url.
var urlTests = []struct {
	in       string
	relative bool
	problem  string
}{
	{"https://example.org/a.png", true, ""},
	{"HTTP://EXAMPLE.ORG/A.PNG", true, ""},
	{"https://example.org/search?q=a%3Ab&x=1#top", false, ""},
	{"/images/x.png", true, ""},
	{"/images/北京.png", true, ""},
	{"map.png", true, ""},
	{"./map.png", true, ""},
	{"../shared/map.png", true, ""},
	{"images/a:b.png", true, ""},
	{"a%20b.png", true, ""},
	{"?v=2", true, ""},

	// No other scheme, however it is written.
	{"javascript:alert(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"JaVaScRiPt:alert(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"data:image/png;base64,iVBORw0KGgo=", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"vbscript:msgbox(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"file:///etc/passwd", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"ftp://example.org/a.png", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"mailto:a@example.org", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"x:y", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"java\tscript:alert(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"java\nscript:alert(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"\x01javascript:alert(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"\ufffdjavascript:alert(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"javascript&#58;alert(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"javascript&colon;alert(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"&#106;avascript:alert(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"javascript%3Aalert(1)", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"?a:b", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"https:", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"https:/x.png", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"http://[::1", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},
	{"%zz.png", true, "is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png"},

	// Other hosts need a scheme; a backslash is a slash to a browser.
	{"//evil.example/x.png", true, "has no scheme (write https://evil.example/x.png)"},
	{`/\evil.example/x.png`, true, `holds a backslash (URLs use "/")`},
	{`images\x.png`, true, `holds a backslash (URLs use "/")`},

	// What a browser would silently drop or misread.
	{"my image.png", true, "holds a space (write %20)"},
	{"a\tb.png", true, "holds an invisible or control character"},
	{"a\u00a0b.png", true, "holds an invisible or control character"},
	{"a\u202eb.png", true, "holds an invisible or control character"},
	{"a\u200bb.png", true, "holds an invisible or control character"},
	{"a\x7fb.png", true, "holds an invisible or control character"},
	{"a\ufffdb.png", true, "holds an invisible or control character"},

	// source_url: only http(s) with a host.
	{"/images/x.png", false, "is not an http(s) URL"},
	{"map.png", false, "is not an http(s) URL"},
	{"//example.org/a", false, "is not an http(s) URL"},
	{"https://example.org/a b", false, "holds a space (write %20)"},
	{"JAVASCRIPT:alert(1)", false, "is not an http(s) URL"},
}

func TestURLProblem(t *testing.T) {
	for _, tt := range urlTests {
		if got := urlProblem(tt.in, tt.relative); got != tt.problem {
			t.Errorf("urlProblem(%q, %v) = %q; want %q", tt.in, tt.relative, got, tt.problem)
		}
	}
}

// TestImage checks that image is read as a URL field, with the place of
// the value.
func TestImage(t *testing.T) {
	for _, tt := range []struct {
		src, want, err string
	}{
		{"image: /images/x.png", "/images/x.png", ""},
		{"image: map.png", "map.png", ""},
		{"image: ' https://example.org/x.png '", "https://example.org/x.png", ""},
		{"image: javascript:alert(1)", "", `content/a.md:4:8: image: "javascript:alert(1)" is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png`},
		{"image: \"data:image/svg+xml,<svg onload=alert(1)>\"", "", `content/a.md:4:8: image: "data:image/svg+xml,<svg onload=alert(1)>" is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png`},
		{"image: \"java\\tscript:alert(1)\"", "", `content/a.md:4:8: image: "java\tscript:alert(1)" is not an http(s) URL, a site path such as /images/x.png or a relative path such as x.png`},
		{"image: [x.png]", "", "content/a.md:4:8: image: want text, not a list"},
	} {
		a, err := parse(t, article(tt.src))
		if err != tt.err {
			t.Errorf("%s: error:\n%s\nwant:\n%s", tt.src, err, tt.err)
		}
		if a.Image != tt.want {
			t.Errorf("%s: Image = %q; want %q", tt.src, a.Image, tt.want)
		}
	}
}

var imgTemplate = template.Must(template.New("").Parse(`<img src="{{.}}"><a href="{{.}}">`))

// FuzzURL checks what an accepted URL promises: html/template keeps it
// (no #ZgotmplZ), it holds no space or control character, no decoded
// form of it has a scheme but http(s), and a URL accepted as a
// source_url is accepted as an image and has a host.
func FuzzURL(f *testing.F) {
	for _, tt := range urlTests {
		f.Add(tt.in, tt.relative)
	}
	f.Fuzz(func(t *testing.T, s string, relative bool) {
		if urlProblem(s, relative) != "" {
			return
		}
		var b strings.Builder
		if err := imgTemplate.Execute(&b, s); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "ZgotmplZ") {
			t.Errorf("urlProblem(%q, %v) accepts what html/template filters: %s", s, relative, b.String())
		}
		if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			t.Errorf("urlProblem(%q, %v) accepts a space or control character", s, relative)
		}
		for _, form := range decoded(s) {
			if scheme, ok := schemeOf(form); ok && scheme != "http" && scheme != "https" {
				t.Errorf("urlProblem(%q, %v) accepts %q, of scheme %q", s, relative, form, scheme)
			}
		}
		if !relative {
			if urlProblem(s, true) != "" {
				t.Errorf("urlProblem(%q) accepts a source_url it refuses as an image", s)
			}
			if u, err := url.Parse(s); err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
				t.Errorf("urlProblem(%q, false) accepts a URL without an http(s) scheme and a host", s)
			}
		}
	})
}
