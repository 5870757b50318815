package render

import (
	"io"
	"io/fs"
	"testing"
	"testing/fstest"
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

// TestUnknownKey checks that a translation key in no table is an error
// naming the template's file, line and column: when written out, as soon
// as the layouts load, even in a branch no page runs; when made at run
// time, when the page renders.
func TestUnknownKey(t *testing.T) {
	own := fstest.MapFS{"tags.html": {Data: []byte("{{define \"main\"}}\n{{if false}}<p>{{t \"tagz\"}}</p>{{end}}\n{{end}}\n")}}
	from := func(name string) string {
		if _, err := fs.Stat(own, name); err == nil {
			return "layouts/" + name
		}
		return "layouts/" + name + BuiltinSuffix
	}
	_, err := Load(Overlay(own, testkit.Theme()), testConfig(t), from)
	if want := `layouts/tags.html:2:19: t: no translation "tagz" in layouts/i18n/en.yaml`; err == nil || err.Error() != want {
		t.Errorf("Load error = %v; want %s", err, want)
	}

	own["tags.html"].Data = []byte("{{define \"main\"}}\n<p>{{t (print \"tag\" \"z\")}}</p>\n{{end}}\n")
	tmpl, err := Load(Overlay(own, testkit.Theme()), testConfig(t), from)
	if err != nil {
		t.Fatal(err)
	}
	s := &site.Site{Config: testConfig(t)}
	err = tmpl.Execute(io.Discard, &Data{Site: s, PageKind: KindTags})
	if want := `layouts/tags.html:2:5: executing "main" at <t (print "tag" "z")>: error calling t: no translation "tagz" in layouts/i18n/en.yaml`; err == nil || err.Error() != want {
		t.Errorf("Execute error = %v; want %s", err, want)
	}
}
