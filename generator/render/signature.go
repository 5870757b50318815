package render

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/internal/sum"
	"github.com/digest/digest/generator/internal/work"
	"github.com/digest/digest/generator/site"
)

// The dev server and a rebuild keep a page made before while its
// signature stays the same, so the signature must change whenever
// anything the page shows changes. It covers the configuration and the
// page kind's templates, the fields of .Site those templates name (found
// by reading their parse trees), and the page's own values below as the
// built-in templates read them. A site's own template may read more
// through those values, so a page kind whose templates include one of the
// site's is not trusted to its signature.

// Signer signs the pages of one build.
type Signer struct {
	global uint64
	// articles holds each article with its sum (articleSum), by its
	// place in Site.Articles: what its page, card and feed item show. A
	// page signs many articles, so they are found by place, not hashed
	// again; the article beside its sum costs one read of memory, not two.
	articles []signedArticle
	// editions holds each edition's sum (editionSum), which the pages of
	// its day, its neighbours, its month and its year all sign.
	editions map[*site.Edition]uint64
	site     *site.Site
	// kinds holds, per page kind, the signature of the parts of .Site its
	// templates read, or ok false when they read it in a way not covered.
	kinds map[Kind]kindSig
}

type signedArticle struct {
	article *site.Article
	sum     uint64
}

type kindSig struct {
	sum uint64
	ok  bool
}

// NewSigner prepares the signatures of s's pages rendered with t.
func NewSigner(s *site.Site, t *Templates) *Signer {
	g := &Signer{global: configSum(s.Config), kinds: map[Kind]kindSig{}, articles: make([]signedArticle, len(s.Articles)), site: s}
	// At 100,000 articles the sums take a tenth of a second, most of it
	// waiting on memory for the articles' tags: on every core, that is
	// halved.
	work.Each(len(s.Articles), func(i int) { g.articles[i] = signedArticle{s.Articles[i], articleSum(s.Articles[i])} })
	g.editions = make(map[*site.Edition]uint64, len(s.Editions))
	for _, e := range s.Editions {
		g.editions[e] = g.editionSum(e)
	}
	collections := map[string]func(*sum.Hash){
		"Articles": func(h *sum.Hash) {
			for _, a := range s.Articles {
				str(h, a.URL)
				num(h, a.Sum)
			}
		},
		"Tags": func(h *sum.Hash) {
			for _, t := range s.Tags {
				str(h, t.Name, t.URL)
				num(h, uint64(t.Count()))
			}
		},
		"Sources": func(h *sum.Hash) {
			for _, src := range s.Sources {
				str(h, src.Name, src.URL)
				num(h, uint64(src.Count()))
			}
		},
		"Editions": func(h *sum.Hash) {
			for _, e := range s.Editions {
				str(h, e.URL)
				num(h, uint64(len(e.Articles)))
			}
		},
		"Months": func(h *sum.Hash) {
			for _, m := range s.Months {
				str(h, m.URL)
				num(h, uint64(m.Count))
			}
		},
		"Years": func(h *sum.Hash) {
			for _, y := range s.Years {
				str(h, y.URL)
				num(h, uint64(y.Count))
				// The archive lists each year's months and their days.
				for _, m := range y.Months {
					str(h, m.URL)
					num(h, uint64(m.Count))
					for _, e := range m.Editions {
						str(h, e.URL)
						num(h, uint64(len(e.Articles)))
					}
				}
			}
		},
		"Issues": func(h *sum.Hash) {
			for _, is := range s.Issues {
				writeIssueLink(h, is)
			}
		},
		"Pages": func(h *sum.Hash) {
			for _, p := range s.Pages {
				str(h, p.URL, p.Title)
				num(h, p.Sum)
			}
		},
	}
	done := map[string]uint64{}
	for kind, fields := range t.siteFields {
		h := newHash()
		ok := true
		for _, f := range fields {
			if isConfigField(f) {
				continue // in the global signature
			}
			write, known := collections[f]
			if !known {
				ok = false
				break
			}
			part, seen := done[f]
			if !seen {
				ch := newHash()
				write(ch)
				part = ch.Sum64()
				done[f] = part
			}
			str(h, f)
			num(h, part)
		}
		num(h, t.sums[kind])
		g.kinds[kind] = kindSig{h.Sum64(), ok && !t.own[kind]}
	}
	return g
}

