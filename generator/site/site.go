// Package site is the model of a digest: its articles newest first, grouped
// into daily editions, months and years; its tags and sources; each
// article's related articles; its pages; and the URL of every page the site
// will have.
//
// New checks what only the whole site can show: two articles, pages or
// aliases on one URL are an error naming both files. Everything here is
// derived from the content, never from the clock, so the same content gives
// the same model.
package site

import (
	"cmp"
	"html/template"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/internal/work"
	"github.com/digest/digest/generator/spool"
)

// Site is everything the templates and feeds are made from.
type Site struct {
	*config.Config

	Articles []*Article // published, newest first
	Tags     []*Tag     // by name
	Sources  []*Source  // by name
	Editions []*Edition // newest first
	Months   []*Month   // newest first
	Years    []*Year    // newest first
	Pages    []*Page    // by URL
	Issues   []*Issue   // published, newest first

	// Skipped counts the articles left out, for the build summary.
	Skipped struct {
		Drafts, Future int
		// NextFuture is the date of the first article left out for being
		// in the future: the site is current until then.
		NextFuture time.Time
	}
	// relatedKey summarises what related stories are worked out from.
	relatedKey uint64
	// Aliases maps each old URL to the URL it redirects to.
	Aliases map[string]string
	// Warnings are what only the whole site shows and is unusual rather
	// than wrong, such as a gap in the issues' numbers.
	Warnings diag.List
}

// Article is one published article with its place in the site. Its URLs,
// like every URL of the model, start with the site's path (config.URL).
type Article struct {
	*content.Article
	URL string
	// Image is the front matter's image as the site links to it: a path,
	// from the site's root or relative to the article's page, made a URL
	// of the site; a full URL as given.
	Image   string
	Tags    []*Tag // in the order the front matter gives, merged by slug
	Edition *Edition
	HTML    spool.Text // the rendered body; see Body
	// Summary is the front matter's summary, or the body's first
	// paragraph as plain text.
	Summary string
	// Publisher is the source the article is listed under on /sources/:
	// its source, else the host of its source URL; nil when it has
	// neither.
	Publisher *Source
	// Related are up to MaxRelated other articles that share its rarest
	// tags, best first; see related.go.
	Related []*Article
	// Issue is the first issue the article appeared in, or nil.
	Issue *Issue

	index int // position in Site.Articles
}

// Page is an undated page, such as /about/.
type Page struct {
	*content.Page
	URL     string
	HTML    spool.Text
	Summary string // as for Article
}

// Index is the article's place in Site.Articles, newest first.
func (a *Article) Index() int { return a.index }

// Body is the article's rendered body.
func (a *Article) Body() (template.HTML, error) {
	s, err := a.HTML.Get()
	return template.HTML(s), err
}

// Body is the page's rendered body.
func (p *Page) Body() (template.HTML, error) {
	s, err := p.HTML.Get()
	return template.HTML(s), err
}

// Edition is the articles of one day in the site's timezone.
type Edition struct {
	Date time.Time // midnight, site timezone
	// URL is the edition's page, or its day on its month's page when
	// site.yaml switches day pages off.
	URL      string
	Articles []*Article // newest first
	// Day is the whole day's edition: the edition itself, or, for a group
	// of some of its articles made by GroupByEdition, the one they are in.
	// Templates cache what they render of a day by it.
	Day *Edition
}

// Month is one calendar month of editions.
type Month struct {
	Date     time.Time // the first of the month, midnight
	URL      string
	Editions []*Edition // newest first
	Count    int
}

// Year is one calendar year of months.
type Year struct {
	Date   time.Time // 1 January, midnight
	URL    string
	Months []*Month // newest first
	Count  int
}

// Options choose which articles are published.
type Options struct {
	// Previous is the site built last from nearly the same content, or
	// nil; what did not change is taken from it rather than worked out
	// again. The dev server passes it.
	Previous *Site
	// Store, when set, keeps what the model works out for the next build
	// (related stories), which a build without a Previous takes from it
	// when what it was worked out from did not change.
	Store  Store
	Drafts bool      // include drafts
	Future bool      // include articles dated after Now
	Now    time.Time // the build's time; only Future reads it
	// Consume lets New drop each article's and page's Markdown as soon as
	// it is rendered or left out, so that a large site never holds all its
	// Markdown and all its HTML at once; the content cannot build another
	// model then.
	Consume bool
	// Spool, when set, keeps the rendered bodies instead of memory.
	Spool *spool.Spool
}

