package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// result is one card of the search page, as a reader sees it.
type result struct {
	Title   string   `json:"title"`
	Path    string   `json:"path"`
	Meta    string   `json:"meta"`
	Date    string   `json:"date"`
	Snippet string   `json:"snippet"`
	Marks   []string `json:"marks"` // the marked words of headline, snippet and tags
	Tags    []string `json:"tags"`
}

// search opens the search page at address p (a path and query) and
// returns the results once the live region has said how many there are.
func search(t *testing.T, tb *tab, p string) (status string, rs []result) {
	t.Helper()
	tb.open(p)
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`document.getElementById('search-status').textContent != ''`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("%s: the status never says anything: %v", p, err)
	}
	tb.checkClean(p)
	rs = eval[[]result](tb, `[...document.querySelectorAll('#search-results > li')].map(li => ({
		title: li.querySelector('h2').textContent, path: li.querySelector('h2 a').pathname,
		meta: li.querySelector('.meta').textContent, date: li.querySelector('time').getAttribute('datetime'),
		snippet: (li.querySelector('.summary') || {}).textContent || '',
		marks: [...li.querySelectorAll('mark')].map(m => m.textContent.toLowerCase()),
		tags: [...li.querySelectorAll('.tags a')].map(a => a.textContent)}))`)
	return eval[string](tb, `document.getElementById('search-status').textContent`), rs
}

func titles(rs []result) []string {
	var ts []string
	for _, r := range rs {
		ts = append(ts, r.Title)
	}
	return ts
}

// TestSearchFinds checks, on the example digest, each way search finds
// what a reader means: stems, phrases, a prefix on every word, typos,
// filters and sort with or without words, snippets around the words,
// and words together ranked first.
func TestSearchFinds(t *testing.T) {
	t.Parallel()
	s := setup(t)
	if _, err := os.Stat(filepath.Join(s.dir, "search.js")); err != nil {
		t.Skip("the site has no /search.js yet: the search tests wait for it")
	}
	tb := s.newTab(t)
	const launch = "North Korea tests a solid-fuel missile a week after its last launch"

	t.Run("stems", func(t *testing.T) {
		// The headline says "launch"; no article says "launches".
		_, rs := search(t, tb, "/search/?q=launches")
		if !slices.Contains(titles(rs), launch) {
			t.Errorf("launches: %q not among %q", launch, titles(rs))
		}
		for _, r := range rs[:min(3, len(rs))] {
			if len(r.Marks) == 0 {
				t.Errorf("launches: nothing marked in %q", r.Title)
			}
		}
	})

	t.Run("phrases", func(t *testing.T) {
		_, words := search(t, tb, "/search/?q=council+security")
		_, phrase := search(t, tb, "/search/?q=%22security+council%22")
		status, reversed := search(t, tb, "/search/?q=%22council+security%22")
		if len(phrase) == 0 || len(reversed) != 0 || !strings.Contains(status, "council security") {
			t.Errorf(`"security council" finds %d, "council security" %d (%q); want some and none`, len(phrase), len(reversed), status)
		}
		if len(words) < len(phrase) {
			t.Errorf("the words without quotes find %d, fewer than the phrase's %d", len(words), len(phrase))
		}
	})

	t.Run("a prefix on every word", func(t *testing.T) {
		_, full := search(t, tb, "/search/?q=korea+missile")
		_, first := search(t, tb, "/search/?q=kore+missile")
		_, both := search(t, tb, "/search/?q=missi+kore")
		if len(full) == 0 || len(first) < len(full) || len(both) < len(full) {
			t.Errorf("korea missile finds %d, kore missile %d, missi kore %d; want the prefixes to find at least as many",
				len(full), len(first), len(both))
		}
	})

	t.Run("typos", func(t *testing.T) {
		_, exact := search(t, tb, "/search/?q=missile")
		_, typo := search(t, tb, "/search/?q=missle")
		_, swapped := search(t, tb, "/search/?q=misisle")
		if len(exact) == 0 || len(typo) == 0 || len(swapped) == 0 || typo[0].Title != exact[0].Title {
			t.Errorf("missile finds %q, missle %q, misisle %q; want the same first", titles(exact[:min(1, len(exact))]),
				titles(typo[:min(1, len(typo))]), titles(swapped[:min(1, len(swapped))]))
		}
	})

	t.Run("filters and sort without words", func(t *testing.T) {
		status, rs := search(t, tb, "/search/?source=Reuters&from=2017-05-01&to=2017-05-31&sort=oldest")
		if len(rs) == 0 || !strings.Contains(status, "result") {
			t.Fatalf("Reuters in May: %q, %d results", status, len(rs))
		}
		var dates []string
		for _, r := range rs {
			if !strings.Contains(r.Meta, "Reuters") || r.Date < "2017-05-01" || r.Date >= "2017-06-01" {
				t.Errorf("Reuters in May: %q from %q on %s", r.Title, r.Meta, r.Date)
			}
			dates = append(dates, r.Date)
		}
		if !slices.IsSorted(dates) {
			t.Errorf("oldest first: dates %v", dates)
		}
		if v := eval[[]string](tb, `['search-source', 'search-from', 'search-to', 'search-sort'].map(id => document.getElementById(id).value)`); !slices.Equal(v, []string{"Reuters", "2017-05-01", "2017-05-31", "oldest"}) {
			t.Errorf("the form shows %q; want the address's filters", v)
		}
	})

	t.Run("a filter set by keyboard goes into the address", func(t *testing.T) {
		tb.open("/search/?q=missile")
		if err := chromedp.Do(tb.ctx, chromedp.SendKeys(chromedp.CSS(`#search-tag`), "THAAD\r")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`location.search.includes('tag=THAAD')`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Fatalf("the address is %s after typing a tag", eval[string](tb, `location.search`))
		}
		_, all := search(t, tb, "/search/?q=missile")
		_, rs := search(t, tb, "/search/?q=missile&tag=thaad")
		if len(rs) == 0 || len(rs) >= len(all) {
			t.Errorf("missile finds %d, tagged THAAD %d; want fewer, not none", len(all), len(rs))
		}
		for _, r := range rs {
			if !slices.Contains(r.Tags, "THAAD") {
				t.Errorf("missile tagged THAAD: %q is tagged %q", r.Title, r.Tags)
			}
		}
	})

	t.Run("snippets hold the word", func(t *testing.T) {
		for _, w := range []string{"airlifted", "petrol", "iligan"} {
			_, rs := search(t, tb, "/search/?q="+w)
			if len(rs) == 0 || !slices.Contains(rs[0].Marks, w) || !strings.Contains(strings.ToLower(rs[0].Snippet), w) {
				t.Errorf("%s: first result %+v; want the word marked in its snippet", w, rs[:min(1, len(rs))])
			}
		}
	})

	t.Run("words together first", func(t *testing.T) {
		_, rs := search(t, tb, "/search/?q=council+security")
		if len(rs) == 0 || !strings.Contains(strings.ToLower(rs[0].Title), "security council") {
			t.Errorf("council security: first %q; want a headline with the words together", titles(rs[:min(1, len(rs))]))
		}
	})
}
