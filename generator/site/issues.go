package site

import (
	"cmp"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/diag"
	"github.com/digest/digest/generator/slug"
	"github.com/digest/digest/generator/spool"
)

// Issue is one published numbered issue: the curator's introduction, a
// lead story and the rest of its articles under headings.
type Issue struct {
	*content.Issue
	URL   string // /issues/412/
	Title string // the front matter's, else "Issue 412" in the site's language
	HTML  spool.Text
	// Summary is the front matter's summary, or the introduction's first
	// paragraph as plain text.
	Summary  string
	Lead     *Article // nil when the issue names none
	Sections []*Section
	// Articles are every article of the issue once, in the order the
	// issue shows them: the lead, then each section's.
	Articles []*Article
	// Newer and Older are the next and previous issues by number; nil at
	// the ends.
	Newer, Older *Issue
}

// Section is a heading of an issue and its articles. The last section of
// an issue that has others may have no title: it holds the articles no
// other section took.
type Section struct {
	Title    string
	Articles []*Article
}

// Body is the issue's rendered introduction, which is always in memory.
func (is *Issue) Body() template.HTML {
	s, _ := is.HTML.Get() // in memory: no error
	return template.HTML(s)
}

// EmailURL is the URL of the HTML part of the issue's email edition.
func (is *Issue) EmailURL() string { return is.URL + "email.html" }

// TextURL is the URL of the plain-text part of the issue's email edition.
func (is *Issue) TextURL() string { return is.URL + "email.txt" }

// defaultTitle is the default title of issue n: "Issue 412" in the site's
// language.
func defaultTitle(cfg *config.Config, n int) string {
	if cfg.Locale == nil {
		return fmt.Sprintf("Issue %d", n)
	}
	return cfg.Locale.Text("issue_title", "number", n)
}

// IssuesURL is the URL of the list of issues.
func IssuesURL(cfg *config.Config) string { return cfg.URL("/issues/") }

// issueEnd is the instant an issue's collection ends: its date and time,
// or, for a date without a time of day, the end of that day.
func issueEnd(is *content.Issue) time.Time {
	if is.DateHasTime {
		return is.Date.Add(time.Nanosecond)
	}
	y, m, d := is.Date.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, is.Date.Location())
}

// buildIssues makes the published issues, newest first, and points each
// of their articles at the first issue it is in. all are every article
// read, published or not, so that an issue naming a draft is told apart
// from one naming no article at all. Problems that make an issue wrong
// are errors; a gap in the numbers, or an article left out for being a
// draft or in the future, is only a warning.
func (s *Site) buildIssues(issues []*content.Issue, all []*content.Article, opts Options) (errs, warnings diag.List) {
	if len(issues) == 0 {
		return nil, nil
	}
	byNumber := map[int]*content.Issue{}
	sorted := slices.Clone(issues)
	slices.SortFunc(sorted, func(a, b *content.Issue) int {
		return cmp.Or(cmp.Compare(a.Number, b.Number), cmp.Compare(a.File, b.File))
	})
	for i, is := range sorted {
		if first, ok := byNumber[is.Number]; ok {
			errs = append(errs, diag.Errorf(is.File, is.NumberLine, 0, "number: issue %d is also %s", is.Number, first.File))
			continue
		}
		byNumber[is.Number] = is
		if i > 0 && is.Number > sorted[i-1].Number+1 {
			missing := fmt.Sprint(sorted[i-1].Number + 1)
			if is.Number > sorted[i-1].Number+2 {
				missing += fmt.Sprintf(" to %d", is.Number-1)
			}
			warnings = append(warnings, diag.Errorf(is.File, is.NumberLine, 0, "number: issue %d follows issue %d (%s): no issue %s", is.Number, sorted[i-1].Number, sorted[i-1].File, missing))
		}
	}
	if len(errs) > 0 {
		return errs, warnings
	}

	published := map[*content.Article]*Article{}
	for _, a := range s.Articles {
		published[a.Article] = a
	}
	refs := newRefIndex(s.Config, all)
	var prev *content.Issue
	var made []*Issue
	for _, is := range sorted {
		switch {
		case is.Draft && !opts.Drafts:
			continue
		case is.Date.After(opts.Now) && !opts.Future:
			// The site is current only until the issue comes due.
			if s.Skipped.NextFuture.IsZero() || is.Date.Before(s.Skipped.NextFuture) {
				s.Skipped.NextFuture = is.Date
			}
			continue
		}
		if prev != nil && is.Date.Before(prev.Date) {
			errs = append(errs, diag.Errorf(is.File, is.DateLine, 0, "date: issue %d is dated before issue %d (%s), which comes before it", is.Number, prev.Number, prev.File))
		}
		b := issueBuilder{issue: is, refs: refs, published: published}
		it := b.build(s, prev)
		errs, warnings = append(errs, b.errs...), append(warnings, b.warnings...)
		it.URL = s.URL(fmt.Sprintf("/issues/%d/", is.Number))
		it.Title = is.Title
		if it.Title == "" {
			it.Title = defaultTitle(s.Config, is.Number)
		}
		made = append(made, it)
		prev = is
	}
	for i, it := range made {
		if i > 0 {
			it.Older = made[i-1]
		}
		if i+1 < len(made) {
			it.Newer = made[i+1]
		}
		for _, a := range it.Articles {
			if a.Issue == nil {
				a.Issue = it
			}
		}
	}
	slices.Reverse(made)
	s.Issues = made
	return errs, warnings
}

