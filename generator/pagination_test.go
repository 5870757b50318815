package generator

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/generator/publish"
	"github.com/digest/digest/internal/testkit"
)

// TestStablePagination adds the newest article to a site, again and
// again, rebuilding with the last build's state as a curator does, and
// checks that each build changed only what the article is on: the front
// pages of its lists (home, its tags, its source) and no numbered page,
// except when a front fills up and splits, which may change the new page
// and the two below it, whose links name it. Every other file that
// changed must be one that shows the new article. rebuild checks each
// build against a fresh one, byte for byte.
func TestStablePagination(t *testing.T) {
	const size = 3
	fsys := generateSite(60)
	fsys["site.yaml"] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
		"title: Stable\nbase_url: https://stable.example.org/\ntimezone: UTC\npage_size: %d\n", size))}
	now := buildTime.AddDate(10, 0, 0)
	root := t.TempDir()
	out := filepath.Join(root, "public")
	rebuild(t, fsys, root, now, "the first build")
	before := testkit.ReadTree(t, out)
	// lists are the URLs of the lists each added article is on.
	lists := []string{"", "tags/tag-0/", "tags/tag-1/", "sources/the-ledger/"}
	splits := 0
	related := regexp.MustCompile(`(?s)<section class="related".*?</section>`)
	for i := range 2 * size {
		// Each article is the newest, on a day of its own, after all
		// of generateSite's.
		date := time.Date(2022, 6, 1+i, 9, 0, 0, 0, time.UTC)
		url := fmt.Sprintf("%s/added-%d/", date.Format("2006/01/02"), i)
		fsys[fmt.Sprintf("content/articles/2022/added-%d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\ntitle: Added %d\nslug: added-%d\ndate: %s\ntags: [Tag 0, Tag 1]\nsource: The Ledger\n---\nA new story.\n",
			i, i, date.Format(time.RFC3339))), ModTime: now.Add(-time.Hour).Add(time.Duration(i) * time.Second)}
		what := fmt.Sprintf("adding %s", url)
		rebuild(t, fsys, root, now, what)
		after := testkit.ReadTree(t, out)
		changed := changedFiles(before, after)
		for _, list := range lists {
			oldK, newK := pageCount(before, list), pageCount(after, list)
			if newK != oldK {
				splits++
			}
			front := list + "index.html"
			if !slices.Contains(changed, front) {
				t.Errorf("%s: the front page %s did not change", what, front)
			}
			for k := 1; k < newK; k++ {
				page := fmt.Sprintf("%spage/%d/index.html", list, k)
				split := newK == oldK+1 && k >= newK-3
				if slices.Contains(changed, page) && !split {
					t.Errorf("%s: %s changed, %d pages before and %d after", what, page, oldK, newK)
				}
			}
		}
		edition := date.Format("2006/01/02/")
		for _, name := range changed {
			switch {
			case stableChange(name, lists, edition):
			case strings.Contains(after[name], `"/`+url+`"`), strings.Contains(after[name], `"/`+edition+`"`):
				// It links to the article or its day: its neighbours,
				// and the pages it is a related story on.
			case related.ReplaceAllString(before[name], "") == related.ReplaceAllString(after[name], ""):
				// Related stories weigh each tag by how many articles
				// have it, which the article changed.
			default:
				t.Errorf("%s: %s changed, and neither is it on a list of the article's, nor does it link to it or its edition", what, name)
			}
		}
		before = after
	}
	if splits == 0 {
		t.Error("no front page split: the test does not test the split")
	}
}

// stableChange reports whether the file name may change when a newest
// article is added to the lists at the URLs in lists, on the new day
// edition: the fronts of those lists, its day's archives and the pages
// that count articles, the feeds, the sitemap and the search index.
func stableChange(name string, lists []string, edition string) bool {
	for _, list := range lists {
		if name == list+"index.html" || strings.HasPrefix(name, list+"page/") {
			return true // the page numbers are checked by the caller
		}
	}
	for _, prefix := range []string{edition, edition[:len("2006/01/")] + "index.html", edition[:len("2006/")] + "index.html", "search/"} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	switch {
	case name == publish.Marker:
		return true
	case strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".json"):
		return true // the feeds, which list the newest, and the sitemap
	case name == "archive/index.html", name == "tags/index.html", name == "sources/index.html", name == "404.html":
		return true // counts of articles, and the 404 page's latest stories
	}
	return false
}

// changedFiles lists the files that are new in after, or hold other bytes
// than in before, sorted.
func changedFiles(before, after map[string]string) []string {
	var names []string
	for name, data := range after {
		if old, ok := before[name]; !ok || old != data {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// pageCount is how many pages the list at URL list has in files: the
// front and its numbered pages.
func pageCount(files map[string]string, list string) int {
	numbered := regexp.MustCompile(`^` + regexp.QuoteMeta(list) + `page/(\d+)/index\.html$`)
	n := 1
	for name := range files {
		if m := numbered.FindStringSubmatch(name); m != nil {
			k, _ := strconv.Atoi(m[1])
			n = max(n, k+1)
		}
	}
	return n
}
