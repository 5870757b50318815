package generator

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/feed"
	"github.com/digest/digest/generator/render"
	"github.com/digest/digest/generator/search"
)

// A claim is one file of the output, or a folder that one output owns
// whole, and what makes it. The clash check lists them all before anything
// is made, so that two outputs on one path, or one that needs a folder
// where another writes a file, are reported with the place each comes
// from rather than found half way through writing.
type claim struct {
	path   string // slash-separated, from the site root
	folder bool   // path is a folder, and everything in it is this output's
	what   string // "alias /old/", "the RSS feed of the site"
	// file and line are where the curator made the output; file is empty
	// for the pages every site has.
	file string
	line int
	// page, when set, is the page the claim is for, whose what, file and
	// line describe gives when a clash is reported: most builds have none.
	page *render.Data
}

// place is where c comes from, as a diagnostic would name it.
func (c claim) place() string {
	switch {
	case c.file == "":
		return ""
	case c.line > 0:
		return fmt.Sprintf("%s:%d", c.file, c.line)
	}
	return c.file
}

// clashKind is how two claims clash.
type clashKind int

const (
	samePath     clashKind = iota // both write one file
	fileOnFolder                  // the outer is a file where the inner needs a folder
	inFolder                      // the inner writes into a folder the outer owns
)

// checkClashes fails the build when two outputs claim one path, or when
// one needs as a folder a path that another writes as a file. Each clash
// on a folder is reported once, however many files it holds.
func (b *builder) checkClashes() error {
	claims, urls := b.claims()
	b.sitemapURLs = urls
	if !anyClash(claims) {
		return nil
	}
	for i := range claims {
		if c := &claims[i]; c.page != nil {
			c.what, c.file, c.line = describe(c.page)
		}
	}
	// Sorted by path, a folder comes before the paths in it.
	slices.SortStableFunc(claims, func(x, y claim) int { return cmp.Compare(x.path, y.path) })
	byPath := make(map[string]claim, len(claims))
	reported := map[string]bool{}
	var errs diag.List
	for _, c := range claims {
		if prev, ok := byPath[c.path]; ok {
			if !prev.folder || !c.folder {
				errs = append(errs, clash(prev, c, samePath))
			}
			continue
		}
		byPath[c.path] = c
		for dir := path.Dir(c.path); dir != "."; dir = path.Dir(dir) {
			outer, ok := byPath[dir]
			if !ok {
				continue
			}
			if !reported[dir] && !(outer.folder && c.folder) {
				reported[dir] = true
				kind := fileOnFolder
				if outer.folder {
					kind = inFolder
				}
				errs = append(errs, clash(outer, c, kind))
			}
			break
		}
	}
	errs.Sort()
	return errs.Err()
}

// anyClash reports whether checkClashes would find a clash among claims,
// as it does but without sorting them: it finds which, when there is one.
func anyClash(claims []claim) bool {
	folder := make(map[string]bool, len(claims)) // by path
	for _, c := range claims {
		if f, ok := folder[c.path]; ok && !(f && c.folder) {
			return true
		}
		folder[c.path] = c.folder
	}
	for _, c := range claims {
		for dir := path.Dir(c.path); dir != "."; dir = path.Dir(dir) {
			if f, ok := folder[dir]; ok {
				if !(f && c.folder) {
					return true
				}
				break
			}
		}
	}
	return false
}

// clash reports that outer and inner cannot both be written, at the place
// of the one the curator made, or when they made both, of the content
// rather than the static file, or of the later one.
func clash(outer, inner claim, kind clashKind) *diag.Diagnostic {
	at, other := inner, outer
	if blame(outer, inner) {
		at, other = outer, inner
	}
	var why string
	switch {
	case kind == samePath:
		why = "both are written to " + inner.path
	case kind == inFolder && at == inner:
		why = fmt.Sprintf("it is written into %s/, a folder that belongs to the other", outer.path)
	case kind == inFolder:
		why = fmt.Sprintf("it fills the folder %s/, where the other is written to %s", outer.path, inner.path)
	case at == inner:
		why = fmt.Sprintf("it needs a folder %s/, where the other is the file %s", outer.path, outer.path)
	default:
		why = fmt.Sprintf("it is the file %s, where the other needs a folder %s/ for %s", outer.path, outer.path, inner.path)
	}
	with := other.what
	if p := other.place(); p != "" {
		with += " (" + p + ")"
	}
	file := at.file
	if file == "" {
		file = render.Dir // two of the site's own outputs: the theme's doing
	}
	return diag.Errorf(file, at.line, 0, "%s clashes with %s: %s", at.what, with, why)
}

// blame says whether a clash of x and y is better reported at x.
func blame(x, y claim) bool {
	rank := func(c claim) int {
		switch {
		case c.file == "":
			return 0
		case strings.HasPrefix(c.file, render.Dir+"/"):
			return 1
		}
		return 2
	}
	if rx, ry := rank(x), rank(y); rx != ry {
		return rx > ry
	}
	return x.file > y.file || x.file == y.file && x.line > y.line
}