// configSum summarises the configuration, which every page may show:
// each field of it that templates can read.
func configSum(c *config.Config) uint64 {
	h := newHash()
	str(h, c.Title, c.Description, c.BaseURL, c.Path, c.Language, c.Author, c.Permalink, c.Timezone, c.Location.String(),
		fmt.Sprint(c.Params), fmt.Sprint(c.TagAliases), strconv.FormatBool(c.UnsafeHTML),
		strconv.FormatBool(c.NoBaseURL), fmt.Sprintf("%+v", c.Outputs),
		strconv.FormatBool(c.HomeIssue), c.EmailUnsubscribe)
	num(h, uint64(c.PageSize), uint64(c.FeedSize))
	if c.Locale != nil {
		num(h, c.Locale.Sum()) // the translations the templates' t reads
	}
	return h.Sum64()
}

// isConfigField reports whether name is a field of the configuration,
// which .Site embeds.
func isConfigField(name string) bool {
	_, ok := reflect.TypeFor[config.Config]().FieldByName(name)
	return ok
}

// Sign summarises what the page d shows. It is 0, meaning unknown, when
// the page's templates read parts of .Site the signature does not cover.
func (g *Signer) Sign(d *Data) uint64 {
	k := g.kinds[d.PageKind]
	if !k.ok {
		return 0
	}
	return g.signature(g.global^k.sum, d)
}

// List signs a list of articles with the strings that go with it, such as
// a feed's title and URL.
func (g *Signer) List(articles []*site.Article, strs ...string) uint64 {
	h := newHash()
	num(h, g.global)
	str(h, strs...)
	g.writeArticles(h, articles)
	return h.Sum64()
}

func (g *Signer) writeArticle(h *sum.Hash, a *site.Article) {
	if i := a.Index(); i >= 0 && i < len(g.articles) && g.articles[i].article == a {
		num(h, g.articles[i].sum)
		return
	}
	num(h, articleSum(a))
}

// writeArticles writes the sums of a list's articles, as writeArticle
// does each. A run of them in their order in Site.Articles (a page of the
// home page's list, a site feed) is found by place from the first, without
// reading each article: at 100,000 articles, reading them is most of the
// cost of signing the pages.
func (g *Signer) writeArticles(h *sum.Hash, articles []*site.Article) {
	next := -1 // the place after the last article's, when it was found
	for _, a := range articles {
		i := next
		if i < 0 || i >= len(g.articles) || g.articles[i].article != a {
			i = a.Index()
		}
		if i < 0 || i >= len(g.articles) || g.articles[i].article != a {
			num(h, articleSum(a))
			next = -1
			continue
		}
		num(h, g.articles[i].sum)
		next = i + 1
	}
}

// signature summarises what the page d shows apart from .Site, given a
// signature of the parts of .Site it reads.
func (g *Signer) signature(global uint64, d *Data) uint64 {
	h := newHash()
	num(h, global)
	// The description, permalink and feed links follow from the values
	// hashed here and in the global signature: the site's, or the page's
	// article, page, tag or source.
	str(h, string(d.PageKind), d.Title, d.URL, d.Target)
	if d.Article != nil {
		g.writeArticle(h, d.Article)
		num(h, uint64(len(d.Article.Related)))
		for _, r := range d.Article.Related {
			g.writeArticle(h, r)
		}
	}
	for _, a := range []*site.Article{d.NewerArticle, d.OlderArticle} {
		if a != nil {
			g.writeArticle(h, a)
		}
	}
	if d.Page != nil {
		str(h, d.Page.URL)
		num(h, d.Page.Sum)
	}
	// A list's numbered pages keep their bytes while the list grows (see
	// site.Pager), so they show neither its count nor its number of pages:
	// only how far the front is, up to the three pages pagination.html's
	// gap tells apart.
	front := d.Pager == nil || d.Pager.Front()
	if d.Tag != nil {
		str(h, d.Tag.Name, d.Tag.URL)
		if front {
			num(h, uint64(d.Tag.Count()))
		}
	}
	if d.Source != nil {
		str(h, d.Source.Name, d.Source.URL)
		if front {
			num(h, uint64(d.Source.Count()))
		}
	}
	if p := d.Pager; p != nil {
		num(h, uint64(p.Number), uint64(min(p.Total-p.Number, 3)))
		str(h, p.URL, p.PrevURL, p.NextURL, p.First)
		g.writeArticles(h, p.Items)
	}
	for _, e := range []*site.Edition{d.Edition, d.NewerEdition, d.OlderEdition} {
		if e != nil {
			g.writeEdition(h, e)
		}
	}
	if d.Month != nil {
		g.writeMonth(h, d.Month)
	}
	if d.Issue != nil {
		g.writeIssue(h, d.Issue)
	}
	for _, is := range []*site.Issue{d.NewerIssue, d.OlderIssue} {
		if is != nil {
			writeIssueLink(h, is)
		}
	}
	if p := d.Pager; p != nil {
		for _, is := range p.Issues {
			g.writeIssue(h, is)
		}
	}
	if d.Year != nil {
		g.writeYear(h, d.Year)
	}
	return h.Sum64()
}

