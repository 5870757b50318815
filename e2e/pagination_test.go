package e2e

import (
	"fmt"
	"strconv"
	"testing"
)

// TestPagination builds the example digest in pages of three, so that the
// home page and its biggest tag have many, and walks each list on a phone:
// from the front to page 1 by the Older links, then back by the Newer
// ones. Pages are numbered from the oldest and the front, the list's own
// URL, is the last; every page links the front as Latest, marks itself
// current, says its number in its heading, and fits the phone's width.
// Like TestLanguages it runs before the parallel tests.
func TestPagination(t *testing.T) {
	s := buildWith(t, "page_size", "3")
	tag := ""
	for _, k := range s.kinds {
		if k.name == "tag" {
			tag = k.path
		}
	}
	tb := s.newTab(t)
	tb.viewport(phone)
	// check checks the page open in tb, page k of list (0 for the front).
	check := func(list string, k int) {
		t.Helper()
		where := eval[string](tb, `location.pathname`)
		want, current, heading := list, "Latest", ""
		if k > 0 {
			want, current, heading = fmt.Sprintf("%spage/%d/", list, k), strconv.Itoa(k), fmt.Sprintf("page %d", k)
		}
		if where != want {
			t.Fatalf("at %s; want %s", where, want)
		}
		if got := tb.text(`.pagination [aria-current="page"]`); got != current {
			t.Errorf("%s: the current page is marked %q; want %q", where, got, current)
		}
		if got := eval[string](tb, `document.querySelector('.pagination .latest a').pathname`); got != list {
			t.Errorf("%s: Latest leads to %s; want %s", where, got, list)
		}
		if got := tb.text(".page-count"); got != heading {
			t.Errorf("%s: the heading says %q; want %q", where, got, heading)
		}
		if w := eval[int](tb, `Math.ceil(document.querySelector('.pagination').getBoundingClientRect().right) - innerWidth`); w > 0 {
			t.Errorf("%s: the page links overflow the phone's width by %dpx", where, w)
		}
	}
	for i, list := range []string{"/", tag} {
		tb.open(list)
		check(list, 0)
		pages := eval[int](tb, `Number(document.querySelector('.pagination .next a').pathname.match(/page\/(\d+)\/$/)[1])`)
		if pages < 4 {
			t.Fatalf("%s has %d numbered pages; want 4 or more for gaps", list, pages)
		}
		for k := pages; k >= 1; k-- {
			tb.follow(`.pagination .next a`)
			check(list, k)
			if k == pages-1 {
				tb.screenshot(fmt.Sprintf("pagination-%d-%d-%d", i, k, phone))
			}
		}
		if n := eval[int](tb, `document.querySelectorAll('.pagination .next').length`); n != 0 {
			t.Errorf("%spage/1/ links an older page", list)
		}
		for k := 2; k <= pages; k++ {
			tb.follow(`.pagination .prev a`)
			check(list, k)
		}
		tb.follow(`.pagination .prev a`)
		check(list, 0)
	}
}
