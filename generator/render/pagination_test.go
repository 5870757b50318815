package render

import (
	"regexp"
	"strings"
	"testing"

	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/internal/testkit"
)

// TestPagination renders the theme's page links: the first, current and
// last page always, and a gap only where it stands for two pages or more,
// since a gap for one page hides it for no room saved.
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
		{1, 2, "[1] 2 Older"},
		{2, 2, "Newer 1 [2]"},
		{1, 3, "[1] 2 3 Older"},
		{2, 3, "Newer 1 [2] 3 Older"},
		{3, 3, "Newer 1 2 [3]"},
		{1, 4, "[1] … 4 Older"},
		{2, 4, "Newer 1 [2] 3 4 Older"},
		{3, 4, "Newer 1 2 [3] 4 Older"},
		{4, 4, "Newer 1 … [4]"},
		{3, 5, "Newer 1 2 [3] 4 5 Older"},
		{4, 7, "Newer 1 … [4] … 7 Older"},
	}
	items := regexp.MustCompile(`(?s)<li[^>]*>(.*?)</li>`)
	tags := regexp.MustCompile(`<[^>]*>`)
	for _, tt := range tests {
		pager := site.Paginate(make([]*site.Article, tt.total), 1, "/tags/x/")[tt.number-1]
		var b strings.Builder
		if err := tmpl.partials.ExecuteTemplate(&b, "pagination", pager); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range items.FindAllStringSubmatch(b.String(), -1) {
			text := strings.Trim(tags.ReplaceAllString(m[1], ""), " ←→")
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
