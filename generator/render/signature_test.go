package render

import (
	"io/fs"
	"maps"
	"path"
	"reflect"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/i18n"
	"github.com/digest/digest/generator/site"
)

// TestConfigSumCoversConfig changes each field of the configuration, which
// templates read as .Site, and checks that the pages' signature changes:
// a field added to config.Config and left out of configSum fails here.
func TestConfigSumCoversConfig(t *testing.T) {
	// Disable and Enable reach templates as Outputs, which is summed.
	derived := map[string]bool{"Disable": true, "Enable": true}
	base := configSum(config.Default())
	typ := reflect.TypeFor[config.Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() || derived[f.Name] {
			continue
		}
		c := config.Default()
		v := reflect.ValueOf(c).Elem().Field(i)
		switch f.Name {
		case "Location":
			v.Set(reflect.ValueOf(time.FixedZone("X", 3600)))
		case "Outputs":
			c.Outputs.Days = !c.Outputs.Days
		case "Locale":
			// A changed translation, not only another language, rebuilds.
			c.Locale = locale(t, "tags: Tags\n")
			base := configSum(c)
			c.Locale = locale(t, "tags: Labels\n")
			if configSum(c) == base {
				t.Errorf("changing a translation leaves the pages' signature as it was")
			}
		default:
			if !setOther(v) {
				t.Errorf("config.Config.%s (%s): the test cannot change it; teach setOther", f.Name, f.Type)
				continue
			}
		}
		if configSum(c) == base {
			t.Errorf("changing config.Config.%s leaves the pages' signature as it was", f.Name)
		}
	}
}

// locale loads an English table from the YAML src.
func locale(t *testing.T, src string) *i18n.Locale {
	t.Helper()
	fsys := fstest.MapFS{"i18n/en.yaml": {Data: []byte(src)}}
	l, err := i18n.Load("en", []fs.FS{fsys}, func(_ int, name string) string { return name })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// setOther sets v to a value other than the default's.
func setOther(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Int:
		v.SetInt(v.Int() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.ValueOf("k").Convert(v.Type().Key()), reflect.Zero(v.Type().Elem()))
		v.Set(m)
	default:
		return false
	}
	return true
}