// refIndex finds the article a curator names, by its file or its URL.
// It is made when an issue first names one: most issues collect their
// articles by date, and a large site has many articles to index.
type refIndex struct {
	cfg    *config.Config
	all    []*content.Article
	byName map[string]*content.Article
	files  []string // for suggestions
}

func newRefIndex(cfg *config.Config, all []*content.Article) *refIndex {
	return &refIndex{cfg: cfg, all: all}
}

// index makes the index on first use.
func (x *refIndex) index() {
	if x.byName != nil {
		return
	}
	x.byName = make(map[string]*content.Article, 2*len(x.all))
	for _, a := range x.all {
		x.byName[a.File] = a
		x.byName[x.cfg.URL(x.cfg.ArticlePath(a.Slug, a.Date))] = a
		x.files = append(x.files, strings.TrimPrefix(a.File, content.Dir+"/"))
	}
}

// find returns the article name names: a file under content/, with or
// without "content/", or the article's URL, with or without the site's
// path, or whole.
func (x *refIndex) find(name string) *content.Article {
	if u, err := url.Parse(name); err == nil && u.Host != "" {
		name = u.Path
	}
	x.index()
	candidates := []string{name, content.Dir + "/" + name}
	if strings.HasPrefix(name, "/") {
		u := strings.TrimSuffix(name, "/") + "/"
		candidates = append(candidates, u, x.cfg.URL(u))
	}
	for _, c := range candidates {
		if a := x.byName[c]; a != nil {
			return a
		}
	}
	return nil
}

// issueBuilder works out one issue's articles and reports its problems.
type issueBuilder struct {
	issue     *content.Issue
	refs      *refIndex
	published map[*content.Article]*Article
	errs      diag.List
	warnings  diag.List
}

// resolve returns the published article r names, or nil, reporting why.
func (b *issueBuilder) resolve(r content.Ref, key string) *Article {
	a := b.refs.find(r.Name)
	if a == nil {
		hint := "want a file under content/, such as 2017/05/envoy.md, or an article's URL"
		if near := diag.Suggest(r.Name, b.refs.files); near != "" {
			hint = fmt.Sprintf("did you mean %q?", near)
		}
		b.errs = append(b.errs, diag.Errorf(b.issue.File, r.Line, 0, "%s: no article %q (%s)", key, r.Name, hint))
		return nil
	}
	p := b.published[a]
	if p == nil {
		b.warnings = append(b.warnings, diag.Errorf(b.issue.File, r.Line, 0, "%s: %q is a draft or dated in the future; left out of the issue", key, r.Name))
	}
	return p
}

// build makes the issue that follows prev (nil for the first).
func (b *issueBuilder) build(s *Site, prev *content.Issue) *Issue {
	is := b.issue
	it := &Issue{Issue: is}
	var members []*Article
	if is.Articles != nil {
		for _, r := range is.Articles {
			if a := b.resolve(r, "articles"); a != nil && !slices.Contains(members, a) {
				members = append(members, a)
			}
		}
	} else {
		end := issueEnd(is)
		var start time.Time
		if prev != nil {
			start = issueEnd(prev)
		}
		for _, a := range s.Articles {
			if a.Date.Before(end) && (prev == nil || !a.Date.Before(start)) {
				members = append(members, a)
			}
		}
	}
	in := func(r content.Ref, key string) *Article {
		a := b.resolve(r, key)
		if a != nil && !slices.Contains(members, a) {
			b.errs = append(b.errs, diag.Errorf(is.File, r.Line, 0, "%s: %q is not in issue %d (%s)", key, r.Name, is.Number, b.membership()))
			return nil
		}
		return a
	}
	placed := map[*Article]bool{}
	if is.Lead != nil {
		it.Lead = in(*is.Lead, "lead")
		placed[it.Lead] = it.Lead != nil
	}
	switch {
	case is.ByTag:
		byTag := map[*Tag]*Section{}
		for _, a := range members {
			if placed[a] || len(a.Tags) == 0 {
				continue
			}
			sec := byTag[a.Tags[0]]
			if sec == nil {
				sec = &Section{Title: a.Tags[0].Name}
				byTag[a.Tags[0]] = sec
				it.Sections = append(it.Sections, sec)
			}
			sec.Articles = append(sec.Articles, a)
			placed[a] = true
		}
	default:
		for _, sc := range is.Sections {
			sec := &Section{Title: sc.Title}
			want := slug.Make(sc.Tag)
			for _, r := range sc.Articles {
				if a := in(r, "sections"); a != nil && !placed[a] {
					sec.Articles = append(sec.Articles, a)
					placed[a] = true
				}
			}
			if sc.Tag != "" {
				for _, a := range members {
					if !placed[a] && slices.ContainsFunc(a.Tags, func(t *Tag) bool { return t.Slug == want }) {
						sec.Articles = append(sec.Articles, a)
						placed[a] = true
					}
				}
			}
			it.Sections = append(it.Sections, sec)
		}
	}
	rest := &Section{}
	for _, a := range members {
		if !placed[a] {
			rest.Articles = append(rest.Articles, a)
		}
	}
	if len(rest.Articles) > 0 {
		it.Sections = append(it.Sections, rest)
	}
	if it.Lead != nil {
		it.Articles = append(it.Articles, it.Lead)
	}
	for _, sec := range it.Sections {
		it.Articles = append(it.Articles, sec.Articles...)
	}
	return it
}

// membership says how the issue's articles are chosen, for an error.
func (b *issueBuilder) membership() string {
	if b.issue.Articles != nil {
		return "add it to articles"
	}
	return "it collects the articles dated after the previous issue, up to " + b.issue.Date.Format("2006-01-02")
}
