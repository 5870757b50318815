package site

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/digest/digest/generator/slug"
)

// Source is one publisher the digest picked stories from: every article
// whose source has the same slug. Its page is /sources/<slug>/.
type Source struct {
	Name     string // display name: the spelling most articles use
	Slug     string
	URL      string
	Articles []*Article // newest first
}

// Count is the number of articles from the source.
func (s *Source) Count() int { return len(s.Articles) }

// sourceName is the name an article is listed under: its source, else the
// host of its source URL without "www.". It is empty when the article has
// neither, or when neither gives a slug.
func sourceName(a *Article) string {
	if name := strings.TrimSpace(a.Article.Source); slug.Make(name) != "" {
		return name
	}
	u, err := url.Parse(a.SourceURL)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// buildSources groups the articles, newest first, by the slug of their
// source, sets each article's Publisher, and returns the sources A to Z.
// A source's display name is the spelling most of its articles use, the
// oldest article's breaking ties, as for tags.
func buildSources(articles []*Article) []*Source {
	type tally struct {
		src      *Source
		spelling map[string]int
		order    []string // spellings in the order first seen, oldest first
	}
	bySlug := map[string]*tally{}
	var order []*tally
	for i := len(articles) - 1; i >= 0; i-- {
		a := articles[i]
		name := sourceName(a)
		s := slug.Make(name)
		if s == "" {
			continue
		}
		t := bySlug[s]
		if t == nil {
			t = &tally{src: &Source{Slug: s, URL: "/sources/" + s + "/"}, spelling: map[string]int{}}
			bySlug[s] = t
			order = append(order, t)
		}
		if t.spelling[name] == 0 {
			t.order = append(t.order, name)
		}
		t.spelling[name]++
		t.src.Articles = append(t.src.Articles, a)
		a.Publisher = t.src
	}
	sources := make([]*Source, 0, len(order))
	for _, t := range order {
		slices.Reverse(t.src.Articles)
		best := 0
		for _, name := range t.order {
			if n := t.spelling[name]; n > best {
				t.src.Name, best = name, n
			}
		}
		sources = append(sources, t.src)
	}
	slices.SortFunc(sources, func(a, b *Source) int {
		if c := cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return cmp.Compare(a.Slug, b.Slug)
	})
	return sources
}
