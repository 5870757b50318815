package site

import (
	"github.com/digest/digest/generator/internal/work"
	"github.com/digest/digest/generator/spool"
)

// renderBodies renders every article and page body on all cores, keeps
// them in opts.Spool or in memory, and fills in summaries the front matter
// left out. Unless opts.Consume is set, the content is not changed, so a
// caller may keep it and build the model again. The error is that of the
// first body, in the model's order, that could not be read or kept.
func renderBodies(s *Site, render Renderer, opts Options) error {
	return work.EachErr(len(s.Articles)+len(s.Pages), func(i int) error {
		var err error
		if i < len(s.Articles) {
			a := s.Articles[i]
			a.HTML, a.Summary, err = renderBody(&a.Article.Markdown, a.Sum, a.Article.Summary, render, opts)
		} else {
			p := s.Pages[i-len(s.Articles)]
			p.HTML, p.Summary, err = renderBody(&p.Page.Markdown, p.Sum, p.Page.Summary, render, opts)
		}
		return err
	})
}

// renderIssues renders the introductions of the published issues, as
// renderBodies does the articles', but keeps them in memory: they are
// few, and the feeds and emails read them where an error has no place.
func renderIssues(s *Site, render Renderer, opts Options) error {
	opts.Spool = nil
	return work.EachErr(len(s.Issues), func(i int) error {
		is := s.Issues[i]
		var err error
		is.HTML, is.Summary, err = renderBody(&is.Issue.Markdown, is.Sum, is.Issue.Summary, render, opts)
		if err == nil && !is.HTML.InMemory() {
			var html string
			html, err = is.HTML.Get()
			is.HTML = spool.Mem(html)
		}
		return err
	})
}

// renderBody renders one body and keeps it, with the summary the front
// matter gave, or else the body's.
func renderBody(md *spool.Text, sum uint64, summary string, render Renderer, opts Options) (spool.Text, string, error) {
	b, err := render(*md, sum)
	if err != nil {
		return spool.Text{}, "", err
	}
	if opts.Consume {
		*md = spool.Text{}
	}
	if summary == "" {
		summary = b.Summary
	}
	html := b.HTML
	if opts.Spool != nil && html.InMemory() {
		s, _ := html.Get() // in memory: no error
		html, err = opts.Spool.Add(s)
	}
	return html, summary, err
}
