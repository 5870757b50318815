package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/i18n"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
	"github.com/digest/digest/internal/testkit"
)

// nastyTitle must survive every format unchanged: it would close a CDATA
// section, a script element and an XML element if written raw.
const nastyTitle = `Envoy: "<script>alert('x')</script>" & ]]> <b>not bold</b>`

// base is the test site's base_url; its URLs start with its path, /news/.
const base = "https://example.org/news/"

// origin is base without its path.
const origin = "https://example.org"

// testSite is a small digest built by hand, so that the feeds depend on
// nothing but this package. Its articles are newest first, as the caller
// gives them.
func testSite(t testing.TB) *site.Site {
	t.Helper()
	cfg, err := config.Parse([]byte("title: T\nbase_url: https://example.org/news/\ntimezone: Asia/Manila\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Locale, err = i18n.Load(cfg.Language, []fs.FS{testkit.Theme()}, func(_ int, name string) string { return name }); err != nil {
		t.Fatal(err)
	}
	s := &site.Site{Config: cfg}
	at := func(value string) time.Time { return testkit.LocalTime(t, cfg.Location, value) }
	tag := func(name, slug string) *site.Tag {
		return &site.Tag{Name: name, Slug: slug, URL: s.URL("/tags/" + slug + "/")}
	}
	korea, china, cafe := tag("North Korea", "north-korea"), tag("China", "china"), tag("Café", "café")
	s.Articles = []*site.Article{
		{
			Article: &content.Article{
				Title:     nastyTitle,
				Date:      at("2017-05-16 09:30"),
				Updated:   at("2017-05-17 08:00"),
				Source:    "Yonhap & Co",
				SourceURL: "https://en.yna.co.kr/view/AEN20170516?a=1&b=2",
				Author:    "Kim Soo-yeon",
				Summary:   `Seoul sends envoys; "a <new> start" & more.`,
				Image:     "/images/envoy.jpg",
				ImageAlt:  "The envoys",
			},
			URL:  s.URL("/2017/05/16/envoy/"),
			Tags: []*site.Tag{korea, china},
			HTML: spool.Mem("<p>President Moon sends <em>special envoys</em> to four capitals.</p>\n<p>A raw CDATA end ]]> in the body.</p>\n"),
		},
		{
			Article: &content.Article{
				Title:   "Belt and Road Forum opens in Beijing",
				Date:    at("2017-05-14 10:00"),
				Summary: "Xi opens the forum.",
			},
			URL:  s.URL("/2017/05/14/belt-and-road-forum/"),
			Tags: []*site.Tag{china},
			HTML: spool.Mem("<p>Twenty-nine heads of state attend.</p>\n"),
		},
		{
			Article: &content.Article{
				Title:     "Café diplomacy",
				Date:      at("2017-05-10 23:15"),
				Updated:   at("2017-05-20 12:00"), // the latest change of all
				SourceURL: "https://example.com/cafe",
				Summary:   "Coffee and talks.",
				Image:     "https://cdn.example.com/cafe.png",
			},
			URL:  s.URL("/2017/05/10/café-diplomacy/"),
			Tags: []*site.Tag{cafe},
			HTML: spool.Mem("<p>Over coffee.</p>"),
		},
	}
	for _, a := range s.Articles {
		// as the site model fills them in
		a.Summary = a.Article.Summary
		a.Image = a.Article.Image
		if strings.HasPrefix(a.Image, "/") {
			a.Image = s.URL(a.Image)
		}
	}
	return s
}

func homeChannel(s *site.Site, path string) Channel {
	return Channel{Title: s.Title, Description: "News from Asia", URL: s.URL("/"), Path: s.URL(path), Articles: s.Articles}
}

// renderers are the three feed formats with the file the site publishes
// each as.
var renderers = []struct {
	file   string
	render func(*site.Site, Channel) ([]byte, error)
}{
	{"feed.xml", makeRSS},
	{"atom.xml", makeAtom},
	{"feed.json", makeJSON},
}

func render(t *testing.T, s *site.Site, ch Channel, f func(*site.Site, Channel) ([]byte, error)) []byte {
	t.Helper()
	data, err := f(s, ch)
	if err != nil {
		t.Fatalf("rendering %s: %v", ch.Path, err)
	}
	return data
}

func TestGolden(t *testing.T) {
	s := testSite(t)
	for _, r := range renderers {
		t.Run(r.file, func(t *testing.T) {
			testkit.Golden(t, filepath.Join("testdata", r.file), render(t, s, homeChannel(s, "/"+r.file), r.render))
		})
	}
	t.Run("sitemap.xml", func(t *testing.T) {
		data, err := Sitemap(s, sitemapURLs(s))
		if err != nil {
			t.Fatal(err)
		}
		testkit.Golden(t, filepath.Join("testdata", "sitemap.xml"), data)
	})
	t.Run("robots.txt", func(t *testing.T) {
		testkit.Golden(t, filepath.Join("testdata", "robots.txt"), Robots(s))
	})
}

// TestParse reads every feed back with a real feed parser, so a feed that
// only looks right in the golden file still fails.
func TestParse(t *testing.T) {
	s := testSite(t)
	for _, r := range renderers {
		t.Run(r.file, func(t *testing.T) {
			ch := homeChannel(s, "/"+r.file)
			f, err := gofeed.NewParser().Parse(bytes.NewReader(render(t, s, ch, r.render)))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if f.Title != "T" {
				t.Errorf("title = %q; want %q", f.Title, "T")
			}
			if f.Language != "en" {
				t.Errorf("language = %q; want %q", f.Language, "en")
			}
			if want := base + r.file; f.FeedLink != want {
				t.Errorf("feed link = %q; want %q", f.FeedLink, want)
			}
			if r.file != "feed.json" { // JSON Feed has no feed-level date
				if want := "2017-05-20T12:00:00+08:00"; f.UpdatedParsed == nil || !f.UpdatedParsed.Equal(testkit.Time(t, want)) {
					t.Errorf("updated = %v; want %s", f.UpdatedParsed, want)
				}
			}
			if len(f.Items) != len(s.Articles) {
				t.Fatalf("%d items; want %d", len(f.Items), len(s.Articles))
			}
			for i, it := range f.Items {
				if r.file == "feed.xml" {
					// RSS descriptions are HTML; the summary is escaped into it.
					it.Description = html.UnescapeString(it.Description)
				}
				checkItem(t, it, s.Articles[i])
			}
		})
	}
}

func checkItem(t *testing.T, it *gofeed.Item, a *site.Article) {
	t.Helper()
	link := origin + a.URL
	link = strings.ReplaceAll(link, "é", "%C3%A9")
	if it.Title != a.Title {
		t.Errorf("item title = %q; want %q", it.Title, a.Title)
	}
	if it.Link != link || it.GUID != link {
		t.Errorf("item link, id = %q, %q; want %q", it.Link, it.GUID, link)
	}
	if it.PublishedParsed == nil || !it.PublishedParsed.Equal(a.Date) {
		t.Errorf("%s: published = %v; want %v", link, it.PublishedParsed, a.Date)
	}
	if it.Description != a.Summary {
		t.Errorf("%s: summary = %q; want %q", link, it.Description, a.Summary)
	}
	if want := tagNames(a); !slices.Equal(it.Categories, want) {
		t.Errorf("%s: categories = %q; want %q", link, it.Categories, want)
	}
	if body, _ := a.HTML.Get(); !strings.Contains(it.Content, body) {
		t.Errorf("%s: content = %q; want it to contain the body %q", link, it.Content, body)
	}
	if a.SourceURL != "" {
		want := `<a href="` + strings.ReplaceAll(a.SourceURL, "&", "&amp;") + `">`
		if !strings.Contains(it.Content, want) {
			t.Errorf("%s: content = %q; want the source link %s", link, it.Content, want)
		}
	}
	var author string
	if it.Author != nil {
		author = it.Author.Name
	}
	if author != a.Author {
		t.Errorf("%s: author = %q; want %q", link, author, a.Author)
	}
}

func TestRSSDetails(t *testing.T) {
	s := testSite(t)
	f, err := (&rss.Parser{}).Parse(bytes.NewReader(render(t, s, homeChannel(s, "/feed.xml"), makeRSS)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Link != base {
		t.Errorf("link = %q; want %q", f.Link, base)
	}
	it := f.Items[0]
	if it.GUID == nil || it.GUID.IsPermalink != "true" {
		t.Errorf("guid = %+v; want isPermaLink=true", it.GUID)
	}
	if want := base + "images/envoy.jpg"; it.Enclosure == nil || it.Enclosure.URL != want || it.Enclosure.Type != "image/jpeg" {
		t.Errorf("enclosure = %+v; want %s as image/jpeg", it.Enclosure, want)
	}
}

func TestAtomDetails(t *testing.T) {
	s := testSite(t)
	f, err := (&atom.Parser{}).Parse(bytes.NewReader(render(t, s, homeChannel(s, "/atom.xml"), makeAtom)))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Authors) != 1 || f.Authors[0].Name != "T" {
		t.Errorf("feed authors = %+v; want the site title, as Atom requires an author", f.Authors)
	}
	e := f.Entries[2]
	a := s.Articles[2]
	if e.UpdatedParsed == nil || !e.UpdatedParsed.Equal(a.Updated) {
		t.Errorf("updated = %v; want %v", e.UpdatedParsed, a.Updated)
	}
	if e := f.Entries[1]; e.UpdatedParsed == nil || !e.UpdatedParsed.Equal(s.Articles[1].Date) {
		t.Errorf("updated without Updated = %v; want the date %v", e.UpdatedParsed, s.Articles[1].Date)
	}
	if e.Summary != a.Summary {
		t.Errorf("summary = %q; want %q", e.Summary, a.Summary)
	}
	if e.Content == nil || e.Content.Type != "html" {
		t.Errorf("content = %+v; want type html", e.Content)
	}
	var related string
	for _, l := range e.Links {
		if l.Rel == "related" {
			related = l.Href
		}
	}
	if related != a.SourceURL {
		t.Errorf("related link = %q; want %q", related, a.SourceURL)
	}
}

func TestJSONDetails(t *testing.T) {
	s := testSite(t)
	var f struct {
		Version     string `json:"version"`
		Title       string `json:"title"`
		HomePageURL string `json:"home_page_url"`
		FeedURL     string `json:"feed_url"`
		Language    string `json:"language"`
		Items       []struct {
			ID          string   `json:"id"`
			URL         string   `json:"url"`
			ExternalURL string   `json:"external_url"`
			Image       string   `json:"image"`
			Tags        []string `json:"tags"`
		} `json:"items"`
	}
	if err := json.Unmarshal(render(t, s, homeChannel(s, "/feed.json"), makeJSON), &f); err != nil {
		t.Fatal(err)
	}
	if want := "https://jsonfeed.org/version/1.1"; f.Version != want {
		t.Errorf("version = %q; want %q", f.Version, want)
	}
	if f.HomePageURL != base || f.FeedURL != base+"feed.json" || f.Language != "en" {
		t.Errorf("home_page_url, feed_url, language = %q, %q, %q; want %q, %q, %q",
			f.HomePageURL, f.FeedURL, f.Language, base, base+"feed.json", "en")
	}
	if len(f.Items) != len(s.Articles) {
		t.Fatalf("%d items; want %d", len(f.Items), len(s.Articles))
	}
	for i, a := range s.Articles {
		if f.Items[i].ExternalURL != a.SourceURL {
			t.Errorf("items[%d].external_url = %q; want %q", i, f.Items[i].ExternalURL, a.SourceURL)
		}
	}
	if want := base + "images/envoy.jpg"; f.Items[0].Image != want {
		t.Errorf("items[0].image = %q; want %q", f.Items[0].Image, want)
	}
	if want := "https://cdn.example.com/cafe.png"; f.Items[2].Image != want {
		t.Errorf("items[2].image = %q; want %q", f.Items[2].Image, want)
	}
}

// TestTagChannel checks that a tag's feed points at the tag's page and
// file, not the home page.
func TestTagChannel(t *testing.T) {
	s := testSite(t)
	ch := Channel{
		Title:    "China — T",
		URL:      "/news/tags/china/",
		Articles: s.Articles[:2],
	}
	for _, r := range renderers[:2] {
		ch.Path = "/news/tags/china/" + r.file
		f, err := gofeed.NewParser().Parse(bytes.NewReader(render(t, s, ch, r.render)))
		if err != nil {
			t.Fatalf("%s: %v", ch.Path, err)
		}
		if f.Title != ch.Title || f.Link != base+"tags/china/" || f.FeedLink != base+"tags/china/"+r.file {
			t.Errorf("%s: title, link, feed link = %q, %q, %q", ch.Path, f.Title, f.Link, f.FeedLink)
		}
		if want := "2017-05-17T08:00:00+08:00"; f.UpdatedParsed == nil || !f.UpdatedParsed.Equal(testkit.Time(t, want)) {
			t.Errorf("%s: updated = %v; want %s", ch.Path, f.UpdatedParsed, want)
		}
	}
}

func TestEmpty(t *testing.T) {
	s := testSite(t)
	for _, r := range renderers {
		t.Run(r.file, func(t *testing.T) {
			ch := Channel{Title: "Nothing — T", URL: "/news/tags/nothing/", Path: "/news/tags/nothing/" + r.file}
			data := render(t, s, ch, r.render)
			if again := render(t, s, ch, r.render); !bytes.Equal(data, again) {
				t.Fatalf("two renderings differ:\n%s\n%s", data, again)
			}
			f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("gofeed: %v\n%s", err, data)
			}
			if len(f.Items) != 0 {
				t.Errorf("%d items; want 0", len(f.Items))
			}
			if err := wellFormed(r.file, data); err != nil {
				t.Errorf("%v\n%s", err, data)
			}
		})
	}
	atomData := render(t, s, Channel{Path: "/atom.xml"}, makeAtom)
	if want := "<updated>0001-01-01T00:00:00Z</updated>"; !bytes.Contains(atomData, []byte(want)) {
		t.Errorf("empty Atom feed lacks %s:\n%s", want, atomData)
	}
	jsonData := render(t, s, Channel{Path: "/feed.json"}, makeJSON)
	var f map[string]any
	if err := json.Unmarshal(jsonData, &f); err != nil {
		t.Fatal(err)
	}
	if items, ok := f["items"].([]any); !ok || len(items) != 0 {
		t.Errorf("empty JSON Feed items = %#v; want []", f["items"])
	}
}

// TestDeterministic renders every file twice, the second time from a fresh
// but equal site and concurrently, as the build does, so that anything
// read from the clock, a random source or a shared value shows up.
func TestDeterministic(t *testing.T) {
	first := testSite(t)
	var want [][]byte
	for _, r := range renderers {
		want = append(want, render(t, first, homeChannel(first, "/"+r.file), r.render))
	}
	second := testSite(t)
	got := make([][]byte, len(renderers))
	errs := make([]error, len(renderers))
	var wg sync.WaitGroup
	for i, r := range renderers {
		wg.Go(func() { got[i], errs[i] = r.render(second, homeChannel(second, "/"+r.file)) })
	}
	wg.Wait()
	for i, r := range renderers {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("%s rendered twice differs: %s", r.file, testkit.FirstDiff(got[i], want[i]))
		}
	}
}

