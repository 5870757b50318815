package site

import "fmt"

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

// fillAliases maps each alias to its article's URL. Two outputs on one
// URL, or on one file, are found by the generator's clash check, which
// knows every file the build writes.
func (s *Site) fillAliases() {
	s.Aliases = map[string]string{}
	for _, a := range s.Articles {
		for _, al := range a.Aliases {
			s.Aliases[s.URL(al)] = a.URL
		}
	}
}