// part signs a value that cached renders with a template of onDisk,
// which reads of it what shape covers, as a page's signature would: with
// the configuration, and the value hashed whole. It is false when value
// is not of the shape's type.
func (g *Signer) part(shape string, value any) (uint64, bool) {
	h := newHash()
	num(h, g.global)
	str(h, shape)
	switch v := value.(type) {
	case *site.Article:
		if shape != "article" || v == nil {
			return 0, false
		}
		g.writeArticle(h, v)
	case *site.Edition:
		if shape != "edition" || v == nil {
			return 0, false
		}
		g.writeEdition(h, v)
	case *Feeds:
		if shape != "feeds" || v == nil {
			return 0, false
		}
		for _, l := range v.Links {
			str(h, l.Type, l.Title, l.URL)
		}
	case *site.Tag:
		if shape != "list" || v == nil {
			return 0, false
		}
		str(h, v.Name, v.URL)
		num(h, uint64(v.Count()))
	case *site.Year:
		if shape != "year" || v == nil {
			return 0, false
		}
		g.writeYear(h, v)
	default:
		return 0, false
	}
	return h.Sum64(), true
}

// articleSum summarises what an article's page, card and feed item show:
// its file's hash (which decides every front-matter value and the body),
// its URL, its tags and its source as they are named now, and its edition.
func articleSum(a *site.Article) uint64 {
	h := newHash()
	num(h, a.Sum)
	str(h, a.URL)
	for _, t := range a.Tags {
		str(h, t.Name, t.URL)
	}
	if p := a.Publisher; p != nil {
		str(h, p.Name, p.URL)
	}
	if a.Edition != nil {
		str(h, a.Edition.URL)
		num(h, uint64(len(a.Edition.Articles)))
	}
	if a.Issue != nil {
		writeIssueLink(h, a.Issue)
	}
	return h.Sum64()
}

// writeIssue adds what an issue's page shows of it: its file, title and
// URL, its neighbours' links, and its articles under their headings.
func (g *Signer) writeIssue(h *sum.Hash, is *site.Issue) {
	writeIssueLink(h, is)
	str(h, is.Summary)
	for _, n := range []*site.Issue{is.Newer, is.Older} {
		if n != nil {
			writeIssueLink(h, n)
		}
	}
	if is.Lead != nil {
		g.writeArticle(h, is.Lead)
	}
	for _, sec := range is.Sections {
		str(h, sec.Title)
		num(h, uint64(len(sec.Articles)))
		for _, a := range sec.Articles {
			g.writeArticle(h, a)
		}
	}
}

// writeIssueLink adds what a link to an issue shows: its file's hash
// (its number, date and summary), its title and URL, and how many
// articles it has.
func writeIssueLink(h *sum.Hash, is *site.Issue) {
	num(h, is.Sum, uint64(len(is.Articles)))
	str(h, is.URL, is.Title)
}

func (g *Signer) writeEdition(h *sum.Hash, e *site.Edition) {
	es, ok := g.editions[e]
	if !ok {
		es = g.editionSum(e)
	}
	num(h, es)
}

// editionSum summarises an edition: its URL and its articles.
func (g *Signer) editionSum(e *site.Edition) uint64 {
	h := newHash()
	str(h, e.URL)
	for _, a := range e.Articles {
		g.writeArticle(h, a)
	}
	return h.Sum64()
}

func (g *Signer) writeYear(h *sum.Hash, y *site.Year) {
	str(h, y.URL)
	num(h, uint64(y.Count))
	for _, m := range y.Months {
		g.writeMonth(h, m)
	}
}

func (g *Signer) writeMonth(h *sum.Hash, m *site.Month) {
	str(h, m.URL)
	num(h, uint64(m.Count))
	for _, e := range m.Editions {
		g.writeEdition(h, e)
	}
}

