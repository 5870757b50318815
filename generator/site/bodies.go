package site

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// renderBodies renders every article and page body on all cores, and fills
// in summaries the front matter left out. Unless consume is set, the
// content is not changed, so a caller may keep it and build the model
// again.
func renderBodies(s *Site, render func(src []byte, sum uint64) Body, consume bool) {
	var next atomic.Int64
	var wg sync.WaitGroup
	n := len(s.Articles) + len(s.Pages)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if i < len(s.Articles) {
					a := s.Articles[i]
					b := render(a.Markdown, a.Sum)
					if consume {
						a.Article.Markdown = nil
					}
					a.Body, a.Summary = b.HTML, a.Article.Summary
					if a.Summary == "" {
						a.Summary = b.Summary
					}
					continue
				}
				p := s.Pages[i-len(s.Articles)]
				b := render(p.Markdown, p.Sum)
				if consume {
					p.Page.Markdown = nil
				}
				p.Body, p.Summary = b.HTML, p.Page.Summary
				if p.Summary == "" {
					p.Summary = b.Summary
				}
			}
		})
	}
	wg.Wait()
}
