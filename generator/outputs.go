package generator

import (
	"bytes"
	"errors"
	"io/fs"
	"iter"
	"path"
	"strconv"
	"strings"

	"github.com/digest/digest/generator/email"
	"github.com/digest/digest/generator/feed"
	"github.com/digest/digest/generator/hosts"
	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/render"
	"github.com/digest/digest/generator/search"
	"github.com/digest/digest/generator/site"
)

// output is one file of the site, not yet made. A Build makes the ones
// the last build's output does not have as they are now; the dev server
// makes one when it is asked for, and keeps it while it signs the same.
type output struct {
	path string // slash-separated, from the site root
	// sign returns the file's signature, which summarises everything the
	// file is made from; 0 means unknown, and the file is made again by
	// every build. A nil sign is unknown too.
	sign func() uint64
	// make returns the file's bytes; it may use buf, and the bytes are
	// only valid until buf is next used.
	make func(buf *bytes.Buffer) ([]byte, error)
	kind *hosts.Kind // for the warning when the site passes a host's limit
	page bool        // an HTML page, counted in the summary
}

// The kinds of file of the site, as the warning about a host's limits
// names them, each with the setting that makes it smaller.
var (
	kindArticles    = &hosts.Kind{Name: "article pages"}
	kindHome        = &hosts.Kind{Name: "home pages", Shrink: "a larger page_size"}
	kindTags        = &hosts.Kind{Name: "tag pages", Shrink: "a larger page_size"}
	kindSources     = &hosts.Kind{Name: "source pages", Shrink: "disable: [sources]"}
	kindDays        = &hosts.Kind{Name: "day pages", Shrink: "disable: [days]"}
	kindCalendar    = &hosts.Kind{Name: "archive pages"}
	kindPages       = &hosts.Kind{Name: "other pages"}
	kindRedirects   = &hosts.Kind{Name: "redirect pages"}
	kindSiteFeeds   = &hosts.Kind{Name: "site feeds", Shrink: "a smaller feed_size"}
	kindTagFeeds    = &hosts.Kind{Name: "tag feeds", Shrink: "disable: [tag_feeds]"}
	kindTagAtom     = &hosts.Kind{Name: "tag Atom feeds", Shrink: "enable without tag_atom"}
	kindSourceFeeds = &hosts.Kind{Name: "source feeds", Shrink: "disable: [source_feeds]"}
	kindSourceAtom  = &hosts.Kind{Name: "source Atom feeds", Shrink: "enable without source_atom"}
	kindSearch      = &hosts.Kind{Name: "search index", Shrink: "disable: [search]"}
	kindSitemap     = &hosts.Kind{Name: "sitemap and robots.txt"}
	kindStatic      = &hosts.Kind{Name: "static files"}
	kindBundles     = &hosts.Kind{Name: "article files"}
	kindIssues      = &hosts.Kind{Name: "issue pages and emails"}
)

// pageKinds are the kinds of file of the pages of each render kind.
var pageKinds = map[render.Kind]*hosts.Kind{
	render.KindHome: kindHome, render.KindArticle: kindArticles, render.KindTag: kindTags, render.KindTags: kindTags,
	render.KindSource: kindSources, render.KindSources: kindSources, render.KindEdition: kindDays,
	render.KindMonth: kindCalendar, render.KindYear: kindCalendar, render.KindArchive: kindCalendar,
	render.KindIssues: kindIssues, render.KindIssue: kindIssues,
}

func pageKind(kind render.Kind) *hosts.Kind {
	if k, ok := pageKinds[kind]; ok {
		return k
	}
	return kindPages
}

// signer signs this build's pages and feeds, for the dev server and for
// the next build. Steps that run at the same time may ask for it.
func (b *builder) signer() *render.Signer {
	b.signOnce.Do(func() { b.signs = render.NewSigner(b.site, b.tmpl) })
	return b.signs
}

