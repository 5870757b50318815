package render

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/generator/content"
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
	page := func(kind Kind, url string) *Data {
		return &Data{Site: s, PageKind: kind, Title: url, URL: url, Feeds: &Feeds{}}
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
	for _, a := range s.Articles {
		d := page(KindArticle, a.URL)
		d.Article = a
		pages = append(pages, d)
	}
	for _, kind := range []Kind{KindTags, KindArchive, KindSearch, KindNotFound} {
		pages = append(pages, page(kind, cfg.URL("/"+string(kind)+"/")))
	}
	return pages
}

// TestSharedIsTemplate renders the masthead of every page with shared,
// in two orders, so that each page could find the masthead of another
// page of its kind kept, and wants what {{template "masthead" .}} makes
// of the page itself: the current menu link and the search box must be
// the page's own.
func TestSharedIsTemplate(t *testing.T) {
	tests := []struct {
		name string
		own  fstest.MapFS
		// once are the kinds whose masthead is rendered once: those
		// whose set has none of the site's templates in it.
		once []Kind
	}{
		{"built-in", nil, Kinds()},
		{"own nav", fstest.MapFS{"partials/nav.html": {Data: []byte(`{{define "nav"}}<nav>{{.Title}}</nav>{{end}}`)}}, nil},
		{"own nav on home pages", fstest.MapFS{"home.html": {Data: []byte(`{{define "main"}}{{end}}{{define "nav"}}<nav>{{.Title}}</nav>{{end}}`)}},
			slices.DeleteFunc(Kinds(), func(k Kind) bool { return k == KindHome })},
		{"own search box", fstest.MapFS{"partials/search-box.html": {Data: []byte(`{{define "search-box"}}<form>{{.}}</form>{{end}}`)}}, nil},
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
			for _, kind := range Kinds() {
				if got, want := tmpl.builtin[kind]["masthead"], slices.Contains(tt.once, kind); got != want {
					t.Errorf("masthead of %s pages shared: %v, want %v", kind, got, want)
				}
			}
			pages := menuSite(t)
			backward := slices.Clone(pages)
			slices.Reverse(backward)
			for _, order := range [][]*Data{pages, backward} {
				for _, d := range order {
					var want strings.Builder
					if err := tmpl.kinds[d.PageKind].ExecuteTemplate(&want, "masthead", d); err != nil {
						t.Fatal(err)
					}
					got, err := tmpl.shared("masthead", d)
					if err != nil {
						t.Fatal(err)
					}
					if string(got) != want.String() {
						t.Errorf("%s page %s: shared masthead\n%s\nwant\n%s", d.PageKind, d.URL, got, want.String())
					}
				}
			}
		})
	}
}
