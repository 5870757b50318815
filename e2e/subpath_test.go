package e2e

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/digest/digest/internal/testkit"
)

// subPath is where TestSubPath publishes the example digest, as a GitHub
// Pages project site is published under the repository's name.
const subPath = "/my-digest/"

// exampleFolderImage is the lead image of the example article that is an
// article folder (content/2017/05/north-korea-hwasong-12-launch/), from
// the site's root.
const exampleFolderImage = "2017/05/14/north-korea-fires-a-new-missile-to-its-highest-altitude-yet/korean-peninsula-map.svg"

// TestSubPath builds the example digest for a base URL with a path, puts
// it in a folder of that name, serves the folder above it with a plain
// file server, as a host serving several sites does, and crawls every
// page from the site's first page: every link, stylesheet, script, image,
// feed and search result must answer, and none may leave the path. It
// runs before the parallel tests rather than beside them: its crawl and
// theirs would share one browser on a busy machine.
func TestSubPath(t *testing.T) {
	shared := setup(t)
	tmp := t.TempDir()
	s := &suite{dir: filepath.Join(tmp, strings.Trim(subPath, "/")), browser: shared.browser, shots: shared.shots}
	s.srv = httptest.NewServer(http.FileServer(http.Dir(tmp)))
	t.Cleanup(s.srv.Close)
	s.host = strings.TrimPrefix(s.srv.URL, "http://")

	if err := buildExample(os.DirFS(testkit.Root()), s.dir, s.srv.URL+subPath); err != nil {
		t.Fatalf("building the example digest at %s: %v", subPath, err)
	}

	c := &crawler{t: t, s: s, tb: s.newTab(t), status: map[string]int{}}
	c.crawl(s.srv.URL+subPath, s.srv.URL+subPath+"404.html", s.srv.URL+subPath+"robots.txt")
	t.Logf("crawled %d pages and %d other files under %s", c.pages, len(c.status)-c.pages, subPath)
	if c.pages < 50 {
		t.Errorf("crawled only %d pages; the example digest has more", c.pages)
	}
	if len(c.broken) > 0 {
		targets := map[string]bool{}
		for _, b := range c.broken {
			targets[b.to] = true
		}
		for i, b := range c.broken {
			if i == 20 {
				t.Errorf("… and %d more", len(c.broken)-i)
				break
			}
			t.Errorf("%s links to %s: %s", b.from, b.to, b.why)
		}
		t.Errorf("%d broken internal links to %d URLs over %d pages", len(c.broken), len(targets), c.pages)
	}
	// The example's lead image is a file of its article's folder: it must
	// have been asked for where the article's page is, and have answered.
	mapURL := s.srv.URL + subPath + exampleFolderImage
	if st, ok := c.status[mapURL]; !ok || st != http.StatusOK {
		t.Errorf("the example article folder's image %s: crawled %t, status %d; want it linked and answering 200", mapURL, ok, st)
	}
	for i, p := range c.problems {
		if i == 20 {
			t.Errorf("… and %d more problems loading the pages", len(c.problems)-i)
			break
		}
		t.Error(p)
	}

	word, want := bodyOnlyWord(t, s.dir)
	want = strings.TrimSuffix(subPath, "/") + want
	c.tb.open(subPath + "search/?q=" + url.QueryEscape(word))
	_, err := chromedp.Run(c.tb.ctx, chromedp.Poll[bool](fmt.Sprintf(
		`[...document.querySelectorAll('#search-results a[href]')].some(a => a.pathname === %q)`, want),
		chromedp.WithPollingTimeout(5*time.Second)))
	if err != nil {
		results := eval[[]string](c.tb, `[...document.querySelectorAll('#search-results a[href]')].map(a => a.pathname)`)
		t.Fatalf("search for %q at %s: %s not among the results %v (%v)", word, subPath, want, results, err)
	}
	c.tb.checkClean("search at " + subPath)
	links := eval[[]string](c.tb, `[...document.querySelectorAll('#search-results a[href]')].map(a => a.href)`)
	for _, l := range links {
		if why := c.check(l); why != "" {
			t.Errorf("search result link %s: %s", l, why)
		}
	}
	href, _ := c.tb.follow(`#search-results .card-title a`)
	if !strings.HasPrefix(href, subPath) || c.tb.text("h1") == "" {
		t.Errorf("the first search result led to %s, titled %q", href, c.tb.text("h1"))
	}
}

// crawler walks a site in a browser tab.
type crawler struct {
	t      *testing.T
	s      *suite
	tb     *tab
	status map[string]int // by URL without its fragment: the answer, or -1 when it left the path
	pages  int
	broken []brokenLink
	// problems are what the browser saw go wrong loading the pages: a
	// stylesheet, script or image that did not load, a console error.
	problems []string
}

type brokenLink struct{ from, to, why string }

// absURLs finds the absolute URLs of the test server in feeds, the
// sitemap and robots.txt. In XML an "&" starts an entity, such as the
// &#34; that closes an href in an escaped Atom content, and in JSON a
// backslash an escape, such as the \" that closes one in a JSON Feed.
var absURLs = regexp.MustCompile(`https?://[^\s"'<>&\\]+`)

// crawl visits the pages at start and every page of the site they lead
// to, breadth first, recording each link that does not answer.
func (c *crawler) crawl(start ...string) {
	queue := slices.Clone(start)
	queued := map[string]bool{}
	for _, u := range start {
		queued[u] = true
	}
	for len(queue) > 0 {
		from := queue[0]
		queue = queue[1:]
		links, isPage := c.visit(from)
		if isPage {
			c.pages++
		}
		for _, l := range links {
			l = strings.SplitN(l, "#", 2)[0]
			if u, err := url.Parse(l); err != nil || u.Host != c.s.host {
				continue
			}
			if why := c.check(l); why != "" {
				c.broken = append(c.broken, brokenLink{from, l, why})
				continue
			}
			if !queued[l] {
				queued[l] = true
				queue = append(queue, l)
			}
		}
	}
}

// visit reads the file at u: a page is loaded in the browser, which must
// load its stylesheet, scripts and images without a problem, and gives
// the URLs of its links and resources; another file gives the server's
// URLs written in it.
func (c *crawler) visit(u string) (links []string, isPage bool) {
	c.t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		c.t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		c.t.Fatal(err)
	}
	typ, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if typ != "text/html" {
		return absURLs.FindAllString(string(body), -1), false
	}
	p := strings.TrimPrefix(u, c.s.srv.URL)
	c.tb.open(p)
	for _, problem := range c.tb.takeProblems() {
		c.problems = append(c.problems, u+": "+problem)
	}
	return eval[[]string](c.tb, `[...document.querySelectorAll('a[href], link[href], script[src], img[src]')]
		.map(e => e.href || e.src)`), true
}

// check asks for u once and says what is wrong with it, or "".
func (c *crawler) check(u string) string {
	st, ok := c.status[u]
	if !ok {
		parsed, _ := url.Parse(u)
		st = -1
		if strings.HasPrefix(parsed.Path, subPath) {
			resp, err := http.Get(u)
			if err != nil {
				c.t.Fatal(err)
			}
			resp.Body.Close()
			st = resp.StatusCode
		}
		c.status[u] = st
	}
	switch {
	case st == -1:
		return "outside " + subPath
	case st != http.StatusOK:
		return fmt.Sprintf("HTTP %d", st)
	}
	return ""
}
