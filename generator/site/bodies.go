package site

import (
	"runtime"

	"golang.org/x/sync/errgroup"
)

// renderBodies renders every article and page body on all cores, and fills
// in summaries the front matter left out. The Markdown source is dropped
// afterwards: only the HTML is needed from here on.
func renderBodies(s *Site, render func([]byte) Body) {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, a := range s.Articles {
		g.Go(func() error {
			b := render(a.Markdown)
			a.Body = b.HTML
			if a.Summary == "" {
				a.Summary = b.Summary
			}
			a.Markdown = nil
			return nil
		})
	}
	for _, p := range s.Pages {
		g.Go(func() error {
			b := render(p.Markdown)
			p.Body = b.HTML
			if p.Summary == "" {
				p.Summary = b.Summary
			}
			p.Markdown = nil
			return nil
		})
	}
	_ = g.Wait()
}
