package site

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/spool"
)

func newSite(t *testing.T, yaml string, articles ...*content.Article) (*Site, error) {
	t.Helper()
	cfg, err := config.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range articles {
		if a.Slug == "" {
			a.Slug = strings.ToLower(strings.ReplaceAll(a.Title, " ", "-"))
		}
		a.Date = a.Date.In(cfg.Location)
	}
	c := &content.Content{Articles: articles}
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	return New(cfg, c, Options{Now: now}, renderer(func(src string) Body {
		return Body{HTML: spool.Mem(src), Summary: "summary of " + src}
	}))
}

// renderer is a Renderer that reads the Markdown and renders it with f.
func renderer(f func(src string) Body) Renderer {
	return func(md spool.Text, _ uint64) (Body, error) {
		src, err := md.Get()
		return f(src), err
	}
}

func day(d int, hour int) time.Time { return time.Date(2017, 5, d, hour, 0, 0, 0, time.UTC) }

func art(file, title string, date time.Time, tags ...string) *content.Article {
	return &content.Article{File: file, Title: title, Date: date, Tags: tags}
}

func TestTagNames(t *testing.T) {
	tests := []struct {
		name    string
		aliases string
		tags    [][]string // per article, oldest first
		want    string     // "slug=Name:count ..." in index order
	}{
		{"most used spelling wins", "", [][]string{{"north korea"}, {"North Korea"}, {"North Korea"}}, "north-korea=North Korea:3"},
		{"first seen breaks ties", "", [][]string{{"North korea"}, {"north-korea"}}, "north-korea=North korea:2"},
		{"one article, two spellings counts once", "", [][]string{{"US", "us"}}, "us=US:1"},
		// "X" is first met on the oldest article, beside "x", where it does
		// not count: its first count comes after "X."'s, which wins the tie.
		{"a spelling not counted is not seen", "", [][]string{{"x", "X"}, {"X."}, {"X"}, {"X."}, {"X"}}, "x=X.:5"},
		{"alias target names the tag", `tag_aliases: {"N. Korea": "North Korea"}`, [][]string{{"N. Korea"}, {"north korea"}, {"north korea"}}, "north-korea=North Korea:3"},
		{"unicode case folds", "", [][]string{{"Société Générale"}, {"SOCIÉTÉ générale"}}, "société-générale=Société Générale:2"},
		{"index sorted by name", "", [][]string{{"b", "A", "c"}}, "a=A:1 b=b:1 c=c:1"},
	}
	for _, tt := range tests {
		var articles []*content.Article
		for i, tags := range tt.tags {
			articles = append(articles, art("a"+string(rune('a'+i))+".md", "T"+string(rune('a'+i)), day(1+i, 0), tags...))
		}
		s, err := newSite(t, tt.aliases, articles...)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, tag := range s.Tags {
			got = append(got, tag.Slug+"="+tag.Name+":"+string(rune('0'+tag.Count())))
			if tag.URL != "/tags/"+tag.Slug+"/" {
				t.Errorf("%s: URL %q", tt.name, tag.URL)
			}
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%s: tags = %q; want %q", tt.name, g, tt.want)
		}
	}
}

func TestCalendarFollowsTimezone(t *testing.T) {
	late := art("late.md", "Late", time.Date(2016, 11, 30, 18, 0, 0, 0, time.FixedZone("EST", -5*3600)))
	early := art("early.md", "Early", time.Date(2016, 11, 30, 9, 0, 0, 0, time.UTC))
	s, err := newSite(t, "timezone: Asia/Manila", late, early)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Articles[0].URL; got != "/2016/12/01/late/" {
		t.Errorf("late article URL = %q; want /2016/12/01/late/", got)
	}
	var eds []string
	for _, e := range s.Editions {
		eds = append(eds, e.URL)
	}
	if got := strings.Join(eds, " "); got != "/2016/12/01/ /2016/11/30/" {
		t.Errorf("editions = %q", got)
	}
	if len(s.Months) != 2 || len(s.Years) != 1 || s.Years[0].Count != 2 || len(s.Years[0].Months) != 2 {
		t.Errorf("months %d, years %d; want 2 months in 1 year of 2 articles", len(s.Months), len(s.Years))
	}
}

func TestOrderAndSummary(t *testing.T) {
	a := art("a.md", "A", day(2, 0))
	b := art("b.md", "B", day(2, 0))
	c := art("c.md", "C", day(3, 0))
	c.Summary = "given"
	a.Markdown = spool.Mem("body")
	// A second's fraction orders too: RFC 3339 dates may give one.
	d := art("d.md", "D", day(2, 0).Add(time.Millisecond))
	d.Summary = "later"
	s, err := newSite(t, "", a, b, c, d)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range s.Articles {
		got = append(got, x.Title+":"+x.Summary)
	}
	if g := strings.Join(got, " "); g != "C:given D:later A:summary of body B:summary of " {
		t.Errorf("articles = %q; want newest first, same time by file, summaries filled", g)
	}
}