// pages are the HTML pages and the redirect pages of aliases: the pages
// the clash check's walk kept.
func (b *builder) pages() iter.Seq[output] {
	walk := b.walk
	return func(yield func(output) bool) {
		signer := b.signer()
		for _, w := range walk {
			d := w.page
			o := output{path: w.path, sign: func() uint64 { return signer.Sign(d) }, make: func(buf *bytes.Buffer) ([]byte, error) {
				err := b.tmpl.Execute(buf, d)
				return buf.Bytes(), err
			}, kind: pageKind(d.PageKind), page: true}
			if !yield(o) {
				return
			}
		}
		for d := range render.Aliases(b.site) {
			o := output{path: render.FilePath(b.cfg, d.URL), sign: func() uint64 { return signer.Sign(d) }, make: func(buf *bytes.Buffer) ([]byte, error) {
				err := b.tmpl.ExecuteAlias(buf, d)
				return buf.Bytes(), err
			}, kind: kindRedirects, page: true}
			if !yield(o) {
				return
			}
		}
	}
}

// emails are the email edition of each issue: email.html, finished by
// package email, and email.txt. They are few and always made.
func (b *builder) emails() iter.Seq[output] {
	s := b.site
	return func(yield func(output) bool) {
		for d := range render.Emails(s) {
			html := output{path: render.FilePath(s.Config, d.URL), make: func(buf *bytes.Buffer) ([]byte, error) {
				if err := b.tmpl.ExecuteEmail(buf, d); err != nil {
					return nil, err
				}
				return email.HTML(buf.Bytes(), d.Permalink, s.EmailUnsubscribe)
			}, kind: kindIssues}
			text := output{path: render.FilePath(s.Config, d.Issue.TextURL()), make: func(buf *bytes.Buffer) ([]byte, error) {
				if err := b.tmpl.ExecuteEmailText(buf, d); err != nil {
					return nil, err
				}
				return email.Finish(buf.Bytes(), s.EmailUnsubscribe), nil
			}, kind: kindIssues}
			if !yield(html) || !yield(text) {
				return
			}
		}
	}
}

// feeds are the feeds of feed.Lists, the ones the pages announce, and
// the OPML list of them.
func (b *builder) feeds() iter.Seq[output] {
	s := b.site
	lists := feed.Lists(s)
	m := feed.NewMaker(s)
	// An item is kept once encoded only until the last feed of its format
	// that holds it is made; on a site with many small tags most articles
	// are in one.
	in := map[string]map[*site.Article]int{feed.RSS: {}, feed.Atom: {}}
	for _, l := range lists {
		for _, f := range l.Links {
			if n := in[f.Type]; n != nil {
				for _, a := range l.Channel.Articles {
					n[a]++
				}
			}
		}
	}
	m.Expect(in[feed.RSS], in[feed.Atom])
	formats := map[string]func(feed.Channel, *bytes.Buffer) ([]byte, error){feed.RSS: m.RSS, feed.Atom: m.Atom, feed.JSON: m.JSON}
	return func(yield func(output) bool) {
		signer := b.signer()
		// channel yields the feeds of one list of the formats wanted.
		channel := func(l feed.List, wanted func(typ string) bool) bool {
			ch := l.Channel
			sign := func() uint64 { return signer.List(ch.Articles, ch.Title, ch.Description, ch.URL) }
			for _, f := range l.Links {
				if !wanted(f.Type) {
					continue
				}
				c, format, name := ch, formats[f.Type], path.Base(f.URL)
				c.Path = f.URL
				if !yield(output{path: render.FilePath(s.Config, c.Path), sign: func() uint64 { return sign() ^ sum.String(name) }, make: func(buf *bytes.Buffer) ([]byte, error) {
					return format(c, buf)
				}, kind: feedKind(l.Of, f.Type)}) {
					return false
				}
			}
			return true
		}
		// The list of feeds is made again only when a list's title or
		// URLs changed: at 100,000 articles it names some 10,000 feeds.
		opml := func() uint64 {
			strs := []string{feed.OPMLPath, s.Title}
			for _, l := range lists {
				if len(l.Links) > 0 {
					strs = append(strs, l.Channel.Title, l.Links[0].URL, l.Channel.URL)
				}
			}
			return signer.List(nil, strs...)
		}
		if !yield(output{path: render.FilePath(s.Config, s.URL(feed.OPMLPath)), sign: opml, make: func(*bytes.Buffer) ([]byte, error) {
			return feed.OPML(s, lists)
		}, kind: kindSiteFeeds}) {
			return
		}
		// The site's and the issues' feeds in every format, then all the
		// RSS feeds of tags and sources, then all the Atom ones: only one
		// format's items are kept at a time.
		var rest []feed.List
		for _, l := range lists {
			if l.Of != feed.OfSite && l.Of != feed.OfIssues {
				rest = append(rest, l)
			} else if !channel(l, func(string) bool { return true }) {
				return
			}
		}
		for _, typ := range []string{feed.RSS, feed.Atom} {
			for _, l := range rest {
				if !channel(l, func(t string) bool { return t == typ }) {
					return
				}
			}
		}
	}
}

