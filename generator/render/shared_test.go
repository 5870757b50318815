package render

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/feed"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/internal/testkit"
)

// menuSite is a site whose menu has every kind of link, with a page of
// each kind that may be its current one and pages that share a masthead.
func menuSite(t *testing.T) []*Data {
	t.Helper()
	cfg := testConfig(t)
	a := func(slug string) *site.Article {
		return &site.Article{Article: &content.Article{Title: slug, Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}, URL: cfg.URL("/2026/01/02/" + slug + "/")}
	}
	s := &site.Site{Config: cfg, Articles: []*site.Article{a("one"), a("two"), a("three")},
		Pages:  []*site.Page{{Page: &content.Page{Title: "About"}, URL: cfg.URL("/about/")}, {Page: &content.Page{Title: "Contact"}, URL: cfg.URL("/contact/")}},
		Issues: []*site.Issue{{Issue: &content.Issue{Number: 1}, URL: cfg.URL("/issues/1/")}, {Issue: &content.Issue{Number: 2}, URL: cfg.URL("/issues/2/")}}}
	siteFeeds := &Feeds{Links: []feed.Link{{URL: cfg.URL("/feed.xml"), Type: feed.RSS, Title: "Site"}}}
	page := func(kind Kind, url string) *Data {
		return &Data{Site: s, PageKind: kind, Title: url, URL: url, Feeds: siteFeeds}
	}
	var pages []*Data
	for _, p := range site.Paginate(s.Articles, 1, cfg.URL("/")) {
		d := page(KindHome, p.URL)
		d.Pager = p
		pages = append(pages, d)
	}
	for _, p := range site.PaginateIssues(s.Issues, 1, site.IssuesURL(cfg)) {
		d := page(KindIssues, p.URL)
		d.Pager = p
		pages = append(pages, d)
	}
	for _, p := range s.Pages {
		d := page(KindPage, p.URL)
		d.Page = p
		pages = append(pages, d)
	}
	for i, a := range s.Articles {
		d := page(KindArticle, a.URL)
		d.Article = a
		if i == 1 {
			d.Feeds = &Feeds{Links: append([]feed.Link{{URL: a.URL + "feed.xml", Type: feed.RSS, Title: "Own"}}, siteFeeds.Links...)}
		}
		pages = append(pages, d)
	}
	for _, kind := range []Kind{KindTags, KindArchive, KindSearch, KindNotFound} {
		pages = append(pages, page(kind, cfg.URL("/"+string(kind)+"/")))
	}
	return pages
}

// TestSharedIsTemplate renders the masthead and the footer of every page
// with shared, in two orders, so that each page could find those of
// another page of its kind kept, and wants what {{template NAME .}} makes
// of the page itself: the current menu link, the search box and the
// feeds must be the page's own.
func TestSharedIsTemplate(t *testing.T) {
	tests := []struct {
		name string
		own  fstest.MapFS
		// once are, by partial, the kinds whose partial is rendered
		// once: those whose set has none of the site's templates in it.
		once map[string][]Kind
	}{
		{"built-in", nil, map[string][]Kind{"masthead": Kinds(), "site-footer": Kinds()}},
		{"own nav", fstest.MapFS{"partials/nav.html": {Data: []byte(`{{define "nav"}}<nav>{{.Title}}</nav>{{end}}`)}},
			map[string][]Kind{"site-footer": Kinds()}},
		{"own nav on home pages", fstest.MapFS{"home.html": {Data: []byte(`{{define "main"}}{{end}}{{define "nav"}}<nav>{{.Title}}</nav>{{end}}`)}},
			map[string][]Kind{"masthead": slices.DeleteFunc(Kinds(), func(k Kind) bool { return k == KindHome }), "site-footer": Kinds()}},
		{"own search box", fstest.MapFS{"partials/search-box.html": {Data: []byte(`{{define "search-box"}}<form>{{.}}</form>{{end}}`)}},
			map[string][]Kind{"site-footer": Kinds()}},
		{"own footer", fstest.MapFS{"partials/site-footer.html": {Data: []byte(`{{define "site-footer"}}<footer>{{.Title}}</footer>{{end}}`)}},
			map[string][]Kind{"masthead": Kinds()}},
		{"own feed list", fstest.MapFS{"partials/feeds.html": {Data: []byte(`{{define "feed-list"}}{{range .Links}}{{.URL}}{{end}}{{end}}{{define "feed-alternates"}}{{end}}`)}},
			map[string][]Kind{"masthead": Kinds()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := func(name string) string {
				if _, err := fs.Stat(tt.own, name); err == nil {
					return Dir + "/" + name
				}
				return Dir + "/" + name + BuiltinSuffix
			}
			tmpl, err := Load(Overlay(tt.own, testkit.Theme()), testConfig(t), from)
			if err != nil {
				t.Fatal(err)
			}
			for name := range sharedBy {
				for _, kind := range Kinds() {
					if got, want := tmpl.builtin[kind][name], slices.Contains(tt.once[name], kind); got != want {
						t.Errorf("%s of %s pages shared: %v, want %v", name, kind, got, want)
					}
				}
			}
			pages := menuSite(t)
			backward := slices.Clone(pages)
			slices.Reverse(backward)
			for _, order := range [][]*Data{pages, backward} {
				for _, d := range order {
					for name := range sharedBy {
						var want strings.Builder
						if err := tmpl.kinds[d.PageKind].ExecuteTemplate(&want, name, d); err != nil {
							t.Fatal(err)
						}
						got, err := tmpl.shared(name, d)
						if err != nil {
							t.Fatal(err)
						}
						if string(got) != want.String() {
							t.Errorf("%s page %s: shared %s\n%s\nwant\n%s", d.PageKind, d.URL, name, got, want.String())
						}
					}
				}
			}
		})
	}
}