// claims lists every output of the build: what pages, emails, feeds,
// sitemap, searchIndex, articleFiles and static write, in the same words as they do.
// TestClaimsCoverOutputs holds the two lists together. From the same walk
// of the pages, it lists the URLs the sitemap lists, in order, and keeps
// the pages for the pages step (builder.walk): at 100,000 articles, one
// walk of the pages takes a quarter of a second.
func (b *builder) claims() ([]claim, []feed.URL) {
	s := b.site
	claims := make([]claim, 0, 2*len(s.Articles))
	add := func(url, what, file string, line int) {
		claims = append(claims, claim{path: render.FilePath(s.Config, url), what: what, file: file, line: line})
	}
	var urls []feed.URL
	b.walk = b.walk[:0]
	for d := range render.Pages(s) {
		p := render.FilePath(s.Config, d.URL)
		b.walk = append(b.walk, walked{d, p})
		claims = append(claims, claim{path: p, page: d})
		if u, ok := sitemapURL(d); ok {
			urls = append(urls, u)
		}
	}
	for _, a := range s.Articles {
		for _, al := range a.Aliases {
			add(s.URL(al), "alias "+al, a.File, a.AliasesLine)
		}
		for _, f := range a.Files {
			p := articleFilePath(s, a, f)
			claims = append(claims, claim{path: p, what: "the article file " + s.URL("/"+p), file: f})
		}
	}
	for _, l := range feed.Lists(s) {
		of := "the site"
		switch l.Of {
		case feed.OfTag:
			of = "tag " + l.Name
		case feed.OfSource:
			of = "source " + l.Name
		case feed.OfIssues:
			of = "the issues"
		}
		for _, f := range l.Links {
			add(f.URL, formatNames[f.Type]+" feed of "+of, "", 0)
		}
	}
	for _, is := range s.Issues {
		add(is.EmailURL(), fmt.Sprintf("the email of issue %d", is.Number), is.File, is.NumberLine)
		add(is.TextURL(), fmt.Sprintf("the plain-text email of issue %d", is.Number), is.File, is.NumberLine)
	}
	add(s.URL(feed.OPMLPath), "the list of the site's feeds", "", 0)
	add(s.URL("/sitemap.xml"), "the sitemap", "", 0)
	add(s.URL("/robots.txt"), "robots.txt", "", 0)
	if s.Outputs.Search {
		for _, f := range []string{"meta.json", "f.json"} {
			claims = append(claims, claim{path: search.Dir + "/" + f, what: "the search index"})
		}
		for _, dir := range []string{"t", "p", "d", "b"} {
			claims = append(claims, claim{path: search.Dir + "/" + dir, folder: true, what: "the search index"})
		}
	}
	jekyll := false
	// An error walking the folder is the static step's to report.
	_ = fs.WalkDir(b.layouts, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || (p == searchScript && !s.Outputs.Search) {
			return err
		}
		c := claim{path: strings.TrimPrefix(p, "static/"), what: "the theme's static file " + strings.TrimPrefix(p, "static/")}
		if _, err := fs.Stat(b.siteLayouts, p); err == nil {
			c.what, c.file = "static file "+c.path, render.Dir+"/"+p
		}
		jekyll = jekyll || c.path == noJekyll
		claims = append(claims, c)
		return nil
	})
	if !jekyll {
		claims = append(claims, claim{path: noJekyll, what: noJekyll + ", which keeps GitHub Pages from running Jekyll"})
	}
	return claims, urls
}

// walked is a page of render.Pages and the path of its file.
type walked struct {
	page *render.Data
	path string
}

// formatNames names the feed formats.
var formatNames = map[string]string{feed.RSS: "the RSS", feed.Atom: "the Atom", feed.JSON: "the JSON"}

// describe says what page d is and where the curator made it.
func describe(d *render.Data) (what, file string, line int) {
	of := ""
	if d.Pager != nil && !d.Pager.Front() {
		of = fmt.Sprintf("page %d of ", d.Pager.Number)
	}
	switch {
	case d.Article != nil:
		return "article " + d.URL, d.Article.File, d.Article.SlugLine
	case d.Page != nil:
		return "page " + d.URL, d.Page.File, 1
	case d.Tag != nil:
		return of + "the page of tag " + d.Tag.Name, "", 0
	case d.Source != nil:
		return of + "the page of source " + d.Source.Name, "", 0
	case d.Edition != nil:
		return "the edition of " + d.Edition.Date.Format("2 January 2006"), "", 0
	case d.Month != nil:
		return "the archive of " + d.Month.Date.Format("January 2006"), "", 0
	case d.Year != nil:
		return "the archive of " + d.Year.Date.Format("2006"), "", 0
	case d.PageKind == render.KindHome:
		return of + "the home page", "", 0
	case d.PageKind == render.KindIssue:
		return fmt.Sprintf("issue %d", d.Issue.Number), d.Issue.File, d.Issue.NumberLine
	case d.PageKind == render.KindIssues:
		return of + "the list of issues", "", 0
	}
	return siteKinds[d.PageKind], "", 0
}

// siteKinds names the pages every site has.
var siteKinds = map[render.Kind]string{
	render.KindTags: "the tag index", render.KindSources: "the source index", render.KindArchive: "the archive",
	render.KindSearch: "the search page", render.KindNotFound: "the page for missing pages",
}
