package site

import (
	"fmt"

	"github.com/digest/digest/generator/diag"
)

// Pager is one page of a paginated list.
type Pager struct {
	Number  int    // 1-based
	Total   int    // number of pages
	URL     string // this page
	PrevURL string // empty on the first page
	NextURL string // empty on the last page
	First   string // the list's first page
	Items   []*Article
}

// Paginate splits articles into pages of size; the first page is base and
// page n is base + "page/n/", as Hugo does. An empty list has one empty
// page, so every list URL exists.
func Paginate(articles []*Article, size int, base string) []*Pager {
	total := max(1, (len(articles)+size-1)/size)
	pagers := make([]*Pager, total)
	for i := range pagers {
		end := min(len(articles), (i+1)*size)
		pagers[i] = &Pager{Number: i + 1, Total: total, URL: pageURL(base, i+1), First: base, Items: articles[i*size : end]}
		if i > 0 {
			pagers[i].PrevURL = pageURL(base, i)
			pagers[i-1].NextURL = pagers[i].URL
		}
	}
	return pagers
}

// pageURL is the URL of page n of the list at base.
func pageURL(base string, n int) string {
	if n == 1 {
		return base
	}
	return fmt.Sprintf("%spage/%d/", base, n)
}

// owner is what claims a URL: a file, or a page the site makes itself.
type owner struct {
	file string
	what string
}

// checkURLs makes sure no two things claim one URL, and fills Aliases.
func (s *Site) checkURLs() error {
	var errs diag.List
	claims := map[string]owner{}
	claim := func(url string, o owner) {
		prev, taken := claims[url]
		if !taken {
			claims[url] = o
			return
		}
		if o.file == "" {
			o, prev = prev, o // report the clash in the file that can change
		}
		taker := prev.what
		if prev.file != "" {
			taker = prev.file + " (" + prev.what + ")"
		}
		errs = append(errs, diag.Errorf(o.file, 0, 0, "%s URL %s is also the URL of %s", o.what, url, taker))
	}
	for u, what := range map[string]string{
		"/": "the home page", "/tags/": "the tag index", "/archive/": "the archive",
		"/search/": "the search page", "/sources/": "the source index",
	} {
		claim(u, owner{what: what})
	}
	for _, y := range s.Years {
		claim(y.URL, owner{what: "the archive of " + y.Date.Format("2006")})
		for _, m := range y.Months {
			claim(m.URL, owner{what: "the archive of " + m.Date.Format("January 2006")})
			for _, e := range m.Editions {
				claim(e.URL, owner{what: "the edition of " + e.Date.Format("2 January 2006")})
			}
		}
	}
	for _, t := range s.Tags {
		claim(t.URL, owner{what: "the tag page of " + t.Name})
	}
	for _, src := range s.Sources {
		if src.URL != "" {
			claim(src.URL, owner{what: "the source page of " + src.Name})
		}
	}
	for _, a := range s.Articles {
		claim(a.URL, owner{file: a.File, what: "article"})
	}
	for _, p := range s.Pages {
		claim(p.URL, owner{file: p.File, what: "page"})
	}
	s.Aliases = map[string]string{}
	for _, a := range s.Articles {
		for _, al := range a.Aliases {
			claim(al, owner{file: a.File, what: "alias"})
			s.Aliases[al] = a.URL
		}
	}
	return errs.Err()
}
