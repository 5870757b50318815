package render

import (
	"iter"
	"slices"
	"strings"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/feed"
	"github.com/digest/digest/generator/site"
)

// Data is what a page's template receives as dot. Only the fields of the
// page's kind are set; docs/templates.md says which.
type Data struct {
	Site        *site.Site
	PageKind    Kind   // templates read it as .Kind
	Title       string // the page's own title, without the site's
	Description string // for the description meta tag
	URL         string // root-relative, with the site's path; see config.URL
	Permalink   string // absolute, from base_url

	Article *site.Article // article
	Page    *site.Page    // page
	Tag     *site.Tag     // tag
	Source  *site.Source  // source
	Edition *site.Edition // edition
	Month   *site.Month   // month
	Year    *site.Year    // year
	// Issue is the issue of an issue page, and the latest issue on the
	// home page's front when site.yaml's home_issue asks for it.
	Issue *site.Issue

	Pager *site.Pager // home, tag, source, issues: this page of the list

	// Newer and Older link an edition or an article's edition to the next
	// and previous days with articles, and an article to its neighbours;
	// nil at the ends.
	NewerEdition, OlderEdition *site.Edition
	NewerArticle, OlderArticle *site.Article
	// NewerIssue and OlderIssue link an issue to the next and previous
	// ones; nil at the ends.
	NewerIssue, OlderIssue *site.Issue

	// Feeds are the feeds to announce with <link rel="alternate">; pages
	// with the same feeds share one *Feeds, so a template can render its
	// links once with cached.
	Feeds *Feeds

	Target string // alias: the URL redirected to
}

// Kind is the page's kind as a plain string, for templates: a curator's
// template may use it as a map key or pass it to a function that takes a
// string, which a value of type Kind cannot be.
func (d *Data) Kind() string { return string(d.PageKind) }

// Editions are the articles of the page's Pager grouped by day, for home,
// tag and source pages. They are grouped when a template asks, so a
// rebuild that renders few pages does not group them all.
func (d *Data) Editions() []*site.Edition {
	if d.Pager == nil {
		return nil
	}
	return site.GroupByEdition(d.Pager.Items)
}

// Feeds is a list of feeds.
type Feeds struct {
	Links []feed.Link
}

// FilePath is where the file at one of the site's URLs is written, from
// the output folder: the site's path is left out, and clean URLs are
// folders with an index.html.
func FilePath(cfg *config.Config, url string) string {
	p := strings.TrimPrefix(cfg.SitePath(url), "/")
	if p == "" || strings.HasSuffix(p, "/") {
		return p + "index.html"
	}
	return p
}