// feedKind is the kind of file of a feed of a list of kind of, in format
// typ.
func feedKind(of feed.Of, typ string) *hosts.Kind {
	switch {
	case of == feed.OfTag && typ == feed.Atom:
		return kindTagAtom
	case of == feed.OfTag:
		return kindTagFeeds
	case of == feed.OfSource && typ == feed.Atom:
		return kindSourceAtom
	case of == feed.OfSource:
		return kindSourceFeeds
	}
	return kindSiteFeeds
}

// sitemap is the sitemap of the pages (past 50,000 URLs, an index over
// several files), and robots.txt. The clash check listed the pages.
func (b *builder) sitemap() iter.Seq[output] {
	s := b.site
	return func(yield func(output) bool) {
		files := feed.SitemapFiles(s, b.sitemapURLs, sitemapSize)
		signer := b.signer()
		sums := make([]uint64, len(files))
		for i, f := range files {
			sums[i] = sitemapSum(f)
		}
		for i, f := range files {
			sign := func() uint64 { return signer.List(nil, "sitemap", f.URL, strconv.FormatUint(sums[i], 16)) }
			if i == 0 && len(files) > 1 {
				// The index names the other files, each dated by its
				// newest URL.
				sign = func() uint64 {
					h := sum.New()
					for _, s := range sums {
						h.AddUint64(s)
					}
					return signer.List(nil, "sitemap index", strconv.FormatUint(h.Sum64(), 16))
				}
			}
			o := output{path: render.FilePath(s.Config, f.URL), sign: sign, make: func(*bytes.Buffer) ([]byte, error) {
				if i == 0 && len(files) > 1 {
					return feed.SitemapIndex(s, files)
				}
				return feed.Sitemap(s, f.URLs)
			}, kind: kindSitemap}
			if !yield(o) {
				return
			}
		}
		yield(output{path: "robots.txt", make: func(*bytes.Buffer) ([]byte, error) { return feed.Robots(s), nil }, kind: kindSitemap})
	}
}

// sitemapSize is how many URLs a file of the sitemap lists at most: a
// test makes it small to see a small site's sitemap split.
var sitemapSize = feed.MaxSitemapURLs

// sitemapSum summarises what a file of the sitemap lists: its URL and
// each of its URLs with its date, as far as the sitemap shows it (to the
// second, with its offset from UTC). The absolute URLs follow from these
// and the configuration.
func sitemapSum(f feed.SitemapFile) uint64 {
	h := sum.New()
	h.AddString(f.URL)
	for _, u := range f.URLs {
		h.AddByte(0xff)
		h.AddString(u.Loc)
		h.AddByte(0xff)
		if u.LastMod.IsZero() {
			h.AddByte(0)
		} else {
			_, offset := u.LastMod.Zone()
			h.AddByte(1)
			h.AddUint64(uint64(u.LastMod.Unix()))
			h.AddUint64(uint64(offset))
		}
	}
	return h.Sum64()
}

