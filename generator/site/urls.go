package site

import "fmt"

// Pager is one page of a paginated list: of articles, or of issues.
type Pager struct {
	Number  int    // 1-based
	Total   int    // number of pages
	URL     string // this page
	PrevURL string // empty on the first page
	NextURL string // empty on the last page
	First   string // the list's first page
	Items   []*Article
	Issues  []*Issue // the list of issues' page
}

// Paginate splits articles into pages of size; the first page is base and
// page n is base + "page/n/", as Hugo does. An empty list has one empty
// page, so every list URL exists.
func Paginate(articles []*Article, size int, base string) []*Pager {
	pagers := paginate(len(articles), size, base)
	for i, p := range pagers {
		p.Items = articles[i*size : min(len(articles), (i+1)*size)]
	}
	return pagers
}

// PaginateIssues splits issues into pages as Paginate does articles.
func PaginateIssues(issues []*Issue, size int, base string) []*Pager {
	pagers := paginate(len(issues), size, base)
	for i, p := range pagers {
		p.Issues = issues[i*size : min(len(issues), (i+1)*size)]
	}
	return pagers
}

// paginate makes the pages of a list of n items, without their items.
func paginate(n, size int, base string) []*Pager {
	total := max(1, (n+size-1)/size)
	pagers := make([]*Pager, total)
	for i := range pagers {
		pagers[i] = &Pager{Number: i + 1, Total: total, URL: pageURL(base, i+1), First: base}
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
