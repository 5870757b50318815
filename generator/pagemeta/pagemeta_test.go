package pagemeta

import (
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestExtract(t *testing.T) {
	t.Parallel()
	page, _ := url.Parse("https://www.example.org/2017/05/page?x=1")
	tests := []struct {
		file string
		want Meta
	}{
		{"opengraph.html", Meta{
			Title:       "Tom & Jerry's big day",
			Description: "A <b>cat</b> and a mouse.",
			Published:   time.Date(2017, 5, 31, 2, 4, 0, 0, time.UTC),
			Author:      "Jane Q. Writer",
			SiteName:    "The Daily Example",
			Image:       "https://cdn.example.org/news/img/lead.jpg?w=1200&h=630",
			Canonical:   "https://www.example.org/2017/05/tom-jerry?utm_source=fb",
			Tags:        []string{"Cartoons", "Cats"},
		}},
		{"twitter.html", Meta{
			Title:       "Marawi siege enters its sixth week",
			Description: "Fighting continues.",
			Image:       "https://www.example.org/images/marawi.jpg",
		}},
		{"jsonld.html", Meta{
			Title:       "Envoy says China presses North Korea & Japan",
			Description: "The envoy spoke.",
			Published:   time.Date(2017, 5, 31, 2, 4, 0, 0, time.UTC),
			Author:      "A. Writer, B. Writer",
			SiteName:    "INQUIRER.net",
			Image:       "https://img.example.org/envoy.jpg",
			Tags:        []string{"China", "North Korea", "US"},
		}},
		{"jsonld-array.html", Meta{
			Title:     "A post",
			Published: time.Date(2017, 5, 31, 0, 0, 0, 0, time.UTC),
			Author:    "Blogger",
			Image:     "https://www.example.org/2017/p.png",
		}},
		{"plain.html", Meta{
			Title:       "Duterte declares martial law — Mindanao",
			Description: "Plain & simple.",
			Author:      "Reporter",
			Canonical:   "https://www.example.org/story/42",
		}},
		{"none.html", Meta{}},
	}
	for _, tt := range tests {
		src, err := os.ReadFile("testdata/" + tt.file)
		if err != nil {
			t.Fatal(err)
		}
		got := Extract(page, src)
		if !got.Published.Equal(tt.want.Published) {
			t.Errorf("%s: Published = %v; want %v", tt.file, got.Published, tt.want.Published)
		}
		got.Published, tt.want.Published = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Extract =\n%+v; want\n%+v", tt.file, got, tt.want)
		}
	}
}

// TestDeepJSONLD checks that nesting past maxDepth is given up, not
// followed until the stack runs out.
func TestDeepJSONLD(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("[", 100000) + `{"@type":"Article","headline":"Deep"}` + strings.Repeat("]", 100000)
	page, _ := url.Parse("https://example.org/")
	m := Extract(page, []byte(`<script type="application/ld+json">`+deep+`</script>`))
	if m.Title != "" {
		t.Errorf("Title = %q; want nothing from an article nested 100000 deep", m.Title)
	}
}

// FuzzExtract checks that any page gives metadata digest can write: text
// on one line, and addresses that are absolute http(s).
func FuzzExtract(f *testing.F) {
	for _, name := range []string{"opengraph.html", "twitter.html", "jsonld.html", "jsonld-array.html", "plain.html", "none.html"} {
		src, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(src))
	}
	page, _ := url.Parse("https://example.org/a/b")
	f.Fuzz(func(t *testing.T, src string) {
		m := Extract(page, []byte(src))
		for _, s := range append([]string{m.Title, m.Description, m.Author, m.SiteName}, m.Tags...) {
			if strings.ContainsAny(s, "\n\t") || s != strings.TrimSpace(s) {
				t.Errorf("text %q is not tidied", s)
			}
		}
		for _, s := range []string{m.Image, m.Canonical} {
			if s == "" {
				continue
			}
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Errorf("address %q is not absolute http(s)", s)
			}
		}
	})
}