// sitemapURL is how page d is listed in the sitemap, if it is.
func sitemapURL(d *render.Data) (feed.URL, bool) {
	u := feed.URL{Loc: d.URL}
	switch {
	case d.PageKind == render.KindNotFound:
		return u, false
	case d.Article != nil:
		u.Article = true
		u.LastMod = d.Article.Date
		if !d.Article.Updated.IsZero() {
			u.LastMod = d.Article.Updated
		}
	case d.Page != nil:
		u.LastMod = d.Page.Updated
	case d.PageKind == render.KindIssue:
		u.LastMod = d.Issue.Date
	}
	return u, true
}

// searchIndex is the files /search/ loads in the browser. The index is
// made as a whole, each file handed on as soon as it is made, so a large
// site's index is never held in memory whole. There is none when
// site.yaml switches search off.
func (b *builder) searchIndex() iter.Seq[output] {
	return func(yield func(output) bool) {
		if !b.site.Outputs.Search {
			return
		}
		errStop := errors.New("stopped")
		err := search.Write(b.site, b.searchCache(), func(name string, sig uint64, make func() ([]byte, error)) error {
			if !yield(output{path: name, sign: func() uint64 { return sig }, make: func(*bytes.Buffer) ([]byte, error) { return make() }, kind: kindSearch}) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(output{path: search.Dir, make: func(*bytes.Buffer) ([]byte, error) { return nil, err }})
		}
	}
}

// articleFiles are the files of article folders, each published beside
// its article's page. A file signs as its bytes, so an unchanged one is
// reused unwritten, whatever its time says.
func (b *builder) articleFiles() iter.Seq[output] {
	fsys, s := b.opts.Site, b.site
	return func(yield func(output) bool) {
		for _, a := range s.Articles {
			for _, f := range a.Files {
				o := output{path: articleFilePath(s, a, f), sign: func() uint64 {
					data, err := fs.ReadFile(fsys, f)
					if err != nil {
						return 0 // unknown: make reports the error
					}
					return sum.Bytes(data)
				}, make: func(*bytes.Buffer) ([]byte, error) {
					return fs.ReadFile(fsys, f)
				}, kind: kindBundles}
				if !yield(o) {
					return
				}
			}
		}
	}
}

// articleFilePath is where file f of article a's folder is published: at
// its place in the folder, from the folder of the article's page.
func articleFilePath(s *site.Site, a *site.Article, f string) string {
	rel := strings.TrimPrefix(f, path.Dir(a.File)+"/")
	return strings.TrimPrefix(s.SitePath(a.URL), "/") + rel
}

// searchScript is the built-in theme's script for /search/, left out
// with the search page.
const searchScript = "static/search.js"

// noJekyll is an empty file that tells GitHub Pages to publish the folder
// as it is: without it, a branch deploy runs Jekyll, which drops files
// and folders whose names start with "_" or ".".
const noJekyll = ".nojekyll"

// static is layouts/static of the built-in theme and of the site, the
// site's file winning where both have one, and .nojekyll.
func (b *builder) static() iter.Seq[output] {
	layouts := b.layouts
	search := b.site.Outputs.Search
	return func(yield func(output) bool) {
		jekyll := false
		err := fs.WalkDir(layouts, "static", func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() || (p == searchScript && !search) {
				return err
			}
			name := strings.TrimPrefix(p, "static/")
			jekyll = jekyll || name == noJekyll
			if !yield(output{path: name, make: func(*bytes.Buffer) ([]byte, error) {
				return fs.ReadFile(layouts, p)
			}, kind: kindStatic}) {
				return fs.SkipAll
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			yield(output{path: "static", make: func(*bytes.Buffer) ([]byte, error) { return nil, err }})
			return
		}
		if !jekyll {
			yield(output{path: noJekyll, make: func(*bytes.Buffer) ([]byte, error) { return nil, nil }, kind: kindStatic})
		}
	}
}
