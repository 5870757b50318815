package generator

import (
	"maps"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/digest/digest/internal/testkit"
)

// The patterns TestSubPathSite reads URLs with: attributes of HTML, the
// target of a meta refresh, absolute URLs anywhere, and root-relative
// strings in JSON and JavaScript.
var (
	htmlURL     = regexp.MustCompile(`\b(?:href|src|action)="([^"]*)"`)
	refreshURL  = regexp.MustCompile(`content="\d+; url=([^"]*)"`)
	absoluteURL = regexp.MustCompile(`https?://[^\s"'<>\\]+`)
	quotedPath  = regexp.MustCompile(`["'](/[^"'\s]*)["']`)
)

// TestSubPathSite builds the example digest for a base URL with a path
// and reads every URL in every page, feed, sitemap, search file and
// script: each link within the site must start with the path, and no
// file may be written under it.
func TestSubPathSite(t *testing.T) {
	const base, sitePath = "https://someone.github.io/my-digest/", "/my-digest/"
	out := &memOutput{}
	_, err := Build(Options{Input: Input{Site: os.DirFS(".."), Theme: testkit.Theme(), BaseURL: base}, Now: buildTime.AddDate(1, 0, 0)}, out)
	if err != nil {
		t.Fatal(err)
	}
	checked := map[string]int{}
	check := func(file, u string) {
		t.Helper()
		if strings.HasPrefix(u, "//") {
			return // another host, which pages of the site never name
		}
		p, err := url.Parse(u)
		if err != nil {
			t.Errorf("%s: %q is no URL: %v", file, u, err)
			return
		}
		switch {
		case p.Scheme == "" && strings.HasPrefix(u, "/"):
		case p.Host == "someone.github.io":
		default:
			return // relative, an anchor, or another site
		}
		checked[path.Ext(file)]++
		if !strings.HasPrefix(p.Path, sitePath) {
			t.Errorf("%s: %s leaves %s", file, u, sitePath)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(out.files)) {
		if strings.HasPrefix(name, strings.Trim(sitePath, "/")+"/") {
			t.Errorf("%s is written under the site's path", name)
		}
		data := string(out.files[name])
		var urls []string
		switch path.Ext(name) {
		case ".html":
			for _, m := range htmlURL.FindAllStringSubmatch(data, -1) {
				urls = append(urls, m[1])
			}
			for _, m := range refreshURL.FindAllStringSubmatch(data, -1) {
				urls = append(urls, m[1])
			}
		case ".json", ".js":
			for _, m := range quotedPath.FindAllStringSubmatch(data, -1) {
				urls = append(urls, m[1])
			}
		case ".xml", ".opml", ".txt", ".css", ".svg", ".nojekyll":
		default:
			t.Errorf("%s: a kind of file this test does not read", name)
		}
		urls = append(urls, absoluteURL.FindAllString(data, -1)...)
		for _, u := range urls {
			check(name, u)
		}
	}
	// Every kind of file that holds links must have been read.
	for _, ext := range []string{".html", ".xml", ".opml", ".json", ".txt"} {
		if checked[ext] == 0 {
			t.Errorf("no URL of the site found in a %s file", ext)
		}
	}
	t.Logf("URLs checked by kind of file: %v", checked)
}
