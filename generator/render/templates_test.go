package render

import (
	"testing"
	"time"

	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/generator/spool"
	"github.com/digest/digest/internal/testkit"
)

// TestCachedSpills checks that what cached keeps past its memory budget
// goes to the spool and comes back the same.
func TestCachedSpills(t *testing.T) {
	tmpl, err := Load(testkit.Theme(), testConfig(t), func(name string) string { return name })
	if err != nil {
		t.Fatal(err)
	}
	sp := spool.New(t.TempDir(), 0)
	defer sp.Close()
	articles := make([]*site.Article, 3)
	for i := range articles {
		articles[i] = &site.Article{Article: &content.Article{Title: "Envoy <named>", Date: time.Date(2017, 5, 31+i, 0, 0, 0, 0, time.UTC)}, URL: "/a/"}
	}
	first, err := tmpl.cached("related-item", articles[0])
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SpillCached(sp, int64(len(first))+1) // room for one more card as long
	want := []string{string(first)}
	for _, a := range articles[1:] {
		html, err := tmpl.cached("related-item", a)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, string(html))
	}
	for i, a := range articles {
		v, _ := tmpl.cache.Load(cacheKey{"related-item", a})
		if _, spilled := v.(spool.Text); spilled != (i == 2) {
			t.Errorf("card %d spilled: %v; want %v", i, spilled, i == 2)
		}
		got, err := tmpl.cached("related-item", a)
		if err != nil || string(got) != want[i] {
			t.Errorf("card %d again = %q, %v; want %q", i, got, err, want[i])
		}
	}
}