// signed declares what the signature covers of the values a page's
// templates reach from its Data, so a test can hold the built-in
// templates to it (signature_contract_test.go). Each shape maps a field
// or method to the shape of its value (or of a slice's elements): "" for a
// value covered whole with nothing read below it but its length, "*" for
// a value covered with all it holds. A field a shape does not list is not
// covered. A date follows from its value's URL; a description, permalink
// and feed links follow from the values hashed and the configuration.
var signed = map[string]map[string]string{
	"data": {
		"Site": "site", "PageKind": "", "Kind": "", "Title": "", "Description": "", "URL": "", "Permalink": "", "Target": "",
		"Feeds": "*", "Article": "article+", "NewerArticle": "article", "OlderArticle": "article",
		"Page": "page", "Tag": "list", "Source": "list", "Pager": "pager", "Editions": "group",
		"Edition": "edition", "NewerEdition": "edition", "OlderEdition": "edition",
		"Month": "month", "Year": "year",
		"Issue": "issue", "NewerIssue": "issue-link", "OlderIssue": "issue-link",
	},
	// site: the configuration is in the global signature; the
	// collections are what NewSigner's collections hash.
	"site": withFields(config.Config{}, "*", map[string]string{
		"Articles": "site-article", "Tags": "list", "Sources": "list", "Editions": "site-edition",
		"Months": "site-month", "Years": "site-year", "Pages": "page", "Issues": "issue-link",
	}),
	// An article's sum (articleSum): its file's Sum decides every front-matter value
	// and the body.
	"article": withFields(content.Article{}, "*", map[string]string{
		"URL": "", "Image": "*", "Summary": "*", "Body": "*",
		"Tags": "list-item", "Publisher": "list-item", "Edition": "site-edition", "Issue": "issue-link",
	}),
	"article+": withFields(content.Article{}, "*", map[string]string{
		"URL": "", "Image": "*", "Summary": "*", "Body": "*",
		"Tags": "list-item", "Publisher": "list-item", "Edition": "site-edition", "Related": "article", "Issue": "issue-link",
	}),
	"site-article": withFields(content.Article{}, "*", map[string]string{"URL": ""}),
	"page":         withFields(content.Page{}, "*", map[string]string{"URL": "", "Summary": "*", "Body": "*"}),
	"list":         {"Name": "", "URL": "", "Count": ""},
	"list-item":    {"Name": "", "URL": ""},
	"pager":        {"Number": "", "Total": "", "Front": "", "URL": "", "PrevURL": "", "NextURL": "", "First": "", "Items": "article", "Issues": "issue"},
	// issue: an issue whole, as writeIssue hashes it; issue-link: what a
	// link to one shows, as writeIssueLink hashes it.
	"issue": withFields(content.Issue{}, "*", map[string]string{
		"URL": "", "Title": "", "Summary": "", "Body": "*", "EmailURL": "", "TextURL": "",
		"Lead": "article", "Sections": "section", "Articles": "article", "Newer": "issue-link", "Older": "issue-link",
	}),
	"issue-link": withFields(content.Issue{}, "*", map[string]string{"URL": "", "Title": "", "Summary": "", "Articles": "", "EmailURL": "", "TextURL": ""}),
	"section":    {"Title": "", "Articles": "article"},
	// group: an edition of the pager's items, made from them.
	"group":        {"Date": "", "Day": "site-edition", "Articles": "article"},
	"edition":      {"URL": "", "Date": "", "Articles": "article"},
	"site-edition": {"URL": "", "Date": "", "Articles": ""},
	"month":        {"URL": "", "Date": "", "Count": "", "Editions": "edition"},
	"year":         {"URL": "", "Date": "", "Count": "", "Months": "month"},
	"site-month":   {"URL": "", "Date": "", "Count": ""},
	"site-year":    {"URL": "", "Date": "", "Count": "", "Months": "site-year-month"},
	// site-year-month: a month of .Site.Years, hashed with its days.
	"site-year-month": {"URL": "", "Date": "", "Count": "", "Editions": "site-edition"},
	// feeds: the feeds a page announces, as the templates of onDisk take
	// them (Signer.part); a page's signature covers them whole.
	"feeds":     {"Links": "feed-link"},
	"feed-link": {"Type": "", "Title": "", "URL": ""},
}

// withFields is fields with each exported field of the struct v added as
// shape.
func withFields(v any, shape string, fields map[string]string) map[string]string {
	for _, f := range reflect.VisibleFields(reflect.TypeOf(v)) {
		if _, set := fields[f.Name]; f.IsExported() && !set {
			fields[f.Name] = shape
		}
	}
	return fields
}