// signTheme is a theme for the signer's tests: every kind's template is
// empty but for what layouts names, and base.html calls one partial.
func signTheme(layouts map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"base.html":         {Data: []byte(`{{define "base"}}{{template "nav" .}}{{block "main" .}}{{end}}{{end}}`)},
		"partials/nav.html": {Data: []byte(`{{define "nav"}}{{.Site.Title}}{{end}}`)},
		"alias.html":        {Data: []byte(`{{.Target}}`)},
		"email.html":        {Data: []byte(`{{.Issue.Title}}`)},
		"email.txt":         {Data: []byte(`{{.Issue.Title}}`)},
	}
	for _, k := range Kinds() {
		fsys[string(k)+".html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}{{end}}`)}
	}
	for name, src := range layouts {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

// loadSigned loads theme with the site's own layouts over it.
func loadSigned(t *testing.T, own, theme fstest.MapFS) *Templates {
	t.Helper()
	from := func(name string) string {
		if _, ok := own[name]; ok {
			return path.Join(Dir, name)
		}
		return name + BuiltinSuffix
	}
	tmpl, err := Load(Overlay(own, theme), testConfig(t), from)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// signAll signs d as a page of each kind, KindAlias too.
func signAll(s *site.Site, tmpl *Templates, d *Data) map[Kind]uint64 {
	g := NewSigner(s, tmpl)
	sigs := map[Kind]uint64{}
	for _, k := range append(Kinds(), KindAlias) {
		page := *d
		page.PageKind = k
		sigs[k] = g.Sign(&page)
	}
	return sigs
}

// TestSignFollowsWhatThePageShows changes one value at a time and checks
// that the signature of a page of the kind that shows it changes, and
// that a page that does not show it keeps its signature.
func TestSignFollowsWhatThePageShows(t *testing.T) {
	theme := signTheme(map[string]string{
		"tags.html":    `{{define "main"}}{{range .Site.Tags}}{{.Name}}{{end}}{{end}}`,
		"archive.html": `{{define "main"}}{{range .Site.Years}}{{.URL}}{{end}}{{end}}`,
	})
	tests := []struct {
		name    string
		kind    Kind
		edit    func(s *site.Site, d *Data)
		changes bool
	}{
		{"the page's title", KindArticle, func(s *site.Site, d *Data) { d.Title += "x" }, true},
		{"the page's URL", KindHome, func(s *site.Site, d *Data) { d.URL += "x/" }, true},
		{"an alias's target", KindAlias, func(s *site.Site, d *Data) { d.Target += "x/" }, true},
		{"the article's file", KindArticle, func(s *site.Site, d *Data) { d.Article.Sum++ }, true},
		{"the article's URL", KindArticle, func(s *site.Site, d *Data) { d.Article.URL += "x/" }, true},
		{"a tag's name on the article", KindArticle, func(s *site.Site, d *Data) { d.Article.Tags[0].Name += "x" }, true},
		{"the article's source's URL", KindArticle, func(s *site.Site, d *Data) { d.Article.Publisher.URL += "x/" }, true},
		{"the size of the article's edition", KindArticle, func(s *site.Site, d *Data) {
			d.Article.Edition.Articles = append(d.Article.Edition.Articles, d.Article)
		}, true},
		{"a related article", KindArticle, func(s *site.Site, d *Data) { d.Article.Related[1].Sum++ }, true},
		{"one related article fewer", KindArticle, func(s *site.Site, d *Data) { d.Article.Related = d.Article.Related[:1] }, true},
		{"the newer article", KindArticle, func(s *site.Site, d *Data) { d.NewerArticle.Sum++ }, true},
		{"the older edition", KindArticle, func(s *site.Site, d *Data) { d.OlderEdition.URL += "x/" }, true},
		{"the page's file", KindPage, func(s *site.Site, d *Data) { d.Page.Sum++ }, true},
		{"the tag's name", KindTag, func(s *site.Site, d *Data) { d.Tag.Name += "x" }, true},
		{"the tag's count", KindTag, func(s *site.Site, d *Data) { d.Tag.Articles = append(d.Tag.Articles, d.Article) }, true},
		{"the source's URL", KindSource, func(s *site.Site, d *Data) { d.Source.URL += "x/" }, true},
		{"an article of the pager", KindHome, func(s *site.Site, d *Data) { d.Pager.Items[1].Sum++ }, true},
		{"the pager's number", KindHome, func(s *site.Site, d *Data) { d.Pager.Number, d.Pager.Total = 3, 3 }, true},
		{"the pager's next page", KindTag, func(s *site.Site, d *Data) { d.Pager.NextURL = "" }, true},
		{"an article of the edition", KindEdition, func(s *site.Site, d *Data) { d.Edition.Articles[0].Sum++ }, true},
		{"an article of the month", KindMonth, func(s *site.Site, d *Data) { d.Month.Editions[0].Articles[1].Sum++ }, true},
		{"a month's count in the year", KindYear, func(s *site.Site, d *Data) { d.Year.Months[0].Count++ }, true},
		{"the site's title, which the nav shows", KindNotFound, func(s *site.Site, d *Data) { s.Title += "x" }, true},
		{"any setting", KindSearch, func(s *site.Site, d *Data) { s.PageSize++ }, true},
		{"a tag of the site, on the tag index", KindTags, func(s *site.Site, d *Data) { s.Tags[0].Name += "x" }, true},
		{"a year of the site, on the archive", KindArchive, func(s *site.Site, d *Data) { s.Years[0].Count++ }, true},
		{"a day of a month of the site, on the archive", KindArchive, func(s *site.Site, d *Data) {
			e := s.Years[0].Months[0].Editions[0]
			e.Articles = append(e.Articles, d.Article)
		}, true},
		{"a tag of the site, not on the archive", KindArchive, func(s *site.Site, d *Data) { s.Tags[0].Name += "x" }, false},
		{"a year of the site, not on the tag index", KindTags, func(s *site.Site, d *Data) { s.Years[0].Count++ }, false},
		{"an article of the site, not on the page", KindArticle, func(s *site.Site, d *Data) { s.Articles[0].Sum++ }, false},
		{"an alias of the site", KindHome, func(s *site.Site, d *Data) { s.Aliases = map[string]string{"/old/": "/new/"} }, false},
		{"the summary, which follows from the file's hash", KindArticle, func(s *site.Site, d *Data) { d.Article.Summary += "x" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, d := fullSite(t)
			tmpl := loadSigned(t, nil, theme)
			before := signAll(s, tmpl, d)[tt.kind]
			if before == 0 {
				t.Fatalf("a %s page signs 0 before the edit", tt.kind)
			}
			tt.edit(s, d)
			after := signAll(s, tmpl, d)[tt.kind]
			if changed := after != before; changed != tt.changes {
				t.Errorf("%s page: signature changed: %v; want %v", tt.kind, changed, tt.changes)
			}
		})
	}
}

// TestSignNumberedPages checks that a numbered page of a list keeps its
// signature as the list grows, which it must show nothing of but how far
// its front is when that is less than three pages (see site.Pager), and
// that the front follows the list's count.
func TestSignNumberedPages(t *testing.T) {
	grow := func(d *Data) {
		d.Tag.Articles = append(d.Tag.Articles, d.Article)
		d.Source.Articles = append(d.Source.Articles, d.Article)
	}
	counted := []Kind{KindTag, KindSource}
	lists := []Kind{KindHome, KindTag, KindSource, KindIssues}
	tests := []struct {
		name    string
		number  int // of the page signed, of a list of total pages
		total   int
		kinds   []Kind
		edit    func(d *Data)
		changes bool
	}{
		{"the count, on the front", 2, 2, counted, grow, true},
		{"the count, on a numbered page", 1, 2, counted, grow, false},
		{"a page more, on the front", 2, 2, lists, func(d *Data) { d.Pager.Number, d.Pager.Total = 3, 3 }, true},
		{"a page more, next to the front", 1, 2, lists, func(d *Data) { d.Pager.Total++ }, true},
		{"a page more, two from the front", 1, 3, lists, func(d *Data) { d.Pager.Total++ }, true},
		{"a page more, three from the front", 1, 4, lists, func(d *Data) { d.Pager.Total++ }, false},
	}
	tmpl := loadSigned(t, nil, signTheme(nil))
	for _, tt := range tests {
		for _, kind := range tt.kinds {
			t.Run(tt.name+"/"+string(kind), func(t *testing.T) {
				s, d := fullSite(t)
				d.Pager.Number, d.Pager.Total = tt.number, tt.total
				before := signAll(s, tmpl, d)[kind]
				tt.edit(d)
				after := signAll(s, tmpl, d)[kind]
				if changed := after != before; changed != tt.changes {
					t.Errorf("%s page %d of %d: signature changed: %v; want %v", kind, tt.number, tt.total, changed, tt.changes)
				}
			})
		}
	}
}

// TestSignFollowsTemplates checks what a change to the layouts does to
// each kind's signature: a template of the built-in theme changes the
// signatures of the kinds made with it; a template of the site's own
// makes them unknown, as does a template that reads a part of .Site the
// signature does not cover.
func TestSignFollowsTemplates(t *testing.T) {
	all := append(Kinds(), KindAlias)
	allBut := func(k Kind) []Kind { return slices.DeleteFunc(slices.Clone(all), func(o Kind) bool { return o == k }) }
	tests := []struct {
		name     string
		own      bool // the layouts are the site's own, not the theme's
		layouts  map[string]string
		changed  []Kind // whose signature changes, when not the site's own
		unsigned []Kind // whose signature is 0
	}{
		{name: "a kind's template", layouts: map[string]string{"tag.html": `{{define "main"}}x{{end}}`}, changed: []Kind{KindTag}},
		{name: "a partial", layouts: map[string]string{"partials/nav.html": `{{define "nav"}}x{{end}}`}, changed: allBut(KindAlias)},
		{name: "a new partial", layouts: map[string]string{"partials/new.html": `{{define "new"}}{{end}}`}, changed: allBut(KindAlias)},
		{name: "the base", layouts: map[string]string{"base.html": `{{define "base"}}{{template "nav" .}}x{{block "main" .}}{{end}}{{end}}`}, changed: allBut(KindAlias)},
		{name: "alias.html", layouts: map[string]string{"alias.html": `x{{.Target}}`}, changed: []Kind{KindAlias}},
		{name: "the site's own kind template", own: true, layouts: map[string]string{"tag.html": `{{define "main"}}x{{end}}`}, unsigned: []Kind{KindTag}},
		{name: "the site's own partial", own: true, layouts: map[string]string{"partials/nav.html": `{{define "nav"}}x{{end}}`}, unsigned: allBut(KindAlias)},
		{name: "the site's own alias.html", own: true, layouts: map[string]string{"alias.html": `x{{.Target}}`}, unsigned: []Kind{KindAlias}},
		{name: "the whole .Site passed on", layouts: map[string]string{"404.html": `{{define "main"}}{{template "nav" .Site}}{{end}}`},
			changed: []Kind{KindNotFound}, unsigned: []Kind{KindNotFound}},
		{name: "a part of .Site not covered", layouts: map[string]string{"year.html": `{{define "main"}}{{.Site.Aliases}}{{end}}`},
			changed: []Kind{KindYear}, unsigned: []Kind{KindYear}},
		{name: "a setting of .Site", layouts: map[string]string{"month.html": `{{define "main"}}{{.Site.PageSize}}{{end}}`},
			changed: []Kind{KindMonth}},
	}
	s, d := fullSite(t)
	before := signAll(s, loadSigned(t, nil, signTheme(nil)), d)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			own, theme := fstest.MapFS{}, signTheme(nil)
			if tt.own {
				for name, src := range tt.layouts {
					own[name] = &fstest.MapFile{Data: []byte(src)}
				}
			} else {
				theme = signTheme(tt.layouts)
			}
			after := signAll(s, loadSigned(t, own, theme), d)
			for _, k := range all {
				switch unsigned := slices.Contains(tt.unsigned, k); {
				case unsigned && after[k] != 0:
					t.Errorf("%s: signature %d; want 0, unknown", k, after[k])
				case !unsigned && after[k] == 0:
					t.Errorf("%s: signature 0; want one", k)
				case !unsigned && (after[k] != before[k]) != slices.Contains(tt.changed, k):
					t.Errorf("%s: signature changed: %v; want %v", k, after[k] != before[k], slices.Contains(tt.changed, k))
				}
			}
		})
	}
}

