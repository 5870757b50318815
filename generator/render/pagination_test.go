package render

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/internal/testkit"
)

// TestPagination renders the theme's page links. Pages are numbered from
// the oldest; the front, the list's base URL, is the last and is called
// Latest. A page shows the front, itself and page 1, and a gap only
// where it stands for two pages or more, since a gap for one page hides
// it for no room saved. Each link must lead where it says.
func TestPagination(t *testing.T) {
	tmpl, err := Load(testkit.Theme(), testConfig(t), func(name string) string { return name + BuiltinSuffix })
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		number, total int
		want          string
	}{
		{1, 1, ""},
		{1, 2, "Newer Latest [1]"},
		{2, 2, "[Latest] 1 Older"},
		{1, 3, "Newer Latest 2 [1]"},
		{2, 3, "Newer Latest [2] 1 Older"},
		{3, 3, "[Latest] 2 1 Older"},
		{1, 4, "Newer Latest … [1]"},
		{2, 4, "Newer Latest 3 [2] 1 Older"},
		{3, 4, "Newer Latest [3] 2 1 Older"},
		{4, 4, "[Latest] … 1 Older"},
		{3, 5, "Newer Latest 4 [3] 2 1 Older"},
		{4, 7, "Newer Latest … [4] … 1 Older"},
		{5, 7, "Newer Latest 6 [5] … 1 Older"},
		{6, 7, "Newer Latest [6] … 1 Older"},
		{7, 7, "[Latest] … 1 Older"},
	}
	const base = "/tags/x/"
	items := regexp.MustCompile(`(?s)<li[^>]*>(.*?)</li>`)
	href := regexp.MustCompile(`href="([^"]*)"`)
	tags := regexp.MustCompile(`<[^>]*>`)
	// url is where a link labelled text should lead from page number.
	url := func(text string, number, total int) string {
		n, err := strconv.Atoi(text)
		switch {
		case text == "Newer":
			n = number + 1
		case text == "Older":
			n = number - 1
		case text == "Latest":
			n = total
		case err != nil:
			return ""
		}
		if n == total {
			return base
		}
		return fmt.Sprintf("%spage/%d/", base, n)
	}
	for _, tt := range tests {
		pager := site.Paginate(make([]*site.Article, tt.total), 1, base)[tt.total-tt.number]
		var b strings.Builder
		if err := tmpl.partials.ExecuteTemplate(&b, "pagination", pager); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range items.FindAllStringSubmatch(b.String(), -1) {
			text := strings.Trim(tags.ReplaceAllString(m[1], ""), " ←→")
			if h := href.FindStringSubmatch(m[1]); h != nil && h[1] != url(text, tt.number, tt.total) {
				t.Errorf("page %d of %d: %s leads to %s; want %s", tt.number, tt.total, text, h[1], url(text, tt.number, tt.total))
			}
			if strings.Contains(m[1], `aria-current="page"`) {
				text = "[" + text + "]"
			}
			got = append(got, text)
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("page %d of %d: %q, want %q\n%s", tt.number, tt.total, g, tt.want, b.String())
		}
	}
}
