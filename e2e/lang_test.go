package e2e

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/digest/digest/internal/testkit"
)

// TestLanguages builds the example digest with its interface in Japanese
// and in Arabic, and looks at a page of every kind on a phone and a
// desktop: the page says its language and direction, the theme's words
// and dates are in it, an Arabic page mirrors (its navigation starts at
// the right), nothing overflows a phone, and search reports its results
// in the language. Screenshots go beside the others, as ja-… and ar-….
// Like TestSubPath it runs before the parallel tests.
func TestLanguages(t *testing.T) {
	for _, tt := range []struct {
		lang, dir string
		// words are some of the theme's words in the language, dates a
		// date of the example's newest edition as its heading writes it,
		// results what search says of one result.
		nav, date, result string
	}{
		{"ja", "ltr", "アーカイブ", "2017年6月30日金曜日", "の検索結果：1件"},
		{"ar", "rtl", "الأرشيف", "الجمعة، 30 يونيو 2017", "نتيجة واحدة"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			s := buildWith(t, "language", tt.lang)
			tb := s.newTab(t)
			for _, width := range []int64{phone, desktop} {
				tb.viewport(width)
				for _, k := range s.kinds {
					tb.open(k.path)
					where := fmt.Sprintf("%s %s %s at %dpx", tt.lang, k.name, k.path, width)
					tb.checkClean(where)
					lang := eval[string](tb, `document.documentElement.lang`)
					dir := eval[string](tb, `getComputedStyle(document.body).direction`)
					if lang != tt.lang || dir != tt.dir {
						t.Errorf("%s: lang %q, direction %q; want %q, %q", where, lang, dir, tt.lang, tt.dir)
					}
					if nav := eval[string](tb, `document.querySelector('.site-nav').textContent`); !strings.Contains(nav, tt.nav) {
						t.Errorf("%s: navigation %q has no %q", where, strings.Join(strings.Fields(nav), " "), tt.nav)
					}
					if width == phone {
						if w := eval[int](tb, `document.documentElement.scrollWidth - innerWidth`); w > 0 {
							t.Errorf("%s: the page scrolls %dpx sideways", where, w)
						}
					}
					tb.screenshot(fmt.Sprintf("%s-%s-%d", tt.lang, k.name, width))
				}
			}

			tb.viewport(desktop)
			tb.open("/")
			if h := eval[string](tb, `document.querySelector('.edition-heading').textContent`); h != tt.date {
				t.Errorf("%s: the newest edition's heading is %q; want %q", tt.lang, h, tt.date)
			}
			// The navigation runs in the reading direction: in Arabic its
			// first link is right of its last.
			firstRight := eval[bool](tb, `(() => { const a = document.querySelectorAll('.site-nav a');
				return a[0].getBoundingClientRect().left > a[a.length - 1].getBoundingClientRect().left; })()`)
			if firstRight != (tt.dir == "rtl") {
				t.Errorf("%s: the navigation's first link is right of its last: %v", tt.lang, firstRight)
			}

			word, _ := bodyOnlyWord(t, s.dir)
			tb.open("/search/?q=" + word)
			_, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](fmt.Sprintf(
				`document.getElementById('search-status').textContent.includes(%q)`, tt.result),
				chromedp.WithPollingTimeout(5*time.Second)))
			if err != nil {
				t.Errorf("%s: search for %q says %q; want it to say %q", tt.lang, word,
					eval[string](tb, `document.getElementById('search-status').textContent`), tt.result)
			}
			tb.checkClean(tt.lang + " search")
			tb.screenshot(tt.lang + "-search-results-" + fmt.Sprint(desktop))
		})
	}
}

// buildWith builds the example digest with one setting of its site.yaml
// changed, such as its language, and serves it, sharing the suite's
// browser.
func buildWith(t *testing.T, key, value string) *suite {
	t.Helper()
	shared := setup(t)
	root := testkit.Root()
	yaml, err := os.ReadFile(filepath.Join(root, "site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(key + ": " + value)
	yaml = regexp.MustCompile(`(?m)^`+regexp.QuoteMeta(key)+`: .*$`).ReplaceAll(yaml, line)
	if !bytes.Contains(yaml, line) {
		t.Fatalf("site.yaml has no %s line to change", key)
	}
	s := &suite{dir: filepath.Join(t.TempDir(), "public"), browser: shared.browser, shots: shared.shots}
	s.srv = httptest.NewServer(s.handler())
	t.Cleanup(s.srv.Close)
	s.host = strings.TrimPrefix(s.srv.URL, "http://")
	if err := buildExample(withFile{os.DirFS(root), "site.yaml", yaml}, s.dir, s.srv.URL+"/"); err != nil {
		t.Fatalf("building the example digest with %s: %v", line, err)
	}
	if s.kinds, err = findKinds(s.dir); err != nil {
		t.Fatal(err)
	}
	return s
}

// withFile is a file system with one file replaced.
type withFile struct {
	fs.FS
	name string
	data []byte
}

func (w withFile) Open(name string) (fs.File, error) {
	if name == w.name {
		return fstest.MapFS{name: {Data: w.data}}.Open(name)
	}
	return w.FS.Open(name)
}