// TestSignIsStable checks that a signature depends on values, not on
// where they are in memory: the next build compares it with this one's.
func TestSignIsStable(t *testing.T) {
	tmpl := loadSigned(t, nil, signTheme(nil))
	s1, d1 := fullSite(t)
	s2, d2 := fullSite(t)
	if a, b := signAll(s1, tmpl, d1), signAll(s2, tmpl, d2); !maps.Equal(a, b) {
		t.Errorf("two builds of one site sign differently:\n%v\n%v", a, b)
	}
	if a, b := NewSigner(s1, tmpl).List(s1.Articles, "t"), NewSigner(s2, tmpl).List(s2.Articles, "t"); a != b {
		t.Errorf("two builds of one site sign a list differently: %d, %d", a, b)
	}
	// An article the signer was not prepared with signs as one it was.
	g := NewSigner(s1, tmpl)
	outside := *s1.Articles[0]
	if a, b := g.List([]*site.Article{s1.Articles[0]}), g.List([]*site.Article{&outside}); a != b {
		t.Errorf("an article of the site and its copy sign %d and %d", a, b)
	}
}

// TestList checks that a list's signature follows its articles, their
// order and the strings that go with it.
func TestList(t *testing.T) {
	s, _ := fullSite(t)
	g := NewSigner(s, loadSigned(t, nil, signTheme(nil)))
	a, b := s.Articles[0], s.Articles[1]
	base := g.List([]*site.Article{a, b}, "ab", "c")
	for name, other := range map[string]uint64{
		"the order":      g.List([]*site.Article{b, a}, "ab", "c"),
		"one article":    g.List([]*site.Article{a}, "ab", "c"),
		"the strings":    g.List([]*site.Article{a, b}, "ab", "d"),
		"where they end": g.List([]*site.Article{a, b}, "a", "bc"),
	} {
		if other == base {
			t.Errorf("changing %s leaves the list's signature as it was", name)
		}
	}
}

