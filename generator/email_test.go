package generator

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"

	"github.com/digest/digest/generator/email"
)

// bigIssue is a site whose one issue holds 40 articles, each with long
// headline, summary, source and tags, a lead and sections, an
// introduction with a relative link and image, and an unsubscribe
// placeholder: as heavy an issue as a weekly digest sends.
func bigIssue() fstest.MapFS {
	fsys := fstest.MapFS{
		"site.yaml": {Data: []byte("title: Weekly\nbase_url: https://example.org/news/\ntimezone: Asia/Manila\nemail_unsubscribe: \"*|UNSUB|*\"\n")},
		"content/issues/7.md": {Data: []byte("---\ndate: 2017-06-30\nlead: 2017/06/story-0.md\nsections: by tag\n---\n" +
			"This week in [the archive](/archive/) and ![a chart](/images/chart.png), with **forty** stories.\n\n" +
			"- a list\n- of points\n")},
	}
	words := strings.Repeat("The minister said talks would resume after the summit while markets rallied. ", 5)
	for i := range 40 {
		fsys[fmt.Sprintf("content/2017/06/story-%d.md", i)] = &fstest.MapFile{Data: fmt.Appendf(nil,
			"---\ntitle: \"Story %d: a long headline about talks, markets and the weather in the provinces\"\n"+
				"date: 2017-06-%02dT09:00:00+08:00\ntags: [Topic %d, Region]\nsource: The Ledger of Record\n"+
				"source_url: https://ledger.example/2017/06/%d/story\nsummary: \"%s\"\n---\nBody %d.\n",
			i, 1+i%28, i%6, i, words[:300], i)}
	}
	return fsys
}

// pxWidth is a width or min-width in pixels in a style attribute.
var pxWidth = regexp.MustCompile(`(?:^|;)\s*(?:min-)?width:\s*(\d+)px`)

// TestEmailFitsMailClients builds an issue of 40 articles and checks its
// email edition as mail clients need it: no script, no external
// stylesheet or web font, every link and image absolute, no wider than
// 600 px, dark mode kept, under the size Gmail clips at; and a text part
// with its links written out.
func TestEmailFitsMailClients(t *testing.T) {
	out, _, err := build(t, bigIssue())
	if err != nil {
		t.Fatal(err)
	}
	page := out.files["issues/7/email.html"]
	if page == nil {
		t.Fatal("no issues/7/email.html")
	}
	doc := string(page)
	if len(page) >= email.MaxSize {
		t.Errorf("email.html is %d bytes; want under %d", len(page), email.MaxSize)
	}
	t.Logf("email.html of 40 articles: %d bytes", len(page))
	for _, bad := range []string{"<script", "@import", "@font-face", `rel="stylesheet"`, "unsubscribe.invalid"} {
		if strings.Contains(strings.ToLower(doc), bad) {
			t.Errorf("email.html holds %q", bad)
		}
	}
	for _, want := range []string{`<meta name="color-scheme" content="light dark"/>`, "@media (prefers-color-scheme: dark)", `href="*|UNSUB|*"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("email.html lacks %q", want)
		}
	}
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for n := range root.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			switch {
			case (a.Key == "href" || a.Key == "src") && a.Val != "*|UNSUB|*":
				links++
				if u, err := url.Parse(a.Val); err != nil || !u.IsAbs() || u.Host == "" {
					t.Errorf("<%s %s=%q>: want an absolute URL", n.Data, a.Key, a.Val)
				}
			case a.Key == "width" && a.Val != "100%":
				if w, err := strconv.Atoi(a.Val); err != nil || w > 600 {
					t.Errorf("<%s width=%q>: want at most 600, or 100%%", n.Data, a.Val)
				}
			case a.Key == "style":
				for _, m := range pxWidth.FindAllStringSubmatch(a.Val, -1) {
					if w, _ := strconv.Atoi(m[1]); w > 600 {
						t.Errorf("<%s style=%q>: wider than 600 px", n.Data, a.Val)
					}
				}
			}
		}
	}
	if links < 80 {
		t.Errorf("email.html has %d links; want one per article at least", links)
	}

	text := string(out.files["issues/7/email.txt"])
	for _, want := range []string{"https://example.org/news/issues/7/", "https://example.org/news/archive/", "https://ledger.example/2017/06/39/story", "*|UNSUB|*"} {
		if !strings.Contains(text, want) {
			t.Errorf("email.txt lacks %q", want)
		}
	}
	if strings.Contains(text, "<") {
		t.Errorf("email.txt holds markup:\n%s", text)
	}
}