func TestDraftsAndFuture(t *testing.T) {
	d := art("d.md", "D", day(1, 0))
	d.Draft = true
	f := art("f.md", "F", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := newSite(t, "", d, f, art("a.md", "A", day(1, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Articles) != 1 || s.Skipped.Drafts != 1 || s.Skipped.Future != 1 {
		t.Errorf("published %d, skipped %+v; want 1 and one of each", len(s.Articles), s.Skipped)
	}
}

// TestPaginate splits lists of n items into pages numbered from the
// oldest. Items are named by their place from the oldest, 0 first; each
// page is written "number URL [items, newest first] newer older".
func TestPaginate(t *testing.T) {
	tests := []struct {
		n, size int
		want    []string
	}{
		{0, 3, []string{"1/1 / [] - -"}},
		{1, 3, []string{"1/1 / [0] - -"}},
		{2, 3, []string{"1/1 / [1 0] - -"}},
		{3, 3, []string{"1/1 / [2 1 0] - -"}},
		{4, 3, []string{"1/1 / [3 2 1 0] - -"}},
		{5, 3, []string{"1/1 / [4 3 2 1 0] - -"}},
		{6, 3, []string{"2/2 / [5 4 3] - /page/1/", "1/2 /page/1/ [2 1 0] / -"}},
		{7, 3, []string{"2/2 / [6 5 4 3] - /page/1/", "1/2 /page/1/ [2 1 0] / -"}},
		{18, 3, []string{
			"6/6 / [17 16 15] - /page/5/",
			"5/6 /page/5/ [14 13 12] / /page/4/",
			"4/6 /page/4/ [11 10 9] /page/5/ /page/3/",
			"3/6 /page/3/ [8 7 6] /page/4/ /page/2/",
			"2/6 /page/2/ [5 4 3] /page/3/ /page/1/",
			"1/6 /page/1/ [2 1 0] /page/2/ -",
		}},
		{0, 1, []string{"1/1 / [] - -"}},
		{1, 1, []string{"1/1 / [0] - -"}},
		{2, 1, []string{"2/2 / [1] - /page/1/", "1/2 /page/1/ [0] / -"}},
		{3, 1, []string{"3/3 / [2] - /page/2/", "2/3 /page/2/ [1] / /page/1/", "1/3 /page/1/ [0] /page/2/ -"}},
	}
	or := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	for _, tt := range tests {
		articles := make([]*Article, tt.n)
		for i := range articles {
			articles[i] = &Article{URL: strconv.Itoa(tt.n - 1 - i)}
		}
		var got []string
		for _, p := range Paginate(articles, tt.size, "/") {
			var items []string
			for _, a := range p.Items {
				items = append(items, a.URL)
			}
			got = append(got, fmt.Sprintf("%d/%d %s [%s] %s %s", p.Number, p.Total, p.URL, strings.Join(items, " "), or(p.PrevURL), or(p.NextURL)))
			if p.First != "/" || p.Front() != (p.URL == "/") {
				t.Errorf("Paginate(%d, %d): page %d: First %q, Front %v", tt.n, tt.size, p.Number, p.First, p.Front())
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Paginate(%d, %d) =\n\t%s\nwant\n\t%s", tt.n, tt.size, strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
		}
	}
}

// TestPaginateIssues splits the list of issues as Paginate does articles.
func TestPaginateIssues(t *testing.T) {
	issues := make([]*Issue, 5)
	for i := range issues {
		issues[i] = &Issue{URL: fmt.Sprintf("/issues/%d/", 5-i)}
	}
	var got []string
	for _, p := range PaginateIssues(issues, 2, "/issues/") {
		var urls []string
		for _, is := range p.Issues {
			urls = append(urls, is.URL)
		}
		got = append(got, fmt.Sprintf("%s %v", p.URL, urls))
	}
	want := []string{"/issues/ [/issues/5/ /issues/4/ /issues/3/]", "/issues/page/1/ [/issues/2/ /issues/1/]"}
	if !slices.Equal(got, want) {
		t.Errorf("PaginateIssues = %q; want %q", got, want)
	}
}

// TestLazyBodies checks that neither the model nor its spool reads a
// body the renderer left where it was (spool.Lazy), and that the article
// reads it when asked for its body.
func TestLazyBodies(t *testing.T) {
	cfg, err := config.Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	var reads atomic.Int64
	render := func(md spool.Text, _ uint64) (Body, error) {
		html := "<p>body</p>"
		return Body{HTML: spool.Lazy(len(html), func() (string, error) {
			reads.Add(1)
			return html, nil
		}), Summary: "summary"}, nil
	}
	a := art("a.md", "A", day(1, 0))
	a.Markdown = spool.Lazy(3, func() (string, error) { t.Error("the model read the Markdown"); return "", nil })
	sp := spool.New(t.TempDir(), 0)
	defer sp.Close()
	s, err := New(cfg, &content.Content{Articles: []*content.Article{a}}, Options{Now: day(2, 0), Consume: true, Spool: sp}, render)
	if err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 0 {
		t.Errorf("the model read the body %d times", n)
	}
	if body, err := s.Articles[0].Body(); body != "<p>body</p>" || err != nil || reads.Load() != 1 {
		t.Errorf("Body() = %q, %v after %d reads; want the body, read once", body, err, reads.Load())
	}
	if s.Articles[0].Summary != "summary" {
		t.Errorf("summary %q; want the renderer's", s.Articles[0].Summary)
	}
}

// TestConsume checks that a model built with Consume, with or without a
// spool for the bodies, is the one built without, and that no article or
// page keeps its Markdown then.
func TestConsume(t *testing.T) {
	cfg, err := config.Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	newContent := func() *content.Content {
		d := art("d.md", "D", day(1, 0))
		d.Draft = true
		articles := []*content.Article{d, art("f.md", "F", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)), art("a.md", "A", day(2, 0), "x"), art("b.md", "B", day(1, 0), "x")}
		for _, a := range articles {
			a.Slug, a.Markdown = strings.ToLower(a.Title), spool.Mem("Body of "+a.Title)
		}
		return &content.Content{Articles: articles, Pages: []*content.Page{{File: "p.md", Name: "about", Title: "About", Markdown: spool.Mem("About us")}}}
	}
	render := renderer(func(src string) Body { return Body{HTML: spool.Mem(src), Summary: src} })
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	kept := newContent()
	want, err := New(cfg, kept, Options{Now: now}, render)
	if err != nil {
		t.Fatal(err)
	}
	sp := spool.New(t.TempDir(), 0)
	defer sp.Close()
	for _, opts := range []Options{{Now: now, Consume: true}, {Now: now, Consume: true, Spool: sp}} {
		consumed := newContent()
		got, err := New(cfg, consumed, opts, render)
		if err != nil {
			t.Fatal(err)
		}
		spooled := opts.Spool != nil
		if len(got.Articles) != 2 {
			t.Fatalf("spooled %v: %d articles; want 2", spooled, len(got.Articles))
		}
		for i, a := range append(got.Articles, want.Articles...) {
			if _, err := a.Body(); err != nil {
				t.Fatalf("article %d: %v", i, err)
			}
		}
		for i, a := range got.Articles {
			w := want.Articles[i]
			body, _ := a.Body()
			wbody, _ := w.Body()
			if a.URL != w.URL || body != wbody || a.Summary != w.Summary {
				t.Errorf("spooled %v: article %d = %s %q %q; want %s %q %q", spooled, i, a.URL, body, a.Summary, w.URL, wbody, w.Summary)
			}
		}
		body, _ := got.Pages[0].Body()
		if wbody, _ := want.Pages[0].Body(); body != wbody {
			t.Errorf("spooled %v: page body %q; want %q", spooled, body, wbody)
		}
		for _, a := range consumed.Articles {
			if a.Markdown.Len() != 0 {
				t.Errorf("spooled %v: %s keeps its Markdown", spooled, a.File)
			}
		}
		if consumed.Pages[0].Markdown.Len() != 0 {
			t.Errorf("spooled %v: the page keeps its Markdown", spooled)
		}
	}
	for _, a := range kept.Articles {
		if a.Markdown.Len() == 0 {
			t.Errorf("%s lost its Markdown without Consume", a.File)
		}
	}
}

// TestImageURL checks the lead image's URL: a path from the site's root
// or from the article's page (an article folder's file) becomes a URL of
// the site with its path, so that every page and feed gets one URL.
func TestImageURL(t *testing.T) {
	const page = "/news/2017/05/31/envoy/"
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"map.png", page + "map.png"},
		{"./map.png", page + "map.png"},
		{"img/map.png", page + "img/map.png"},
		{"../../30/plain/map.png", "/news/2017/05/30/plain/map.png"},
		{"map.png?v=2#x", page + "map.png?v=2#x"},
		{"images/a:b.png", page + "images/a:b.png"},
		{"/images/map.png", "/news/images/map.png"},
		{"https://cdn.example/map.png", "https://cdn.example/map.png"},
		{"//cdn.example/map.png", "//cdn.example/map.png"},
	} {
		s, err := newSite(t, "base_url: https://example.org/news/\n", &content.Article{File: "content/2017/envoy/index.md", Title: "Envoy", Date: day(31, 1), Image: tt.in})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Articles[0].Image; got != tt.want {
			t.Errorf("image %q: URL %q; want %q", tt.in, got, tt.want)
		}
	}
}
