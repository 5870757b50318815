package generator

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/internal/testkit"
)

// TestSitemapParts adds the newest article to a site whose sitemap is
// split, again and again, rebuilding with the last build's state, and
// checks that each build changed the index and at most two parts of the
// sitemap, that every page is in one part, and (rebuild) that the output
// equals a fresh build's. The parts are made small so that a small site
// has several, and the pages other than articles' fit in one, as the rule
// needs; on the way, the articles left over fill a part of their own.
func TestSitemapParts(t *testing.T) {
	defer func(size int) { sitemapSize = size }(sitemapSize)
	sitemapSize = 10
	now := buildTime.AddDate(10, 0, 0)
	fsys := fstest.MapFS{"site.yaml": {Data: []byte("title: Parts\nbase_url: https://parts.example.org/\n" +
		"timezone: UTC\npage_size: 1000\ndisable: [days, sources]\n")}}
	// article adds article i, on day i of 2020 from 1 January, with one
	// of two tags: the pages other than articles' stay few.
	article := func(i int) {
		date := time.Date(2020, 1, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, i)
		fsys[fmt.Sprintf("content/articles/2020/a-%d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\ntitle: Story %d\nslug: a-%d\ndate: %s\ntags: [Tag %d]\n---\nA story.\n",
			i, i, date.Format(time.RFC3339), i%2)), ModTime: now.Add(-time.Hour).Add(time.Duration(i) * time.Second)}
	}
	for i := range 25 {
		article(i)
	}
	root := t.TempDir()
	out := filepath.Join(root, "public")
	rebuild(t, fsys, root, now, "the first build")
	before := testkit.ReadTree(t, out)
	filled := false // a part of articles was filled
	loc := regexp.MustCompile(`<loc>https://parts\.example\.org(/[^<]*)</loc>`)
	for i := 25; i < 32; i++ {
		// From the 31st, a new month: a page among the others.
		article(i)
		what := fmt.Sprintf("adding article %d", i)
		rebuild(t, fsys, root, now, what)
		after := testkit.ReadTree(t, out)
		if _, ok := after["sitemap-3.xml"]; !ok {
			t.Fatalf("%s: no sitemap-3.xml: the site is too small to test the split", what)
		}
		parts := 0
		listed := map[string]int{}
		for _, name := range changedFiles(before, after) {
			if strings.HasPrefix(name, "sitemap-") {
				parts++
			}
			filled = filled || name == "sitemap-3.xml" && strings.Contains(after[name], "/tags/") != strings.Contains(before[name], "/tags/")
		}
		for name, data := range after {
			if !strings.HasPrefix(name, "sitemap-") {
				continue
			}
			for _, m := range loc.FindAllStringSubmatch(data, -1) {
				listed[m[1]]++
			}
		}
		if parts > 2 {
			t.Errorf("%s: %d parts of the sitemap changed", what, parts)
		}
		for name := range after {
			if !strings.HasSuffix(name, ".html") || name == "404.html" {
				continue
			}
			url := "/" + strings.TrimSuffix(name, "index.html")
			if listed[url] != 1 {
				t.Errorf("%s: %s is listed %d times in the sitemap's parts", what, url, listed[url])
			}
		}
		before = after
	}
	if !filled {
		t.Error("sitemap-3.xml never turned from other pages to articles: the articles left over never filled a part")
	}
}
