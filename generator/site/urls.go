package site

import "fmt"

// Pager is one page of a paginated list: of articles, or of issues.
//
// Pages are numbered from the oldest, so that a page keeps its URL and
// what it holds while newer items arrive: adding one changes only the
// list's front page, and a page once split off it stays as it is (as
// Nikola's INDEXES_STATIC and Pelican's fixed pagination do). Page k of a
// list of size-item pages holds the items from (k-1)*size to k*size-1,
// counted from the oldest, at base + "page/k/". The front page, at base,
// is the last number and holds the rest: the newest size to 2*size-1
// items, or all of them when there are fewer. A bookmark or a cache of a
// numbered page stays true, and a rebuild after one new item uploads few
// files.
type Pager struct {
	Number  int    // from 1, the oldest page; the front has the highest
	Total   int    // number of pages: the front's Number
	URL     string // this page
	PrevURL string // the newer page; empty on the front
	NextURL string // the older page; empty on page 1
	First   string // the list's front page, its base URL
	Items   []*Article
	Issues  []*Issue // the list of issues' page
}

// Front reports whether p is the list's front page, the one whose items
// change as the list grows.
func (p *Pager) Front() bool { return p.Number == p.Total }

// Paginate splits articles, newest first, into pages of size numbered
// from the oldest (see Pager). An empty list has one empty page, so every
// list URL exists. The pages come as a reader walks them: the front
// first, then each older page.
func Paginate(articles []*Article, size int, base string) []*Pager {
	pagers := paginate(len(articles), size, base)
	for _, p := range pagers {
		lo, hi := p.span(len(articles), size)
		p.Items = articles[lo:hi]
	}
	return pagers
}

// PaginateIssues splits issues into pages as Paginate does articles.
func PaginateIssues(issues []*Issue, size int, base string) []*Pager {
	pagers := paginate(len(issues), size, base)
	for _, p := range pagers {
		lo, hi := p.span(len(issues), size)
		p.Issues = issues[lo:hi]
	}
	return pagers
}

// paginate makes the pages of a list of n items, without their items,
// the front first.
func paginate(n, size int, base string) []*Pager {
	total := max(1, n/size)
	pagers := make([]*Pager, total)
	for i := range pagers {
		number := total - i
		pagers[i] = &Pager{Number: number, Total: total, URL: pageURL(base, number, total), First: base}
		if i > 0 {
			pagers[i].PrevURL = pagers[i-1].URL
			pagers[i-1].NextURL = pagers[i].URL
		}
	}
	return pagers
}

// span is where p's items are in the list of n items, newest first.
func (p *Pager) span(n, size int) (lo, hi int) {
	hi = n - (p.Number-1)*size
	if p.Front() {
		return 0, hi
	}
	return hi - size, hi
}

// pageURL is the URL of page n of the list at base with total pages.
func pageURL(base string, n, total int) string {
	if n == total {
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