// Store keeps values from one build to the next, each under a key that
// summarises everything it was worked out from, so that the same key
// means the same value. Get returns the value Put kept under key, or
// false; the caller must not change the bytes.
type Store interface {
	Get(key uint64) ([]byte, bool)
	Put(key uint64, value []byte)
}

// Body is a rendered Markdown body, given to New by the caller so that the
// model does not depend on how Markdown is rendered. Its HTML may be
// left where the caller keeps it (spool.Lazy) until a page asks for it.
type Body struct {
	HTML    spool.Text
	Summary string
}

// Renderer renders the Markdown md of a body whose file hashes to sum.
// It reads md only when it must: a body may still be in its file.
type Renderer = func(md spool.Text, sum uint64) (Body, error)

// New builds the model. render is called with each article's, page's
// and issue's body and the hash of its file, in parallel, and must be
// safe for concurrent use. The error is a diag.List of every problem
// with the issues, or the first body that could not be read or kept.
func New(cfg *config.Config, c *content.Content, opts Options, render Renderer) (*Site, error) {
	s := &Site{Config: cfg}
	var published []*content.Article
	for _, a := range c.Articles {
		switch {
		case a.Draft && !opts.Drafts:
			s.Skipped.Drafts++
		case a.Date.After(opts.Now) && !opts.Future:
			s.Skipped.Future++
			if s.Skipped.NextFuture.IsZero() || a.Date.Before(s.Skipped.NextFuture) {
				s.Skipped.NextFuture = a.Date
			}
		default:
			published = append(published, a)
			continue
		}
		if opts.Consume {
			a.Markdown = spool.Text{} // left out, so never rendered
		}
	}
	sortArticles(published)
	// The articles are made in one block, in their order: every pass
	// below walks them in that order, and on a large site reading them
	// one after the other in memory is what keeps the passes fast.
	block := make([]Article, len(published))
	s.Articles = make([]*Article, len(published))
	work.Each(len(published), func(i int) {
		a := &block[i]
		a.Article, a.index = published[i], i
		a.URL = cfg.URL(cfg.ArticlePath(a.Slug, a.Date))
		a.Image = imageURL(cfg, a.URL, a.Article.Image)
		s.Articles[i] = a
	})
	for _, p := range c.Pages {
		s.Pages = append(s.Pages, &Page{Page: p, URL: cfg.URL("/" + p.Name + "/")})
	}
	slices.SortFunc(s.Pages, func(a, b *Page) int { return cmp.Compare(a.URL, b.URL) })
	// These steps fill different fields of the articles, so they run side
	// by side; the dev server rebuilds the model after every edit.
	var wg sync.WaitGroup
	var bodyErr error
	wg.Go(func() { bodyErr = renderBodies(s, render, opts) })
	wg.Go(func() {
		s.Tags = buildTags(s.Articles, cfg.TagAliases, cfg.URL("/tags/"))
		s.relatedKey = relatedKey(s.Articles)
		switch p := opts.Previous; {
		case p != nil && p.relatedKey == s.relatedKey && len(p.Articles) == len(s.Articles):
			reuseRelated(s.Articles, p.Articles)
		case opts.Store != nil:
			if data, ok := opts.Store.Get(s.relatedKey); ok && decodeRelated(data, s.Articles) {
				break
			}
			buildRelated(s.Articles, s.Tags, relatedWindow)
			opts.Store.Put(s.relatedKey, encodeRelated(s.Articles))
		default:
			buildRelated(s.Articles, s.Tags, relatedWindow)
		}
	})
	wg.Go(func() {
		s.Sources = buildSources(s.Articles, cfg.URL("/sources/"))
		s.unlinkSources()
	})
	wg.Go(func() {
		s.buildCalendar()
		s.placeDays()
	})
	wg.Wait()
	if bodyErr != nil {
		return nil, bodyErr
	}
	errs, warnings := s.buildIssues(c.Issues, c.Articles, opts)
	s.Warnings = warnings
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if err := renderIssues(s, render, opts); err != nil {
		return nil, err
	}
	s.fillAliases()
	return s, nil
}

