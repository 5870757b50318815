package site

import (
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
	URL      string     // empty when site.yaml switches source pages off
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
// oldest article's breaking ties, as for tags. A source's URL is index,
// the URL of the source index, and its slug.
func buildSources(articles []*Article, index string) []*Source {
	type tally struct {
		src       *Source
		spellings spellings // first seen: the oldest article's
	}
	bySlug := map[string]*tally{}
	// The same few sources recur on many articles: each spelling of a
	// source is trimmed and slugged once.
	type named struct{ name, slug string }
	bySource := map[string]named{}
	var order []*tally
	for i := len(articles) - 1; i >= 0; i-- {
		a := articles[i]
		var name, s string
		if n, ok := bySource[a.Article.Source]; ok {
			name, s = n.name, n.slug
		} else {
			name = sourceName(a)
			s = slug.Make(name)
			// Only a name the source gave stands for every article of that
			// source; one from a source URL is the article's own.
			if s != "" && name == strings.TrimSpace(a.Article.Source) {
				bySource[a.Article.Source] = named{name, s}
			}
		}
		if s == "" {
			continue
		}
		t := bySlug[s]
		if t == nil {
			t = &tally{src: &Source{Slug: s, URL: index + s + "/"}}
			bySlug[s] = t
			order = append(order, t)
		}
		t.spellings.add(name)
		t.src.Articles = append(t.src.Articles, a)
		a.Publisher = t.src
	}
	sources := make([]*Source, 0, len(order))
	for _, t := range order {
		slices.Reverse(t.src.Articles)
		t.src.Name = t.spellings.best()
		sources = append(sources, t.src)
	}
	slices.SortFunc(sources, func(a, b *Source) int { return byName(a.Name, a.Slug, b.Name, b.Slug) })
	return sources
}