// Pages lists every HTML page of the site, in a stable order, as a sequence made one
// page at a time, so a large site never holds them all.
func Pages(s *site.Site) iter.Seq[*Data] {
	return func(yield func(*Data) bool) {
		feeds := &Feeds{Links: feed.SiteLinks(s)}
		loc := s.Locale
		// page is a page of the site; url is its URL, with the site's path.
		page := func(kind Kind, title, url string) *Data {
			return &Data{Site: s, PageKind: kind, Title: title, Description: s.Description, URL: url, Permalink: s.AbsURL(url), Feeds: feeds}
		}
		for _, p := range site.Paginate(s.Articles, s.PageSize, s.URL("/")) {
			d := page(KindHome, "", p.URL)
			d.Pager = p
			if s.HomeIssue && p.Front() && len(s.Issues) > 0 {
				d.Issue = s.Issues[0]
			}
			if !yield(d) {
				return
			}
		}
		edition := make(map[*site.Edition]int, len(s.Editions))
		for i, e := range s.Editions {
			edition[e] = i
		}
		for i, a := range s.Articles {
			d := page(KindArticle, a.Title, a.URL)
			d.Article, d.Description = a, a.Summary
			if i > 0 {
				d.NewerArticle = s.Articles[i-1]
			}
			if i+1 < len(s.Articles) {
				d.OlderArticle = s.Articles[i+1]
			}
			if e, ok := edition[a.Edition]; ok {
				d.NewerEdition, d.OlderEdition = neighbours(s.Editions, e)
			}
			if !yield(d) {
				return
			}
		}
		for _, p := range s.Pages {
			d := page(KindPage, p.Title, p.URL)
			d.Page, d.Description = p, p.Summary
			if !yield(d) {
				return
			}
		}
		if !yield(page(KindTags, loc.Text("title_tags"), s.URL("/tags/"))) {
			return
		}
		// list yields the pages of a tag's or a source's paginated list.
		list := func(kind Kind, name, url, description string, articles []*site.Article, own []feed.Link, set func(*Data)) bool {
			listFeeds := &Feeds{Links: append(own, feeds.Links...)}
			for _, p := range site.Paginate(articles, s.PageSize, url) {
				d := page(kind, name, p.URL)
				d.Description, d.Pager, d.Feeds = description, p, listFeeds
				set(d)
				if !yield(d) {
					return false
				}
			}
			return true
		}
		for _, t := range s.Tags {
			if !list(KindTag, t.Name, t.URL, feed.TagDescription(s, t), t.Articles, feed.TagLinks(s, t), func(d *Data) { d.Tag = t }) {
				return
			}
		}
		var sources []*site.Source
		if s.Outputs.Sources {
			if !yield(page(KindSources, loc.Text("title_sources"), s.URL("/sources/"))) {
				return
			}
			sources = s.Sources
		}
		for _, src := range sources {
			if !list(KindSource, src.Name, src.URL, feed.SourceDescription(s, src), src.Articles, feed.SourceLinks(s, src), func(d *Data) { d.Source = src }) {
				return
			}
		}
		var editions []*site.Edition
		if s.Outputs.Days {
			editions = s.Editions
		}
		for i, e := range editions {
			d := page(KindEdition, loc.Date(":date_full", e.Date), e.URL)
			d.Edition = e
			d.NewerEdition, d.OlderEdition = neighbours(s.Editions, i)
			if !yield(d) {
				return
			}
		}
		for _, m := range s.Months {
			d := page(KindMonth, loc.Date(loc.Text("layout_month_year"), m.Date), m.URL)
			d.Month = m
			if !yield(d) {
				return
			}
		}
		for _, y := range s.Years {
			d := page(KindYear, loc.Date(loc.Text("layout_year"), y.Date), y.URL)
			d.Year = y
			if !yield(d) {
				return
			}
		}
		issueFeeds := &Feeds{Links: append(feed.IssueLinks(s), feeds.Links...)}
		if len(s.Issues) > 0 {
			for _, p := range site.PaginateIssues(s.Issues, s.PageSize, site.IssuesURL(s.Config)) {
				d := page(KindIssues, loc.Text("title_issues"), p.URL)
				d.Pager, d.Feeds = p, issueFeeds
				if !yield(d) {
					return
				}
			}
		}
		for _, is := range s.Issues {
			d := page(KindIssue, is.Title, is.URL)
			d.Issue, d.Description, d.Feeds = is, is.Summary, issueFeeds
			d.NewerIssue, d.OlderIssue = is.Newer, is.Older
			if !yield(d) {
				return
			}
		}
		if !yield(page(KindArchive, loc.Text("title_archive"), s.URL("/archive/"))) {
			return
		}
		if s.Outputs.Search && !yield(page(KindSearch, loc.Text("title_search"), s.URL("/search/"))) {
			return
		}
		yield(page(KindNotFound, loc.Text("title_not_found"), s.URL("/404.html")))
	}
}

// neighbours are the editions before and after editions[i], or nil.
func neighbours(editions []*site.Edition, i int) (newer, older *site.Edition) {
	if i > 0 {
		newer = editions[i-1]
	}
	if i+1 < len(editions) {
		older = editions[i+1]
	}
	return newer, older
}

// Aliases lists the redirect pages, sorted by old URL.
func Aliases(s *site.Site) iter.Seq[*Data] {
	return func(yield func(*Data) bool) {
		olds := make([]string, 0, len(s.Aliases))
		for old := range s.Aliases {
			olds = append(olds, old)
		}
		slices.Sort(olds)
		for _, old := range olds {
			target := s.Aliases[old]
			if !yield(&Data{Site: s, PageKind: KindAlias, Title: s.Locale.Text("title_moved"), URL: old, Permalink: s.AbsURL(target), Target: target}) {
				return
			}
		}
	}
}