func sitemapURLs(s *site.Site) []URL {
	urls := []URL{{Loc: "/news/"}, {Loc: "/news/tags/café/"}}
	for _, a := range s.Articles {
		urls = append(urls, URL{Loc: a.URL, LastMod: itemUpdated(a)})
	}
	return urls
}

func TestSitemap(t *testing.T) {
	s := testSite(t)
	urls := sitemapURLs(s)
	data, err := Sitemap(s, urls)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		XMLName xml.Name
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	if want := (xml.Name{Space: "http://www.sitemaps.org/schemas/sitemap/0.9", Local: "urlset"}); set.XMLName != want {
		t.Errorf("root = %v; want %v", set.XMLName, want)
	}
	if len(set.URLs) != len(urls) {
		t.Fatalf("%d urls; want %d", len(set.URLs), len(urls))
	}
	for i, u := range urls {
		got := set.URLs[i]
		if want := strings.ReplaceAll(origin+u.Loc, "é", "%C3%A9"); got.Loc != want {
			t.Errorf("loc = %q; want %q", got.Loc, want)
		}
		if u.LastMod.IsZero() {
			if got.LastMod != "" {
				t.Errorf("%s: lastmod = %q; want none", got.Loc, got.LastMod)
			}
		} else if lm, err := time.Parse(time.RFC3339, got.LastMod); err != nil || !lm.Equal(u.LastMod) {
			t.Errorf("%s: lastmod = %q; want %v", got.Loc, got.LastMod, u.LastMod)
		}
	}
}

