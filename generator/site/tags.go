package site

import (
	"slices"

	"github.com/digest/digest/generator/slug"
)

// Tag is one tag of the site: every spelling with the same slug.
type Tag struct {
	Name     string // display name
	Slug     string
	URL      string
	Articles []*Article // newest first

	id int // position in Site.Tags
}

// Count is the number of articles with the tag.
func (t *Tag) Count() int { return len(t.Articles) }

// buildTags merges the articles' tags by slug, after mapping synonyms
// through aliases, and picks each tag's display name: the alias target,
// else the spelling most articles use, else the first spelling seen. A
// tag's URL is index, the URL of the tag index, and its slug.
func buildTags(articles []*Article, aliases map[string]string, index string) []*Tag {
	target := make(map[string]string, len(aliases)) // slug of synonym → target name
	named := make(map[string]string, len(aliases))  // slug of target → target name
	for from, to := range aliases {
		target[slug.Make(from)] = to
		named[slug.Make(to)] = to
	}
	type tally struct {
		tag       *Tag
		spellings spellings
	}
	bySlug := map[string]*tally{}
	slugs := map[string]string{} // the same few names recur on many articles
	var order []*tally
	// Articles are newest first; the first spelling seen is the oldest.
	for i := len(articles) - 1; i >= 0; i-- {
		a := articles[i]
		a.Tags = make([]*Tag, 0, len(a.Article.Tags))
		for _, name := range a.Article.Tags {
			s, ok := slugs[name]
			if !ok {
				s = slug.Make(name)
				slugs[name] = s
			}
			if to, ok := target[s]; ok {
				name, s = to, slug.Make(to)
			}
			t := bySlug[s]
			if t != nil && slices.Contains(a.Tags, t.tag) {
				continue // two spellings of one tag on one article
			}
			if t == nil {
				t = &tally{tag: &Tag{Slug: s, URL: index + s + "/"}}
				bySlug[s] = t
				order = append(order, t)
			}
			t.spellings.add(name)
			t.tag.Articles = append(t.tag.Articles, a)
			a.Tags = append(a.Tags, t.tag)
		}
	}
	tags := make([]*Tag, 0, len(order))
	for _, t := range order {
		slices.Reverse(t.tag.Articles)
		t.tag.Name = named[t.tag.Slug]
		if t.tag.Name == "" {
			t.tag.Name = t.spellings.best()
		}
		tags = append(tags, t.tag)
	}
	slices.SortFunc(tags, func(a, b *Tag) int { return byName(a.Name, a.Slug, b.Name, b.Slug) })
	return tags
}