// sortArticles sorts articles newest first, and those of one time by
// file. The times are taken out of the articles first: a large site's
// sort then compares numbers side by side, not through two pointers each.
func sortArticles(articles []*content.Article) {
	type byTime struct {
		sec  int64
		nsec int
		a    *content.Article
	}
	keys := make([]byTime, len(articles))
	for i, a := range articles {
		keys[i] = byTime{a.Date.Unix(), a.Date.Nanosecond(), a}
	}
	slices.SortFunc(keys, func(x, y byTime) int {
		if c := cmp.Compare(y.sec, x.sec); c != 0 {
			return c
		}
		if c := cmp.Compare(y.nsec, x.nsec); c != 0 {
			return c
		}
		return cmp.Compare(x.a.File, y.a.File)
	})
	for i, k := range keys {
		articles[i] = k.a
	}
}

// buildCalendar groups the articles, newest first already, into editions,
// months and years in one pass.
func (s *Site) buildCalendar() {
	loc := s.Location
	var ed *Edition
	var mo *Month
	var yr *Year
	for _, a := range s.Articles {
		y, m, d := a.Date.Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, loc)
		if ed == nil || !ed.Date.Equal(day) {
			ed = &Edition{Date: day, URL: s.URL(day.Format("/2006/01/02/"))}
			ed.Day = ed
			s.Editions = append(s.Editions, ed)
			first := time.Date(y, m, 1, 0, 0, 0, 0, loc)
			if mo == nil || !mo.Date.Equal(first) {
				mo = &Month{Date: first, URL: s.URL(first.Format("/2006/01/"))}
				s.Months = append(s.Months, mo)
				if yr == nil || yr.Date.Year() != y {
					yr = &Year{Date: time.Date(y, 1, 1, 0, 0, 0, 0, loc), URL: s.URL(first.Format("/2006/"))}
					s.Years = append(s.Years, yr)
				}
				yr.Months = append(yr.Months, mo)
			}
			mo.Editions = append(mo.Editions, ed)
		}
		ed.Articles = append(ed.Articles, a)
		a.Edition = ed
		mo.Count++
		yr.Count++
	}
}

// GroupByEdition splits a newest-first run of articles, such as one page of
// a list, into per-day groups. Each group links to its full edition.
func GroupByEdition(articles []*Article) []*Edition {
	var groups []*Edition
	for _, a := range articles {
		if n := len(groups); n > 0 && groups[n-1].URL == a.Edition.URL {
			groups[n-1].Articles = append(groups[n-1].Articles, a)
			continue
		}
		groups = append(groups, &Edition{Date: a.Edition.Date, URL: a.Edition.URL, Articles: []*Article{a}, Day: a.Edition})
	}
	return groups
}

// imageURL is the URL of a front-matter image of the article at page (a
// URL of the site): "/images/map.svg" names a file of layouts/static, so
// it is made a URL of the site; a relative path such as "map.png" names a
// file of the article's folder, published beside its page, so it is
// resolved against the page here, once, and og:image, JSON-LD, feeds and
// cards on other pages all get the same URL; a full URL is kept as
// written.
func imageURL(cfg *config.Config, page, image string) string {
	switch {
	case image == "" || strings.HasPrefix(image, "//"):
		return image
	case strings.HasPrefix(image, "/"):
		return cfg.URL(image)
	case hasScheme(image):
		return image
	}
	rel, rest := image, ""
	if i := strings.IndexAny(image, "?#"); i >= 0 {
		rel, rest = image[:i], image[i:]
	}
	if rel == "" {
		return page + rest
	}
	joined := path.Join(page, rel)
	if strings.HasSuffix(rel, "/") || path.Base(rel) == "." || path.Base(rel) == ".." {
		joined += "/"
	}
	return joined + rest
}

// hasScheme reports whether u starts with a scheme, as a browser reads
// it: a colon before any slash, question mark or hash.
func hasScheme(u string) bool {
	i := strings.IndexAny(u, ":/?#")
	return i > 0 && u[i] == ':'
}