// TestListByPlace checks that a list signs its articles as one by one,
// however they lie in Site.Articles: in a run, found by place from the
// first, or apart, backwards, repeated, or not in the site at all.
func TestListByPlace(t *testing.T) {
	s, _ := fullSite(t)
	g := NewSigner(s, loadSigned(t, nil, signTheme(nil)))
	all := s.Articles
	if len(all) < 2 {
		t.Fatalf("the site has %d articles; the test needs 2", len(all))
	}
	// A copy of the second article, changed, which the signer finds at
	// the second's place but must not take for it.
	outside, file := *all[1], *all[1].Article
	file.Sum++
	outside.Article = &file
	for name, list := range map[string][]*site.Article{
		"a run":                 all,
		"a run from the second": all[1:],
		"backwards":             {all[1], all[0]},
		"repeated":              {all[0], all[0], all[1], all[1]},
		"with one outside":      {all[0], &outside, all[1]},
		"outside first":         {&outside, all[1]},
	} {
		h := newHash()
		num(h, g.global)
		str(h, "x")
		for _, a := range list {
			g.writeArticle(h, a)
		}
		if got, want := g.List(list, "x"), h.Sum64(); got != want {
			t.Errorf("%s: List signs %x; one by one, %x", name, got, want)
		}
	}
}
