package render

import (
	"encoding/json"
	"html/template"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/digest/digest/generator/config"
	"github.com/digest/digest/generator/content"
	"github.com/digest/digest/generator/i18n"
	"github.com/digest/digest/generator/site"
	"github.com/digest/digest/internal/testkit"
)

func testConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte("base_url: https://example.org/news/\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Locale, err = i18n.Load(cfg.Language, []fs.FS{testkit.Theme()}, func(_ int, name string) string { return name })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestJSONLDEscaping renders values that try to leave the script element
// and wants them back, unchanged, from the JSON inside it.
func TestJSONLDEscaping(t *testing.T) {
	tmpl := template.Must(template.New("t").Funcs(Funcs(testConfig(t))).Parse(
		`<script type="application/ld+json">{{jsonld (dict "@type" "NewsArticle" "headline" .)}}</script>`))
	for _, headline := range []string{
		`</script><script>alert(1)</script>`,
		`</SCRIPT ><img src=x onerror=alert(1)>`,
		`<!-- <script> -->`,
		`Tom & Jerry "quoted" 'single' \ backslash`,
		"line\u2028separator\u2029paragraph",
		`]]> {{.}} ${x}`,
	} {
		var b strings.Builder
		if err := tmpl.Execute(&b, headline); err != nil {
			t.Fatalf("jsonld %q: %v", headline, err)
		}
		out := b.String()
		const open, end = `<script type="application/ld+json">`, `</script>`
		inner, ok := strings.CutPrefix(out, open)
		if !ok || strings.Count(strings.ToLower(out), "</script") != 1 || !strings.HasSuffix(out, end) {
			t.Errorf("jsonld %q broke out of its script element:\n%s", headline, out)
			continue
		}
		inner = strings.TrimSuffix(inner, end)
		if strings.ContainsAny(inner, "<>") || strings.Contains(inner, "&") {
			t.Errorf("jsonld %q left <, > or & unescaped: %s", headline, inner)
		}
		var got map[string]string
		if err := json.Unmarshal([]byte(inner), &got); err != nil {
			t.Errorf("jsonld %q is not JSON: %v\n%s", headline, err, inner)
			continue
		}
		if got["headline"] != headline || got["@type"] != "NewsArticle" {
			t.Errorf("jsonld %q round-trips to %q", headline, got)
		}
	}
}

func TestJSONLDLeavesOutEmpty(t *testing.T) {
	got, err := jsonLD(map[string]any{
		"name": "x", "empty": "", "nil": nil, "list": []any{}, "zero": 0, "false": false,
		"author":  map[string]any{"name": ""},
		"nested":  map[string]any{"a": "b", "c": ""},
		"strings": []string{"a", "b"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"false":false,"name":"x","nested":{"a":"b"},"strings":["a","b"],"zero":0}`
	if string(got) != want {
		t.Errorf("jsonLD = %s; want %s", got, want)
	}
}

func TestDict(t *testing.T) {
	m, err := dict("a", 1, "b", "two")
	if err != nil || !reflect.DeepEqual(m, map[string]any{"a": 1, "b": "two"}) {
		t.Errorf("dict(a 1 b two) = %v, %v", m, err)
	}
	if _, err := dict("a"); err == nil {
		t.Error("dict with an odd number of arguments: no error")
	}
	if _, err := dict(1, 2); err == nil {
		t.Error("dict with a number as key: no error")
	}
}

func TestAbsURL(t *testing.T) {
	cfg := testConfig(t)
	for _, tt := range []struct{ in, want string }{
		{"/news/images/map.svg", "https://example.org/news/images/map.svg"},
		{"images/map.svg", "https://example.org/news/images/map.svg"},
		{"/news/tags/société/", "https://example.org/news/tags/soci%C3%A9t%C3%A9/"},
		{"/news/tags/soci%C3%A9t%C3%A9/", "https://example.org/news/tags/soci%C3%A9t%C3%A9/"},
		{"https://cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg"},
		{"//cdn.example.com/a.jpg", "//cdn.example.com/a.jpg"},
		{"/https://x/", "https://example.org/https://x/"},
		{"mailto:curator@example.org", "mailto:curator@example.org"},
	} {
		if got := absURL(cfg, tt.in); got != tt.want {
			t.Errorf("absURL(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSiteURL(t *testing.T) {
	for _, tt := range []struct{ base, in, want string }{
		{"https://example.org/", "/", "/"},
		{"https://example.org/", "/tags/", "/tags/"},
		{"https://example.org/", "style.css", "/style.css"},
		{"https://example.org/news/", "/", "/news/"},
		{"https://example.org/news/", "/tags/", "/news/tags/"},
		{"https://example.org/news/", "style.css", "/news/style.css"},
		{"https://example.org/news/", "/images/logo.svg", "/news/images/logo.svg"},
		{"https://example.org/news/", "https://cdn.example.com/a.js", "https://cdn.example.com/a.js"},
		{"https://example.org/news/", "//cdn.example.com/a.js", "//cdn.example.com/a.js"},
		{"https://example.org/news/", "mailto:curator@example.org", "mailto:curator@example.org"},
	} {
		cfg, err := config.Parse([]byte("base_url: " + tt.base + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := siteURL(cfg, tt.in); got != tt.want {
			t.Errorf("base %s: url %q = %q; want %q", tt.base, tt.in, got, tt.want)
		}
	}
}

func TestListItems(t *testing.T) {
	cfg := testConfig(t)
	items := listItems(cfg, []*site.Article{{URL: "/news/2017/05/31/a/"}, {URL: "/news/2017/05/30/b/"}})
	got, err := jsonLD(map[string]any{"itemListElement": items})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"itemListElement":[{"@type":"ListItem","position":1,"url":"https://example.org/news/2017/05/31/a/"},` +
		`{"@type":"ListItem","position":2,"url":"https://example.org/news/2017/05/30/b/"}]}`
	if string(got) != want {
		t.Errorf("listItems = %s; want %s", got, want)
	}
}

func TestNewsArticleAndItemList(t *testing.T) {
	cfg, err := config.Parse([]byte("title: T\nbase_url: https://example.org/\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := &site.Site{Config: cfg}
	a := &site.Article{Article: &content.Article{Title: `</script><script>alert(1)</script>`, Date: time.Date(2017, 5, 31, 10, 4, 0, 0, time.UTC)}, URL: "/a/"}
	js, err := newsArticle(&Data{Site: s, Article: a, Permalink: "https://example.org/a/"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), "</script") {
		t.Errorf("newsArticle leaks a script end: %s", js)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(js), &got); err != nil || got["headline"] != a.Title || got["datePublished"] != "2017-05-31T10:04:00Z" {
		t.Errorf("newsArticle = %s (%v)", js, err)
	}
	list, err := itemList(&Data{Site: s, Pager: &site.Pager{Items: []*site.Article{a}}, Permalink: "https://example.org/"})
	if err != nil || !strings.Contains(string(list), `"url":"https://example.org/a/"`) {
		t.Errorf("itemList = %s, %v", list, err)
	}
	if later, _ := itemList(&Data{Site: s, Pager: &site.Pager{Number: 2, Items: []*site.Article{a}}}); later != "" {
		t.Errorf("itemList of page 2 of a list = %q; want nothing", later)
	}
	if empty, _ := itemList(&Data{Site: s}); empty != "" {
		t.Errorf("itemList of a page without a list = %q; want nothing", empty)
	}
}
