package site

import (
	"runtime"

	"golang.org/x/sync/errgroup"
)

// renderBodies renders every article and page body on all cores, and fills
// in summaries the front matter left out. The content is not changed, so a
// caller may keep it and build the model again.
func renderBodies(s *Site, render func(src []byte, sum uint64) Body) {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, a := range s.Articles {
		g.Go(func() error {
			b := render(a.Markdown, a.Sum)
			a.Body, a.Summary = b.HTML, a.Article.Summary
			if a.Summary == "" {
				a.Summary = b.Summary
			}
			return nil
		})
	}
	for _, p := range s.Pages {
		g.Go(func() error {
			b := render(p.Markdown, p.Sum)
			p.Body, p.Summary = b.HTML, p.Page.Summary
			if p.Summary == "" {
				p.Summary = b.Summary
			}
			return nil
		})
	}
	_ = g.Wait()
}