func TestRobots(t *testing.T) {
	want := "User-agent: *\nAllow: /news/\nSitemap: https://example.org/news/sitemap.xml\n"
	if got := string(Robots(testSite(t))); got != want {
		t.Errorf("Robots = %q; want %q", got, want)
	}
}

func TestImageURL(t *testing.T) {
	s := testSite(t)
	for _, tt := range []struct{ in, want string }{ // in as the site model gives it
		{"", ""},
		{"/news/images/a.jpg", base + "images/a.jpg"},
		{"a.jpg", base + "2017/05/16/envoy/a.jpg"},
		{"https://cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg"},
		{"//cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg"},
	} {
		a := &site.Article{Article: &content.Article{}, Image: tt.in, URL: "/news/2017/05/16/envoy/"}
		if got := imageURL(s, a); got != tt.want {
			t.Errorf("imageURL(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestUnreadableBody checks that a body the spool cannot give back fails
// the feed, in every format, rather than leaving the item empty.
func TestUnreadableBody(t *testing.T) {
	sp := spool.New(t.TempDir(), 0)
	body, err := sp.Add(strings.Repeat("<p>x</p>", 1<<18)) // enough to be in the file
	if err != nil {
		t.Fatal(err)
	}
	if err := sp.Close(); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte("base_url: https://example.org/\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := &site.Article{Article: &content.Article{Title: "T"}, URL: "/a/", HTML: body}
	ch := Channel{Title: "T", URL: "/", Articles: []*site.Article{a}}
	for _, r := range renderers {
		if _, err := r.render(&site.Site{Config: cfg}, ch); err == nil {
			t.Errorf("%s: no error for a body that cannot be read", r.file)
		}
	}
}

// FuzzTitle checks that no headline, however hostile, makes a feed that a
// parser rejects.
// FuzzTitle checks that every feed is well-formed, and that gofeed reads
// it, whatever an article's title, summary and body HTML hold.
func FuzzTitle(f *testing.F) {
	for _, seed := range []string{nastyTitle, "]]>]]>", "</content>", "\x00\x1b\uFFFE", "&amp;&#0;", "\xff\xed\xa0\x80\u0085\x7f"} {
		f.Add(seed, "<p>"+seed+"</p>")
	}
	cfg, err := config.Parse([]byte("base_url: https://example.org/\n"))
	if err != nil {
		f.Fatal(err)
	}
	s := &site.Site{Config: cfg}
	f.Fuzz(func(t *testing.T, title, body string) {
		a := &site.Article{Article: &content.Article{Title: title, SourceURL: "https://example.org/" + title}, Summary: title, URL: "/a/", HTML: spool.Mem(body)}
		ch := Channel{Title: title, URL: "/", Articles: []*site.Article{a}}
		for _, r := range renderers {
			ch.Path = "/" + r.file
			data, err := r.render(s, ch)
			if err != nil {
				t.Fatalf("%s: %v", r.file, err)
			}
			if err := wellFormed(r.file, data); err != nil {
				t.Fatalf("%s: %v\n%s", r.file, err, data)
			}
			if _, err := gofeed.NewParser().Parse(bytes.NewReader(data)); err != nil {
				t.Fatalf("%s: %v\n%s", r.file, err, data)
			}
		}
	})
}

// wellFormed checks data strictly, as gofeed forgives some broken XML.
func wellFormed(file string, data []byte) error {
	if strings.HasSuffix(file, ".json") {
		if !json.Valid(data) {
			return fmt.Errorf("invalid JSON")
		}
		return nil
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestSitemapIndex(t *testing.T) {
	s := testSite(t)
	urls := make([]URL, MaxSitemapURLs*2+3)
	for i := range urls {
		urls[i] = URL{Loc: fmt.Sprintf("/a/%d/", i), LastMod: time.Date(2017, 1, 1+i%28, 0, 0, 0, 0, time.UTC)}
	}
	files := SitemapFiles(s, urls, MaxSitemapURLs)
	if len(files) != 4 || files[0].URL != "/news/sitemap.xml" || files[3].URL != "/news/sitemap-3.xml" || len(files[3].URLs) != 3 {
		t.Fatalf("SitemapFiles(%d URLs) = %d files", len(urls), len(files))
	}
	index, err := SitemapIndex(s, files)
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Sitemaps []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"sitemap"`
	}
	if err := xml.Unmarshal(index, &parsed); err != nil {
		t.Fatal(err)
	}
	if len(parsed.Sitemaps) != 3 || parsed.Sitemaps[0].Loc != "https://example.org/news/sitemap-1.xml" || parsed.Sitemaps[0].LastMod != "2017-01-28T00:00:00Z" {
		t.Errorf("index = %+v", parsed.Sitemaps)
	}
	for _, f := range files[1:] {
		data, err := Sitemap(s, f.URLs)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), "<url>"); n > MaxSitemapURLs {
			t.Errorf("%s lists %d URLs; at most %d allowed", f.URL, n, MaxSitemapURLs)
		}
	}
	if files := SitemapFiles(s, urls[:10], MaxSitemapURLs); len(files) != 1 || len(files[0].URLs) != 10 {
		t.Errorf("a small site has %d sitemap files", len(files))
	}
}

// makeRSS, makeAtom and makeJSON render one feed with a Maker of its own.
func makeRSS(s *site.Site, ch Channel) ([]byte, error) {
	return NewMaker(s).RSS(ch, new(bytes.Buffer))
}
func makeAtom(s *site.Site, ch Channel) ([]byte, error) {
	return NewMaker(s).Atom(ch, new(bytes.Buffer))
}
func makeJSON(s *site.Site, ch Channel) ([]byte, error) {
	return NewMaker(s).JSON(ch, new(bytes.Buffer))
}

// TestExpect makes overlapping feeds with one Maker, told how many feeds
// hold each article, and checks that the feeds are the ones a fresh Maker
// makes and that no item is kept once its last feed is made.
func TestExpect(t *testing.T) {
	s := testSite(t)
	var channels []Channel
	for i := range s.Articles {
		channels = append(channels, Channel{Title: "T", URL: "/", Path: fmt.Sprintf("/c%d/feed.xml", i), Articles: s.Articles[i:]})
	}
	// Every channel has an RSS feed; every other one an Atom feed too.
	inRSS, inAtom := map[*site.Article]int{}, map[*site.Article]int{}
	for i, ch := range channels {
		for _, a := range ch.Articles {
			inRSS[a]++
			if i%2 == 0 {
				inAtom[a]++
			}
		}
	}
	m := NewMaker(s)
	m.Expect(inRSS, inAtom)
	for i, ch := range channels {
		formats := []struct {
			shared, fresh func(Channel, *bytes.Buffer) ([]byte, error)
		}{{m.RSS, NewMaker(s).RSS}, {m.Atom, NewMaker(s).Atom}}
		if i%2 != 0 {
			formats = formats[:1]
		}
		for _, f := range formats {
			got, err := f.shared(ch, new(bytes.Buffer))
			if err != nil {
				t.Fatal(err)
			}
			want, err := f.fresh(ch, new(bytes.Buffer))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from a fresh Maker's:\n%s\nwant:\n%s", ch.Path, got, want)
			}
		}
	}
	for _, c := range []*itemCache{&m.rss, &m.atom} {
		c.items.Range(func(a, _ any) bool {
			t.Errorf("the item of %q is kept after its last feed", a.(*site.Article).Title)
			return true
		})
	}
}

// TestSitemapPartsStayPut adds an article (and with it a new page of
// another kind, its day's) to sites of several sizes past one sitemap, and
// counts the parts that change: at most the last two, so a crawler and a
// rebuild leave the rest alone.
func TestSitemapPartsStayPut(t *testing.T) {
	s := testSite(t)
	// urls lists a site of articles and others as the clash walk does:
	// the fronts, the articles newest first, then the other pages.
	urls := func(articles, others int) []URL {
		var list []URL
		for i := range 5 {
			list = append(list, URL{Loc: fmt.Sprintf("/page/%d/", i)})
		}
		for i := articles - 1; i >= 0; i-- {
			list = append(list, URL{Loc: fmt.Sprintf("/a/%d/", i), LastMod: time.Unix(int64(i)*3600, 0).UTC(), Article: true})
		}
		for i := range others - 5 {
			list = append(list, URL{Loc: fmt.Sprintf("/other/%d/", 2*i)})
		}
		return list
	}
	for _, tc := range []struct{ articles, others int }{
		{50000, 1000}, {60000, 20000}, {120000, 30000}, {149999, 30000}, {149999, 49000}, {200000, 5},
	} {
		before := SitemapFiles(s, urls(tc.articles, tc.others), MaxSitemapURLs)
		grown := urls(tc.articles+1, tc.others)
		// The new article's day, among the other pages.
		at := 5 + tc.articles + 1 + (tc.others-5)/2
		grown = slices.Insert(grown, at, URL{Loc: "/other/new/"})
		after := SitemapFiles(s, grown, MaxSitemapURLs)
		listed := map[string]bool{}
		for _, f := range after[1:] {
			if len(f.URLs) > MaxSitemapURLs {
				t.Errorf("%d+%d: %s lists %d URLs", tc.articles, tc.others, f.URL, len(f.URLs))
			}
			for _, u := range f.URLs {
				if listed[u.Loc] {
					t.Errorf("%d+%d: %s listed twice", tc.articles, tc.others, u.Loc)
				}
				listed[u.Loc] = true
			}
		}
		if len(listed) != len(grown) {
			t.Errorf("%d+%d: the parts list %d URLs of %d", tc.articles, tc.others, len(listed), len(grown))
		}
		changed := 0
		for i, f := range after[1:] {
			if i+1 >= len(before) || !slices.Equal(before[i+1].URLs, f.URLs) {
				changed++
			}
		}
		if changed > 2 || len(after) > len(before)+1 {
			t.Errorf("%d articles, %d others: an added article changed %d of %d parts (%d before)", tc.articles, tc.others, changed, len(after)-1, len(before)-1)
		}
	}
}

// TestSitemapAsEncodingXML holds Sitemap, written by hand, to what
// encoding/xml writes for the same urlset, indented, for URLs that need
// escapes and dates in and out of UTC.
func TestSitemapAsEncodingXML(t *testing.T) {
	s := testSite(t)
	manila := time.FixedZone("PHT", 8*3600)
	for _, urls := range [][]URL{
		nil,
		{{Loc: "/news/"}},
		{{Loc: "/news/a&b/?q='x'"}, {Loc: "/news/café/", LastMod: time.Date(2017, 5, 16, 9, 30, 0, 0, manila)},
			{Loc: "/news/<tag>/", LastMod: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}, {Loc: "/news/\"q\"\t/"}},
	} {
		type loc struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod,omitempty"`
		}
		set := struct {
			XMLName xml.Name `xml:"urlset"`
			Xmlns   string   `xml:"xmlns,attr"`
			URLs    []loc    `xml:"url"`
		}{Xmlns: "http://www.sitemaps.org/schemas/sitemap/0.9"}
		for _, u := range urls {
			l := loc{Loc: s.AbsURL(u.Loc)}
			if !u.LastMod.IsZero() {
				l.LastMod = u.LastMod.Format(time.RFC3339)
			}
			set.URLs = append(set.URLs, l)
		}
		want, err := marshalXML(new(bytes.Buffer), set, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Sitemap(s, urls)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Sitemap(%v) =\n%s\nwant\n%s", urls, got, want)
		}
	}
}

// BenchmarkSitemap makes a full part of the sitemap, as a build that adds
// an article to a large site makes its last one.
func BenchmarkSitemap(b *testing.B) {
	s := testSite(b)
	urls := make([]URL, MaxSitemapURLs)
	for i := range urls {
		urls[i] = URL{Loc: fmt.Sprintf("/news/2019/05/%02d/story-number-%d/", 1+i%28, i), LastMod: time.Date(2019, 5, 1+i%28, 9, 0, 0, 0, time.UTC)}
	}
	for b.Loop() {
		if _, err := Sitemap(s, urls); err != nil {
			b.Fatal(err)
		}
	}
}
